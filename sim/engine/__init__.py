"""The discrete-event engine (SimPy): locks, berths and yards; reads no files, plots nothing."""

from sim.engine.core import Overloaded, Records, simulate

__all__ = ["Overloaded", "Records", "simulate"]
