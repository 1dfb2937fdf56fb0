"""Rendering of the living review: the search log and PRISMA 2020 flow diagram, What's new, the Atom feed, JSON-LD.

View-models only (the diagram's geometry is computed here; its template draws). Importing this
module registers its pages (`pages.EXTRA_PAGES`), the "last searched" and "cite this page" section
of each topic page (`pages.TOPIC_SECTIONS`) and each claim's last change, citation and retraction
lines (`context.CLAIM_EXTRAS`). The feed and the JSON-LD are plain functions called by `site`.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from derma_evidence import citations
from derma_evidence.model import LABELS, Claim, KnowledgeBase, Reference
from derma_evidence.model_living import Change, Search
from derma_evidence.render.context import (
    CLAIM_EXTRAS,
    PAGES,
    Context,
    Linker,
    Page,
    make_page,
    page_type,
    page_url,
    status_badge,
    topic_path,
)
from derma_evidence.render.escape import attr, doi_url, pubmed_url, render_template, safe_id
from derma_evidence.render.pages import EXTRA_PAGES, TOPIC_SECTIONS
from derma_evidence.render.words import label, plural, source_article

PROJECT = "Derma Evidence"
FEED = "feed.atom"
"""The Atom feed's file name, in the downloads folder."""
NOT_RECORDED = "not recorded"
KIND_LABELS = LABELS["change_kind"]


def kind_label(kind: str | None) -> str:
    return KIND_LABELS.get(kind or "", kind or "")


def version_date(kb: KnowledgeBase) -> str:
    """The knowledge base's version: its latest change date, else its latest review date ("" when neither)."""
    days = [c.day for c in kb.changes if c.day] or [c.reviewed_date for c in kb.claims if c.reviewed_date]
    return max(days).isoformat() if days else ""


def absolute(ctx: Context, path: str, anchor: str | None = None) -> str:
    """The published URL of a source path (and anchor); relative to the site root when the site URL is unknown."""
    url = page_url(path, True) + (f"#{anchor}" if anchor else "")
    return (ctx.site_url.rstrip("/") + "/" + url) if ctx.site_url else url


# --- searches and the PRISMA 2020 flow diagram -------------------------------------------------------------


def _total(values: list[int | None]) -> int | None:
    """The sum, or None when any count is missing (a partial sum would look like a complete one)."""
    return None if not values or any(v is None for v in values) else sum(v or 0 for v in values)


def _n(value: int | None) -> str:
    return NOT_RECORDED if value is None else str(value)


@dataclass(frozen=True, slots=True)
class Box:
    x: int
    y: int
    w: int
    h: int
    title: str
    count: str  # "n = 8" or "n not recorded"
    title_y: int
    count_y: int
    text_x: int


@dataclass(frozen=True, slots=True)
class Arrow:
    x1: int
    y1: int
    x2: int
    y2: int


@dataclass(frozen=True, slots=True)
class Flow:
    """The PRISMA 2020 flow diagram (new reviews, databases and registers only): boxes, arrows, stage labels."""

    width: int
    height: int
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]
    stages: tuple[tuple[int, int, str], ...]  # (x, y of the label's centre, label): drawn rotated
    rows: tuple[tuple[str, str, str], ...]  # the same counts as a table: (stage, box, n)
    summary: str  # the diagram in one sentence (the SVG's accessible description)


BOX_W, SIDE_W, BOX_H, GAP, LEFT, STAGE_W = 300, 280, 96, 30, 30, 24


def flow(searches: tuple[Search, ...]) -> Flow:
    found = _total([s.records_found for s in searches])
    screened = _total([s.screened for s in searches])
    excluded = _total([s.excluded_count for s in searches])
    included = sorted({r.id for s in searches for r in s.included})
    records_in = sum(len(s.included) for s in searches)
    sources = sorted({s.source or "" for s in searches if s.source})
    steps = [
        ("Identification", f"Records identified from {plural(len(searches), 'search', 'searches')}", found, None),
        ("Identification", "Duplicates removed before screening", None, "side"),
        ("Screening", "Records screened", screened, None),
        ("Screening", "Records excluded, with reasons", excluded, "side"),
        (
            "Included",
            f"Records included ({plural(len(included), 'distinct study', 'distinct studies')})",
            records_in,
            None,
        ),
    ]
    boxes: list[Box] = []
    arrows: list[Arrow] = []
    stages: list[tuple[int, int, str]] = []
    rows = []
    y = 10
    main_x = LEFT + STAGE_W
    side_x = main_x + BOX_W + GAP
    last_main: Box | None = None
    stage_span: dict[str, list[int]] = defaultdict(list)
    for stage, title, count, where in steps:
        side = where == "side"
        x, w = (side_x, SIDE_W) if side else (main_x, BOX_W)
        box_y = last_main.y if side and last_main else y
        count_text = f"n = {count}" if count is not None else "n " + NOT_RECORDED
        box = Box(x, box_y, w, BOX_H, title, count_text, box_y + 40, box_y + 64, x + 12)
        boxes.append(box)
        rows.append((stage, title, _n(count)))
        if side and last_main:
            arrows.append(Arrow(last_main.x + last_main.w, box_y + BOX_H // 2, x, box_y + BOX_H // 2))
        else:
            if last_main:
                arrows.append(Arrow(main_x + BOX_W // 2, last_main.y + BOX_H, main_x + BOX_W // 2, box_y))
            last_main = box
            stage_span[stage].append(box_y)
            y = box_y + BOX_H + GAP
    for stage, ys in stage_span.items():
        stages.append((LEFT, (min(ys) + max(ys) + BOX_H) // 2, stage))
    summary = (
        f"{plural(len(searches), 'search', 'searches')} of {', '.join(sources) or 'no source'}: "
        f"records found: {_n(found)}; screened: {_n(screened)}; excluded: {_n(excluded)}; "
        f"included: {records_in} ({plural(len(included), 'distinct study', 'distinct studies')})."
    )
    return Flow(side_x + SIDE_W + 10, y - GAP + 10, tuple(boxes), tuple(arrows), tuple(stages), tuple(rows), summary)


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
            _n(s.records_found),
            _n(s.screened),
            tuple((ctx.short(r.id), link(PAGES["references"], "ref_" + r.id)) for r in s.included),
            tuple((e.what or "", e.reason or "", _n(e.records)) for e in s.excluded),
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


_MEMO: dict[tuple[int, str], tuple[KnowledgeBase, Any]] = {}


def _memo(kb: KnowledgeBase, name: str, build: Any) -> Any:
    """`build(kb)`, computed once per knowledge base (the claim and topic lines ask for it once each)."""
    hit = _MEMO.get((id(kb), name))
    if hit is None or hit[0] is not kb:
        if len(_MEMO) > 16:
            _MEMO.clear()
        hit = _MEMO[(id(kb), name)] = (kb, build(kb))
    return hit[1]


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


def cite_line(ctx: Context, title: str, path: str, anchor: str | None = None) -> tuple[str, Markup]:
    """A "cite this" line: (project, title and version date as text, the permalink for an href and its text)."""
    version = _memo(ctx.kb, "version", version_date)
    return f"{PROJECT}. {title}. Version {version or 'undated'}.", attr(absolute(ctx, path, anchor))


def topic_section(ctx: Context, link: Linker, topic_id: str) -> str:
    found = _memo(ctx.kb, "topic_searches", topic_searches).get(topic_id, [])
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


# --- the change log ------------------------------------------------------------------------------------------


def newest_first(changes: tuple[Change, ...]) -> list[Change]:
    return sorted(changes, key=lambda c: (c.date or "", c.index), reverse=True)


def last_changes(kb: KnowledgeBase) -> dict[str, Change]:
    """Each claim's latest change entry, by claim id."""
    out: dict[str, Change] = {}
    for ch in reversed(newest_first(kb.changes)):
        for r in ch.claims:
            out[r.id] = ch
    return out


@dataclass(frozen=True, slots=True)
class ChangeVM:
    anchor: str
    date: str
    kind: str
    kind_label: str
    what: str
    why: str
    links: tuple[tuple[str, Markup], ...]  # (label, href) of what it names


def change_vm(ctx: Context, link: Linker, ch: Change) -> ChangeVM:
    links: list[tuple[str, Markup]] = []
    for r in ch.claims:
        if r.id in ctx.claim_topic:
            links.append((f"claim {r.id}", ctx.claim_href(link, r.id)))
        else:
            links.append((f"claim {r.id} (removed)", Markup("")))
    links.extend((f"statement {n}", link(PAGES["article"], f"statement-{n}")) for n in ch.statements)
    links.extend((f"question {r.id}", link(PAGES["answers"], r.id)) for r in ch.questions)
    links.extend(
        (ctx.short(r.id), link(PAGES["references"], "ref_" + r.id) if r.id in ctx.refs else Markup(""))
        for r in ch.references
    )
    return ChangeVM(
        attr(ch.anchor), ch.date or "", ch.kind or "", kind_label(ch.kind), ch.what or "", ch.why or "", tuple(links)
    )


def whats_new_page(ctx: Context) -> Page:
    path = PAGES["whats_new"]
    link = ctx.linker(path)
    return make_page(
        path,
        "What's new",
        "whats_new.html.j2",
        changes=[change_vm(ctx, link, ch) for ch in newest_first(ctx.kb.changes)],
        feed_href=link(f"{ctx.download_dir}/{FEED}"),
        searches_href=link(PAGES["searches"]),
        version=version_date(ctx.kb),
    )


def claim_extras(ctx: Context, c: Claim) -> Markup:
    """Under each claim: its last change, retraction badges of its sources, and how to cite it."""
    link = ctx.linker(topic_path(c.topic or "_"))
    ch = _memo(ctx.kb, "last_changes", last_changes).get(c.id or "") if c.id else None
    flagged = []
    for s in c.sources:
        st, words, href = status_badge(ctx.refs.get(s.key or ""))
        if st:
            flagged.append((st, f"{ctx.short(s.key or '')}: {words}", href))
    title = f"Claim {c.id}"
    return Markup(
        render_template(
            "_claim_living.html.j2",
            change=ch is not None,
            change_date=ch.date or "" if ch else "",
            change_kind=kind_label(ch.kind) if ch else "",
            change_what=ch.what or "" if ch else "",
            change_href=link(PAGES["whats_new"], ch.anchor) if ch else "",
            flagged=flagged,
            cite=cite_line(ctx, title, topic_path(c.topic or "_"), c.id),
            claim_href=Markup("#") + safe_id(c.id),
        )
    )


# --- the Atom feed (RFC 4287) ----------------------------------------------------------------------------

ATOM = "http://www.w3.org/2005/Atom"


def _stamp(day: str) -> str:
    return f"{day}T00:00:00Z"


def feed(ctx: Context) -> bytes:
    """The change log as an Atom feed: newest first; ids are permanent (tag URIs of the entries' anchors)."""
    ET.register_namespace("", ATOM)
    version = version_date(ctx.kb) or "1970-01-01"
    tag = "tag:derma-evidence.github.io,2026:"
    root = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
        if text is not None:
            el.text = text
        return el

    sub(root, "id", tag + "whats-new")
    sub(root, "title", f"{PROJECT}: what's new")
    sub(root, "subtitle", "New studies, changed verdicts and corrections, with the reasons.")
    sub(root, "updated", _stamp(version))
    author = sub(root, "author")
    sub(author, "name", PROJECT)
    sub(root, "link", rel="alternate", type="text/html", href=absolute(ctx, PAGES["whats_new"]))
    sub(root, "link", rel="self", type="application/atom+xml", href=absolute(ctx, f"{ctx.download_dir}/{FEED}"))
    sub(root, "rights", "CC BY 4.0")
    for ch in newest_first(ctx.kb.changes):
        entry = sub(root, "entry")
        sub(entry, "id", tag + ch.anchor)
        what = ch.what or ""
        sub(entry, "title", f"{kind_label(ch.kind)}: {what if len(what) <= 90 else what[:89].rstrip() + '…'}")
        sub(entry, "updated", _stamp(ch.date or version))
        sub(entry, "link", rel="alternate", type="text/html", href=absolute(ctx, PAGES["whats_new"], ch.anchor))
        sub(entry, "category", term=ch.kind or "", label=kind_label(ch.kind))
        sub(entry, "summary", what + (f" Why: {ch.why}" if ch.why else ""))
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"


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


def _org() -> dict[str, str]:
    return {"@type": "Organization", "name": PROJECT}


def web_page(ctx: Context, path: str, title: str, keys: list[str], reviewed: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": page_type(path),
        "name": title,
        "url": absolute(ctx, path),
        "lastReviewed": reviewed or version_date(ctx.kb),
        "publisher": _org(),
        "license": "https://creativecommons.org/licenses/by/4.0/",
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
                "author": _org(),
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


def pages(ctx: Context) -> list[Page]:
    return [searches_page(ctx), whats_new_page(ctx)]


def extra_files(ctx: Context) -> dict[str, bytes]:
    """Files besides pages: the Atom feed."""
    return {f"{ctx.download_dir}/{FEED}": feed(ctx)}


EXTRA_PAGES.append(pages)
TOPIC_SECTIONS.append(topic_section)
CLAIM_EXTRAS.append(claim_extras)
