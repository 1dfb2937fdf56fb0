"""Fragments that hand-written pages pull in with a marker line (`<!-- derma:key-numbers -->`)."""

from __future__ import annotations

from derma_evidence.contract.vocab import CERTAINTY_TABLE
from derma_evidence.render.context import (
    PAGES,
    Context,
    topic_path,
)
from derma_evidence.render.escape import render_template, safe_id
from derma_evidence.render.words import format_range, label

KEY_NUMBERS_MAX = 6


def key_numbers(ctx: Context, page: str) -> str:
    """The home page's key numbers: the first claim with a quantity of each topic (up to six)."""
    link = ctx.linker(page)
    seen: set[str] = set()
    picked = []
    for c in ctx.kb.claims:
        if c.id and c.topic and c.topic not in seen and c.quantity and format_range(c.quantity):
            seen.add(c.topic)
            picked.append(ctx.row(link, c))
            if len(picked) == KEY_NUMBERS_MAX:
                break
    counts = {
        "claims": len(ctx.kb.claims),
        "topics": len(ctx.kb.topics),
        "references": len(ctx.kb.references),
        "trials": len(ctx.kb.trials),
    }
    topics = [(t.title or t.id, link(topic_path(t.id))) for t in ctx.kb.topics if safe_id(t.id) and t.id]
    return render_template(
        "key_numbers.html.j2",
        claims=picked,
        counts=counts,
        topics=topics,
        claims_href=link(PAGES["claims"]),
        references_href=link(PAGES["references"]),
    )


def certainty_table(ctx: Context, page: str) -> str:
    rows = [(level, label(level), text) for level, text in CERTAINTY_TABLE]
    link = ctx.linker(page)
    return render_template(
        "certainty.html.j2", rows=rows, rules_href=link(PAGES["rules"], "c010"), glossary_href=link(PAGES["glossary"])
    )
