"""The site map: every generated page, topic and trials section, claim line and marker, as one value.

`SITE_MAP` is written out here, not filled by imports: reading it tells what the site holds.
`render_site(kb)` returns every generated page; `fill_markers` fills a hand-written page's markers.
Nothing here imports mkdocs.
"""

from __future__ import annotations

from collections.abc import Callable

from derma_evidence.contract.markers import marker_problems, markers
from derma_evidence.diagnostics import Diagnostic
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.render.context import DOWNLOADS, Context, Page, SiteMap
from derma_evidence.render.pages import (
    answers,
    article,
    downloads,
    figures,
    findings,
    fragments,
    glossary,
    methodology,
    references,
    searches,
    topics,
    trials,
    whats_new,
)


def _one(build: Callable[[Context], Page]) -> Callable[[Context], list[Page]]:
    def pages(ctx: Context) -> list[Page]:
        return [build(ctx)]

    pages.__name__ = build.__name__
    return pages


def _schema_page(ctx: Context) -> Page:
    return methodology.schema_page(ctx, methodology.load_schema())


SITE_MAP = SiteMap(
    pages=(
        topics.topic_pages,
        _one(topics.topics_page),
        _one(topics.claims_page),
        _one(trials.trials_page),
        _one(references.references_page),
        _one(article.article_page),
        _one(figures.figures_page),
        _one(downloads.downloads_page),
        _one(methodology.rules_page),
        _one(_schema_page),
        glossary.glossary_page,
        _one(answers.answers_page),
        _one(findings.findings_page),
        _one(searches.searches_page),
        _one(whats_new.whats_new_page),
    ),
    topic_sections=(answers.topic_section, searches.topic_section),
    trials_sections=(trials.rob_section, trials.reviews_section),
    claim_extras=(whats_new.claim_extras,),
    markers={
        "key-numbers": fragments.key_numbers,
        "certainty-table": fragments.certainty_table,
        "questions": answers.questions_fragment,
    },
    downloads=DOWNLOADS,
)
"""The whole site. A new page is one builder here; a new marker one entry (and its name in `vocab.MARKERS`)."""


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
    ctx.site_map = SITE_MAP
    problems = marker_problems(markdown, path or page)
    if problems and not lenient:
        raise MarkerError(problems)

    pieces, done = [], 0
    for m in markers(markdown):  # marker lines outside code (a code block may show one as text)
        fn = SITE_MAP.markers.get(m.group(1))
        pieces += [markdown[done : m.start()], "\n" + fn(ctx, page) + "\n" if fn else ""]
        done = m.end()
    return "".join(pieces) + markdown[done:]


def render_site(kb: KnowledgeBase, use_directory_urls: bool = True, ctx: Context | None = None) -> list[Page]:
    """Every generated page, sorted by path."""
    ctx = ctx or Context.of(kb, use_directory_urls)
    ctx.site_map = SITE_MAP
    pages = [p for build in SITE_MAP.pages for p in build(ctx)]
    return sorted(pages, key=lambda p: p.path)
