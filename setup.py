"""Build hook: compile the engine's event loop with mypyc.

The engine's modules are plain, type-annotated Python; mypyc turns them into a C extension
that runs a replication about three times as fast. Everything else in hubsim is pure Python.
Compiling needs a C compiler and the Python headers; without them (or with
``HUBSIM_PURE_PYTHON=1`` set at install) hubsim installs without the extension and the engine
runs as Python, with identical results. The project's metadata is in ``pyproject.toml``.
"""

import ast
import hashlib
import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def _engine_modules() -> tuple[str, ...]:
    """The engine's compiled modules, as ``sim/engine/__init__.py`` lists them
    (``COMPILED_MODULES``, by name under sim.engine: ``stations.base`` is
    sim/engine/stations/base.py); read from the file, since importing the engine needs numpy
    and SimPy, which the build does not have."""
    tree = ast.parse((ROOT / "sim/engine/__init__.py").read_text())
    for node in tree.body:
        names = [t.id for t in getattr(node, "targets", ()) if isinstance(t, ast.Name)]
        if isinstance(node, ast.Assign) and names == ["COMPILED_MODULES"]:
            return tuple(ast.literal_eval(node.value))
    raise RuntimeError("sim/engine/__init__.py: no COMPILED_MODULES")


#: compiled together, in one extension group
ENGINE = _engine_modules()
SOURCES = [f"sim/engine/{name.replace('.', '/')}.py" for name in ENGINE]
#: the fingerprint of the sources compiled: sim.engine uses the extension only while the sources
#: beside it still match it (an edited engine runs as Python until rebuilt). It is written only
#: after mypyc accepted the sources and removed when the build fails, so that extension files
#: left from an earlier build are never trusted for sources they were not built from.
FINGERPRINT = ROOT / "sim/engine/_compiled.sha256"


class OptionalBuildExt(build_ext):
    """Build the engine's extension if this machine can; otherwise say so and go on."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # compiler missing or failing: fall back to Python
            FINGERPRINT.unlink(missing_ok=True)
            _fall_back(error)


def _ext_modules():  # type: ignore[no-untyped-def]
    if os.environ.get("HUBSIM_PURE_PYTHON"):
        FINGERPRINT.unlink(missing_ok=True)
        return []
    from mypyc.build import mypycify

    digest = hashlib.sha256(b"".join((ROOT / s).read_bytes() for s in SOURCES)).hexdigest()
    try:
        modules = mypycify(SOURCES, opt_level="3", group_name="hubsim_engine")
    except (Exception, SystemExit) as error:  # mypyc rejects the sources: install as Python
        FINGERPRINT.unlink(missing_ok=True)
        _fall_back(error)
        return []
    FINGERPRINT.write_text(digest + "\n")
    return modules


def _fall_back(error: BaseException) -> None:
    reason = "mypyc rejected its sources, see above" if isinstance(error, SystemExit) else error
    print(
        f"hubsim: the engine could not be compiled ({reason}); it will run as Python, "
        "about three times slower, with the same results",
        file=sys.stderr,
    )


setup(ext_modules=_ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
