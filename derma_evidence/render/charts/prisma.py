"""The PRISMA 2020 flow diagram of the searches: all geometry here, the template only draws."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from derma_evidence.model.living import Candidate, Search
from derma_evidence.render.charts.scale import MIN_TEXT_PX
from derma_evidence.render.words import NOT_RECORDED, plural


def _total(values: list[int | None]) -> int | None:
    """The sum, or None when any count is missing (a partial sum would look like a complete one)."""
    return None if not values or any(v is None for v in values) else sum(v or 0 for v in values)


def shown_count(value: int | None) -> str:
    return NOT_RECORDED if value is None else str(value)


@dataclass(frozen=True, slots=True)
class Box:
    x: int
    y: int
    w: int
    h: int
    title: str
    count: str  # "n = 8" or "n not recorded"
    title_y: int
    count_y: int
    text_x: int


@dataclass(frozen=True, slots=True)
class Arrow:
    x1: int
    y1: int
    x2: int
    y2: int


@dataclass(frozen=True, slots=True)
class Flow:
    """The PRISMA 2020 flow diagram (new reviews, databases and registers only): boxes, arrows, stage labels."""

    width: int
    height: int
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]
    stages: tuple[tuple[int, int, str], ...]  # (x, y of the label's centre, label): drawn rotated
    rows: tuple[tuple[str, str, str], ...]  # the same counts as a table: (stage, box, n)
    summary: str  # the diagram in one sentence (the SVG's accessible description)

    @property
    def min_width(self) -> int:
        """The narrowest the diagram is drawn (CSS px): its 13-unit text stays >= MIN_TEXT_PX; a phone scrolls it."""
        return math.ceil(self.width * MIN_TEXT_PX / FONT_UNITS)


BOX_W, SIDE_W, BOX_H, GAP, LEFT, STAGE_W = 300, 280, 96, 30, 30, 24
FONT_UNITS = 13
"""The diagram's font size in SVG units (the template draws every text at this size)."""


@dataclass(frozen=True, slots=True)
class Counts:
    """One search's counts: typed in the log for a search made by hand, computed from the screening queue
    for one `derma search run` made (its records and their decisions), never typed twice."""

    found: int | None
    duplicates: int | None
    screened: int | None
    excluded: int | None
    included: tuple[str, ...]  # citation keys, or record ids of included records without a key yet
    awaiting: int


def counts(s: Search, queue: tuple[Candidate, ...]) -> Counts:
    mine = [c for c in queue if c.search is not None and c.search.id == s.id] if s.id else []
    if s.strategy is None and not mine:
        return Counts(s.records_found, s.duplicates, s.screened, s.excluded_count, tuple(r.id for r in s.included), 0)
    decided = [c for c in mine if c.decision is not None]
    included = tuple((c.key.id if c.key else c.id or "") for c in decided if c.decision == "include")
    return Counts(
        s.records_found,
        s.duplicates,
        len(decided),
        sum(1 for c in decided if c.decision == "exclude"),
        included,
        len(mine) - len(decided),
    )


def flow(searches: tuple[Search, ...], queue: tuple[Candidate, ...] = ()) -> Flow:
    per = [counts(s, queue) for s in searches]
    found = _total([c.found for c in per])
    duplicates = _total([c.duplicates for c in per])
    screened = _total([c.screened for c in per])
    excluded = _total([c.excluded for c in per])
    included = sorted({k for c in per for k in c.included})
    records_in = sum(len(c.included) for c in per)
    awaiting = sum(c.awaiting for c in per)
    sources = sorted({s.name or "" for s in searches if s.name})
    steps = [
        ("Identification", f"Records identified from {plural(len(searches), 'search', 'searches')}", found, None),
        ("Identification", "Duplicates removed before screening", duplicates, "side"),
        ("Screening", "Records screened", screened, None),
        ("Screening", "Records excluded, with reasons", excluded, "side"),
        (
            "Included",
            f"Records included ({plural(len(included), 'distinct study', 'distinct studies')})",
            records_in,
            None,
        ),
    ]
    boxes: list[Box] = []
    arrows: list[Arrow] = []
    stages: list[tuple[int, int, str]] = []
    rows = []
    y = 10
    main_x = LEFT + STAGE_W
    side_x = main_x + BOX_W + GAP
    last_main: Box | None = None
    stage_span: dict[str, list[int]] = defaultdict(list)
    for stage, title, count, where in steps:
        side = where == "side"
        x, w = (side_x, SIDE_W) if side else (main_x, BOX_W)
        box_y = last_main.y if side and last_main else y
        count_text = f"n = {count}" if count is not None else "n " + NOT_RECORDED
        box = Box(x, box_y, w, BOX_H, title, count_text, box_y + 40, box_y + 64, x + 12)
        boxes.append(box)
        rows.append((stage, title, shown_count(count)))
        if side and last_main:
            arrows.append(Arrow(last_main.x + last_main.w, box_y + BOX_H // 2, x, box_y + BOX_H // 2))
        else:
            if last_main:
                arrows.append(Arrow(main_x + BOX_W // 2, last_main.y + BOX_H, main_x + BOX_W // 2, box_y))
            last_main = box
            stage_span[stage].append(box_y)
            y = box_y + BOX_H + GAP
    for stage, ys in stage_span.items():
        stages.append((LEFT, (min(ys) + max(ys) + BOX_H) // 2, stage))
    summary = (
        f"{plural(len(searches), 'search', 'searches')} of {', '.join(sources) or 'no source'}: "
        f"records found: {shown_count(found)}; screened: {shown_count(screened)}; excluded: {shown_count(excluded)}; "
        f"included: {records_in} ({plural(len(included), 'distinct study', 'distinct studies')})"
        + (f"; awaiting screening: {awaiting}." if awaiting else ".")
    )
    if awaiting:
        rows.append(("Screening", "Records awaiting screening (not yet counted above)", str(awaiting)))
    return Flow(side_x + SIDE_W + 10, y - GAP + 10, tuple(boxes), tuple(arrows), tuple(stages), tuple(rows), summary)
