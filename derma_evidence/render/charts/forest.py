"""Forest plots of a summary-of-findings outcome: all geometry here, the template only draws."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from derma_evidence.contract.vocab import (
    MEASURE_WORDS,
    RATIO_MEASURES,
)
from derma_evidence.grade.overlap import is_overlapping
from derma_evidence.model.answers import Comparison, Effect, Outcome
from derma_evidence.render.charts.scale import FONT, MIN_WIDTH, WIDTH
from derma_evidence.render.charts.scale import ticks as scale_ticks
from derma_evidence.render.escape import attr
from derma_evidence.render.words import effect_number, effect_text

FOREST_WIDTH = WIDTH
FOREST_FONT = FONT
PLOT_LEFT, PLOT_RIGHT = 290.0, 560.0
ROW = 44.0
"""Height of one effect's row: room for a label on two lines."""
LINE = 16.0
"""Distance between the two lines of a label."""
LABEL_CHARS = 34
"""Characters per line of a label (two lines at most; the whole label is the row's tooltip and is in the card)."""
CHAR_WIDTH = 0.56 * FONT
"""A generous average width of one character of chart text (SVG units), to keep words inside the drawing."""
TOP = 64.0
"""Where the first row starts: below the measure line and the direction words."""
MEASURE_EXPLAINED = {
    "MD": "difference between the groups' means, in the outcome's unit; 0 is no difference",
    "SMD": "difference between the groups' means in standard deviations (comparable across scales); 0 is no difference",
    "RR": "risk in the intervention group divided by risk in the comparison group; 1 is no difference",
    "OR": "odds in the intervention group divided by odds in the comparison group; 1 is no difference",
    "RD": "risk in the intervention group minus risk in the comparison group; 0 is no difference",
}
"""Each measure explained in one line, under the plot."""
DIRECTION_WORDS = {
    False: ("\u2190 lower with the intervention", "higher with the intervention \u2192"),
    True: ("\u2190 less often with the intervention", "more often with the intervention \u2192"),
}
"""Which side of the line of no effect means what (differences, ratios). Whether higher is better depends on the
outcome (a count of new growth up is good, adverse events up are not): these neutral words are used when the outcome
gives no `better`, and say where the intervention's values lie, not which side is favoured."""


FAVOURS_NAME_CHARS = 32
"""The longest arm name a "Favours ..." label carries (characters); a longer short name gives "Favours
intervention" / "Favours comparator", with the arms named in the caption."""
_ARM_NOISE_RE = re.compile(r"\s*\([^)]*\)|;.*$|\b(?:topical|oral|alone)\b|\b\d+(?:\.\d+)?\s*%\s*", re.IGNORECASE)


def arm_short_name(arm: str | None) -> str:
    """An arm of a comparison in a few words for a "Favours ..." label: brackets, anything after a
    semicolon, "topical", "oral", "alone" and percentages dropped, "plus" as "+"; "" when it does not fit in
    FAVOURS_NAME_CHARS. "Weekly drug A plus topical 5% drug B" -> "weekly drug A + drug B"."""
    text = " ".join(_ARM_NOISE_RE.sub(" ", arm or "").split())
    text = text.replace(" plus ", " + ")
    if text[:1].isupper() and not text[1:2].isupper():
        text = text[0].lower() + text[1:]
    return text if len(text) <= FAVOURS_NAME_CHARS else ""


def direction_words(log: bool, better: str | None, comparison: Comparison | None) -> tuple[str, str, str]:
    """The words left and right of the line of no effect, and a caption sentence naming the arms.

    With the outcome's `better` ("higher" or "lower") the sides say which arm the estimate favours, named by
    `arm_short_name` (or "intervention"/"comparator" when a name does not shorten, the caption then naming
    both arms); without it, the neutral DIRECTION_WORDS (where the intervention's values lie)."""
    if better not in ("higher", "lower"):
        left, right = DIRECTION_WORDS[log]
        return left, right, ""
    full_i = (comparison.intervention if comparison else None) or ""
    full_c = (comparison.comparator if comparison else None) or ""
    short_i, short_c = arm_short_name(full_i), arm_short_name(full_c)
    if short_i and short_c and short_i != short_c:
        names = (short_i, short_c)
        caption = ""
    else:
        names = ("intervention", "comparator")
        caption = f"Intervention: {full_i}; comparator: {full_c}." if full_i and full_c else ""
    favoured_right = names[0] if better == "higher" else names[1]
    favoured_left = names[1] if better == "higher" else names[0]
    return f"\u2190 Favours {favoured_left}", f"Favours {favoured_right} \u2192", caption


def wrap_label(label: str, chars: int = LABEL_CHARS) -> tuple[str, ...]:
    """A forest-plot label on at most two lines: parentheticals dropped first (the rest names study, depth or
    subgroup), then words filled into lines of `chars`; what does not fit ends with an ellipsis."""
    text = " ".join(re.sub(r"\s*\([^)]*\)", "", label).split()) or " ".join(label.split())
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        elif len(lines) < 2:
            lines.append(word if len(word) <= chars else word[: chars - 1] + "\u2026")
        else:
            last = lines[-1]
            lines[-1] = (last if len(last) < chars else last[: chars - 1].rstrip()) + "\u2026"
            break
    return tuple(lines)


@dataclass(frozen=True, slots=True)
class ForestRow:
    y: float
    label: str  # the whole label (the tooltip)
    lines: tuple[tuple[str, float], ...]  # the label as drawn: (text, baseline) per line
    x: float
    x_low: float
    x_high: float
    pooled: bool
    diamond: str  # polygon points, for pooled estimates
    text: str
    text_y: float  # baseline of the row's value text
    box_x: float  # the study's square, top-left corner
    box_y: float
    value: str = ""  # the estimate and its CI, as drawn right of the plot
    extra: str = ""  # I² and k of a pooled estimate, drawn on a second line under the value
    extra_y: float = 0.0
    overlapping: bool = False  # pools the same trials as the row's best estimate: no diamond of its own


@dataclass(frozen=True, slots=True)
class ForestTick:
    pos: float
    label: str


def not_plotted(e: Effect) -> str:
    """Why an effect is listed beneath the plot instead of drawn: never contradicting the effect's own text."""
    if e.measure == "arms":
        return "arm values and p only, no estimate with a CI"
    if e.ci_low is None or e.ci_high is None:
        return "no 95% CI reported"
    if e.value is None:
        return "no point estimate reported"
    if not e.measure:
        return "no effect measure given"
    return "a ratio whose CI reaches 0 cannot be drawn on a log axis"


def forest_plots(
    o: Outcome, comparison: Comparison | None = None
) -> tuple[tuple[dict[str, Any], ...], tuple[tuple[str, str], ...]]:
    """One static forest plot per effect measure of the outcome (effects with a CI), and the effects not plottable.

    Ratios (RR, OR) are drawn on a log axis with the line of no effect at 1; differences on a
    linear axis with it at 0. Nothing is imputed: an effect without both CI bounds is listed
    beneath the plot instead. A pooled estimate that overlaps the row's best one (the same trials,
    `overlap: {role: overlapping}`) is drawn as an open circle, not as an independent diamond. With the
    outcome's `better`, the two sides read "Favours <arm>" (`direction_words`).
    """
    by_measure: dict[str, list[Effect]] = {}
    missing: list[tuple[str, str]] = []
    for e in o.effects:
        if e.measure != "arms" and e.has_ci and e.measure and (e.measure not in RATIO_MEASURES or (e.ci_low or 0) > 0):
            by_measure.setdefault(e.measure, []).append(e)
        else:
            missing.append((e.label or "", f"{effect_text(e)} ({not_plotted(e)})"))
    plots = []
    for measure, effects in sorted(by_measure.items()):
        log = measure in RATIO_MEASURES
        null = 1.0 if log else 0.0
        lows = [e.ci_low for e in effects if e.ci_low is not None] + [null]
        highs = [e.ci_high for e in effects if e.ci_high is not None] + [null]
        lo, hi = min(lows), max(highs)

        def f(v: float, log: bool = log) -> float:
            return math.log10(v) if log else v

        a, b = f(lo), f(hi)
        pad = (b - a) * 0.08 or 0.5
        a, b = a - pad, b + pad

        def x(v: float, a: float = a, b: float = b) -> float:
            return round(PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * (f(v) - a) / (b - a), 1)

        rows = []
        for i, e in enumerate(effects):
            assert e.value is not None and e.ci_low is not None and e.ci_high is not None
            y = round(TOP + i * ROW + ROW / 2, 1)
            cx = x(e.value)
            diamond = ""
            overlapping = is_overlapping(e)
            if e.pooled and not overlapping:
                diamond = f"{x(e.ci_low)},{y} {cx},{y - 8} {x(e.ci_high)},{y} {cx},{y + 8}"
            label = e.label or ""
            wrapped = wrap_label(label)
            first = y + 5 - (LINE / 2 if len(wrapped) > 1 else 0)
            lines = tuple((t, round(first + k * LINE, 1)) for k, t in enumerate(wrapped))
            extra = []
            if e.pooled:
                if e.i2 is not None:
                    extra.append(f"I\u00b2 {effect_number(e.i2)}%")
                if e.studies is not None:
                    extra.append(f"k = {e.studies}")
            value_text = f"{effect_number(e.value)} [{effect_number(e.ci_low)}, {effect_number(e.ci_high)}]"
            text = value_text + (" " + ", ".join(extra) if extra else "")
            rows.append(
                ForestRow(
                    y,
                    label,
                    lines,
                    cx,
                    x(e.ci_low),
                    x(e.ci_high),
                    e.pooled,
                    diamond,
                    text,
                    round(y + 5, 1),
                    round(cx - 5, 1),
                    round(y - 5, 1),
                    value_text,
                    ", ".join(extra),
                    round(y + 5 + LINE, 1),
                    overlapping,
                )
            )
        lo_t, hi_t = (10**a, 10**b) if log else (a, b)
        ticks = [ForestTick(x(t), f"{t:g}") for t in scale_ticks(lo_t, hi_t, log)]
        axis_y = round(TOP + len(rows) * ROW + 4, 1)
        height = axis_y + 34
        left_words, right_words, arms_caption = direction_words(log, o.better, comparison)
        plots.append(
            {
                "id": attr(f"forest_{o.full_id}_{measure.lower()}"),
                "measure": measure,
                "measure_words": MEASURE_WORDS.get(measure, measure),
                "log": log,
                "rows": rows,
                "ticks": ticks,
                "null_x": x(null),
                "axis_y": axis_y,
                "tick_y": round(axis_y + 5, 1),
                "tick_text_y": round(axis_y + 20, 1),
                "null_top": TOP - 8,
                "direction_y": TOP - 16,
                "left_words": left_words,
                "right_words": right_words,
                "left_words_x": round(max(x(null) - 6, len(left_words) * CHAR_WIDTH), 1),
                "right_words_x": round(min(x(null) + 6, FOREST_WIDTH - len(right_words) * CHAR_WIDTH), 1),
                "explained": f"{measure} ({MEASURE_WORDS.get(measure, measure)}): {MEASURE_EXPLAINED[measure]}."
                if measure in MEASURE_EXPLAINED
                else "",
                "arms": arms_caption,
                "min_width": MIN_WIDTH,
                "label_x": PLOT_LEFT - 10,
                "top": 20,
                "height": round(height, 1),
                "width": FOREST_WIDTH,
                "left": PLOT_LEFT,
                "right": PLOT_RIGHT,
                "text_x": PLOT_RIGHT + 12,
                "font": FOREST_FONT,
                "title": f"{o.name or o.id}: {MEASURE_WORDS.get(measure, measure)}",
                "overlapping": any(r.overlapping for r in rows),
            }
        )
    return tuple(plots), tuple(missing)
