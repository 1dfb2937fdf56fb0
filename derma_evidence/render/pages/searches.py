"""The search log with its PRISMA 2020 flow diagram, and each topic page's "last searched" and "cite this page" line."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from markupsafe import Markup

from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.model.living import Search
from derma_evidence.render.charts.prisma import flow, shown_count
from derma_evidence.render.context import (
    PAGES,
    Context,
    Linker,
    Page,
    make_page,
    topic_path,
)
from derma_evidence.render.escape import render_template
from derma_evidence.render.permalinks import cite_line
from derma_evidence.render.words import plural

# --- searches and the PRISMA 2020 flow diagram -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchVM:
    date: str
    source: str
    query: str
    found: str
    screened: str
    included: tuple[tuple[str, Markup], ...]  # (short citation, href)
    excluded: tuple[tuple[str, str, str], ...]  # (what, reason, records)


def searches_page(ctx: Context) -> Page:
    path = PAGES["searches"]
    link = ctx.linker(path)
    log = [
        SearchVM(
            s.date or "",
            s.source or "",
            s.query or "",
            shown_count(s.records_found),
            shown_count(s.screened),
            tuple((ctx.short(r.id), link(PAGES["references"], "ref_" + r.id)) for r in s.included),
            tuple((e.what or "", e.reason or "", shown_count(e.records)) for e in s.excluded),
        )
        for s in sorted(ctx.kb.searches, key=lambda s: s.date or "", reverse=True)
    ]
    return make_page(
        path,
        "Searches and the PRISMA flow diagram",
        "searches.html.j2",
        flow=flow(ctx.kb.searches),
        log=log,
        last=max((s.date or "" for s in ctx.kb.searches if s.day), default=""),
        methodology_href=link(PAGES["methodology"]),
        wide=True,
    )


def topic_searches(kb: KnowledgeBase) -> dict[str, list[Search]]:
    """The searches behind each topic: those naming it in `topics`, or whose included keys its claims cite."""
    cited: dict[str, set[str]] = defaultdict(set)
    for c in kb.claims:
        if c.topic:
            cited[c.topic].update(s.key for s in c.sources if s.key)
    out: dict[str, list[Search]] = defaultdict(list)
    for s in kb.searches:
        named = {r.id for r in s.topics}
        keys = {r.id for r in s.included}
        for t in kb.topics:
            if t.id and (t.id in named or (not named and keys & cited.get(t.id, set()))):
                out[t.id].append(s)
    return out


def topic_section(ctx: Context, link: Linker, topic_id: str) -> str:
    found = ctx.memo("topic_searches", topic_searches).get(topic_id, [])
    days = sorted({s.date or "" for s in found if s.day})
    title = ctx.topic_titles.get(topic_id, topic_id)
    return render_template(
        "_topic_living.html.j2",
        last=days[-1] if days else "",
        n=plural(len(found), "search", "searches"),
        searches_href=link(PAGES["searches"]),
        cite=cite_line(ctx, title, topic_path(topic_id)),
        page_href=link(topic_path(topic_id)),
    )
