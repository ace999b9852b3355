"""Which language hubsim writes in, and where that choice comes from.

The choice is made once, at the boundary (the CLI or a caller of the report and chart
functions), in this order: the ``--lang`` flag, the ``HUBSIM_LANG`` environment variable, the
``lang`` key of the user's config file, then English. Inside, the language is held in a
:class:`contextvars.ContextVar` set by :func:`language` for the duration of one command: code
that writes text asks :func:`current_language` (through :func:`sim.i18n.tr`) instead of being
handed a ``lang`` argument through every chart function.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Literal

__all__ = [
    "CONFIG_ENV",
    "ENV_VAR",
    "LANGUAGES",
    "Language",
    "LanguageError",
    "config_path",
    "current_language",
    "language",
    "parse_language",
    "resolve_language",
]

Language = Literal["en", "zh"]
#: The languages hubsim writes: English (the default) and Simplified Chinese.
LANGUAGES: tuple[Language, ...] = ("en", "zh")
#: Environment variable that sets the language when no ``--lang`` is given.
ENV_VAR = "HUBSIM_LANG"
#: Environment variable naming the user config file (default: see :func:`config_path`).
CONFIG_ENV = "HUBSIM_CONFIG"

# spellings accepted for each language (case-insensitive): the locale names people type
_ALIASES: dict[str, Language] = {
    "en": "en",
    "en-gb": "en",
    "en-us": "en",
    "en_gb": "en",
    "en_us": "en",
    "zh": "zh",
    "zh-cn": "zh",
    "zh_cn": "zh",
    "zh-hans": "zh",
    "zh_hans": "zh",
}

_CURRENT: contextvars.ContextVar[Language] = contextvars.ContextVar("hubsim_lang", default="en")


class LanguageError(ValueError):
    """A language setting that is not one hubsim writes; the message names where it was set."""


def parse_language(value: str, *, where: str = "--lang") -> Language:
    """The language a setting names.

    Parameters
    ----------
    value : str
        ``en`` or ``zh`` (also ``zh-CN``, ``zh_Hans``, ``en-GB`` ..., any case).
    where : str
        Where the value was set, for the message (``--lang``, ``HUBSIM_LANG``, a file).

    Raises
    ------
    LanguageError
        The value names no language hubsim writes.
    """
    found = _ALIASES.get(value.strip().lower())
    if found is None:
        raise LanguageError(f"{where}: must be en or zh (got {value!r})")
    return found


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The user config file: ``$HUBSIM_CONFIG``, else ``$XDG_CONFIG_HOME/hubsim/config.toml``,
    else ``~/.config/hubsim/config.toml``."""
    environ = os.environ if environ is None else environ
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV])
    base = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "hubsim" / "config.toml"


def _config_language(path: Path) -> Language | None:
    if not path.is_file():
        return None
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise LanguageError(f"{path}: not a readable TOML file ({error})") from None
    value = document.get("lang")
    if value is None:
        return None
    if not isinstance(value, str):
        raise LanguageError(f"{path}: lang: must be en or zh (got {value!r})")
    return parse_language(value, where=f"{path}: lang")


def resolve_language(
    flag: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    config: Path | None = None,
) -> Language:
    """The language to write in: ``flag``, else ``$HUBSIM_LANG``, else the config file's
    ``lang``, else English.

    Parameters
    ----------
    flag : str, optional
        The ``--lang`` value, if given.
    environ : mapping, optional
        Environment (default ``os.environ``).
    config : path, optional
        Config file (default :func:`config_path`).

    Raises
    ------
    LanguageError
        The setting that decides names no language hubsim writes (a setting that does not
        decide is not read: a bad config file does not matter when ``--lang`` is given).
    """
    if flag is not None:
        return parse_language(flag, where="--lang")
    environ = os.environ if environ is None else environ
    if environ.get(ENV_VAR):
        return parse_language(environ[ENV_VAR], where=ENV_VAR)
    found = _config_language(config if config is not None else config_path(environ))
    return found or "en"


def current_language() -> Language:
    """The language text is written in now (English unless inside :func:`language`)."""
    return _CURRENT.get()


@contextlib.contextmanager
def language(lang: str | None) -> Iterator[Language]:
    """Write in ``lang`` inside the block (``None``: keep the current language).

    Examples
    --------
    >>> from sim.i18n import language, tr
    >>> with language("zh"):
    ...     tr("Throughput against the target")
    '吞吐量与目标'
    """
    chosen = current_language() if lang is None else parse_language(lang, where="language")
    token = _CURRENT.set(chosen)
    try:
        yield chosen
    finally:
        _CURRENT.reset(token)
