"""Stations: where vessels wait for a resource (compiled with mypyc with the engine).

- :mod:`sim.engine.stations.base` - :class:`Station`, what every station shares (pending
  arrivals, the wake-up of idle servers, holds), :class:`Overloaded`, downtime windows;
- :mod:`sim.engine.stations.lock` - :class:`LockStation`, a lock and its chambers;
- :mod:`sim.engine.stations.terminal` - :class:`TerminalStation`, a terminal's berth groups;
- :mod:`sim.engine.stations.diverter` - :class:`Diverter`, the choice of terminal;
- :mod:`sim.engine.stations.servers` - :class:`ServerStop`, identical servers first come first
  served: the station of the stop kinds registered in :mod:`sim.facilities`.
"""

from sim.engine.stations.base import Overloaded, Station, merge_windows, weather_check
from sim.engine.stations.diverter import Diverter
from sim.engine.stations.lock import LockStation
from sim.engine.stations.servers import ServerStop
from sim.engine.stations.terminal import TerminalStation

__all__ = [
    "Diverter",
    "LockStation",
    "Overloaded",
    "ServerStop",
    "Station",
    "TerminalStation",
    "merge_windows",
    "weather_check",
]
