"""The run-folder format: what ``hubsim run --out`` writes and charts and reports read back.

- :mod:`sim.results.output` - :func:`~sim.results.output.write_outputs`: KPI tables,
  event records, ``model.json``, ``summary.json`` and, on request, the charts of a run;
- :mod:`sim.results.rundata` - :class:`~sim.results.rundata.RunData`, a run as charts and
  reports read it (from a run result or a run folder);
- :mod:`sim.results.modelinfo` - :class:`~sim.results.modelinfo.ModelInfo`, the compiled
  model as ``model.json``.

Nothing is imported here: the chart modules import :mod:`sim.results.rundata`, and
:mod:`sim.results.output` draws charts.
"""
