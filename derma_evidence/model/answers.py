"""The answers layer: questions, comparisons, outcomes (GRADE), effects as reported, risk of bias, verification.

Frozen dataclasses and their builders from validated nodes; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from derma_evidence.contract.vocab import GRADE_DOMAINS, ROB_DOMAINS
from derma_evidence.diagnostics import Pos
from derma_evidence.load.yamlpos import Map, Node, Scalar, Seq
from derma_evidence.model.bottomline import BottomLine, Overlap
from derma_evidence.model.build import boolean as _bool
from derma_evidence.model.build import build
from derma_evidence.model.claims import Source
from derma_evidence.model.nodes import Ref as Ref  # re-exported: the answers layer's lists use it
from derma_evidence.model.nodes import date_text as _date_text
from derma_evidence.model.nodes import fields as _fields
from derma_evidence.model.nodes import integer as _int
from derma_evidence.model.nodes import maps as _maps
from derma_evidence.model.nodes import refs as _refs
from derma_evidence.model.nodes import text as _text

# --- the answers layer: questions, comparisons and outcomes (GRADE), risk of bias, reviews, verification ------


@dataclass(frozen=True, slots=True)
class Override:
    """A departure from the judgement RoB 2's algorithm derives, with its reason."""

    judgement: str | None
    reason: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Judgement:
    """A GRADE domain or RoB 2 domain judgement with its reason; a RoB 2 domain also has its signalling
    `answers` (a space-separated string in the tool's order) and may have an `override`."""

    judgement: str | None
    reason: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)
    answers: str | None = None
    override: Override | None = None
    status: str | None = None  # publication bias in GRADE's words (issue 18)

    @property
    def final(self) -> str | None:
        """The judgement that counts: the override's when there is one."""
        return self.override.judgement if self.override is not None else self.judgement


@dataclass(frozen=True, slots=True)
class Upgrade:
    factor: str | None
    levels: int | None
    reason: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Grade:
    """An outcome's GRADE assessment; `domains` holds the five domains present, in GRADE's order."""

    start: str | None
    domains: tuple[tuple[str, Judgement], ...]
    upgrades: tuple[Upgrade, ...]
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)

    def domain(self, name: str) -> Judgement | None:
        return dict(self.domains).get(name)


@dataclass(frozen=True, slots=True)
class Arm:
    label: str | None
    value: float | None
    n: int | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)
    literals: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PooledFrom:
    """Which review pooled an estimate, and how many studies it pooled (or that this is not reported)."""

    review: str | None
    studies: int | None
    not_reported: tuple[str, ...]
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Effect:
    """One effect as its source reports it. `literals` keeps each number as written in the YAML."""

    source: Source | None
    label: str | None
    pooled: bool
    measure: str | None
    value: float | None
    ci_low: float | None
    ci_high: float | None
    unit: str | None
    i2: float | None
    studies: int | None
    participants: int | None
    p: str | None
    arms: tuple[Arm, ...]
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)
    literals: Mapping[str, str] = field(default_factory=dict)
    pooled_from: PooledFrom | None = None
    overlap: Overlap | None = None

    @property
    def has_ci(self) -> bool:
        return self.value is not None and self.ci_low is not None and self.ci_high is not None


@dataclass(frozen=True, slots=True)
class Outcome:
    comparison: str | None
    id: str | None
    name: str | None
    importance: str | None
    time_point: str | None
    trials: tuple[Ref, ...]
    participants: int | None
    studies: int | None
    effects: tuple[Effect, ...]
    certainty: str | None
    grade: Grade | None
    finding: str | None
    claims: tuple[Ref, ...]
    note: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)
    not_reported: tuple[str, ...] = ()
    """The counts (`participants`, `studies`) its sources do not report, said explicitly."""
    evidence: str | None = None  # "none": a "No studies found" row, with no rating
    bottom_line: BottomLine | None = None
    better: str | None = None  # "higher" or "lower": which direction benefits; forest plots then say "Favours ..."

    @property
    def no_evidence(self) -> bool:
        """A row that says "No studies found" (`evidence: none`)."""
        return self.evidence == "none"

    @property
    def full_id(self) -> str | None:
        """`<comparison id>--<outcome id>`: unique over the knowledge base, and the row's anchor."""
        return f"{self.comparison}--{self.id}" if self.comparison and self.id else None


@dataclass(frozen=True, slots=True)
class Comparison:
    id: str | None
    title: str | None
    population: str | None
    intervention: str | None
    comparator: str | None
    topic: str | None
    outcomes: tuple[Outcome, ...]
    note: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Question:
    id: str | None
    question: str | None
    short: str | None
    answer: str | None
    certainty: str | None
    outcomes: tuple[Ref, ...]
    claims: tuple[Ref, ...]
    topic: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)
    rests_on_pos: Pos | None = None


@dataclass(frozen=True, slots=True)
class Rob:
    """RoB 2 assessment of one result; `domains` holds the five domains present, in RoB 2's order."""

    outcome: str | None
    domains: tuple[tuple[str, Judgement], ...]
    overall: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)
    effect: str | None = None
    """`assignment` (the default) or `adhering`: which version of domain 2's questions applies."""
    results: tuple[Ref, ...] = ()
    """Full ids of the outcomes whose result this assessment is for."""
    override: Override | None = None

    def domain(self, name: str) -> Judgement | None:
        return dict(self.domains).get(name)

    @property
    def final(self) -> str | None:
        """The overall judgement that counts: the override's when there is one."""
        return self.override.judgement if self.override is not None else self.overall


@dataclass(frozen=True, slots=True)
class Review:
    key: str | None
    included: tuple[Ref, ...]
    count: int | None
    locator: str | None
    quote: str | None
    unverified: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Check:
    url: str | None
    date: str | None
    fields: tuple[str, ...]
    mirror: bool
    note: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Verification:
    key: str | None
    checks: tuple[Check, ...]
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)


def _judgement(v: Node | None, path: str) -> Judgement | None:
    return build(Judgement, v, path) if isinstance(v, Map) else None


def _domains(f: Mapping[str, Node], names: tuple[str, ...], path: str) -> tuple[tuple[str, Judgement], ...]:
    out = []
    for name in names:
        j = _judgement(f.get(name), path)
        if j is not None:
            out.append((name, j))
    return tuple(out)


def _grade(v: Node | None, path: str) -> Grade | None:
    if not isinstance(v, Map):
        return None
    f, at = _fields(v, path)
    ups = []
    for m in _maps(f.get("upgrades")):
        uf, uat = _fields(m, path)
        ups.append(
            Upgrade(
                _text(uf.get("factor")), _int(uf.get("levels")), _text(uf.get("reason")), Pos(path, m.line, m.col), uat
            )
        )
    return Grade(_text(f.get("start")), _domains(f, GRADE_DOMAINS, path), tuple(ups), Pos(path, v.line, v.col), at)


def _comparison(m: Map, path: str) -> Comparison:
    cid = _text(m.get("id"))
    outcomes = tuple(
        build(Outcome, o, path, comparison=cid, grade=_grade(o.get("grade"), path)) for o in _maps(m.get("outcomes"))
    )
    return build(Comparison, m, path, outcomes=outcomes)


def _question(m: Map, path: str) -> Question:
    f, at = _fields(m, path)
    rests = f.get("rests_on")
    outcomes: tuple[Ref, ...] = ()
    claims: tuple[Ref, ...] = ()
    if isinstance(rests, Map):
        outcomes, claims = _refs(rests.get("outcomes"), path), _refs(rests.get("claims"), path)
    return Question(
        _text(f.get("id")),
        _text(f.get("question")),
        _text(f.get("short")),
        _text(f.get("answer")),
        _text(f.get("certainty")),
        outcomes,
        claims,
        _text(f.get("topic")),
        Pos(path, m.line, m.col),
        at,
        Pos(path, rests.line, rests.col) if rests is not None else None,
    )


def _rob(v: Node | None, path: str) -> Rob | None:
    if not isinstance(v, Map):
        return None
    f = {k.value: n for k, n in v.items}
    return build(Rob, v, path, domains=_domains(f, ROB_DOMAINS, path))


def _review(m: Map, path: str) -> Review:
    return build(Review, m, path)


def _verification(m: Map, path: str) -> Verification:
    f, at = _fields(m, path)
    checks = []
    for c in _maps(f.get("checks")):
        cf, cat = _fields(c, path)
        fl = cf.get("fields")
        names = (
            tuple(x.value for x in fl.items if isinstance(x, Scalar) and x.kind == "str") if isinstance(fl, Seq) else ()
        )
        checks.append(
            Check(
                _text(cf.get("url")),
                _date_text(cf.get("date")),
                names,
                _bool(cf.get("mirror")),
                _text(cf.get("note")),
                Pos(path, c.line, c.col),
                cat,
            )
        )
    return Verification(_text(f.get("key")), tuple(checks), Pos(path, m.line, m.col), at)
