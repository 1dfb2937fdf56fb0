"""The figures page: chart view-models with every coordinate computed here; the template only draws.

Two figures: a timeline of the duration claims of one topic (which topic is configuration:
`Context.timeline_topic`, by default the topic with the most duration claims), and a protocol
chart of the trials (the first declared trial field across, interval up, marker area by n; the field
and its label come from `vocabulary: trial_fields` in data/claims.yaml).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from derma_evidence.contract.vocab import TO_BASE, UNIT_WORDS
from derma_evidence.model.claims import Quantity
from derma_evidence.render.charts.scale import FONT, MIN_WIDTH, ROW, WIDTH, ticks_from_zero
from derma_evidence.render.context import PAGES, Context, Linker
from derma_evidence.render.words import format_range, unit_words

FIGURE_WIDTH = WIDTH
LABEL_MAX = 32
BAR_HEIGHT = 20.0
TEXT_BASELINE = 15.0
"""Offset from the top of a bar (or the centre of a dot, 5) to the baseline of its text."""


@dataclass(frozen=True, slots=True)
class Bar:
    y: float
    x: float
    width: float
    height: float
    label: str  # as drawn (shortened if long)
    label_x: float
    text_y: float
    full: str  # the whole label, for the tooltip and the data table
    value: str
    value_x: float
    href: str


@dataclass(frozen=True, slots=True)
class Tick:
    pos: float  # along the axis
    label: str
    text_x: float
    text_y: float


@dataclass(frozen=True, slots=True)
class Dot:
    cx: float
    cy: float
    r: float
    label: str
    value: str
    href: str
    label_x: float
    text_y: float
    x_low: float = 0.0  # a range (the protocol field or interval) as whiskers from its lowest to its highest value
    x_high: float = 0.0
    y_low: float = 0.0
    y_high: float = 0.0


@dataclass(frozen=True, slots=True)
class Timeline:
    topic: str
    title: str
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    width: float
    min_width: int
    height: float
    axis_y: float
    grid_top: float
    left: float
    right: float
    font: int


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A trial the protocol chart cannot plot, and why (what the data does not give)."""

    label: str
    href: str
    why: str


@dataclass(frozen=True, slots=True)
class ProtocolChart:
    dots: tuple[Dot, ...]
    xticks: tuple[Tick, ...]
    yticks: tuple[Tick, ...]
    unit: str
    width: float
    min_width: int
    height: float
    left: float
    top: float
    right: float
    bottom: float
    middle: float
    x_title_x: float
    x_title_y: float
    y_title_x: float
    y_transform: str
    font: int
    left_out: tuple[LeftOut, ...] = ()
    total: int = 0
    x_title: str = ""  # the protocol field across, in words ("Dose"), from `vocabulary: trial_fields`
    x_words: str = ""  # the same in running text ("dose")
    x_unit: str = ""  # its base unit as printed ("mg")
    summary: str = ""  # "1 of 12 trials gives both and is plotted; the other 11 are listed below the data table."


def _shorten(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def timeline_topic(ctx: Context) -> str | None:
    """The configured timeline topic, else the topic with the most duration claims (first such in order)."""
    if ctx.timeline_topic:
        return ctx.timeline_topic
    counts = Counter(
        c.topic for c in ctx.kb.claims if c.topic and c.quantity is not None and c.quantity.measure == "duration"
    )
    best = max(counts.values(), default=0)
    return next((t.id for t in ctx.kb.topics if t.id and best and counts.get(t.id) == best), None)


def timeline(ctx: Context, link: Linker) -> Timeline:
    """Bars on a logarithmic day axis for the duration claims of the timeline topic, earliest start first.

    Each bar is labelled with what the claim measures (`quantity.about`), or its id when that is not given.
    """
    topic = timeline_topic(ctx) or ""
    rows: list[tuple[tuple[float, float], str, Quantity]] = []
    for c in ctx.kb.claims:
        q = c.quantity
        if c.topic != topic or not c.id or q is None or q.measure != "duration":
            continue
        rng = q.base_range(ctx.kb.vocab.factors)
        if rng is not None:
            rows.append((rng, c.id, q))
    rows.sort(key=lambda r: (r[0][0], r[0][1], r[1]))
    left, width, top = 250.0, 400.0, 30.0
    lo_day, hi_day = 0.1, 400.0
    span = math.log10(hi_day) - math.log10(lo_day)

    def x(days: float) -> float:
        days = min(max(days, lo_day), hi_day)
        return round(left + width * (math.log10(days) - math.log10(lo_day)) / span, 1)

    bars = []
    for i, ((lo, hi), cid, q) in enumerate(rows):
        x0, x1 = x(lo), x(hi)
        w = max(round(x1 - x0, 1), 4.0)
        y = round(top + i * ROW, 1)
        label = (q.about or "").strip() or cid
        bars.append(
            Bar(
                y=y,
                x=x0,
                width=w,
                height=BAR_HEIGHT,
                label=_shorten(label),
                label_x=left - 8,
                text_y=round(y + TEXT_BASELINE, 1),
                full=label,
                value=format_range(q, vocab=ctx.kb.vocab),
                value_x=round(x0 + w + 6, 1),
                href=ctx.claim_href(link, cid),
            )
        )
    height = round(top + max(len(bars), 1) * ROW + 40, 1)
    axis_y = round(height - 30, 1)
    ticks = tuple(
        Tick(x(d), lbl, x(d), round(axis_y + 20, 1))
        for d, lbl in ((6 / 24, "6 h"), (1, "1 day"), (7, "1 week"), (30.4375, "1 month"), (365.25, "1 year"))
        if lo_day <= d <= hi_day
    )
    return Timeline(
        topic=topic,
        title=ctx.topic_titles.get(topic, topic),
        bars=tuple(bars),
        ticks=ticks,
        width=FIGURE_WIDTH,
        min_width=MIN_WIDTH,
        height=height,
        axis_y=axis_y,
        grid_top=20.0,
        left=left,
        right=left + width,
        font=FONT,
    )


INTERVAL_UNITS = ("d", "wk", "mo")


def protocol_chart(ctx: Context, link: Linker) -> ProtocolChart:
    """Trials: the first declared trial field across (in its base unit), interval up, marker area by n.

    The interval axis is in the unit the trials state (weeks when every plotted trial gives its
    interval in weeks; days when they differ). Without a declared trial field nothing is plotted.
    """
    vocab = ctx.kb.vocab
    field, measure, x_title = vocab.trial_fields[0] if vocab.trial_fields else ("", "", "Protocol field")
    x_words = x_title[:1].lower() + x_title[1:]
    base = [u for u in vocab.units_for_measure.get(measure, ()) if vocab.factors.get(u) == 1.0]
    x_unit = vocab.unit_labels.get(base[0], base[0]) if base else ""
    pts = []
    left_out = []
    for t in ctx.kb.trials:
        if not t.key:
            continue
        xq = t.protocol.get(field)
        nl = xq.base_range(vocab.factors) if xq else None
        iv = t.interval.base_range() if t.interval else None
        if nl is None or iv is None or t.interval is None:
            if nl is None and iv is None:
                why = f"Neither {x_words} nor interval in the data."
            elif nl is None:
                why = f"No {x_words} in the data (interval: every {format_range(t.interval)})."
            else:
                why = f"No interval in the data ({x_words}: {format_range(xq, vocab=vocab)})."
            left_out.append(
                LeftOut(
                    label=ctx.short(t.key),
                    href=link(PAGES["trials"], "trial-" + t.key),
                    why=why,
                )
            )
            continue
        pts.append((t, (nl[0] + nl[1]) / 2, (iv[0] + iv[1]) / 2, t.interval.unit, nl, iv))
    units = {p[3] for p in pts}
    unit = "d"
    if len(units) == 1:
        only = units.pop()
        unit = only if only in INTERVAL_UNITS else "d"
    per = TO_BASE[unit]
    left, top, width, height = 100.0, 20.0, 560.0, 300.0
    bottom = top + height
    max_mm = max([p[4][1] for p in pts] + [2.5])
    max_iv = max([p[5][1] / per for p in pts] + [30.0 / per])
    max_n = max([p[0].n or 1 for p in pts] + [1])
    dots = []

    def px(mm: float) -> float:
        return round(left + width * mm / max_mm, 1)

    def py(days: float) -> float:
        return round(bottom - height * (days / per) / max_iv, 1)

    for t, mm, days, _, nl, iv in pts:
        cx = px(mm)
        cy = py(days)
        r = round(4 + 16 * math.sqrt((t.n or 1) / max_n), 1)
        dots.append(
            Dot(
                cx=cx,
                cy=cy,
                r=r,
                label=ctx.short(t.key or ""),
                value=f"{format_range(t.protocol.get(field), vocab=vocab)}, every {format_range(t.interval)}, "
                f"n={t.n or '?'}",
                href=link(PAGES["trials"], "trial-" + (t.key or "")),
                label_x=round(cx + r + 3, 1),
                text_y=round(cy + 5, 1),
                x_low=px(nl[0]),
                x_high=px(nl[1]),
                y_low=py(iv[0]),
                y_high=py(iv[1]),
            )
        )
    xs = [(round(left + width * v / max_mm, 1), v) for v in ticks_from_zero(max_mm)]
    xticks = tuple(Tick(pos, f"{v:g} {x_unit}".strip(), pos, bottom + 20) for pos, v in xs)
    ys = [(round(bottom - height * v / max_iv, 1), v) for v in ticks_from_zero(max_iv)]
    yticks = tuple(Tick(pos, f"{v:g} {unit_words(unit, v == 1)}", left - 6, round(pos + 5, 1)) for pos, v in ys)
    middle = top + height / 2
    return ProtocolChart(
        dots=tuple(dots),
        xticks=xticks,
        yticks=yticks,
        unit=UNIT_WORDS[unit],
        width=FIGURE_WIDTH,
        min_width=MIN_WIDTH,
        height=bottom + 50,
        left=left,
        top=top,
        right=left + width,
        bottom=bottom,
        middle=middle,
        x_title_x=left + width / 2,
        x_title_y=bottom + 44,
        y_title_x=16.0,
        y_transform=f"rotate(-90 16 {middle:g})",
        font=FONT,
        left_out=tuple(left_out),
        total=len(pts) + len(left_out),
        x_title=x_title,
        x_words=x_words,
        x_unit=x_unit,
        summary=_plotted_words(len(dots), len(pts) + len(left_out)),
    )


def _plotted_words(plotted: int, total: int) -> str:
    one = plotted == 1
    text = f"{plotted} of {total} trials {'gives' if one else 'give'} both and {'is' if one else 'are'} plotted"
    rest = total - plotted
    if rest:
        text += f"; the other {rest} {'is' if rest == 1 else 'are'} listed below the data table, with why"
    return text + "."
