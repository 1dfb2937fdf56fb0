"""Typed, frozen objects of the knowledge base, built from validated nodes. No I/O here.

The builder is lenient: it takes every value whose type is right and leaves out the rest
(the schema has already reported it), so the rules can run on whatever survived.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from derma_evidence.diagnostics import Pos
from derma_evidence.load.bib import RawReference
from derma_evidence.load.yamlpos import Map, Node, Scalar, Seq
from derma_evidence.model_living import Change, Search, changes, searches
from derma_evidence.nodes import Ref as Ref  # re-exported: the answers layer's lists use it
from derma_evidence.nodes import date_text as _date_text
from derma_evidence.nodes import fields as _fields
from derma_evidence.nodes import integer as _int
from derma_evidence.nodes import maps as _maps
from derma_evidence.nodes import refs as _refs
from derma_evidence.nodes import text as _text
from derma_evidence.schema import Vocab, default_vocab, schema, vocabulary_of

_DEFS: Mapping[str, Any] = schema()["definitions"]
"""The vocabularies are defined once, in claims.schema.json; these names are read from it."""


def vocabulary(name: str) -> tuple[str, ...]:
    """The allowed values of the schema definition `name` (its `enum`), in schema order."""
    return tuple(str(v) for v in _DEFS[name]["enum"])


DESIGNS = vocabulary("design")
BIB_FIELDS = tuple(str(v) for v in _DEFS["check"]["properties"]["fields"]["items"]["enum"])
"""The BibTeX field names a verification check may confirm (and an entry's `unverified` may name)."""
VERDICTS = vocabulary("verdict")
CERTAINTIES = vocabulary("certainty")
STANCES = vocabulary("stance")
MEASURES = vocabulary("measure")
UNITS = vocabulary("unit")
"""The default measures and units; a knowledge base's own are `KnowledgeBase.vocab` (its `vocabulary:`)."""

UNITS_FOR_MEASURE: dict[str, tuple[str, ...]] = default_vocab().units_for_measure
"""Which units each default measure may use (`x-units` of the schema's `measure`)."""

LABELS: dict[str, dict[str, str]] = {name: dict(d["x-labels"]) for name, d in _DEFS.items() if "x-labels" in d}
"""Each vocabulary's values in words on the site, by definition name (`x-labels` in the schema)."""

TO_BASE: dict[str, float] = default_vocab().factors
"""Factor to a common base per dimension (mm, days, percent) for comparing ranges (`x-factors` of `unit`)."""

UNIT_WORDS = LABELS["unit"]
"""A default unit as printed after a value ("2 weeks"); the schema's `x-labels` of `unit`."""


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

    def base_range(self, factors: Mapping[str, float] = TO_BASE) -> tuple[float, float] | None:
        """(low, high) in the dimension's base unit, or None when incomplete, not finite or without a factor."""
        if self.min is None or self.unit is None or self.unit not in factors:
            return None
        hi = self.upper
        assert hi is not None
        if not (math.isfinite(self.min) and math.isfinite(hi)):
            return None
        f = factors[self.unit]
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
    protocol: Mapping[str, Quantity]  # the fields declared in `vocabulary: trial_fields`, in their order
    interval: Quantity | None
    sessions: int | None
    duration: Quantity | None
    co_treatment: str | None
    comparator: str | None
    outcome: str | None
    locator: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)
    rob: Rob | None = None


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

    @property
    def unverified(self) -> tuple[str, ...]:
        """The field names listed in `unverified = {author, title}`: required fields no page showed."""
        raw = (self.fields.get("unverified") or "").replace("{", "").replace("}", "")
        return tuple(n.strip().lower() for n in raw.split(",") if n.strip())


# --- the answers layer: questions, comparisons and outcomes (GRADE), risk of bias, reviews, verification ------


@dataclass(frozen=True, slots=True)
class Judgement:
    """A GRADE domain or RoB 2 domain judgement with its reason."""

    judgement: str | None
    reason: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)


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

    def domain(self, name: str) -> Judgement | None:
        return dict(self.domains).get(name)


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
    questions: tuple[Question, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    reviews: tuple[Review, ...] = ()
    verification: tuple[Verification, ...] = ()
    searches: tuple[Search, ...] = ()  # the living review (model_living)
    changes: tuple[Change, ...] = ()
    vocab: Vocab = field(default_factory=default_vocab)
    """The measures and units: the schema's defaults merged with the file's `vocabulary:`."""
    source_article: Mapping[str, str] = field(default_factory=dict)
    """The `source_article:` the statements come from (title, author, where, description), if given."""

    def answer_keys(self) -> set[str]:
        """Citation keys the answers layer cites: effect sources, reviews, their included trials, outcome trials."""
        outcomes = [o for c in self.comparisons for o in c.outcomes]
        keys = {e.source.key for o in outcomes for e in o.effects if e.source and e.source.key}
        keys.update(t.id for o in outcomes for t in o.trials)
        keys.update(r.key for r in self.reviews if r.key)
        keys.update(i.id for r in self.reviews for i in r.included)
        return keys

    def outcome_map(self) -> dict[str, Outcome]:
        """Outcomes by full id (`comparison-id--outcome-id`)."""
        return {o.full_id: o for c in self.comparisons for o in c.outcomes if o.full_id}

    def reference_map(self) -> dict[str, Reference]:
        return {r.key: r for r in self.references}


def _num(v: Node | None) -> float | None:
    if isinstance(v, Scalar) and v.kind in ("int", "float"):
        value = v.python()
        assert isinstance(value, (int, float))
        return float(value)
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


GRADE_DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
ROB_DOMAINS = ("randomisation", "deviations", "missing_data", "measurement", "selection")


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


def _judgement(v: Node | None, path: str) -> Judgement | None:
    if not isinstance(v, Map):
        return None
    f, at = _fields(v, path)
    return Judgement(_text(f.get("judgement")), _text(f.get("reason")), Pos(path, v.line, v.col), at)


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


def _source(v: Node | None, path: str) -> Source | None:
    if not isinstance(v, Map):
        return None
    f, at = _fields(v, path)
    return Source(
        _text(f.get("key")), None, _text(f.get("locator")), _text(f.get("quote")), Pos(path, v.line, v.col), at
    )


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
        _text(f.get("outcome")), _domains(f, ROB_DOMAINS, path), _text(f.get("overall")), Pos(path, v.line, v.col), at
    )


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


def build(
    claims_path: str, root: Node | None, bib_path: str, refs: list[RawReference], today: dt.date
) -> KnowledgeBase:
    """The knowledge base from a (possibly invalid) node tree and the parsed references."""
    topics: list[Topic] = []
    claims: list[Claim] = []
    trials: list[Trial] = []
    statements: list[Statement] = []
    p = claims_path
    vocab = vocabulary_of(root)
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
                    {k: q for k, _, _ in vocab.trial_fields if (q := _quantity(f.get(k), p)) is not None},
                    _quantity(f.get("interval"), p),
                    _int(f.get("sessions")),
                    _quantity(f.get("duration"), p),
                    _text(f.get("co_treatment")),
                    _text(f.get("comparator")),
                    _text(f.get("outcome")),
                    _text(f.get("locator")),
                    Pos(p, m.line, m.col),
                    at,
                    _rob(f.get("rob"), p),
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
    root_map = root if isinstance(root, Map) else None
    return KnowledgeBase(
        claims_path,
        bib_path,
        tuple(topics),
        tuple(claims),
        tuple(trials),
        tuple(statements),
        references,
        today,
        tuple(_question(m, p) for m in _maps(root_map.get("questions") if root_map else None)),
        tuple(_comparison(m, p) for m in _maps(root_map.get("comparisons") if root_map else None)),
        tuple(_review(m, p) for m in _maps(root_map.get("reviews") if root_map else None)),
        tuple(_verification(m, p) for m in _maps(root_map.get("verification") if root_map else None)),
        searches(root_map, p),
        changes(root_map, p),
        vocab,
        _source_article(root_map),
    )


def _source_article(root: Map | None) -> dict[str, str]:
    node = root.get("source_article") if root is not None else None
    if not isinstance(node, Map):
        return {}
    f, _ = _fields(node, "")
    return {k: t for k in ("title", "author", "where", "description") if (t := _text(f.get(k))) is not None}
