"""Claims and what they rest on: quantities, sources, topics, trials, article statements, references.

Typed, frozen objects built from validated nodes (the builder is `kb.build`); no I/O here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from derma_evidence.contract.vocab import TO_BASE
from derma_evidence.diagnostics import Pos
from derma_evidence.load.yamlpos import Map, Node
from derma_evidence.model.build import build
from derma_evidence.model.nodes import Ref as Ref  # re-exported: the answers layer's lists use it

if TYPE_CHECKING:  # a trial's risk of bias is of the answers layer, which builds on these types
    from derma_evidence.model.answers import Rob


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
    title: str | None = None  # short title for tables of contents and links (rule C018); else derived
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
class RobTool:
    """For a study that is not a randomised trial: the risk-of-bias tool used, or `not-assessed`, and why."""

    tool: str | None
    reason: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)


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
    rob_tool: RobTool | None = None
    """For a study that is not randomised: its risk-of-bias tool, or `not-assessed`, with the reason."""


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


def status(ref: Reference | None) -> str | None:
    """The reference's `status` field (retracted, corrected, expression-of-concern), lowercased, or None."""
    value = (ref.get("status") or "").strip().lower() if ref else ""
    return value or None


def _quantity(v: Node | None, path: str) -> Quantity | None:
    return build(Quantity, v, path) if isinstance(v, Map) else None
