"""What the pages of one build share: paths and links, the claim and reference view-models, `Context`.

View-models are plain frozen data, built once per build; values in them are already escaped
(`escape.text`), so templates only loop, branch and read fields.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from markupsafe import Markup

from derma_evidence import citations
from derma_evidence.contract.vocab import STATUS_LABELS
from derma_evidence.diagnostics import Code
from derma_evidence.model.claims import Claim, Reference, status
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.model.project import Project
from derma_evidence.render.escape import (
    attr,
    clean_title,
    doi_url,
    http_url,
    pmc_url,
    pubmed_url,
    render_template,
    safe_id,
    text,
    word,
    yaml_quoted,
)
from derma_evidence.render.html import page_description, toc_tokens
from derma_evidence.render.words import (
    BADGE_WORDS,
    claim_title,
    claim_titles,
    correction_url,
    design_label,
    format_range,
    glossary_anchor,
    label,
    search_keywords,
    short_cite,
    unverified_words,
)

TOPIC_DIR = "topics"
PAGES = {
    "claims": "claims.md",
    "topics": "topics.md",
    "trials": "trials.md",
    "references": "references.md",
    "article": "article.md",
    "figures": "figures.md",
    "downloads": "downloads.md",
    "rules": "methodology/rules.md",
    "schema": "methodology/schema.md",
    "methodology": "methodology.md",
    "answers": "answers.md",
    "findings": "findings.md",
    "whats_new": "whats-new.md",
    "searches": "methodology/searches.md",
    "glossary": "glossary.md",
}
DOWNLOADS = (
    ("claims.json", "The knowledge base as JSON: topics, claims, trials, statements (valid against the schema)"),
    ("claims.csv", "Claims, one row each (CSV)"),
    ("answers.json", "Questions, summaries of findings (GRADE), risk of bias and review inclusions (JSON)"),
    ("datapackage.json", "Frictionless Data Package describing claims.csv (column types and allowed values)"),
    ("references.csl.json", "References as CSL-JSON"),
    ("references.bib", "References as BibTeX (copy of the source file)"),
    ("claims.schema.json", "JSON Schema of data/claims.yaml"),
)
DOWNLOAD_DIR = "downloads"


def topic_path(topic_id: str) -> str:
    return f"{TOPIC_DIR}/{topic_id}.md"


def page_url(path: str, use_directory_urls: bool = True) -> str:
    """The site URL (relative to the site root) of a source path, as MkDocs computes it."""
    if not path.endswith(".md"):
        return path
    stem = path[:-3]
    if use_directory_urls:
        if stem == "index":
            return ""
        if stem.endswith("/index"):
            return stem[: -len("index")]
        return stem + "/"
    return stem + ".html"


@dataclass(frozen=True, slots=True)
class Linker:
    """Relative links from one page to another source path (and anchor)."""

    page: str
    use_directory_urls: bool = True

    def __call__(self, target: str, anchor: str | None = None) -> Markup:
        return attr(_relative(self.page, target, self.use_directory_urls) + (f"#{anchor}" if anchor else ""))


@cache
def _relative(page: str, target: str, use_directory_urls: bool) -> str:
    here = page_url(page, use_directory_urls)
    there = page_url(target, use_directory_urls)
    base = here if here.endswith("/") or here == "" else posixpath.dirname(here)
    rel = posixpath.relpath(there or ".", base or ".")
    if there.endswith("/") or there == "":
        rel = rel.rstrip("/") + "/" if rel != "." else "./"
    if not use_directory_urls and there == "":
        rel = posixpath.relpath("index.html", base or ".")
    return rel


# --- view-models ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RefLink:
    """One reader-facing link of a reference: its URL (only http(s), built here) and its text."""

    href: str
    label: str


@dataclass(frozen=True, slots=True)
class RefVM:
    key: str
    anchor: str
    number: int
    citation: str
    design: str
    links: tuple[RefLink, ...]  # canonical order: DOI, PubMed, PubMed Central, publisher URL
    href: Markup  # to the reference's entry on the references page
    backlinks: tuple[tuple[str, str], ...] = ()  # (label, href)
    unverified: str = ""  # "Authors and title not verified." for fields listed in the entry's `unverified`
    status: str = ""  # retracted, corrected, expression-of-concern (BibTeX `status`); "" when none
    status_label: str = ""  # "Retracted 2026-10-01", for the badge
    status_href: str = ""  # the notice (https://doi.org/...), or ""


def status_badge(ref: Reference | None) -> tuple[str, str, str]:
    """(status, badge words with the notice date, notice URL) of a reference; empty strings when it has none."""
    value = status(ref)
    if ref is None or value not in STATUS_LABELS:
        return "", "", ""
    day = (ref.get("status_date") or "").strip()
    words = STATUS_LABELS[value] + (f" {day}" if day else "")
    return value, words, doi_url(ref.get("status_doi")) or ""


def reference_links(ref: Reference | None) -> tuple[RefLink, ...]:
    """A reference's links in the canonical order DOI, PubMed, PMC, publisher `url`; bad values are left out."""
    if ref is None:
        return ()
    out = []
    doi, pmid, pmcid, url = (ref.get(k) or "" for k in ("doi", "pmid", "pmcid", "url"))
    for href, text_ in (
        (doi_url(doi), f"doi:{doi}"),
        (pubmed_url(pmid), f"PubMed {pmid}"),
        (pmc_url(pmcid), pmcid.strip().upper()),
        (http_url(url), url.strip()),
    ):
        if href:
            out.append(RefLink(href, text_))
    return tuple(out)


REF_ANCHOR = "ref_"
"""Prefix of every reference anchor: keys like `__search` would otherwise take the theme's own element ids."""


def ref_anchor(key: str) -> str:
    return REF_ANCHOR + key


@dataclass(frozen=True, slots=True)
class SourceVM:
    """One source inside a claim block: a short citation ("Dunkin et al. 2007") linked to the full entry."""

    key: str
    href: str  # the entry in the reference list at the end of the claim's own topic page
    short: str
    stance: str
    stance_label: str
    design: str
    locator: str
    quote: str
    unverified: str = ""  # "Authors and title not verified." when the entry lists `unverified` fields


@dataclass(frozen=True, slots=True)
class ClaimVM:
    """One claim, built once per build and shown on its topic page, the all-claims table and the home page.

    Nothing in it depends on the page showing it except `article` (links from the claim's topic
    page); links *to* the claim differ by page and travel next to it (see `ClaimRow`).
    """

    id: str
    topic: str
    topic_title: str
    statement: str
    quantity: str
    verdict: str
    verdict_label: str
    certainty: str
    certainty_label: str
    note: str
    reviewed: str
    sources: tuple[SourceVM, ...]
    article: tuple[tuple[int, str], ...]
    first_citation: str
    verdict_words: str
    definitions_href: str  # the glossary page (badge definitions), from the claim's topic page
    verdict_href: str = ""  # the verdict's definition in the glossary
    certainty_href: str = ""  # the certainty's definition in the glossary
    keywords: str = ""  # hidden search words (synonyms the text triggers, `words.SEARCH_SYNONYMS`)
    title: str = ""  # the short title (`words.claim_title`): tables of contents and links
    correction_href: str = ""  # a prefilled new-issue URL to suggest a correction
    extras: tuple[Markup, ...] = ()  # lines the site map adds under the claim (`SiteMap.claim_extras`)
    model: Claim | None = None  # the claim itself: a new field shows with one template line (autoescaped)


@dataclass(frozen=True, slots=True)
class SiteMap:
    """What the site holds, as one value (the value itself, `SITE_MAP`, is written out in `render/sitemap.py`).

    `pages`: builders of the generated pages; `topic_sections`: blocks at the top of each topic page;
    `trials_sections`: blocks after the trials table; `claim_extras`: lines at the end of each claim block;
    `markers`: what fills each `<!-- derma:NAME -->` line of a hand-written page (names: `vocab.MARKERS`).
    """

    pages: tuple[Callable[[Context], list[Page]], ...] = ()
    topic_sections: tuple[Callable[[Context, Linker, str], str], ...] = ()
    trials_sections: tuple[Callable[[Context, Linker], str], ...] = ()
    claim_extras: tuple[Callable[[Context, Claim], Markup], ...] = ()
    markers: Mapping[str, Callable[[Context, str], str]] = field(default_factory=dict)
    downloads: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """A claim shown away from its topic page, with the link to its anchor from that page."""

    c: ClaimVM
    href: str


@dataclass(frozen=True, slots=True)
class Page:
    """A generated page: its source path (relative to docs_dir), front matter and finished HTML body.

    The body is HTML, not Markdown: the plugin hands MkDocs only the front matter (so Python-Markdown
    has nothing to parse) and puts `html` in place after the Markdown step, with `toc` as the page's
    table of contents. `content` (front matter + HTML) is the same page as a Markdown source file,
    for engines or folders that take files.
    """

    path: str
    title: str
    front: str
    html: str

    @property
    def content(self) -> str:
        return self.front + self.html

    def toc(self) -> list[dict[str, Any]]:
        """The table of contents as MkDocs' toc tokens (level, id, name, children), from the headings with an id."""
        return toc_tokens(self.html)


PAGE_TOP = "page_top"
"""The id of a generated page's h1 (the skip link's target); "_" keeps it apart from claim ids (kebab-case)."""


@dataclass(slots=True)
class Context:
    """What every page of one build shares: the knowledge base, the formatted bibliography, claim view-models."""

    kb: KnowledgeBase
    use_directory_urls: bool = True
    bib: citations.Bibliography = field(default_factory=lambda: citations.Bibliography({}, {}))
    refs: dict[str, Reference] = field(default_factory=dict)
    topic_titles: dict[str, str] = field(default_factory=dict)
    claim_topic: dict[str, str] = field(default_factory=dict)
    shorts: dict[str, str] = field(default_factory=dict)
    timeline_topic: str | None = None  # the figures page's timeline; None: the topic with the most duration claims
    site_url: str = ""  # the published site's root URL ("" when unknown): permalinks, the feed, JSON-LD
    download_dir: str = DOWNLOAD_DIR  # folder of the downloads, relative to the site root
    site_map: SiteMap = field(default_factory=SiteMap)  # `render_site` and `fill_markers` render with `SITE_MAP`
    codes: tuple[Code, ...] = ()  # the catalogue of diagnostic codes, for the rule reference (the site passes it)
    project: Project = field(default_factory=Project)  # whose knowledge base: name, publisher, repository, licence
    kept: Any = None  # a `publish.build.KeptClaims` under serve: claim view-models of earlier builds, reused when right
    _claims: dict[int, ClaimVM] = field(default_factory=dict)
    _memo: dict[str, Any] = field(default_factory=dict)
    _hrefs: dict[tuple[str, str, str | None, bool], Markup] = field(default_factory=dict)
    _sources: dict[str, tuple[Markup, Markup, Markup, str]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        kb: KnowledgeBase,
        use_directory_urls: bool = True,
        bib: citations.Bibliography | None = None,
        timeline_topic: str | None = None,
        download_dir: str = DOWNLOAD_DIR,
        project: Project | None = None,
    ) -> Context:
        """Everything the pages share; `bib` is the formatted bibliography if the caller already has it."""
        bib = bib if bib is not None else citations.bibliography(kb.references)
        ctx = cls(kb, use_directory_urls, bib, kb.reference_map())
        ctx.timeline_topic = timeline_topic
        ctx.download_dir = download_dir
        if project is not None:
            ctx.project = project
            ctx.site_url = project.site_url
        ctx.topic_titles = {t.id: t.title or t.id for t in kb.topics if t.id}
        ctx.claim_topic = {c.id: c.topic for c in kb.claims if c.id and c.topic}
        ctx.shorts = {r.key: short_cite(r, r.key) for r in kb.references}
        return ctx

    @property
    def formatted(self) -> Mapping[str, str]:
        return self.bib.formatted

    def memo(self, name: str, build: Callable[[KnowledgeBase], Any]) -> Any:
        """`build(kb)`, computed once per build (the claim and topic lines ask for it once each)."""
        if name not in self._memo:
            self._memo[name] = build(self.kb)
        return self._memo[name]

    def short(self, key: str) -> str:
        return self.shorts.get(key) or short_cite(self.refs.get(key), key)

    def claim_title(self, claim_id: str | None) -> str:
        """A claim's short title for links and contents lists: its `title`, else `words.claim_title`, else its id."""
        by_claim: dict[int, str] = self.memo("claim_titles_by_claim", lambda kb: claim_titles(kb.claims))
        by_id: dict[str, str] = self.memo("claim_titles", lambda kb: {c.id: by_claim[id(c)] for c in kb.claims if c.id})
        return by_id.get(claim_id or "") or claim_id or ""

    def href(self, page: str, target: str, anchor: str | None = None) -> Markup:
        """`self.linker(page)(target, anchor)`, computed once a build (the links every claim block repeats)."""
        key = (page, target, anchor, self.use_directory_urls)
        out = self._hrefs.get(key)
        if out is None:
            out = self._hrefs[key] = self.linker(page)(target, anchor)
        return out

    def linker(self, page: str) -> Linker:
        return Linker(page, self.use_directory_urls)

    def claim_href(self, link: Linker, claim_id: str) -> Markup:
        topic = self.claim_topic.get(claim_id)
        return link(topic_path(topic), safe_id(claim_id)) if topic else Markup("#")

    def ref_vm(self, link: Linker, key: str, n: int, anchor: str, backlinks: tuple[tuple[str, str], ...] = ()) -> RefVM:
        ref = self.refs.get(key)
        st, st_label, st_href = status_badge(ref)
        return RefVM(
            key=key,
            anchor=attr(anchor),
            number=n,
            citation=self.bib.formatted.get(key, key),
            design=(ref.design if ref else None) or "",
            links=reference_links(ref),
            href=link(PAGES["references"], ref_anchor(key)),
            backlinks=backlinks,
            unverified=unverified_words(ref),
            status=st,
            status_label=st_label,
            status_href=st_href,
        )

    def claim(self, c: Claim) -> ClaimVM:
        """The claim's view-model, built on first use and reused by every page that shows the claim."""
        vm = self._claims.get(id(c))
        if vm is None:
            vm = self._claims[id(c)] = self._claim_vm(c) if self.kept is None else self.kept.view(self, c)
        return vm

    def row(self, link: Linker, c: Claim) -> ClaimRow:
        return ClaimRow(self.claim(c), self.claim_href(link, c.id or ""))

    def _source(self, key: str, page: str) -> tuple[Markup, Markup, Markup, str]:
        """(href, short citation, design, unverified words) of a source key, the same in every claim citing it."""
        out = self._sources.get(key)
        if out is None:
            ref = self.refs.get(key)
            out = (
                _ref_anchor(key) if ref is not None else self.href(page, PAGES["references"]),
                word(self.short(key)),
                word(design_label(ref.design if ref else None)),
                unverified_words(ref),
            )
            if ref is not None:  # an unknown key links to the references page, from this page
                self._sources[key] = out
        return out

    def _claim_vm(self, c: Claim) -> ClaimVM:
        topic = c.topic or ""
        page = topic_path(topic or "_")
        href = self.href
        sources = []
        for s in c.sources:
            key = s.key or ""
            ref_href, short, design, unverified = self._source(key, page)
            sources.append(
                SourceVM(
                    key=key,
                    href=ref_href,
                    short=short,
                    stance=word(s.stance),
                    stance_label=word(label(s.stance)),
                    design=design,
                    locator=text(s.locator),
                    quote=text(s.quote),
                    unverified=unverified,
                )
            )
        title = self.memo("claim_titles_by_claim", lambda kb: claim_titles(kb.claims)).get(id(c))
        return ClaimVM(
            id=safe_id(c.id),
            topic=word(topic),
            topic_title=word(self.topic_titles.get(topic, topic)),
            statement=text(c.statement),
            title=text(title if title is not None else c.title or claim_title(c.statement)),
            quantity=text(format_range(c.quantity, with_measure=True, vocab=self.kb.vocab)),
            verdict=word(c.verdict),
            verdict_label=word(label(c.verdict)),
            certainty=word(c.certainty),
            certainty_label=word(label(c.certainty)),
            note=text(c.note),
            reviewed=word(c.reviewed),
            sources=tuple(sources),
            article=tuple((n, href(page, PAGES["article"], f"statement-{n}")) for n in c.article),
            first_citation=sources[0].short if sources else "",
            verdict_words=word(BADGE_WORDS.get(c.verdict or "", label(c.verdict))),
            definitions_href=href(page, PAGES["glossary"]),
            verdict_href=href(page, PAGES["glossary"], glossary_anchor("verdict", c.verdict)),
            certainty_href=href(page, PAGES["glossary"], glossary_anchor("certainty", c.certainty)),
            keywords=text(
                search_keywords(
                    self.kb.vocab.search_synonyms, c.id, c.statement, c.quantity.about if c.quantity else None
                )
            ),
            correction_href=attr(correction_url(self.project.issues_url, c.id, c.statement)),
            extras=tuple(f(self, c) for f in self.site_map.claim_extras),
            model=c,
        )


@cache
def _ref_anchor(key: str) -> Markup:
    """The link from a claim to its source's entry in the reference list at the end of the same page."""
    return attr("#" + ref_anchor(key))


def numbering(claims: Iterable[Claim]) -> dict[str, int]:
    """Reference numbers on a page, by order of first citation (Vancouver)."""
    numbers: dict[str, int] = {}
    for c in claims:
        for s in c.sources:
            if s.key and s.key not in numbers:
                numbers[s.key] = len(numbers) + 1
    return numbers


TOPICS_NAV = "Topics"


def make_page(path: str, page_title: str, template: str, **context: Any) -> Page:
    clean = clean_title(page_title)
    front = "---\n" + "title: " + yaml_quoted(clean) + "\n"
    boost = context.pop("search_boost", None)
    if context.pop("search_exclude", False):
        front += "search:\n  exclude: true\n"
    elif boost is not None:  # Material's per-page search boost: answers and claims rank above background
        front += f"search:\n  boost: {boost}\n"
    if context.pop("wide", False):  # a wide table or figure: Material leaves out the table of contents column
        front += "hide:\n  - toc\n"
    description = context.pop("description", None)
    body = render_template(template, **context)
    description = description or page_description(body)  # the page's own first paragraph, from the data
    if description:  # the page's <meta name="description"> (Material reads `description` from front matter)
        front += "description: " + yaml_quoted(description) + "\n"
    front += "---\n\n"
    if body.count("<h1>", 0, 200) == 1:  # the page's title heading: give it the id the skip link targets
        body = body.replace("<h1>", f'<h1 id="{PAGE_TOP}">', 1)
    return Page(path, clean, front, body)
