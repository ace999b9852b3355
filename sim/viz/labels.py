"""Names of places, port areas, commodities, modes and facility kinds as charts and reports
write them, in the current language (:mod:`sim.i18n`).

English is what the charts always wrote (``Huangma``, ``Building Mat``, ``Gaoliangjian
lock``). Chinese takes place names from ``name_zh`` of the network data (``model.json``
keeps it), and falls back to the English name where the data has no Chinese one: no name is
made up. Generic words (commodities, modes, kinds) are translated by the catalogue.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from network.plot import MODE_LABELS
from sim.i18n import N_, current_language, tr
from sim.results.modelinfo import ModelInfo

__all__ = [
    "commodity_label",
    "concise_date_formats",
    "corridor_label",
    "corridor_names_zh",
    "localise_names",
    "mode_label",
    "place_label",
    "port_area_label",
    "rail_link_label",
    "resource_words",
    "zh_names",
]

# shown through MODE_LABELS, the facility descriptors' labels and commodity ids: marked here
# so that the catalogue check (tests/i18n) finds them
_INDIRECT = (
    N_("Inland waterway"),
    N_("Sea / coastal"),
    N_("Railway"),
    N_("Road"),
    N_("Low-altitude air"),
    N_("Transfer"),
    N_("Lock"),
    N_("Berth group"),
    N_("Yard"),
    N_("Diversion"),
    N_("Truck gate"),
    N_("Rail sidings"),
    N_("Rail link (train paths)"),
    N_("Airport (flight slots)"),
    N_("Yard landside rate"),
    N_("Cargo by land"),
    N_("lock"),
    N_("berths"),
    N_("yard"),
    N_("gate"),
    N_("rail"),
    N_("rail line"),
    N_("rate"),
    N_("air"),
    N_("calendar year"),
    N_("annualised"),
    N_("berth waiting service ratio"),
    N_("berth occupancy"),
    N_("mean lock wait h"),
    N_("yard blocking share"),
    N_("dry bulk"),
    N_("liquid bulk"),
    N_("break bulk"),
    N_("container"),
    N_("reefer"),
    N_("Coal"),
    N_("Building Mat"),
    N_("Metal Ore"),
    N_("Nonmetal Ore"),
    N_("Grain"),
    N_("Salt"),
    N_("Steel"),
    N_("Chemicals"),
    N_("Container"),
    N_("Cold Chain"),
    N_("dry_bulk"),
    N_("liquid_bulk"),
    N_("break_bulk"),
    N_("airport"),
    N_("link upgrade"),
    N_("lock chamber"),
    N_("rail sidings"),
    N_("yard plugs"),
    N_("chamber"),
    N_("upgrade"),
)


def _places(model: ModelInfo) -> pd.DataFrame:
    places = model.places
    if "name_zh" not in places:
        return places.assign(name_zh="")
    return places.assign(name_zh=places["name_zh"].fillna(""))


def zh_names(model: ModelInfo) -> dict[str, str]:
    """Place id -> Chinese name, for the places the data names in Chinese."""
    places = _places(model)
    return {str(i): str(z) for i, z in zip(places["id"], places["name_zh"], strict=True) if z}


def place_label(model: ModelInfo, place: str, english: str | None = None) -> str:
    """A place's name: ``english`` (default its name in the data, else its id), or in Chinese
    its ``name_zh`` when there is one."""
    if current_language() != "en":
        found = zh_names(model).get(place)
        if found:
            return found
    if english is not None:
        return english
    places = model.places
    names = dict(zip(places["id"], places["name"], strict=True))
    return str(names.get(place, place))


def port_area_label(model: ModelInfo, area: Any) -> str:
    """A port area: ``Huangma``; in Chinese the Chinese name of the place that stands for the
    whole area (a terminal the data calls "... port area": HA_HUANGMA, "Huangma port area", is
    黄码作业区), else the place name the Chinese names of all its terminals start with (the
    Huai'an area's terminals are 淮安港新港作业区 and 淮安港三期: 淮安), else the English name."""
    english = str(area).replace("_", " ").title()
    if current_language() == "en":
        return english
    terminals = model.terminals
    mine = terminals[terminals["port_area"] == area]
    names = zh_names(model)
    for terminal, name in zip(mine["id"], mine["name"], strict=True):
        if str(name).endswith("port area") and names.get(str(terminal)):
            return names[str(terminal)]
    chinese = [names.get(str(terminal), "") for terminal in mine["id"]]
    if chinese and all(chinese):
        shared = _common_start(chinese).removesuffix("港")  # "淮安港": Huai'an Port
        if len(shared) >= 2:
            return shared
    return english


def _common_start(texts: list[str]) -> str:
    """The characters every one of ``texts`` starts with."""
    first = min(texts, key=len)
    for i, character in enumerate(first):
        if any(text[i] != character for text in texts):
            return first[:i]
    return first


def corridor_names_zh(links: pd.DataFrame) -> dict[str, str]:
    """English corridor -> its Chinese name (``corridor_zh`` of the links that have one; none
    for a ``model.json`` written before it was kept)."""
    if "corridor_zh" not in links:
        return {}
    return {
        str(english): str(chinese)
        for english, chinese in zip(links["corridor"], links["corridor_zh"], strict=True)
        if isinstance(chinese, str) and chinese
    }


def corridor_label(model: ModelInfo, corridor: Any, *, short: bool = False) -> str:
    """A corridor's name: ``Grand Canal (Subei) - Li canal``, in Chinese its ``corridor_zh``
    (京杭运河苏北段—里运河) where the data has one, else the English name. ``short`` leaves
    out a note in brackets: ``Yangtze River``, 长江."""
    english = str(corridor)
    if current_language() != "en":
        chinese = corridor_names_zh(model.links).get(english)
        if chinese:
            return chinese.split("（")[0] if short else chinese
    return english.split(" (")[0] if short else english


def resource_words(model: ModelInfo, resource: Any) -> str:
    """A resource id (``HA_NEWPORT/NP_CY``) with its place's name in the current language in
    place of the place id: unchanged in English, ``淮安港新港作业区/NP_CY`` in Chinese."""
    place, slash, rest = str(resource).partition("/")
    return place_label(model, place, place) + slash + rest


def rail_link_label(model: ModelInfo, link: str) -> str | None:
    """A rail link by its id and its corridor's short name in the current language
    (``R_SP_03 Huaiyin port rail spur``, ``R_SP_03 淮阴港区铁路专用线``); None for a link the
    network does not hold."""
    corridor = model.links.loc[model.links["id"] == link, "corridor"]
    if not len(corridor):
        return None
    return f"{link} {corridor_label(model, corridor.iloc[0], short=True)}"


def commodity_label(commodity: Any) -> str:
    """A commodity id as charts write it: ``Building Mat``, 矿建材料."""
    return tr(str(commodity).replace("_", " ").title())


def mode_label(mode: str) -> str:
    """A mode as charts write it: ``Inland waterway``, 内河水运 (unknown: ``Mode``)."""
    english = MODE_LABELS.get(mode)
    return tr(english) if english is not None else mode.title()


def localise_names(model: ModelInfo) -> dict[str, str]:
    """English place names (full, and a lock's short name without its note in brackets) ->
    Chinese names, for :func:`sim.i18n.localise` of stored English text."""
    places = _places(model)
    out: dict[str, str] = {}
    for name, chinese in zip(places["name"], places["name_zh"], strict=True):
        if chinese:
            out[str(name)] = str(chinese)
            out.setdefault(str(name).split(" (")[0], str(chinese))
    return out


def concise_date_formats() -> dict[str, list[str]]:
    """Keyword arguments of :class:`matplotlib.dates.ConciseDateFormatter` for the current
    language (none in English: matplotlib's own, ``Jan``, ``Feb``; ``1月`` in Chinese)."""
    if current_language() == "en":
        return {}
    return {
        "formats": ["%Y年", "%-m月", "%-d日", "%H:%M", "%H:%M", "%S.%f"],
        "zero_formats": ["", "%Y年", "%-m月", "%-m月%-d日", "%H:%M", "%H:%M"],
        "offset_formats": [
            "",
            "%Y年",
            "%Y年%-m月",
            "%Y年%-m月%-d日",
            "%Y年%-m月%-d日",
            "%Y年%-m月%-d日 %H:%M",
        ],
    }
