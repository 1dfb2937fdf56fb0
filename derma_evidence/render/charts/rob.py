"""The risk-of-bias traffic-light chart (RoB 2): all geometry here, the template only draws."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from derma_evidence.contract.vocab import (
    ROB_DOMAIN_WORDS,
    ROB_WORDS,
)
from derma_evidence.grade import rob2
from derma_evidence.model.answers import Judgement
from derma_evidence.model.claims import Trial
from derma_evidence.render.charts.scale import FONT, MIN_WIDTH, WIDTH
from derma_evidence.render.context import PAGES, Context, Linker

ROB_SYMBOL = {"low": "+", "some-concerns": "\u2212", "high": "\u00d7"}
ROB_FILL = {"low": "#4caf50", "some-concerns": "#f6c431", "high": "#d32f2f"}
ROB_TEXT = {"low": "#000", "some-concerns": "#000", "high": "#fff"}


@dataclass(frozen=True, slots=True)
class RobCell:
    cx: float
    cy: float
    text_y: float  # baseline of the symbol drawn in the circle
    judgement: str
    words: str
    symbol: str
    fill: str
    ink: str
    reason: str


@dataclass(frozen=True, slots=True)
class RobRow:
    y: float
    text_y: float  # baseline of the trial's label
    label: str  # the whole name (the table and the tooltip)
    href: str
    outcome: str
    cells: tuple[RobCell, ...]
    short: str = ""  # the name as drawn: at most LABEL_CHARS characters


ROB_COLUMNS = (*ROB_DOMAIN_WORDS, "overall")
LABEL_CHARS = 34


def _fit(name: str) -> str:
    """A name shortened to LABEL_CHARS, keeping a trailing year ("Journal of Cosmetic Derma\u2026 2022")."""
    if len(name) <= LABEL_CHARS:
        return name
    head, _, tail = name.rpartition(" ")
    if tail.isdigit() and head:
        return head[: LABEL_CHARS - len(tail) - 2].rstrip(" ,") + "\u2026 " + tail
    return name[: LABEL_CHARS - 1].rstrip() + "\u2026"


def domain_reason(name: str, d: Judgement, effect: str | None) -> str:
    """The reason, then the signalling answers by question number, then any override with its reason."""
    text = d.reason or ""
    if d.answers:
        qs = rob2.questions(name, effect or "assignment")
        answers = rob2.parse_answers(d.answers)
        pairs = ", ".join(f"{q.number} {a}" for q, a in zip(qs, answers, strict=False))
        text += f"{' ' if text else ''}Signalling answers: {pairs}."
    if d.override is not None:
        text += f" Overridden from {ROB_WORDS.get(d.judgement or '', '').lower()}: {d.override.reason or ''}"
    return text


def rob_chart(ctx: Context, link: Linker) -> dict[str, Any]:
    """A robvis-style traffic-light chart: one row per trial with a RoB 2 assessment, D1-D5 and overall."""
    trials: list[Trial] = [t for t in ctx.kb.trials if t.rob is not None and t.key]
    left, col, row, top = 290.0, 56.0, 40.0, 60.0  # left: room for a 34-character label at 14 px
    rows = []
    for i, t in enumerate(trials):
        assert t.rob is not None
        y = round(top + i * row + row / 2, 1)
        cells = []
        for j, name in enumerate(ROB_COLUMNS):
            if name == "overall":
                judgement, reason = t.rob.final or "", "Overall judgement (RoB 2 algorithm)"
                if t.rob.override is not None:
                    reason = f"Overall judgement overridden ({t.rob.override.reason or ''})"
            else:
                d = t.rob.domain(name)
                judgement, reason = (d.final or "", domain_reason(name, d, t.rob.effect)) if d else ("", "")
            cells.append(
                RobCell(
                    round(left + col * j + col / 2 + (12 if name == "overall" else 0), 1),
                    y,
                    round(y + 6, 1),
                    judgement,
                    ROB_WORDS.get(judgement, "Not assessed"),
                    ROB_SYMBOL.get(judgement, "?"),
                    ROB_FILL.get(judgement, "#ffffff"),
                    ROB_TEXT.get(judgement, "#000"),
                    reason,
                )
            )
        rows.append(
            RobRow(
                y,
                round(y + 5, 1),
                ctx.short(t.key or ""),
                link(PAGES["trials"], "trial-" + (t.key or "")),
                t.rob.outcome or "",
                tuple(cells),
                _fit(ctx.short(t.key or "")),
            )
        )
    heads = [
        (
            round(left + col * j + col / 2 + (12 if n == "overall" else 0), 1),
            f"D{j + 1}" if n != "overall" else "Overall",
        )
        for j, n in enumerate(ROB_COLUMNS)
    ]
    legend_y = round(top + len(rows) * row + 24, 1)
    legend = [
        (round(left + 150 * k, 1), round(left + 150 * k + 18, 1), ROB_FILL[j], ROB_SYMBOL[j], ROB_TEXT[j], ROB_WORDS[j])
        for k, j in enumerate(ROB_WORDS)
    ]
    return {
        "rows": rows,
        "heads": heads,
        "legend": legend,
        "legend_y": legend_y,
        "legend_text_y": round(legend_y + 5, 1),
        "domains": [(f"D{j + 1}", w) for j, w in enumerate(ROB_DOMAIN_WORDS.values())],
        "height": round(legend_y + 30, 1),
        "width": WIDTH,
        "label_x": left - 12,
        "min_width": MIN_WIDTH,  # never drawn narrower (text >= 12 px): a narrow screen scrolls the chart
        "head_y": top - 16,
        "font": FONT,
        "radius": 15,
    }
