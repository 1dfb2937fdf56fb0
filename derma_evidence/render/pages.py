"""Page builders: topic pages, the all-claims table, trials, the source article, downloads, the whole site.

Also the fragments that hand-written pages pull in with a marker line (`<!-- derma:key-numbers -->`).
`render_site(kb)` returns every generated page as Markdown source; nothing here imports mkdocs.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from markupsafe import Markup

from derma_evidence.diagnostics import Diagnostic, Pos, declare, did_you_mean, make
from derma_evidence.model import CERTAINTIES, VERDICTS, Claim, KnowledgeBase, Trial
from derma_evidence.render.context import (
    DOWNLOADS,
    PAGES,
    Context,
    Linker,
    Page,
    make_page,
    numbering,
    ref_anchor,
    topic_path,
)
from derma_evidence.render.escape import attr, render_template, safe_id
from derma_evidence.render.figures import figures_page
from derma_evidence.render.methodology import rules_page, schema_page
from derma_evidence.render.references import references_page
from derma_evidence.render.words import design_label, format_range, label, plural, source_article, topic_search_boost
from derma_evidence.rules import CERTAINTY_TABLE

TOPIC_SECTIONS: list[Callable[[Context, Linker, str], str]] = []
"""Sections other rendering modules add at the top of a topic page (answers: its questions and tables)."""
TRIALS_SECTIONS: list[Callable[[Context, Linker], str]] = []
"""Sections other rendering modules add after the trials table (answers: risk of bias, reviews)."""
EXTRA_PAGES: list[Callable[[Context], list[Page]]] = []
"""Page builders other rendering modules register (answers: answers, summary of findings)."""


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
                sections=[Markup(f(ctx, link, t.id)) for f in TOPIC_SECTIONS],
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


@dataclass(frozen=True, slots=True)
class TrialVM:
    key: str
    short: str
    href: str
    design: str
    n: str
    population: str
    protocol: tuple[tuple[str, str], ...]  # (label, value) of each declared trial field (`vocabulary: trial_fields`)
    interval: str
    sessions: str
    duration: str
    co_treatment: str
    comparator: str
    outcome: str


def trial_vm(ctx: Context, link: Linker, t: Trial) -> TrialVM:
    key = t.key or ""
    return TrialVM(
        key=key,
        short=ctx.short(key),
        href=link(PAGES["references"], ref_anchor(key)),
        design=design_label(t.design),
        n=str(t.n) if t.n is not None else "",
        population=t.population or "",
        protocol=tuple(
            (label, format_range(t.protocol.get(name), vocab=ctx.kb.vocab))
            for name, _, label in ctx.kb.vocab.trial_fields
        ),
        interval=format_range(t.interval),
        sessions=str(t.sessions) if t.sessions is not None else "",
        duration=format_range(t.duration),
        co_treatment=t.co_treatment or "",
        comparator=t.comparator or "",
        outcome=t.outcome or "",
    )


def trials_page(ctx: Context) -> Page:
    path = PAGES["trials"]
    link = ctx.linker(path)
    trials = [trial_vm(ctx, link, t) for t in ctx.kb.trials]
    sections = [Markup(f(ctx, link)) for f in TRIALS_SECTIONS]
    return make_page(
        path,
        "Clinical trials",
        "trials.html.j2",
        trials=trials,
        protocol_labels=[label for _, _, label in ctx.kb.vocab.trial_fields],
        figures_href=link(PAGES["figures"]),
        sections=sections,
        search_boost=0.5,
        wide=True,
    )


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
                checks[n].append((c.id, ctx.claim_href(link, c.id)))
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


def downloads_page(ctx: Context) -> Page:
    path = PAGES["downloads"]
    link = ctx.linker(path)
    files = [(name, desc, link(f"{ctx.download_dir}/{name}")) for name, desc in DOWNLOADS]
    return make_page(
        path, "Downloads", "downloads.html.j2", files=files, n_claims=len(ctx.kb.claims), n_refs=len(ctx.kb.references)
    )


# --- fragments for hand-written pages ------------------------------------------------------------

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


FRAGMENTS: dict[str, Callable[[Context, str], str]] = {"key-numbers": key_numbers, "certainty-table": certainty_table}
MARKER_RE = re.compile(r"^<!-- derma:([a-z-]+) -->$", re.M)
ANY_MARKER_RE = re.compile(r"<!--\s*derma:\s*([^\s>]*)")
"""Anything that looks like a marker, to report the mistyped ones instead of leaving them as comments."""


@declare("P001", "unknown-marker", phase="site")
def marker_problems(markdown: str, path: str) -> list[Diagnostic]:
    """A hand-written page has a `<!-- derma:NAME -->` marker line whose NAME is not a known fragment.

    Why: the marker would stay an invisible HTML comment, and the generated fragment (the home
    page's key numbers, the certainty table) would silently be missing from the page.

    Example: `<!-- derma:key-number -->` in content/index.md.

    Fix: use one of the known names (`key-numbers`, `certainty-table`), alone on its line, written
    exactly `<!-- derma:NAME -->`.
    """
    out = []
    for m in ANY_MARKER_RE.finditer(markdown):
        start = markdown.rfind("\n", 0, m.start()) + 1
        end = markdown.find("\n", m.start())
        line_text = markdown[start : end if end >= 0 else len(markdown)].rstrip("\r")
        name = m.group(1)
        known = MARKER_RE.fullmatch(line_text)
        if known and known.group(1) in FRAGMENTS:
            continue
        pos = Pos(path, markdown.count("\n", 0, m.start()) + 1, m.start(1) - start + 1)
        if name in FRAGMENTS:
            message = f"marker '{name}' must be alone on its line, written exactly `<!-- derma:{name} -->`"
            hint = f"write `<!-- derma:{name} -->` on a line of its own"
        else:
            message = f"unknown marker '{name}'"
            hint = ((did_you_mean(name, FRAGMENTS) or "") + " known markers: " + ", ".join(sorted(FRAGMENTS))).strip()
        out.append(make(pos, "P001", message, hint))
    return out


class MarkerError(Exception):
    """A page has markers that cannot be filled; `diagnostics` says where."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("".join(f"{d.file}:{d.line}:{d.col}: {d.code} {d.message}\n" for d in diagnostics))
        self.diagnostics = diagnostics


def fill_markers(markdown: str, ctx: Context, page: str, path: str | None = None, lenient: bool = False) -> str:
    """Replace `<!-- derma:NAME -->` lines of a hand-written page with generated HTML blocks.

    Raises `MarkerError` (positioned P001 diagnostics against `path`, default `page`) when a marker is
    unknown; with `lenient` (a server keeping the site up), unknown markers are dropped instead.
    """
    problems = marker_problems(markdown, path or page)
    if problems and not lenient:
        raise MarkerError(problems)

    def sub(m: re.Match[str]) -> str:
        fn = FRAGMENTS.get(m.group(1))
        return "\n" + fn(ctx, page) + "\n" if fn else ""

    return MARKER_RE.sub(sub, markdown)


# --- the whole site ---------------------------------------------------------------------------


def load_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("derma_evidence").joinpath("claims.schema.json").read_text("utf-8")
    )
    return data


def render_site(kb: KnowledgeBase, use_directory_urls: bool = True, ctx: Context | None = None) -> list[Page]:
    """Every generated page, sorted by path."""
    ctx = ctx or Context.of(kb, use_directory_urls)
    pages = [
        *topic_pages(ctx),
        topics_page(ctx),
        claims_page(ctx),
        trials_page(ctx),
        references_page(ctx),
        article_page(ctx),
        figures_page(ctx),
        downloads_page(ctx),
        rules_page(ctx),
        schema_page(ctx, load_schema()),
        *[p for build in EXTRA_PAGES for p in build(ctx)],
    ]
    return sorted(pages, key=lambda p: p.path)
