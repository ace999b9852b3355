"""The verdict's headline, written from its JSON document in the current language.

``summary.json`` (and ``hubsim run --json``) hold the verdict as data and its words in English
(:meth:`sim.analysis.verdict.Verdict.to_json`). :func:`headline` writes the one-sentence
verdict from that data, so a report or a printout in Chinese says the same thing as the
English headline: in English it is that headline, word for word. :func:`reasons` gives the
stored reasons in the current language (:func:`sim.i18n.localise`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from sim.i18n import localise, tr

__all__ = ["headline", "reasons", "verdict_word"]


def _mt(tonnes: float) -> str:
    return "-" if tonnes != tonnes else f"{tonnes / 1e6:,.2f}"


def _triple(document: Mapping[str, Any] | None, missing: float = math.nan) -> list[float]:
    document = document or {}
    return [
        missing if document.get(k) is None else float(document[k])
        for k in ("mean", "ci95_low", "ci95_high")
    ]


def verdict_word(verdict: str) -> str:
    """``met``, ``not met`` or ``uncertain`` in the current language."""
    words = {"met": tr("met"), "not met": tr("not met"), "uncertain": tr("uncertain")}
    return words.get(verdict, verdict)


def _interval(low: float, high: float) -> str:
    if math.isnan(low):
        return ""
    return tr(" (95 % CI {low_mt}-{high_mt})", low_mt=_mt(low), high_mt=_mt(high))


def _brief(criterion: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """A criterion in a few words, for the headline."""
    # an infinite value (a queue never served) is stored as null
    mean = _triple(criterion.get("value"), math.inf)[0]
    limit = float(criterion["limit"])
    label = localise(str(criterion.get("label", "")), names)
    name = criterion.get("name")
    if name == "berth_waiting_service_ratio":
        return tr(
            "{label} wait {mean:.2f} x their service time (limit {limit:g})",
            label=label,
            mean=mean,
            limit=limit,
        )
    if name == "berth_occupancy":
        return tr(
            "{label} are occupied {mean:.0%} (limit {limit:.0%})",
            label=label,
            mean=mean,
            limit=limit,
        )
    if name == "mean_lock_wait_h":
        return tr(
            "ships wait {mean:.1f} h at {label} (limit {limit:g} h)",
            label=label,
            mean=mean,
            limit=limit,
        )
    return tr(
        "ships are held at berth {mean:.1%} of their berth time for yard space or cargo by "
        "land (limit {limit:.1%})",
        mean=mean,
        limit=limit,
    )


def headline(document: Mapping[str, Any], names: Mapping[str, str] | None = None) -> str:
    """The verdict in one sentence: throughput against the target, what fails, the capacity
    and margin and the most helpful relief when computed.

    Parameters
    ----------
    document : mapping
        The verdict as :meth:`~sim.analysis.verdict.Verdict.to_json` writes it (or
        ``summary.json``).
    names : mapping, optional
        English place names -> names in the current language
        (:func:`sim.viz.labels.localise_names`).
    """
    names = names or {}
    mean, low, high = _triple(document.get("throughput_t"))
    target = float(document.get("target_t") or 0.0)
    first = tr(
        "{verdict}: carries {mean_mt} Mt in {year}{interval}{annualised} against the "
        "{target_mt} Mt target",
        verdict=verdict_word(str(document.get("verdict", ""))),
        mean_mt=_mt(mean),
        year=document.get("target_year"),
        interval=_interval(low, high),
        annualised=tr(" annualised") if document.get("basis") == "annualised" else "",
        target_mt=_mt(target),
    )
    applied = bool(document.get("criteria_applied", True))
    criteria: Sequence[Mapping[str, Any]] = document.get("criteria") or []
    problems = [_brief(c, names) for c in criteria if c.get("holds") is False] if applied else []
    problems += [
        localise(str(r).split(": ", 1)[1], names)
        for r in document.get("reasons") or []
        if str(r).startswith("overflow:")
    ]
    if applied:
        problems += [
            tr("{what} (uncertain)", what=_brief(c, names))
            for c in criteria
            if c.get("holds") is None
        ]
    if problems:
        shown = tr("; ").join(problems[:2])
        more = tr(" (and {n} more)", n=len(problems) - 2) if len(problems) > 2 else ""
        first += (
            tr(", but {shown}{more}", shown=shown, more=more)
            if mean >= target
            else tr(", and {shown}{more}", shown=shown, more=more)
        )
    parts = [first]
    if document.get("capacity_t") is not None:
        capacity, c_low, c_high = _triple(document["capacity_t"])
        margin = capacity - target
        parts.append(
            tr(
                "sustainable capacity {capacity_mt} Mt{interval}, {short_mt} Mt short",
                capacity_mt=_mt(capacity),
                interval=_interval(c_low, c_high),
                short_mt=_mt(-margin),
            )
            if margin < 0
            else tr(
                "sustainable capacity {capacity_mt} Mt{interval}, {spare_mt} Mt to spare",
                capacity_mt=_mt(capacity),
                interval=_interval(c_low, c_high),
                spare_mt=_mt(margin),
            )
        )
    relief = document.get("relief") or []
    if relief:
        gain = _triple(relief[0].get("gain_t"))[0]
        parts.append(
            tr(
                "{change} adds {sign}{gain_mt} Mt",
                change=localise(str(relief[0].get("change", "")), names),
                sign="+" if gain >= 0 else "",
                gain_mt=_mt(gain),
            )
        )
    return tr("; ").join(parts)


def reasons(document: Mapping[str, Any], names: Mapping[str, str] | None = None) -> list[str]:
    """The verdict's reasons in the current language (stored in English)."""
    return [localise(str(r), names) for r in document.get("reasons") or []]
