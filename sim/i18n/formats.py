"""Numbers, dates and names in the current language's format.

English keeps hubsim's own formats (``1,234.5``, ``12%``, ``2028-03-05 14:00``), so English
output is what it always was. Chinese uses the ``zh_CN`` locale of the CLDR through Babel:
dates read ``2028年3月5日``, months ``3月``; numbers group and point as in English
(``1,234.5``, ``12%``), which :mod:`tests` checks against Babel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sim.i18n.language import current_language

__all__ = [
    "BABEL_LOCALES",
    "format_date",
    "format_datetime",
    "format_month",
    "format_number",
    "format_percent",
    "localised_name",
]

#: The CLDR locale of each language.
BABEL_LOCALES = {"en": "en_GB", "zh": "zh_Hans_CN"}


def format_number(value: float, digits: int = 0) -> str:
    """``value`` with thousands grouped and ``digits`` decimals."""
    if current_language() == "en":
        return f"{value:,.{digits}f}"
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(value, pattern, locale=BABEL_LOCALES["zh"]))


def format_percent(share: float, digits: int = 0) -> str:
    """A share (0.12) as a percentage (``12%``)."""
    if current_language() == "en":
        return f"{share:.{digits}%}"
    from babel.numbers import format_percent as babel_percent

    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return str(babel_percent(share, pattern, locale=BABEL_LOCALES["zh"]))


def format_date(moment: dt.date) -> str:
    """A date: ``2028-03-05``, ``2028年3月5日``."""
    if current_language() == "en":
        return moment.strftime("%Y-%m-%d")
    from babel.dates import format_date as babel_date

    return str(babel_date(moment, "long", locale=BABEL_LOCALES["zh"]))


def format_datetime(moment: dt.datetime) -> str:
    """A date and time to the minute: ``2028-03-05 14:00``, ``2028年3月5日 14:00``."""
    if current_language() == "en":
        return moment.strftime("%Y-%m-%d %H:%M")
    from babel.dates import format_datetime as babel_datetime

    return str(babel_datetime(moment, "y年M月d日 HH:mm", locale=BABEL_LOCALES["zh"]))


def format_month(month: int, *, year: int | None = None) -> str:
    """A month's short name (``Mar``, ``3月``), with its year when given (``Mar 2028``,
    ``2028年3月``)."""
    moment = dt.date(year or 2000, month, 1)
    if current_language() == "en":
        return moment.strftime("%b %Y" if year is not None else "%b")
    return f"{year}年{month}月" if year is not None else f"{month}月"


def localised_name(english: str, names: Mapping[str, str] | None = None, chinese: str = "") -> str:
    """A name in the current language: the Chinese name when writing Chinese and one is
    known (``chinese``, or ``names[english]``), else the English name."""
    if current_language() == "en":
        return english
    found = chinese or (names or {}).get(english, "")
    return found or english
