"""What every chart shares: the drawing size, the font, the row height and the tick pickers.

The figures (timeline, protocol chart), the forest plots, the risk-of-bias chart and the PRISMA diagram
compute their geometry in Python from these values; their templates only draw.
"""

from __future__ import annotations

import math

WIDTH = 760.0
"""Width of a chart in SVG units; drawn at this many CSS pixels where the column allows it."""
FONT = 14
"""Font size of chart text in SVG units: at least 12 px whenever the chart is drawn at 6/7 of its width or more."""
MIN_TEXT_PX = 12
MIN_WIDTH = math.ceil(WIDTH * MIN_TEXT_PX / FONT / 10) * 10
"""The narrowest a chart is drawn (CSS px) so its text stays >= MIN_TEXT_PX; narrower screens scroll it."""
ROW = 30.0
"""Height of one row (a bar, a forest plot's effect)."""


def ticks_from_zero(hi: float) -> list[float]:
    """Round ticks from 0 up to `hi` (an axis of lengths or intervals): steps of 1, 2 or 5 times a power of ten."""
    step = 10 ** math.floor(math.log10(hi)) if hi > 0 else 1
    if hi / step < 3:
        step /= 2
    return [round(i * step, 6) for i in range(int(hi / step) + 1)]


def ticks(lo: float, hi: float, log: bool) -> list[float]:
    """Round ticks between `lo` and `hi`; on a log axis (ratios), the usual 0.01 ... 100 ladder."""
    if log:
        candidates = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
        return [c for c in candidates if lo <= c <= hi] or [1.0]
    span = hi - lo
    step = 10 ** math.floor(math.log10(span)) if span > 0 else 1.0
    if span / step < 3:
        step /= 2
    if span / step > 8:
        step *= 2
    first = math.ceil(lo / step)
    return [round(i * step, 6) for i in range(first, int(math.floor(hi / step)) + 1)]
