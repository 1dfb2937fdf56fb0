"""The answers layer: questions, comparisons, outcomes (GRADE), effects as reported, risk of bias, verification.

Frozen dataclasses and their builders from validated nodes; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from derma_evidence.contract.vocab import GRADE_DOMAINS, ROB_DOMAINS
from derma_evidence.diagnostics import Pos
from derma_evidence.load.yamlpos import Map, Node, Scalar, Seq
from derma_evidence.model.bottomline import BottomLine, Overlap, bottom_line, overlap
from derma_evidence.model.claims import Source, _num, _source
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


def _bool(v: Node | None) -> bool:
    return isinstance(v, Scalar) and v.kind == "bool" and v.python() is True


def _literals(f: Mapping[str, Node], names: tuple[str, ...]) -> dict[str, str]:
    """Numbers as written in the YAML (`1.10` stays `1.10`), for matching them against a quote."""
    out = {}
    for name in names:
        v = f.get(name)
        if isinstance(v, Scalar) and v.kind in ("int", "float"):
            out[name] = v.value
    return out


def _override(v: Node | None, path: str) -> Override | None:
    if not isinstance(v, Map):
        return None
    f, at = _fields(v, path)
    return Override(_text(f.get("judgement")), _text(f.get("reason")), Pos(path, v.line, v.col), at)


def _judgement(v: Node | None, path: str) -> Judgement | None:
    if not isinstance(v, Map):
        return None
    f, at = _fields(v, path)
    return Judgement(
        _text(f.get("judgement")),
        _text(f.get("reason")),
        Pos(path, v.line, v.col),
        at,
        _text(f.get("answers")),
        _override(f.get("override"), path),
        status=_text(f.get("status")),
    )


def _names(v: Node | None) -> tuple[str, ...]:
    if not isinstance(v, Seq):
        return ()
    return tuple(x.value for x in v.items if isinstance(x, Scalar) and x.kind == "str")


def _pooled_from(v: Node | None, path: str) -> PooledFrom | None:
    if not isinstance(v, Map):
        return None
    f, at = _fields(v, path)
    return PooledFrom(
        _text(f.get("review")), _int(f.get("studies")), _names(f.get("not_reported")), Pos(path, v.line, v.col), at
    )


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


EFFECT_NUMBERS = ("value", "ci_low", "ci_high", "i2", "studies", "participants")


def _effect(m: Map, path: str) -> Effect:
    f, at = _fields(m, path)
    arms = []
    for a in _maps(f.get("arms")):
        af, aat = _fields(a, path)
        arms.append(
            Arm(
                _text(af.get("label")),
                _num(af.get("value")),
                _int(af.get("n")),
                Pos(path, a.line, a.col),
                aat,
                _literals(af, ("value", "n")),
            )
        )
    return Effect(
        _source(f.get("source"), path),
        _text(f.get("label")),
        _bool(f.get("pooled")),
        _text(f.get("measure")),
        _num(f.get("value")),
        _num(f.get("ci_low")),
        _num(f.get("ci_high")),
        _text(f.get("unit")),
        _num(f.get("i2")),
        _int(f.get("studies")),
        _int(f.get("participants")),
        _text(f.get("p")),
        tuple(arms),
        Pos(path, m.line, m.col),
        at,
        _literals(f, EFFECT_NUMBERS),
        _pooled_from(f.get("pooled_from"), path),
        overlap=overlap(f.get("overlap"), path),
    )


def _comparison(m: Map, path: str) -> Comparison:
    f, at = _fields(m, path)
    cid = _text(f.get("id"))
    outcomes = []
    for o in _maps(f.get("outcomes")):
        of, oat = _fields(o, path)
        outcomes.append(
            Outcome(
                cid,
                _text(of.get("id")),
                _text(of.get("name")),
                _text(of.get("importance")),
                _text(of.get("time_point")),
                _refs(of.get("trials"), path),
                _int(of.get("participants")),
                _int(of.get("studies")),
                tuple(_effect(e, path) for e in _maps(of.get("effects"))),
                _text(of.get("certainty")),
                _grade(of.get("grade"), path),
                _text(of.get("finding")),
                _refs(of.get("claims"), path),
                _text(of.get("note")),
                Pos(path, o.line, o.col),
                oat,
                _names(of.get("not_reported")),
                evidence=_text(of.get("evidence")),
                bottom_line=bottom_line(of.get("bottom_line"), path),
            )
        )
    return Comparison(
        cid,
        _text(f.get("title")),
        _text(f.get("population")),
        _text(f.get("intervention")),
        _text(f.get("comparator")),
        _text(f.get("topic")),
        tuple(outcomes),
        _text(f.get("note")),
        Pos(path, m.line, m.col),
        at,
    )


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
    f, at = _fields(v, path)
    return Rob(
        _text(f.get("outcome")),
        _domains(f, ROB_DOMAINS, path),
        _text(f.get("overall")),
        Pos(path, v.line, v.col),
        at,
        _text(f.get("effect")),
        _refs(f.get("results"), path),
        _override(f.get("override"), path),
    )


@dataclass(frozen=True, slots=True)
class RobTool:
    """For a study that is not a randomised trial: the risk-of-bias tool used, or `not-assessed`, and why."""

    tool: str | None
    reason: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)


def rob_tool(v: Node | None, path: str) -> RobTool | None:
    if not isinstance(v, Map):
        return None
    f, at = _fields(v, path)
    return RobTool(_text(f.get("tool")), _text(f.get("reason")), Pos(path, v.line, v.col), at)


def _review(m: Map, path: str) -> Review:
    f, at = _fields(m, path)
    return Review(
        _text(f.get("key")),
        _refs(f.get("included"), path),
        _int(f.get("count")),
        _text(f.get("locator")),
        _text(f.get("quote")),
        _text(f.get("unverified")),
        Pos(path, m.line, m.col),
        at,
    )


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
