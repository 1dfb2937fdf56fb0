"""schema.org JSON-LD for the generated pages: ClaimReview of each article statement, ScholarlyArticle sources."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from derma_evidence import citations
from derma_evidence.model.claims import Claim, Reference
from derma_evidence.render.context import (
    PAGES,
    TOPIC_DIR,
    Context,
    status_badge,
    topic_path,
)
from derma_evidence.render.escape import doi_url, pubmed_url, safe_id
from derma_evidence.render.permalinks import absolute, version_date
from derma_evidence.render.words import label, source_article

# --- schema.org JSON-LD -----------------------------------------------------------------------------------


def _article(ref: Reference) -> dict[str, Any]:
    ids = []
    doi, pmid = (ref.get("doi") or "").strip(), (ref.get("pmid") or "").strip()
    if doi_url(doi):
        ids.append({"@type": "PropertyValue", "propertyID": "DOI", "value": doi})
    if pubmed_url(pmid):
        ids.append({"@type": "PropertyValue", "propertyID": "PMID", "value": pmid})
    out: dict[str, Any] = {"@type": "ScholarlyArticle", "name": citations.clean(ref.get("title") or ref.key)}
    year = citations.clean(ref.get("year") or "")
    if year:
        out["datePublished"] = year
    if ids:
        out["identifier"] = ids
    same = [u for u in (doi_url(doi), pubmed_url(pmid)) if u]
    if same:
        out["sameAs"] = same
    st, words, _ = status_badge(ref)
    if st:
        out["creativeWorkStatus"] = words
    return out


def _org(ctx: Context) -> dict[str, str]:
    """The publisher (`Project.publisher`), the author of every ClaimReview."""
    return {"@type": "Organization", "name": ctx.project.publisher}


MEDICAL_PAGES = frozenset(
    (
        "index.md",
        *(PAGES[k] for k in ("answers", "findings", "topics", "claims", "trials", "figures", "article", "references")),
    )
)
"""Pages of medical content (with the topic pages): typed MedicalWebPage. The others (methodology, contributing,
the rule and schema references, downloads, about, disclaimer, the search log, What's new) are plain WebPages."""


def page_type(path: str) -> str:
    """The schema.org type of a page, by its source path: MedicalWebPage for medical content, else WebPage."""
    medical = path in MEDICAL_PAGES or (path.startswith(TOPIC_DIR + "/") and path.endswith(".md"))
    return "MedicalWebPage" if medical else "WebPage"


def web_page(ctx: Context, path: str, title: str, keys: list[str], reviewed: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": page_type(path),
        "name": title,
        "url": absolute(ctx, path),
        "lastReviewed": reviewed or version_date(ctx.kb),
        "publisher": _org(ctx),
        **({"license": ctx.project.licence_url} if ctx.project.licence_url else {}),
        "citation": [_article(ctx.refs[k]) for k in keys if k in ctx.refs],
    }
    return data


def claim_reviews(ctx: Context) -> list[dict[str, Any]]:
    version = version_date(ctx.kb)
    out = []
    for s in sorted((s for s in ctx.kb.statements if s.n is not None), key=lambda s: s.n or 0):
        out.append(
            {
                "@type": "ClaimReview",
                "url": absolute(ctx, PAGES["article"], f"statement-{s.n}"),
                "claimReviewed": s.text or "",
                "datePublished": version,
                "author": _org(ctx),
                "reviewRating": {"@type": "Rating", "alternateName": label(s.verdict)},
                "itemReviewed": {
                    "@type": "Claim",
                    "appearance": {
                        "@type": "CreativeWork",
                        "name": "The source article: " + source_article(ctx.kb)["description"],
                        "url": absolute(ctx, PAGES["article"]),
                    },
                },
            }
        )
    return out


def jsonld_pages(ctx: Context) -> dict[str, list[dict[str, Any]]]:
    """JSON-LD objects by generated page path: each topic page, the article page, the references page."""
    out: dict[str, list[dict[str, Any]]] = {}
    by_topic: dict[str, list[Claim]] = defaultdict(list)
    for c in ctx.kb.claims:
        if c.topic:
            by_topic[c.topic].append(c)
    for t in ctx.kb.topics:
        if not safe_id(t.id) or not t.id:
            continue
        claims = by_topic.get(t.id, [])
        keys = list(dict.fromkeys(s.key for c in claims for s in c.sources if s.key))
        days = [c.reviewed or "" for c in claims if c.reviewed_date]
        out[topic_path(t.id)] = [web_page(ctx, topic_path(t.id), t.title or t.id, keys, max(days, default=""))]
    article_keys = list(dict.fromkeys(s.key for c in ctx.kb.claims if c.article for s in c.sources if s.key))
    page = web_page(ctx, PAGES["article"], "The source article, statement by statement", article_keys, "")
    out[PAGES["article"]] = [page, *claim_reviews(ctx)]
    out[PAGES["references"]] = [
        web_page(ctx, PAGES["references"], "References", [r.key for r in ctx.kb.references], "")
    ]
    return out


def jsonld_script(objects: list[dict[str, Any]]) -> str:
    """A `<script type="application/ld+json">` element; `</` and `<!--` cannot end or hide it."""
    data: Any = objects[0] if len(objects) == 1 else {"@context": "https://schema.org", "@graph": objects}
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    body = body.replace("</", "<\\/").replace("<!--", "\\u003c!--")
    return f'<script type="application/ld+json">{body}</script>'


def jsonld_for(ctx: Context, pages: dict[str, list[dict[str, Any]]], path: str, title: str) -> str:
    """The JSON-LD script of one page: its own objects, else a web page (`page_type`) with no citations."""
    return jsonld_script(pages.get(path) or [web_page(ctx, path, title, [], "")])
