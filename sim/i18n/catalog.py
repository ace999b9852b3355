"""Translations: English text is the message id, the Chinese text comes from ``zh.po``.

Three ways to mark English text, all found by ``pybabel extract -k tr -k N_ -k en``:

- :func:`tr` translates now, into the current language, and fills in the fields;
- :func:`N_` only marks a constant (a chart title kept in a table) for a later ``tr``;
- :func:`en` fills in the fields in English whatever the language: for text that is stored
  (``summary.json``, KPI tables), which stays English so that every file of a run reads the
  same whoever wrote it. :func:`localise` turns such stored text into the current language
  later, by matching it against the templates of the catalogue (a field's value is itself
  localised: a nested template, or a place name).

The catalogue is a gettext ``.po`` file (the format translators' tools edit), read with Babel.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.i18n.language import current_language

__all__ = ["N_", "catalogue", "en", "localise", "stored_templates", "tr"]

_FOLDER = Path(__file__).parent
# a space between two Chinese characters (a field's value next to the template's words):
# Chinese sets no space there, only next to Latin letters and digits
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_CJK_SPACE = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FORMATTER = string.Formatter()
# a field that holds a number, so that stored text parses one way only: one with a format spec
# ({mean:.2f}), or named so (a count, a year, or a unit suffix: {low_mt}, {wait_h})
_NUMERIC_NAMES = re.compile(
    r"(n|count|year|first|queue|length|replication|judged|failing|share|[a-z_]+_(mt|h|pct|n|x|t))$"
)
_NUMBER = r"(?:-|[-+]?(?:\d[\d,]*)?\.?\d+(?:[eE][-+]?\d+)?%?|inf|nan)"


@functools.cache
def _read(lang: str) -> tuple[dict[str, str], frozenset[str]]:
    from babel.messages.pofile import read_po

    with (_FOLDER / f"{lang}.po").open("rb") as file:
        catalog = read_po(file, locale=lang)
    table = {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }
    stored = frozenset(str(m.id) for m in catalog if "stored" in m.flags and str(m.id) in table)
    return table, stored


def catalogue(lang: str) -> dict[str, str]:
    """``msgid -> msgstr`` of a language (empty for English; untranslated entries left out)."""
    return {} if lang == "en" else _read(lang)[0]


def stored_templates(lang: str) -> frozenset[str]:
    """The message ids of :func:`en` texts (flagged ``stored`` in the ``.po`` file): the
    only templates :func:`localise` matches stored text against."""
    return frozenset() if lang == "en" else _read(lang)[1]


def N_(msgid: str) -> str:  # the gettext name for a marker
    """Mark ``msgid`` for translation without translating it (translate it with :func:`tr`
    where it is shown)."""
    return msgid


def en(msgid: str, /, **fields: Any) -> str:
    """``msgid`` with its fields filled in, in English (text that is stored); see
    :func:`localise`."""
    return msgid.format(**fields) if fields else msgid


def tr(msgid: str, /, **fields: Any) -> str:
    """``msgid`` in the current language with its fields filled in (``str.format``).

    Text missing from the catalogue is written in English.
    """
    lang = current_language()
    if lang == "en":
        return msgid.format(**fields) if fields else msgid
    text = catalogue(lang).get(msgid, msgid)
    return _tidy(text.format(**fields) if fields else text)


def _tidy(text: str) -> str:
    return _CJK_SPACE.sub("", text)


@dataclass(frozen=True)
class _Template:
    msgid: str
    pattern: re.Pattern[str]
    literal: int  # characters of fixed text: the more, the surer a match


def _template(msgid: str) -> _Template | None:
    parts = []
    seen: set[str] = set()
    literal = 0
    fields = 0
    for text, name, spec, _conversion in _FORMATTER.parse(msgid):
        parts.append(re.escape(text))
        literal += len(text)
        if name is None:
            continue
        if not name.isidentifier():
            return None
        fields += 1
        value = _NUMBER if spec or _NUMERIC_NAMES.fullmatch(name) else ".*?"
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{value})")
        seen.add(name)
    if not fields:
        return None
    return _Template(msgid, re.compile("".join(parts), re.DOTALL), literal)


@functools.cache
def _templates(lang: str) -> tuple[_Template, ...]:
    found = [t for t in map(_template, stored_templates(lang)) if t is not None]
    return tuple(sorted(found, key=lambda t: -t.literal))


def _fill(msgstr: str, values: Mapping[str, str]) -> str:
    """``msgstr`` with its fields replaced by already formatted text (format specs are the
    English ones and were applied when the text was written)."""
    out = []
    for text, name, _spec, _conversion in _FORMATTER.parse(msgstr):
        out.append(text)
        if name is not None:
            out.append(values.get(name, ""))
    return "".join(out)


def localise(text: str, names: Mapping[str, str] | None = None) -> str:
    """Stored English ``text`` (see :func:`en`) in the current language.

    Parameters
    ----------
    text : str
        Text written by hubsim in English.
    names : mapping, optional
        English place names -> their names in the current language; a field whose whole value
        is one of them is replaced.

    Returns
    -------
    str
        The text in the current language: a catalogue entry it is, or a template it matches
        (the template with the most fixed text wins), with every field localised in turn;
        else ``text`` itself (English, unchanged).
    """
    lang = current_language()
    if lang == "en" or not text:
        return text
    return _tidy(_localise(text, lang, names or {}, 0))


def _localise(text: str, lang: str, names: Mapping[str, str], depth: int) -> str:
    table = catalogue(lang)
    if text in table:
        return table[text]
    if text in names:
        return names[text]
    if _DATE.fullmatch(text):  # a date stored as 2028-03-05
        from sim.i18n.formats import format_date

        return format_date(dt.date.fromisoformat(text))
    if depth > 6:
        return text
    for template in _templates(lang):
        match = template.pattern.fullmatch(text)
        if match is None:
            continue
        values = {
            key: _localise(value, lang, names, depth + 1)
            for key, value in match.groupdict().items()
        }
        return _fill(table[template.msgid], values)
    if "; " in text:  # a list of stored texts, each in its own words
        return table.get("; ", "; ").join(
            _localise(part, lang, names, depth + 1) for part in text.split("; ")
        )
    return text
