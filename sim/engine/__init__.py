"""The discrete-event engine: a SimPy environment with hubsim's compiled fast path for ships,
locks, berths and yards (see :mod:`sim.engine.environment`); reads no files, plots nothing.

The event-loop modules (:data:`COMPILED_MODULES`) are compiled with mypyc when hubsim is
installed (see ``setup.py``); the compiled engine and the Python sources give identical
results. The sources are used instead of the extension when

- ``HUBSIM_PURE_PYTHON=1`` is set (for debugging and for the equivalence tests), or
- the sources no longer match the extension (an engine edited since the last build; rebuild
  with ``make`` or ``pip install -e .``).

:data:`COMPILED` says which one runs.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path

#: the modules compiled together, in import order, by name under ``sim.engine``
#: (``stations.base`` is ``sim/engine/stations/base.py``); setup.py reads this list
COMPILED_MODULES = (
    "heap",
    "columns",
    "context",
    "stations.base",
    "stations.lock",
    "stations.terminal",
    "stations.diverter",
    "stations.servers",
    "landside",
    "core",
)


def _source(here: Path, name: str) -> Path:
    """The source file of compiled module ``name`` (``stations.base``: ``stations/base.py``)."""
    return here.joinpath(*name.split(".")).with_suffix(".py")


def _extension_usable(here: Path) -> bool:
    """Whether every compiled module is built and was built from the sources beside it."""
    suffixes = importlib.machinery.EXTENSION_SUFFIXES
    for name in COMPILED_MODULES:
        source = _source(here, name)
        if not any(source.with_suffix(suffix).exists() for suffix in suffixes):
            return False
    fingerprint = here / "_compiled.sha256"
    if not fingerprint.exists():
        return False
    sources = b"".join(_source(here, name).read_bytes() for name in COMPILED_MODULES)
    return fingerprint.read_text().strip() == hashlib.sha256(sources).hexdigest()


def _load_sources(here: Path) -> None:
    """Import the engine's Python sources under their own names, ahead of any extension.

    A module of a subpackage (``stations.base``) is bound on its subpackage, which is imported
    (its ``__init__`` only re-exports) once all its compiled modules are loaded.
    """
    for name in COMPILED_MODULES:
        full = f"{__name__}.{name}"
        spec = importlib.util.spec_from_file_location(full, _source(here, name))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[full] = module
        spec.loader.exec_module(module)
        parent, _, child = full.rpartition(".")
        if parent == __name__:
            setattr(sys.modules[__name__], child, module)
    for name in COMPILED_MODULES:
        parent, _, child = f"{__name__}.{name}".rpartition(".")
        if parent != __name__:
            setattr(importlib.import_module(parent), child, sys.modules[f"{parent}.{child}"])


_here = Path(__file__).resolve().parent
COMPILED = not os.environ.get("HUBSIM_PURE_PYTHON") and _extension_usable(_here)
if not COMPILED:
    _load_sources(_here)

from sim.engine.environment import HubEnvironment, simulate  # noqa: E402
from sim.engine.records import Records  # noqa: E402
from sim.engine.stations import Overloaded  # noqa: E402

__all__ = ["COMPILED", "COMPILED_MODULES", "HubEnvironment", "Overloaded", "Records", "simulate"]
