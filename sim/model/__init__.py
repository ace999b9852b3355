"""The sealed model: a validated scenario compiled into plain frozen data the engine runs on.

- :mod:`sim.model.specs` - :class:`~sim.model.specs.CompiledModel` and its ship-side specs
  (vessel classes, locks, berth groups, yards, flows, itineraries);
  :mod:`sim.model.landside` and :mod:`sim.model.operations` - the landside stages and the
  disruptions, limits, random durations, target and criteria; :mod:`sim.model.calendar` - the
  clock; :mod:`sim.model.randomness` - one random stream per source of randomness. These
  import neither pydantic nor the scenario layer nor pandas: the engine needs only them.
- :mod:`sim.model.compile` - :func:`~sim.model.compile.compile_scenario`, the compiler
  (with :mod:`sim.model.compile_landside` and :mod:`sim.model.compile_operations`); it reads
  the scenario and its network check.

Nothing is imported here, so that ``import sim.model.specs`` stays light.
"""
