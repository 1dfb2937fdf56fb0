"""Words and numbers as the site prints them: labels of vocabularies, ranges with units, short citations."""

from __future__ import annotations

from derma_evidence import citations, model
from derma_evidence.model import UNIT_WORDS, Quantity, Reference

LABELS: dict[str, str] = {
    value: words for name in ("verdict", "certainty", "stance") for value, words in model.LABELS[name].items()
}
"""Verdicts, certainties and stances in words, from the schema's `x-labels`."""


def label(value: str | None) -> str:
    if value is None:
        return "unknown"
    return LABELS.get(value, value)


DESIGN_LABELS = model.LABELS["design"]
UNIT_SINGULAR = {"d": "day", "wk": "week", "mo": "month"}
"""Unit words for a single value of exactly 1 ("1 week"); otherwise `model.UNIT_WORDS` ("2 weeks", "1–2 weeks")."""


def design_label(design: str | None) -> str:
    """A study design as words: "rct" -> "RCT", "case-series" -> "case series"."""
    if not design:
        return ""
    return DESIGN_LABELS.get(design, design.replace("-", " "))


def number(x: float) -> str:
    return f"{x:g}"


def plural(n: int, word: str, words: str | None = None) -> str:
    """A count with its noun: 1 claim, 2 claims."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def unit_words(unit: str | None, single: bool) -> str:
    """The unit as printed after a value: singular only for a single value of exactly 1."""
    if single and unit in UNIT_SINGULAR:
        return UNIT_SINGULAR[unit]
    return UNIT_WORDS.get(unit or "", unit or "")


def format_range(q: Quantity | None, with_measure: bool = False) -> str:
    """A quantity as words: "1–3 days", "1 week", "0.56 mm"; optionally prefixed "Duration: "."""
    if q is None or q.min is None:
        return ""
    value = number(q.min)
    single = q.max is None or q.max == q.min
    if not single:
        assert q.max is not None
        value += "\u2013" + number(q.max)
    unit = unit_words(q.unit, single and q.min == 1)
    text = f"{value} {unit}".strip() if unit != "%" else f"{value}%"
    if with_measure and q.measure:
        text = f"{q.measure.capitalize()}: {text}"
    return text


def short_cite(ref: Reference | None, key: str) -> str:
    """First author's surname and year ("Dunkin 2007"), for tables and backlinks."""
    if ref is None:
        return key
    names = citations.surnames(ref)
    year = citations.clean(ref.get("year") or "")
    who = names[0] if names else key
    if len(names) > 1:
        who += " et al."
    return f"{who} {year}".strip()


_UNVERIFIED_WORDS = {"author": "authors", "editor": "editors", "pages": "pages", "journal": "journal"}


def unverified_words(ref: Reference | None) -> str:
    """The fields no page showed, as the site says it: "Authors and title not verified." ("" if none)."""
    names = [_UNVERIFIED_WORDS.get(n, n) for n in (ref.unverified if ref is not None else ())]
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{listed[0].upper()}{listed[1:]} not verified."
