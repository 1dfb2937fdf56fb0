"""The search log with its PRISMA 2020 flow diagram, and each topic page's "last searched" and "cite this page" line."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from markupsafe import Markup

from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.model.living import DATABASE_NAMES, Search
from derma_evidence.render.charts.prisma import counts, flow, shown_count
from derma_evidence.render.context import (
    PAGES,
    Context,
    Linker,
    Page,
    make_page,
    topic_path,
)
from derma_evidence.render.escape import render_template, safe_id
from derma_evidence.render.permalinks import cite_line
from derma_evidence.render.words import plural

# --- searches and the PRISMA 2020 flow diagram -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchVM:
    anchor: Markup  # search-<id>, or "" for a search without an id
    date: str
    source: str
    query: str
    limits: str
    rerun: tuple[str, str]  # (database, query) that re-run a search made elsewhere, else ("", "")
    found: str
    duplicates: str
    screened: str
    awaiting: int
    included: tuple[tuple[str, Markup], ...]  # (short citation, href)
    excluded: tuple[tuple[str, str, str], ...]  # (what, reason, records)


@dataclass(frozen=True, slots=True)
class TopicSearchesVM:
    anchor: Markup  # topic-<id>
    title: str
    last: str
    searches: tuple[tuple[str, Markup], ...]  # (date and database, href to the search's row)


def search_anchor(s: Search) -> str:
    """`search-<id>` (plain text, for links); "" when the id is not kebab-case (the schema has said so)."""
    return "search-" + s.id if s.id and safe_id(s.id) else ""


def _excluded(s: Search, queue_excluded: list[tuple[str, str]]) -> tuple[tuple[str, str, str], ...]:
    rows = [(e.what or ", ".join(e.ids), e.reason or "", shown_count(e.records)) for e in s.excluded]
    rows.extend((ident, reason, "1") for ident, reason in queue_excluded)
    return tuple(rows)


def searches_page(ctx: Context) -> Page:
    path = PAGES["searches"]
    link = ctx.linker(path)
    queue = ctx.kb.screening
    log = []
    for s in sorted(ctx.kb.searches, key=lambda s: (s.date or "", s.id or ""), reverse=True):
        n = counts(s, queue)
        mine = [c for c in queue if c.search is not None and s.id and c.search.id == s.id]
        keys = [r.id for r in s.included] + [c.key.id for c in mine if c.decision == "include" and c.key]
        log.append(
            SearchVM(
                safe_id(search_anchor(s)),
                s.date or "",
                s.name or "",
                s.query or "",
                s.limits or "",
                (DATABASE_NAMES.get(s.rerun.database or "", s.rerun.database or ""), s.rerun.query or "")
                if s.rerun
                else ("", ""),
                shown_count(n.found),
                shown_count(n.duplicates),
                shown_count(n.screened),
                n.awaiting,
                tuple((ctx.short(k), link(PAGES["references"], "ref_" + k)) for k in dict.fromkeys(keys)),
                _excluded(s, [(c.id or "", c.reason or "") for c in mine if c.decision == "exclude"]),
            )
        )
    by_topic = ctx.memo("topic_searches", topic_searches)
    topics = []
    for t in ctx.kb.topics:
        found = by_topic.get(t.id or "", [])
        if not t.id or not safe_id(t.id):
            continue
        topics.append(
            TopicSearchesVM(
                safe_id("topic-" + t.id),
                t.title or t.id,
                max((x.date or "" for x in found if x.day), default=""),
                tuple(
                    (f"{x.date or 'undated'}, {x.name or 'database not named'}", link(path, search_anchor(x)))
                    for x in sorted(found, key=lambda x: (x.date or "", x.id or ""), reverse=True)
                    if search_anchor(x)
                ),
            )
        )
    return make_page(
        path,
        "Searches and the PRISMA flow diagram",
        "searches.html.j2",
        flow=flow(ctx.kb.searches, queue),
        log=log,
        topics=topics,
        awaiting=sum(1 for c in queue if c.awaiting),
        last=max((s.date or "" for s in ctx.kb.searches if s.day), default=""),
        methodology_href=link(PAGES["methodology"]),
        whats_new_href=link(PAGES["whats_new"], "awaiting-screening"),
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
    databases = sorted({s.name or "" for s in found if s.name})
    return render_template(
        "_topic_living.html.j2",
        last=days[-1] if days else "",
        n=plural(len(found), "search", "searches"),
        databases=", ".join(databases),
        searches_href=link(PAGES["searches"], "topic-" + topic_id if safe_id(topic_id) else None),
        cite=cite_line(ctx, title, topic_path(topic_id)),
        page_href=link(topic_path(topic_id)),
    )
