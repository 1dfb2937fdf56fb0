"""Typed, frozen objects of the living review: the searches run and the change log. No I/O here.

Built from validated nodes by the same lenient rules as `model`: a value of the wrong type is left
out (the schema has reported it). `model.build` calls `searches` and `changes`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from derma_evidence.diagnostics import Pos
from derma_evidence.load.yamlpos import Map, Node, Scalar, Seq
from derma_evidence.model.build import build
from derma_evidence.model.nodes import Ref
from derma_evidence.model.nodes import date_text as _date
from derma_evidence.model.nodes import fields as _fields
from derma_evidence.model.nodes import integer as _int
from derma_evidence.model.nodes import maps as _maps
from derma_evidence.model.nodes import refs as _refs
from derma_evidence.model.nodes import text as _text

DATABASES = ("pubmed", "europepmc", "ctgov")
"""Databases `derma search run` can query; any other is `database: other` with its `database_name`."""
DECISIONS = ("include", "exclude")
"""Screening decisions on a record of the queue (no decision: awaiting screening)."""


@dataclass(frozen=True, slots=True)
class Exclusion:
    what: str | None
    reason: str | None
    records: int | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)
    ids: tuple[str, ...] = ()  # the excluded records' identifiers (doi:..., pmid:..., nct:...)


@dataclass(frozen=True, slots=True)
class Rerun:
    """The query, in a database anyone can search, that re-runs a search made elsewhere."""

    database: str | None
    query: str | None


@dataclass(frozen=True, slots=True)
class Search:
    date: str | None
    source: str | None  # the database searched, in words, as the YAML gives it (older entries); see `name`
    query: str | None
    records_found: int | None
    screened: int | None
    included: tuple[Ref, ...]
    excluded: tuple[Exclusion, ...]
    topics: tuple[Ref, ...]
    note: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)
    id: str | None = None
    database: str | None = None
    limits: str | None = None
    rerun: Rerun | None = None
    strategy: str | None = None
    duplicates: int | None = None  # written by `derma search run`: records already known
    database_name: str | None = None  # for `database: other`: what was searched and how

    @property
    def name(self) -> str | None:
        """The database's name as shown: `source`, else PubMed, Europe PMC, ClinicalTrials.gov, else `database_name`."""
        return self.source or DATABASE_NAMES.get(self.database or "") or self.database_name

    @property
    def day(self) -> dt.date | None:
        return iso_date(self.date)

    @property
    def excluded_count(self) -> int | None:
        """The records excluded, when every exclusion was counted; None when any count is missing."""
        if any(e.records is None for e in self.excluded):
            return None
        return sum(e.records or 0 for e in self.excluded)


@dataclass(frozen=True, slots=True)
class Change:
    date: str | None
    kind: str | None
    claims: tuple[Ref, ...]
    statements: tuple[int, ...]
    questions: tuple[Ref, ...]
    references: tuple[Ref, ...]
    what: str | None
    why: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)
    statement_pos: tuple[Pos, ...] = ()
    index: int = 0  # position in the log, from 0 (orders entries of the same date)
    nth: int = 1  # the entry's number among the entries of its date, in file order: part of its permanent id

    @property
    def day(self) -> dt.date | None:
        return iso_date(self.date)

    @property
    def anchor(self) -> str:
        """The entry's permanent anchor and feed id: `change-<date>-<n>`, the n-th entry of that date in the log.

        Stable as long as entries of a date are appended after the earlier ones of the same date.
        """
        return f"change-{self.date or 'undated'}-{self.nth}"


@dataclass(frozen=True, slots=True)
class Strategy:
    """A saved search: `derma search run` runs it and logs each run under `searches:`."""

    id: str | None
    database: str | None
    query: str | None
    limits: str | None
    topics: tuple[Ref, ...]
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One record of the screening queue: what a search found, and the decision on it (None: awaiting)."""

    id: str | None
    search: Ref | None
    title: str | None
    authors: tuple[str, ...]
    journal: str | None
    year: int | None
    ids: tuple[str, ...]
    decision: str | None
    reason: str | None
    key: Ref | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)

    @property
    def awaiting(self) -> bool:
        return self.decision is None


DATABASE_NAMES = {"pubmed": "PubMed", "europepmc": "Europe PMC", "ctgov": "ClinicalTrials.gov"}


def iso_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _numbers(v: Node | None, path: str) -> tuple[tuple[int, ...], tuple[Pos, ...]]:
    items = [x for x in v.items if isinstance(x, Scalar) and x.kind == "int"] if isinstance(v, Seq) else []
    return tuple(int(x.value) for x in items), tuple(Pos(path, x.line, x.col) for x in items)


def _strings(v: Node | None) -> tuple[str, ...]:
    if not isinstance(v, Seq):
        return ()
    return tuple(x.value for x in v.items if isinstance(x, Scalar) and x.kind == "str")




def searches(root: Node | None, path: str) -> tuple[Search, ...]:
    out = []
    for m in _maps(root.get("searches") if isinstance(root, Map) else None):
        f, at = _fields(m, path)
        excluded = []
        for e in _maps(f.get("excluded")):
            ef, eat = _fields(e, path)
            excluded.append(
                Exclusion(
                    _text(ef.get("what")),
                    _text(ef.get("reason")),
                    _int(ef.get("records")),
                    Pos(path, e.line, e.col),
                    eat,
                    _strings(ef.get("ids")),
                )
            )
        database = _text(f.get("database"))
        rerun = None
        if isinstance(f.get("rerun"), Map):
            rf, _ = _fields(f["rerun"], path)  # type: ignore[arg-type]
            rerun = Rerun(_text(rf.get("database")), _text(rf.get("query")))
        out.append(
            Search(
                _date(f.get("date")),
                _text(f.get("source")),
                _text(f.get("query")),
                _int(f.get("records_found")),
                _int(f.get("screened")),
                _refs(f.get("included"), path),
                tuple(excluded),
                _refs(f.get("topics"), path),
                _text(f.get("note")),
                Pos(path, m.line, m.col),
                at,
                _text(f.get("id")),
                database,
                _text(f.get("limits")),
                rerun,
                _text(f.get("strategy")),
                _int(f.get("duplicates")),
                _text(f.get("database_name")),
            )
        )
    return tuple(out)


def strategies(root: Node | None, path: str) -> tuple[Strategy, ...]:
    return tuple(build(Strategy, m, path) for m in _maps(root.get("strategies") if isinstance(root, Map) else None))


def screening(root: Node | None, path: str) -> tuple[Candidate, ...]:
    return tuple(build(Candidate, m, path) for m in _maps(root.get("screening") if isinstance(root, Map) else None))


def changes(root: Node | None, path: str) -> tuple[Change, ...]:
    out = []
    per_date: dict[str | None, int] = {}
    for i, m in enumerate(_maps(root.get("changes") if isinstance(root, Map) else None)):
        f, at = _fields(m, path)
        numbers, number_pos = _numbers(f.get("statements"), path)
        day = _date(f.get("date"))
        per_date[day] = per_date.get(day, 0) + 1
        out.append(
            Change(
                day,
                _text(f.get("kind")),
                _refs(f.get("claims"), path),
                numbers,
                _refs(f.get("questions"), path),
                _refs(f.get("references"), path),
                _text(f.get("what")),
                _text(f.get("why")),
                Pos(path, m.line, m.col),
                at,
                number_pos,
                i,
                per_date[day],
            )
        )
    return tuple(out)
