"""hubsim in English or Simplified Chinese: ``--lang zh|en``, ``HUBSIM_LANG``, or ``lang`` in
the user config file (:mod:`sim.i18n.language`); translations (:mod:`sim.i18n.catalog`,
``zh.po``); numbers, dates and names in the language's format (:mod:`sim.i18n.formats`); a
font with Chinese glyphs for the charts (:mod:`sim.i18n.fonts`).

Files a run writes (``summary.json``, KPI tables) are always in English; reports, charts, the
viewer and the CLI's printout are written in the chosen language.
"""

from sim.i18n.catalog import N_, catalogue, en, localise, tr
from sim.i18n.fonts import CJKFontWarning, chart_fonts, cjk_font
from sim.i18n.formats import (
    format_date,
    format_datetime,
    format_month,
    format_number,
    format_percent,
    localised_name,
)
from sim.i18n.language import (
    ENV_VAR,
    LANGUAGES,
    Language,
    LanguageError,
    config_path,
    current_language,
    language,
    parse_language,
    resolve_language,
)

__all__ = [
    "ENV_VAR",
    "LANGUAGES",
    "N_",
    "CJKFontWarning",
    "Language",
    "LanguageError",
    "catalogue",
    "chart_fonts",
    "cjk_font",
    "config_path",
    "current_language",
    "en",
    "format_date",
    "format_datetime",
    "format_month",
    "format_number",
    "format_percent",
    "language",
    "localise",
    "localised_name",
    "parse_language",
    "resolve_language",
    "tr",
]
