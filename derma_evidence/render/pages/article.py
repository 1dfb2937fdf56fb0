"""The source article, statement by statement, with the claims that check each statement."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from derma_evidence.render.context import (
    PAGES,
    Context,
    Page,
    make_page,
)
from derma_evidence.render.escape import attr
from derma_evidence.render.words import label, source_article


@dataclass(frozen=True, slots=True)
class StatementVM:
    n: int
    anchor: str
    text: str
    verdict: str
    verdict_label: str
    comment: str
    claims: tuple[tuple[str, str], ...]


def article_page(ctx: Context) -> Page:
    path = PAGES["article"]
    link = ctx.linker(path)
    checks: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for c in ctx.kb.claims:
        if c.id:
            for n in dict.fromkeys(c.article):
                checks[n].append((ctx.claim_title(c.id), ctx.claim_href(link, c.id)))
    items = [
        StatementVM(
            s.n,
            attr(f"statement-{s.n}"),
            s.text or "",
            s.verdict or "",
            label(s.verdict),
            s.comment or "",
            tuple(checks.get(s.n, ())),
        )
        for s in sorted((s for s in ctx.kb.statements if s.n is not None), key=lambda s: s.n or 0)
        if s.n is not None
    ]
    return make_page(
        path,
        "The source article, statement by statement",
        "article.html.j2",
        statements=items,
        source=source_article(ctx.kb),
        definitions_href=link(PAGES["glossary"]),
        search_boost=0.5,
    )
