"""The topic pages, the list of all topics and the all-claims table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from markupsafe import Markup

from derma_evidence.contract.vocab import CERTAINTIES, VERDICTS
from derma_evidence.model.claims import Claim
from derma_evidence.render.context import (
    PAGES,
    Context,
    Page,
    make_page,
    numbering,
    topic_path,
)
from derma_evidence.render.escape import safe_id
from derma_evidence.render.words import label, plural, topic_search_boost


def topic_pages(ctx: Context) -> list[Page]:
    by_topic: dict[str, list[Claim]] = defaultdict(list)
    for c in ctx.kb.claims:
        if c.topic:
            by_topic[c.topic].append(c)
    out = []
    for t in ctx.kb.topics:
        if not safe_id(t.id):
            continue
        assert t.id is not None
        path = topic_path(t.id)
        link = ctx.linker(path)
        claims = by_topic.get(t.id, [])
        numbers = numbering(claims)
        # page-level anchors use "_", which claim ids (kebab-case) cannot contain: no claim can take them over
        refs = [ctx.ref_vm(link, key, n, f"ref_{key}") for key, n in numbers.items() if key in ctx.refs]
        out.append(
            make_page(
                path,
                t.title or t.id,
                "topic.html.j2",
                title=t.title or t.id,
                summary=t.summary or "",
                open_questions=list(t.open_questions),
                count=plural(len(claims), "claim"),
                claims=[ctx.claim(c) for c in claims],
                references=refs,
                claims_href=link(PAGES["claims"]),
                bibliography_href=link(PAGES["references"]),
                sections=[Markup(f(ctx, link, t.id)) for f in ctx.site_map.topic_sections],
                search_boost=topic_search_boost(
                    [
                        d
                        for c in claims
                        for src in c.sources
                        if (d := ctx.refs[src.key].design if src.key in ctx.refs else None)
                    ]
                ),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class TopicItem:
    title: str
    href: str
    count: str
    summary: str


def topics_page(ctx: Context) -> Page:
    """Every topic with its claim count and summary: the nav's way in when there are too many topics to list."""
    path = PAGES["topics"]
    link = ctx.linker(path)
    counts: dict[str, int] = defaultdict(int)
    for c in ctx.kb.claims:
        if c.topic:
            counts[c.topic] += 1
    topics = [
        TopicItem(t.title or t.id, link(topic_path(t.id)), plural(counts.get(t.id, 0), "claim"), t.summary or "")
        for t in ctx.kb.topics
        if t.id and safe_id(t.id)
    ]
    return make_page(
        path,
        "All topics",
        "topics.html.j2",
        topics=topics,
        count=plural(len(topics), "topic"),
        claims_href=link(PAGES["claims"]),
    )


def claims_page(ctx: Context) -> Page:
    path = PAGES["claims"]
    link = ctx.linker(path)
    rows = [ctx.row(link, c) for c in ctx.kb.claims if c.id]
    topics = [(t.id, t.title or t.id) for t in ctx.kb.topics if t.id]
    verdicts = [(v, label(v)) for v in VERDICTS]
    certainties = [(v, label(v)) for v in CERTAINTIES]
    return make_page(
        path,
        "All claims",
        "claims.html.j2",
        rows=rows,
        topics=topics,
        verdicts=verdicts,
        certainties=certainties,
        glossary_href=link(PAGES["glossary"]),
        search_exclude=True,
        wide=True,
    )
