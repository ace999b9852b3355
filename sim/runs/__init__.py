"""Runs: what turns a scenario into results, in this process or on a pool of workers.

- :mod:`sim.runs.run` - :func:`~sim.runs.run.run` (``sim.run``): compile, replicate, analyse;
  :class:`~sim.runs.run.RunResult`;
- :mod:`sim.runs.replicate` - replications of one compiled model;
- :mod:`sim.runs.capacity` - sustainable capacity and the relief of bottlenecks;
- :mod:`sim.runs.compare` - plans compared with the same random numbers;
- :mod:`sim.runs.executor` - the one local process pool every run, capacity search,
  backtest and sweep starts its workers with.

Nothing is imported here, so that a worker importing :mod:`sim.runs.executor` loads no more.
"""
