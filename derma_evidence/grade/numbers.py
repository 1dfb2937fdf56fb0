"""Typed numbers held to the sentence they come from: sign, decimals, comparator and range.

Pure functions on strings and decimals (no knowledge-base types, no I/O). A number typed in the YAML
(`value: -0.35`, `p: "= .007"`) is found in its quote only when the quote prints the same value
with the same sign: ".007" is not ".7", "-0.35" is not "0.35", and a hyphen between two numbers
("0.73-1.92") is a range, not a minus sign. Values are compared as decimals, never as floats, so
"1.30" is "1.3" but "0.354" is not "0.35".

The YAML shape these checks read (data/claims.yaml; proposed for the contract in phase 2)::

    outcomes:
      - id: pain-score
        trials: [smith2020, jones2021, lee2022]
        studies: 3                      # as printed, or as listed in `trials` (held to both)
        participants: 197               # as printed; or `participants: not reported`
        effects:
          - source: {key: brown2024, locator: Abstract, quote: "... (SMD 1.32, 95% CI 0.73-1.92, p < 0.01) ..."}
            measure: SMD
            value: 1.32                 # each number found in the quote, sign and decimals
            ci_low: 0.73
            ci_high: 1.92
            i2: 88                      # 0 to 100
            p: "< 0.01"                 # comparator and number, each p in [0, 1]
            pooled_from: {review: brown2024, studies: 11}   # which review pooled it, and its k
          - source: {key: smith2020, ...}
            measure: arms
            arms:
              - {label: Drug + physiotherapy, value: 91.4, n: 50}   # numbers typed, not in labels
              - {label: Physiotherapy, value: 22.2}

Ratio measures (`contract.vocab.RATIO_MEASURES`: RR, OR) and their bounds must be above 0; NaN and infinities are
refused everywhere. "No effect" is 1 for a ratio and 0 for a difference.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from derma_evidence.contract.vocab import RATIO_MEASURES

_MINUS = "-\u2212\u2012\u2013"  # hyphen-minus, minus sign, figure dash, en dash (used as minus in some PDFs)
_NUMBER = re.compile(rf"(?P<sign>[{_MINUS}+]?)(?P<body>(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+)(?:\.\d+)?|\.\d+)")
_P_EXPR = re.compile(
    rf"\bp(?:[\s-]*value)?\s*(?P<cmp>[<>=≤≥]=?|&lt;|&gt;)\s*(?P<num>[{_MINUS}]?(?:\d+(?:\.\d+)?|\.\d+))",
    re.IGNORECASE,
)
_P_TYPED = re.compile(rf"(?P<cmp>[<>=≤≥]=?)\s*(?P<num>[{_MINUS}]?(?:\d+(?:\.\d+)?|\.\d+))")
_CMP = {"<": "<", ">": ">", "=": "=", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">=", "&lt;": "<", "&gt;": ">"}


@dataclass(frozen=True, slots=True)
class Number:
    """A number printed in a text: its value as a decimal, and where it stands."""

    value: Decimal
    text: str
    start: int
    end: int


def _decimal(text: str) -> Decimal | None:
    t = text.replace(",", "").replace("_", "")
    for m in _MINUS:
        t = t.replace(m, "-")
    try:
        d = Decimal(t)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def numbers_in(text: str) -> list[Number]:
    """Every number printed in `text`, with its sign where a sign belongs to it.

    A minus sign counts only when it does not follow a digit, a letter, a closing bracket or a
    percent sign: "0.73-1.92" and "26–74" are ranges, "(−0.35 to 0.5)" and "CI: -0.35" are negative.
    Thousands separators ("1,110") are read as such; "0.76, 1.39" is two numbers.
    """
    out = []
    for m in _NUMBER.finditer(text):
        sign, body = m.group("sign"), m.group("body")
        start = m.start()
        if sign:
            before = text[m.start() - 1] if m.start() > 0 else " "
            if before.isalnum() or before in ")]%" or sign == "+" and before.isdigit():
                sign = ""
                start = m.start("body")
        if start > 0 and (text[start - 1].isalpha() or text[start - 1] == "_"):
            continue  # part of a word or an identifier ("CD34", "I2" is handled by the caller's quote)
        d = _decimal(("-" if sign and sign != "+" else "") + body)
        if d is not None:
            out.append(Number(d, text[start : m.end()], start, m.end()))
    return out


def literal_value(literal: str) -> Decimal | None:
    """A YAML number as written (`-0.35`, `.007`, `1_000`, `1.5e3`) as a decimal; None for NaN, infinities
    and anything else that is not a finite number."""
    t = literal.strip()
    if t.lower().lstrip("+-") in (".nan", ".inf"):
        return None
    return _decimal(t)


def find(literal: str, text: str) -> Number | None:
    """The first number in `text` equal in value and sign to the YAML literal, or None."""
    want = literal_value(literal)
    if want is None:
        return None
    for n in numbers_in(text):
        if n.value == want:
            return n
    return None


@dataclass(frozen=True, slots=True)
class PValue:
    """One p value as typed (`< 0.01`) or printed (`p < 0.01`): comparator and number."""

    comparator: str
    value: Decimal
    text: str


def parse_p(text: str) -> list[PValue]:
    """The p values of a typed `p:` field: `"= .04 (group A); = .007 (group B)"` gives two."""
    return _p_values(_P_TYPED, text)


def p_values_in(text: str) -> list[PValue]:
    """The p values printed in a sentence ("p < 0.01", "P = .007", "p value<0.05")."""
    return _p_values(_P_EXPR, text)


def _p_values(pattern: re.Pattern[str], text: str) -> list[PValue]:
    out = []
    for m in pattern.finditer(text):
        d = _decimal(m.group("num"))
        if d is not None:
            out.append(PValue(_CMP[m.group("cmp")], d, m.group(0)))
    return out


def find_p(p: PValue, text: str) -> PValue | None:
    """The printed p value in `text` with the same comparator and the same value, or None."""
    for q in p_values_in(text):
        if q.comparator == p.comparator and q.value == p.value:
            return q
    return None


def finite(value: float) -> bool:
    """False for NaN and the infinities."""
    return math.isfinite(value)


def range_problem(name: str, value: float, measure: str | None = None) -> str | None:
    """What is wrong with a typed number's range, or None.

    NaN and infinities are never numbers of a source. I² lies in 0-100 (percent), a p value in
    0-1, a ratio measure's estimate and bounds above 0, counts (participants, studies, arm n) at
    least 1.
    """
    if not math.isfinite(value):
        return f"{name} is {value!r}, not a finite number"
    if name == "i2" and not 0 <= value <= 100:
        return f"I² of {value:g}% is outside 0 to 100"
    if name == "p" and not 0 <= value <= 1:
        return f"p of {value:g} is outside 0 to 1"
    if name in ("value", "ci_low", "ci_high") and measure in RATIO_MEASURES and value <= 0:
        return f"{name} {value:g} of a ratio measure ({measure}) must be above 0"
    if name in ("participants", "studies", "n") and value < 1:
        return f"{name} {value:g} must be at least 1"
    return None


def no_effect(measure: str | None) -> float:
    """The value of no effect: 1 for a ratio measure, 0 for a difference."""
    return 1.0 if measure in RATIO_MEASURES else 0.0


def crosses_no_effect(measure: str | None, low: float, high: float) -> bool:
    """True when the interval includes no effect (touching it counts)."""
    null = no_effect(measure)
    return min(low, high) <= null <= max(low, high)


_DIRECTION = re.compile(
    r"\b(increas\w*|improv\w*|reduc\w*|decreas\w*|lower\w*|rais\w*|higher|more effective|fewer|"
    r"better|worse|beats?|outperform\w*|regrow\w*|benefit\w*)\b",
    re.IGNORECASE,
)
_NULL_SAID = re.compile(
    r"\b(no (?:significant|clear|statistically|difference|effect)|not (?:statistically )?significant|"
    r"little or no|includes? no effect|cross\w* (?:no effect|the line|1|0)|consistent with no effect|"
    r"may make little|no difference|did not reach|not significantly|no (?:increase|gain|improvement|change))\b",
    re.IGNORECASE,
)


def claims_direction(text: str) -> str | None:
    """The first word of `text` that claims a direction of effect ("increase", "improves"), or None.

    A direction asked about, not claimed ("it is very uncertain whether X increases ...", "whether
    X improves"), does not count: a word after "whether" in the same clause is skipped.
    """
    for m in _DIRECTION.finditer(text):
        clause = re.split(r"[;.:]", text[: m.start()])[-1]
        if re.search(r"\bwhether\b|\bif\b", clause, re.IGNORECASE):
            continue
        return m.group(0)
    return None


def says_no_effect_possible(text: str) -> bool:
    """True when `text` says the result is compatible with no effect ("no significant difference")."""
    return _NULL_SAID.search(text) is not None


def all_numbers(text: str) -> Iterator[Decimal]:
    """The values of every number in `text` (for a quick membership test)."""
    return (n.value for n in numbers_in(text))
