"""Build hook: compile the engine's event loop with mypyc.

The engine's modules are plain, type-annotated Python; mypyc turns them into a C extension
that runs a replication about twice as fast. Everything else in hubsim is pure Python.
``HUBSIM_PURE_PYTHON=1`` at install time skips the compilation (the engine then runs as
Python, with identical results). The project's metadata is in ``pyproject.toml``.
"""

import hashlib
import os
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent
#: compiled together, in one extension group; sim/engine/__init__.py lists the same modules
ENGINE = ("heap", "stations", "landside", "core")
SOURCES = [f"sim/engine/{name}.py" for name in ENGINE]


def _ext_modules():  # type: ignore[no-untyped-def]
    if os.environ.get("HUBSIM_PURE_PYTHON"):
        return []
    from mypyc.build import mypycify

    # the fingerprint of the sources compiled: sim.engine uses the extension only while the
    # sources beside it still match it (an edited engine runs as Python until rebuilt)
    digest = hashlib.sha256(b"".join((ROOT / s).read_bytes() for s in SOURCES)).hexdigest()
    (ROOT / "sim/engine/_compiled.sha256").write_text(digest + "\n")
    return mypycify(SOURCES, opt_level="3", group_name="hubsim_engine")


setup(ext_modules=_ext_modules())
