"""Typed, frozen objects of the knowledge base, built from validated nodes. No I/O here.

The builder is lenient: it takes every value whose type is right and leaves out the rest
(the schema has already reported it), so the rules can run on whatever survived.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from derma_evidence.diagnostics import Pos
from derma_evidence.load.bib import RawReference
from derma_evidence.load.yamlpos import Map, Node, Scalar, Seq

DESIGNS = (
    "meta-analysis",
    "systematic-review",
    "rct",
    "controlled-trial",
    "cohort",
    "case-series",
    "case-report",
    "human-experimental",
    "animal",
    "in-vitro",
    "narrative-review",
    "expert-opinion",
    "textbook",
)
VERDICTS = ("supported", "partly-supported", "insufficient", "contradicted")
CERTAINTIES = ("high", "moderate", "low", "very-low")
STANCES = ("supports", "contradicts", "context")

UNITS_FOR_MEASURE: dict[str, tuple[str, ...]] = {
    "depth": ("mm", "um"),
    "length": ("mm", "um"),
    "thickness": ("mm", "um"),
    "interval": ("h", "d", "wk", "mo"),
    "duration": ("h", "d", "wk", "mo"),
    "count": ("1",),
    "proportion": ("%", "1"),
}
"""Which UCUM units each measure may use."""

TO_BASE: dict[str, float] = {
    "mm": 1.0,
    "um": 0.001,
    "h": 1 / 24,
    "d": 1.0,
    "wk": 7.0,
    "mo": 30.4375,
    "%": 1.0,
    "1": 100.0,
}
"""Factor to a common base per dimension (mm, days, percent) for comparing ranges."""

UNIT_WORDS = {"mm": "mm", "um": "µm", "h": "h", "d": "days", "wk": "weeks", "mo": "months", "%": "%", "1": ""}


@dataclass(frozen=True, slots=True)
class Quantity:
    about: str | None
    measure: str | None
    min: float | None
    max: float | None
    unit: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)

    @property
    def upper(self) -> float | None:
        return self.max if self.max is not None else self.min

    def base_range(self) -> tuple[float, float] | None:
        """(low, high) in the dimension's base unit, or None when incomplete or not finite."""
        if self.min is None or self.unit not in TO_BASE:
            return None
        hi = self.upper
        assert hi is not None
        if not (math.isfinite(self.min) and math.isfinite(hi)):
            return None
        f = TO_BASE[self.unit]
        return (self.min * f, hi * f)


@dataclass(frozen=True, slots=True)
class Source:
    key: str | None
    stance: str | None
    locator: str | None
    quote: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Topic:
    id: str | None
    title: str | None
    summary: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)
    open_questions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Claim:
    id: str | None
    topic: str | None
    statement: str | None
    quantity: Quantity | None
    verdict: str | None
    certainty: str | None
    sources: tuple[Source, ...]
    note: str | None
    reviewed: str | None
    article: tuple[int, ...]
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)

    @property
    def reviewed_date(self) -> dt.date | None:
        if self.reviewed is None:
            return None
        try:
            return dt.date.fromisoformat(self.reviewed)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class Trial:
    key: str | None
    design: str | None
    n: int | None
    population: str | None
    device: str | None
    needle_length: Quantity | None
    interval: Quantity | None
    sessions: int | None
    duration: Quantity | None
    co_treatment: str | None
    comparator: str | None
    outcome: str | None
    locator: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Statement:
    n: int | None
    text: str | None
    verdict: str | None
    comment: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Reference:
    key: str
    entry_type: str
    fields: Mapping[str, str]
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)
    end: Pos | None = None  # the closing brace: diagnostics from pos to end belong to this entry

    def get(self, name: str) -> str | None:
        return self.fields.get(name)

    @property
    def design(self) -> str | None:
        return self.fields.get("design")


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    claims_path: str
    bib_path: str
    topics: tuple[Topic, ...]
    claims: tuple[Claim, ...]
    trials: tuple[Trial, ...]
    statements: tuple[Statement, ...]
    references: tuple[Reference, ...]
    today: dt.date

    def reference_map(self) -> dict[str, Reference]:
        return {r.key: r for r in self.references}


def _fields(node: Map, path: str) -> tuple[dict[str, Node], dict[str, Pos]]:
    values: dict[str, Node] = {}
    at: dict[str, Pos] = {}
    for k, v in node.items:
        values[k.value] = v
        at[k.value] = Pos(path, v.line, v.col)
    return values, at


def _text(v: Node | None) -> str | None:
    if isinstance(v, Scalar) and v.kind == "str":
        return v.value
    return None


def _date_text(v: Node | None) -> str | None:
    if isinstance(v, Scalar) and v.kind in ("str", "timestamp"):
        return v.value
    return None


def _num(v: Node | None) -> float | None:
    if isinstance(v, Scalar) and v.kind in ("int", "float"):
        value = v.python()
        assert isinstance(value, (int, float))
        return float(value)
    return None


def _int(v: Node | None) -> int | None:
    if isinstance(v, Scalar) and v.kind == "int":
        return int(v.value)
    return None


def _quantity(v: Node | None, path: str) -> Quantity | None:
    if not isinstance(v, Map):
        return None
    f, at = _fields(v, path)
    return Quantity(
        _text(f.get("about")),
        _text(f.get("measure")),
        _num(f.get("min")),
        _num(f.get("max")),
        _text(f.get("unit")),
        Pos(path, v.line, v.col),
        at,
    )


def _maps(v: Node | None) -> list[Map]:
    if isinstance(v, Seq):
        return [x for x in v.items if isinstance(x, Map)]
    return []


def build(
    claims_path: str, root: Node | None, bib_path: str, refs: list[RawReference], today: dt.date
) -> KnowledgeBase:
    """The knowledge base from a (possibly invalid) node tree and the parsed references."""
    topics: list[Topic] = []
    claims: list[Claim] = []
    trials: list[Trial] = []
    statements: list[Statement] = []
    p = claims_path
    if isinstance(root, Map):
        for m in _maps(root.get("topics")):
            f, at = _fields(m, p)
            oq = f.get("open_questions")
            questions = tuple(q for q in (_text(x) for x in oq.items) if q) if isinstance(oq, Seq) else ()
            topics.append(
                Topic(
                    _text(f.get("id")),
                    _text(f.get("title")),
                    _text(f.get("summary")),
                    Pos(p, m.line, m.col),
                    at,
                    questions,
                )
            )
        for m in _maps(root.get("claims")):
            f, at = _fields(m, p)
            sources = []
            for s in _maps(f.get("sources")):
                sf, sat = _fields(s, p)
                sources.append(
                    Source(
                        _text(sf.get("key")),
                        _text(sf.get("stance")),
                        _text(sf.get("locator")),
                        _text(sf.get("quote")),
                        Pos(p, s.line, s.col),
                        sat,
                    )
                )
            art = f.get("article")
            numbers = tuple(n for n in (_int(x) for x in art.items) if n is not None) if isinstance(art, Seq) else ()
            claims.append(
                Claim(
                    _text(f.get("id")),
                    _text(f.get("topic")),
                    _text(f.get("statement")),
                    _quantity(f.get("quantity"), p),
                    _text(f.get("verdict")),
                    _text(f.get("certainty")),
                    tuple(sources),
                    _text(f.get("note")),
                    _date_text(f.get("reviewed")),
                    numbers,
                    Pos(p, m.line, m.col),
                    at,
                )
            )
        for m in _maps(root.get("trials")):
            f, at = _fields(m, p)
            trials.append(
                Trial(
                    _text(f.get("key")),
                    _text(f.get("design")),
                    _int(f.get("n")),
                    _text(f.get("population")),
                    _text(f.get("device")),
                    _quantity(f.get("needle_length"), p),
                    _quantity(f.get("interval"), p),
                    _int(f.get("sessions")),
                    _quantity(f.get("duration"), p),
                    _text(f.get("co_treatment")),
                    _text(f.get("comparator")),
                    _text(f.get("outcome")),
                    _text(f.get("locator")),
                    Pos(p, m.line, m.col),
                    at,
                )
            )
        for m in _maps(root.get("statements")):
            f, at = _fields(m, p)
            statements.append(
                Statement(
                    _int(f.get("n")),
                    _text(f.get("text")),
                    _text(f.get("verdict")),
                    _text(f.get("comment")),
                    Pos(p, m.line, m.col),
                    at,
                )
            )
    references = tuple(Reference(r.key, r.entry_type, r.fields, r.pos, r.field_pos, r.end) for r in refs)
    return KnowledgeBase(
        claims_path, bib_path, tuple(topics), tuple(claims), tuple(trials), tuple(statements), references, today
    )
