"""The figures page: the timeline of durations and the protocol chart (their geometry: `charts/figures.py`)."""

from __future__ import annotations

from derma_evidence.render.charts.figures import protocol_chart, timeline
from derma_evidence.render.context import PAGES, Context, Page, make_page


def figures_page(ctx: Context) -> Page:
    path = PAGES["figures"]
    link = ctx.linker(path)
    return make_page(
        path,
        "Figures",
        "figures.html.j2",
        timeline=timeline(ctx, link),
        chart=protocol_chart(ctx, link),
        trials_href=link(PAGES["trials"]),
        wide=True,
    )
