"""The site's rendering core: view-models (plain data) and Jinja templates, giving Markdown page sources.

No mkdocs import: `render_site(kb)` returns page sources that any Markdown site engine (or a folder
on disk) can take. Every page body is one raw HTML block, which Python-Markdown passes through
untouched; every data value reaching a template is HTML-escaped *and* has the characters Markdown
or its extensions could still act on (`{ } [ ] * _ ` # | - ! ...`, newlines) replaced by numeric
character references, so claim text can never become markup, a template, a snippet include, an
attribute list or a heading. Sorting, grouping, numbering, URL building and citation formatting
happen here; templates only loop, branch and read fields.
"""

from __future__ import annotations

import html
import json
import math
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from derma_evidence import citations
from derma_evidence.diagnostics import CODES
from derma_evidence.model import TO_BASE, UNIT_WORDS, Claim, KnowledgeBase, Quantity, Reference, Trial
from derma_evidence.rules import CERTAINTY_TABLE, DOI_RE, ID_RE, PMID_RE

# --- escaping ---------------------------------------------------------------------------------

_NEUTRAL = {ord(c): f"&#{ord(c)};" for c in "{}[]*_`\\#|~^+-!:=$@"}
_NEUTRAL.update({ord("\n"): "&#10;", ord("\r"): "", ord("\t"): " "})
# html.escape(quote=True) and the table above in one pass (html.escape's five replacements, then a translate,
# were a fifth of the rendering time)
_NEUTRAL.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&#x27;"})


def neutralise(value: str) -> str:
    """HTML-escape `value` and neutralise every character Markdown or an extension could interpret."""
    return value.translate(_NEUTRAL)


def _finalize(value: Any) -> Any:
    """Jinja's finalize hook: every printed value that is not already markup is neutralised."""
    if isinstance(value, Markup):
        return value
    if value is None:
        raise ValueError("a template printed None; the view-model must give a value")
    return Markup(str(value).translate(_NEUTRAL))


def text(value: str | None) -> Markup:
    """A data value neutralised once, ahead of the template (values shown on several pages, or many times)."""
    return Markup((value or "").translate(_NEUTRAL))


word = cache(text)
"""`text` for the few distinct values that repeat on every claim (labels, dates, short citations)."""


@cache
def environment() -> jinja2.Environment:
    """The one Jinja environment: autoescape on for every template, StrictUndefined, neutralising finalize."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("derma_evidence", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # package templates do not change during a build; skip a stat per include
    )
    return env


def render_template(name: str, **context: Any) -> str:
    """A template rendered to a raw HTML block: no blank lines inside, blank line around it."""
    body = environment().get_template(name).render(**context)
    lines = [line.rstrip() for line in body.splitlines() if line.strip()]
    return "\n".join(lines) + "\n"


# --- URLs -------------------------------------------------------------------------------------

TOPIC_DIR = "topics"
PAGES = {
    "claims": "claims.md",
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
}
DOWNLOADS = (
    ("claims.json", "Claims with their resolved references (JSON)"),
    ("claims.csv", "Claims, one row each (CSV)"),
    ("answers.json", "Questions, summaries of findings (GRADE), risk of bias and review inclusions (JSON)"),
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


def attr(value: str) -> Markup:
    """A URL or id built here from validated parts: only HTML-escaped (attributes are never Markdown)."""
    return Markup(html.escape(value, quote=True))


def safe_id(value: str | None) -> Markup:
    """An anchor id, or "" if the value is not a valid kebab-case id (the checker has refused it)."""
    return attr(value) if value and ID_RE.match(value) else Markup("")


def doi_url(doi: str | None) -> str | None:
    if not doi or not DOI_RE.match(doi):
        return None
    return attr("https://doi.org/" + quote(doi, safe="/:;()._-"))


def pubmed_url(pmid: str | None) -> str | None:
    if not pmid or not PMID_RE.match(pmid):
        return None
    return attr(f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/")


def http_url(url: str | None) -> str | None:
    """Only http(s) URLs are ever emitted; anything else (javascript:, data:, relative) is dropped."""
    if not url:
        return None
    url = url.strip()
    if re.match(r"^https?://[^\s<>\"'`]+$", url, re.I) is None:
        return None
    return attr(url)


# --- formatting -------------------------------------------------------------------------------

LABELS = {
    "supported": "Supported",
    "partly-supported": "Partly supported",
    "insufficient": "Insufficient evidence",
    "contradicted": "Contradicted",
    "high": "High",
    "moderate": "Moderate",
    "low": "Low",
    "very-low": "Very low",
    "supports": "Supports",
    "contradicts": "Contradicts",
    "context": "Context",
}


BADGE_WORDS = {
    "supported": "supported by its sources",
    "partly-supported": "partly supported by its sources",
    "insufficient": "sources too weak to decide",
    "contradicted": "contradicted by its sources",
}
"""A verdict as a badge says it: a verdict on the statement against its sources, never a recommendation."""


def label(value: str | None) -> str:
    if value is None:
        return "unknown"
    return LABELS.get(value, value)


DESIGN_LABELS = {"rct": "RCT", "in-vitro": "in vitro"}
UNIT_SINGULAR = {"d": "day", "wk": "week", "mo": "month"}
"""Unit words for a single value of exactly 1 ("1 week"); otherwise `model.UNIT_WORDS` ("2 weeks", "1–2 weeks")."""


def design_label(design: str | None) -> str:
    """A study design as words: "rct" -> "RCT", "case-series" -> "case series"."""
    if not design:
        return ""
    return DESIGN_LABELS.get(design, design.replace("-", " "))


def number(x: float) -> str:
    return f"{x:g}"


def plural(n: int, word: str, words: str | None = None) -> str:
    """A count with its noun: 1 claim, 2 claims."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def unit_words(unit: str | None, single: bool) -> str:
    """The unit as printed after a value: singular only for a single value of exactly 1."""
    if single and unit in UNIT_SINGULAR:
        return UNIT_SINGULAR[unit]
    return UNIT_WORDS.get(unit or "", unit or "")


def format_range(q: Quantity | None, with_measure: bool = False) -> str:
    """A quantity as words: "1–3 days", "1 week", "0.56 mm"; optionally prefixed "Duration: "."""
    if q is None or q.min is None:
        return ""
    value = number(q.min)
    single = q.max is None or q.max == q.min
    if not single:
        assert q.max is not None
        value += "\u2013" + number(q.max)
    unit = unit_words(q.unit, single and q.min == 1)
    text = f"{value} {unit}".strip() if unit != "%" else f"{value}%"
    if with_measure and q.measure:
        text = f"{q.measure.capitalize()}: {text}"
    return text


def short_cite(ref: Reference | None, key: str) -> str:
    """First author's surname and year ("Dunkin 2007"), for tables and backlinks."""
    if ref is None:
        return key
    names = citations.surnames(ref)
    year = citations.clean(ref.get("year") or "")
    who = names[0] if names else key
    if len(names) > 1:
        who += " et al."
    return f"{who} {year}".strip()


# --- view-models ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RefVM:
    key: str
    anchor: str
    number: int
    citation: str
    design: str
    doi_url: str | None
    doi: str
    pubmed_url: str | None
    pmid: str
    url: str | None
    href: Markup  # to the reference's entry on the references page
    backlinks: tuple[tuple[str, str], ...] = ()  # (label, href)


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
    definitions_href: str  # the methodology page (badge definitions), from the claim's topic page


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """A claim shown away from its topic page, with the link to its anchor from that page."""

    c: ClaimVM
    href: str


@dataclass(frozen=True, slots=True)
class Page:
    """A generated page: its source path (relative to docs_dir) and Markdown source."""

    path: str
    title: str
    content: str


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
    _claims: dict[int, ClaimVM] = field(default_factory=dict)

    @classmethod
    def of(
        cls, kb: KnowledgeBase, use_directory_urls: bool = True, bib: citations.Bibliography | None = None
    ) -> Context:
        """Everything the pages share; `bib` is the formatted bibliography if the caller already has it."""
        bib = bib if bib is not None else citations.bibliography(kb.references)
        ctx = cls(kb, use_directory_urls, bib, kb.reference_map())
        ctx.topic_titles = {t.id: t.title or t.id for t in kb.topics if t.id}
        ctx.claim_topic = {c.id: c.topic for c in kb.claims if c.id and c.topic}
        ctx.shorts = {r.key: short_cite(r, r.key) for r in kb.references}
        return ctx

    @property
    def formatted(self) -> Mapping[str, str]:
        return self.bib.formatted

    def short(self, key: str) -> str:
        return self.shorts.get(key) or short_cite(self.refs.get(key), key)

    def linker(self, page: str) -> Linker:
        return Linker(page, self.use_directory_urls)

    def claim_href(self, link: Linker, claim_id: str) -> Markup:
        topic = self.claim_topic.get(claim_id)
        return link(topic_path(topic), safe_id(claim_id)) if topic else Markup("#")

    def ref_vm(self, link: Linker, key: str, n: int, anchor: str, backlinks: tuple[tuple[str, str], ...] = ()) -> RefVM:
        ref = self.refs.get(key)
        doi = (ref.get("doi") if ref else None) or ""
        pmid = (ref.get("pmid") if ref else None) or ""
        return RefVM(
            key=key,
            anchor=attr(anchor),
            number=n,
            citation=self.bib.formatted.get(key, key),
            design=(ref.design if ref else None) or "",
            doi_url=doi_url(doi),
            doi=doi,
            pubmed_url=pubmed_url(pmid),
            pmid=pmid,
            url=http_url(ref.get("url") if ref else None),
            href=link(PAGES["references"], key),
            backlinks=backlinks,
        )

    def claim(self, c: Claim) -> ClaimVM:
        """The claim's view-model, built on first use and reused by every page that shows the claim."""
        vm = self._claims.get(id(c))
        if vm is None:
            vm = self._claims[id(c)] = self._claim_vm(c)
        return vm

    def row(self, link: Linker, c: Claim) -> ClaimRow:
        return ClaimRow(self.claim(c), self.claim_href(link, c.id or ""))

    def _claim_vm(self, c: Claim) -> ClaimVM:
        topic = c.topic or ""
        link = self.linker(topic_path(topic or "_"))
        sources = []
        for s in c.sources:
            key = s.key or ""
            ref = self.refs.get(key)
            sources.append(
                SourceVM(
                    key=key,
                    href=_ref_anchor(key) if key in self.refs else link(PAGES["references"]),
                    short=word(self.short(key)),
                    stance=word(s.stance),
                    stance_label=word(label(s.stance)),
                    design=word(design_label(ref.design if ref else None)),
                    locator=text(s.locator),
                    quote=text(s.quote),
                )
            )
        return ClaimVM(
            id=safe_id(c.id),
            topic=word(topic),
            topic_title=word(self.topic_titles.get(topic, topic)),
            statement=text(c.statement),
            quantity=text(format_range(c.quantity, with_measure=True)),
            verdict=word(c.verdict),
            verdict_label=word(label(c.verdict)),
            certainty=word(c.certainty),
            certainty_label=word(label(c.certainty)),
            note=text(c.note),
            reviewed=word(c.reviewed),
            sources=tuple(sources),
            article=tuple((n, link(PAGES["article"], f"statement-{n}")) for n in c.article),
            first_citation=sources[0].short if sources else "",
            verdict_words=word(BADGE_WORDS.get(c.verdict or "", label(c.verdict))),
            definitions_href=link(PAGES["methodology"]),
        )


@cache
def _ref_anchor(key: str) -> Markup:
    """The link from a claim to its source's entry in the reference list at the end of the same page."""
    return attr(f"#ref_{key}")


def _numbering(claims: Iterable[Claim]) -> dict[str, int]:
    """Reference numbers on a page, by order of first citation (Vancouver)."""
    numbers: dict[str, int] = {}
    for c in claims:
        for s in c.sources:
            if s.key and s.key not in numbers:
                numbers[s.key] = len(numbers) + 1
    return numbers


TOPICS_NAV = "Topics"


def clean_title(title: str) -> str:
    """A page or nav title: MkDocs' own templates print it without escaping, so keep harmless characters only."""
    return re.sub(r"[<>&\"'`{}\[\]\\]", "", title).strip() or "Untitled"


def _page(path: str, page_title: str, template: str, **context: Any) -> Page:
    clean = clean_title(page_title)
    front = "---\n" + "title: " + json.dumps(clean) + "\n"
    if context.pop("search_exclude", False):
        front += "search:\n  exclude: true\n"
    if context.pop("wide", False):  # a wide table or figure: Material leaves out the table of contents column
        front += "hide:\n  - toc\n"
    front += "---\n\n"
    return Page(path, clean, front + render_template(template, **context))


build_page = _page
"""`_page` for the rendering modules outside this file (render_answers)."""

# --- pages ------------------------------------------------------------------------------------


TOPIC_SECTIONS: list[Callable[[Context, Linker, str], str]] = []
"""Sections other rendering modules add at the top of a topic page (render_answers: its questions and tables)."""


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
        numbers = _numbering(claims)
        # page-level anchors use "_", which claim ids (kebab-case) cannot contain: no claim can take them over
        refs = [ctx.ref_vm(link, key, n, f"ref_{key}") for key, n in numbers.items() if key in ctx.refs]
        out.append(
            _page(
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
            )
        )
    return out


def claims_page(ctx: Context) -> Page:
    path = PAGES["claims"]
    link = ctx.linker(path)
    rows = [ctx.row(link, c) for c in ctx.kb.claims if c.id]
    topics = [(t.id, t.title or t.id) for t in ctx.kb.topics if t.id]
    verdicts = [(v, label(v)) for v in ("supported", "partly-supported", "insufficient", "contradicted")]
    certainties = [(v, label(v)) for v in ("high", "moderate", "low", "very-low")]
    return _page(
        path,
        "All claims",
        "claims.html.j2",
        rows=rows,
        topics=topics,
        verdicts=verdicts,
        certainties=certainties,
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
    needle_length: str
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
        href=link(PAGES["references"], key),
        design=design_label(t.design),
        n=str(t.n) if t.n is not None else "",
        population=t.population or "",
        needle_length=format_range(t.needle_length),
        interval=format_range(t.interval),
        sessions=str(t.sessions) if t.sessions is not None else "",
        duration=format_range(t.duration),
        co_treatment=t.co_treatment or "",
        comparator=t.comparator or "",
        outcome=t.outcome or "",
    )


TRIALS_SECTIONS: list[Callable[[Context, Linker], str]] = []
"""Sections other rendering modules add after the trials table (render_answers: risk of bias, reviews)."""
EXTRA_PAGES: list[Callable[[Context], list[Page]]] = []
"""Page builders other rendering modules register (render_answers: answers, summary of findings)."""


def trials_page(ctx: Context) -> Page:
    path = PAGES["trials"]
    link = ctx.linker(path)
    trials = [trial_vm(ctx, link, t) for t in ctx.kb.trials]
    sections = [Markup(f(ctx, link)) for f in TRIALS_SECTIONS]
    return _page(
        path,
        "Clinical trials",
        "trials.html.j2",
        trials=trials,
        figures_href=link(PAGES["figures"]),
        sections=sections,
        wide=True,
    )


def _sort_key(ref: Reference) -> tuple[str, str, str]:
    names = citations.surnames(ref)
    return ((names[0] if names else ref.key).casefold(), citations.clean(ref.get("year") or ""), ref.key)


def references_page(ctx: Context) -> Page:
    path = PAGES["references"]
    link = ctx.linker(path)
    cited_by: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for c in ctx.kb.claims:
        if not c.id:
            continue
        for key in dict.fromkeys(s.key for s in c.sources if s.key):
            cited_by[key].append((f"Claim {c.id}", ctx.claim_href(link, c.id)))
    for t in ctx.kb.trials:
        if t.key:
            trial_label = f"Trial {ctx.short(t.key)}"
            cited_by[t.key].append((trial_label, link(PAGES["trials"], "trial-" + t.key)))
    refs = sorted(ctx.kb.references, key=_sort_key)
    vms = [ctx.ref_vm(link, r.key, i, r.key, tuple(cited_by.get(r.key, ()))) for i, r in enumerate(refs, 1)]
    return _page(path, "References", "references.html.j2", references=vms, style="Vancouver (ICMJE/NLM)")


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
    return _page(
        path,
        "The source article, statement by statement",
        "article.html.j2",
        statements=items,
        definitions_href=link(PAGES["methodology"]),
    )


# --- figures ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bar:
    y: float
    x: float
    width: float
    label: str  # as drawn (shortened if long)
    full: str  # the whole label, for the tooltip and the data table
    value: str
    value_x: float
    href: str


@dataclass(frozen=True, slots=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True, slots=True)
class Dot:
    cx: float
    cy: float
    r: float
    label: str
    value: str
    href: str
    label_x: float


TIMELINE_TOPIC = "wound-healing"
FIGURE_WIDTH = 760.0
"""Width of both figures in SVG units; drawn at this many CSS pixels where the column allows it."""
FONT = 14
"""Font size of figure text in SVG units: at least 12 px whenever the figure is drawn at 6/7 of its width or more."""
LABEL_MAX = 32


def _shorten(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def timeline(ctx: Context, link: Linker) -> dict[str, Any]:
    """Bars on a logarithmic day axis for the duration claims of the wound-healing topic, earliest start first.

    Each bar is labelled with what the claim measures (`quantity.about`), or its id when that is not given.
    """
    rows = []
    for c in ctx.kb.claims:
        q = c.quantity
        if c.topic != TIMELINE_TOPIC or not c.id or q is None or q.measure != "duration":
            continue
        rng = q.base_range()
        if rng is not None:
            rows.append((rng, c.id, q))
    rows.sort(key=lambda r: (r[0][0], r[0][1], r[1]))
    left, width, row = 250.0, 400.0, 30.0
    lo_day, hi_day = 0.1, 400.0

    def x(days: float) -> float:
        days = min(max(days, lo_day), hi_day)
        span = math.log10(hi_day) - math.log10(lo_day)
        return round(left + width * (math.log10(days) - math.log10(lo_day)) / span, 1)

    bars = []
    for i, ((lo, hi), cid, q) in enumerate(rows):
        x0, x1 = x(lo), x(hi)
        w = max(round(x1 - x0, 1), 4.0)
        text = (q.about or "").strip() or cid
        bars.append(
            Bar(
                round(30 + i * row, 1),
                x0,
                w,
                _shorten(text),
                text,
                format_range(q),
                round(x0 + w + 6, 1),
                ctx.claim_href(link, cid),
            )
        )
    ticks = [
        Tick(x(d), lbl)
        for d, lbl in ((1 / 24 * 6, "6 h"), (1, "1 day"), (7, "1 week"), (30.4375, "1 month"), (365.25, "1 year"))
        if lo_day <= d <= hi_day
    ]
    height = 30 + max(len(bars), 1) * row + 40
    return {
        "bars": bars,
        "ticks": ticks,
        "height": round(height, 1),
        "axis_y": round(height - 30, 1),
        "left": left,
        "right": left + width,
        "width": FIGURE_WIDTH,
        "font": FONT,
    }


INTERVAL_UNITS = ("d", "wk", "mo")


def protocol_chart(ctx: Context, link: Linker) -> dict[str, Any]:
    """Trials: needle length (mm) across, interval up, marker area by n.

    The interval axis is in the unit the trials state (weeks when every plotted trial gives its
    interval in weeks; days when they differ).
    """
    pts = []
    for t in ctx.kb.trials:
        nl = t.needle_length.base_range() if t.needle_length else None
        iv = t.interval.base_range() if t.interval else None
        if nl is None or iv is None or not t.key or t.interval is None:
            continue
        pts.append((t, (nl[0] + nl[1]) / 2, (iv[0] + iv[1]) / 2, t.interval.unit))
    units = {p[3] for p in pts}
    unit = "d"
    if len(units) == 1:
        only = units.pop()
        unit = only if only in INTERVAL_UNITS else "d"
    per = TO_BASE[unit]
    left, top, width, height = 100.0, 20.0, 560.0, 300.0
    max_mm = max([p[1] for p in pts] + [2.5])
    max_iv = max([p[2] / per for p in pts] + [30.0 / per])
    max_n = max([t.n or 1 for t, _, _, _ in pts] + [1])
    dots = []
    for t, mm, days, _ in pts:
        cx = round(left + width * mm / max_mm, 1)
        cy = round(top + height - height * (days / per) / max_iv, 1)
        r = round(4 + 16 * math.sqrt((t.n or 1) / max_n), 1)
        dots.append(
            Dot(
                cx,
                cy,
                r,
                ctx.short(t.key or ""),
                f"{format_range(t.needle_length)}, every {format_range(t.interval)}, n={t.n or '?'}",
                link(PAGES["trials"], "trial-" + (t.key or "")),
                round(cx + r + 3, 1),
            )
        )
    xticks = [Tick(round(left + width * v / max_mm, 1), f"{v:g} mm") for v in _nice(max_mm)]
    yticks = [
        Tick(round(top + height - height * v / max_iv, 1), f"{v:g} {unit_words(unit, v == 1)}") for v in _nice(max_iv)
    ]
    return {
        "dots": dots,
        "xticks": xticks,
        "yticks": yticks,
        "unit": UNIT_WORDS[unit],
        "left": left,
        "top": top,
        "bottom": top + height,
        "right": left + width,
        "middle": top + height / 2,
        "height": top + height + 50,
        "width": FIGURE_WIDTH,
        "font": FONT,
    }


def _nice(hi: float) -> list[float]:
    step = 10 ** math.floor(math.log10(hi)) if hi > 0 else 1
    if hi / step < 3:
        step /= 2
    return [round(i * step, 6) for i in range(int(hi / step) + 1)]


def figures_page(ctx: Context) -> Page:
    path = PAGES["figures"]
    link = ctx.linker(path)
    return _page(
        path,
        "Figures",
        "figures.html.j2",
        timeline=timeline(ctx, link),
        chart=protocol_chart(ctx, link),
        trials_href=link(PAGES["trials"]),
        topic=TIMELINE_TOPIC,
        wide=True,
    )


# --- methodology ------------------------------------------------------------------------------


def segments(text: str) -> list[tuple[str, bool]]:
    """Docstring text split on backticks: (text, is_code) pairs."""
    return [(part, i % 2 == 1) for i, part in enumerate(text.split("`")) if part]


@dataclass(frozen=True, slots=True)
class RuleVM:
    code: str
    anchor: str
    name: str
    severity: str
    phase: str
    summary: list[tuple[str, bool]]
    paragraphs: list[list[tuple[str, bool]]]


def rules_page(ctx: Context) -> Page:
    items = []
    for code in sorted(CODES):
        c = CODES[code]
        lines = [ln.strip() for ln in c.doc.strip().splitlines()]
        paras: list[list[str]] = [[]]
        for ln in lines[1:]:
            if ln:
                paras[-1].append(ln)
            elif paras[-1]:
                paras.append([])
        items.append(
            RuleVM(
                code,
                attr(code.lower()),
                c.name,
                c.severity.value,
                c.phase,
                segments(c.summary),
                [segments(" ".join(p)) for p in paras if p],
            )
        )
    return _page(PAGES["rules"], "Rule reference", "rules.html.j2", rules=items)


@dataclass(frozen=True, slots=True)
class PropVM:
    name: str
    type: str
    required: bool
    description: str
    allowed: str
    ref_href: str
    ref_name: str


@dataclass(frozen=True, slots=True)
class DefVM:
    name: str
    anchor: str
    description: str
    props: list[PropVM]
    type: str
    allowed: str


def _schema_type(s: Mapping[str, Any]) -> tuple[str, str]:
    """(type words, referenced definition name)."""
    if "$ref" in s:
        name = str(s["$ref"]).rsplit("/", 1)[-1]
        return name, name
    t = str(s.get("type", "any"))
    if t == "array":
        inner, ref = _schema_type(s.get("items", {}))
        return f"list of {inner}", ref
    return t, ""


def _allowed(s: Mapping[str, Any]) -> str:
    parts = []
    if "enum" in s:
        parts.append("one of " + ", ".join(str(v) for v in s["enum"]))
    if "pattern" in s:
        parts.append(f"pattern {s['pattern']}")
    for k, words in (
        ("minimum", "at least"),
        ("minLength", "min. length"),
        ("maxLength", "max. length"),
        ("minItems", "min. items"),
        ("format", "format"),
    ):
        if k in s:
            parts.append(f"{words} {s[k]}")
    return "; ".join(parts)


def schema_page(ctx: Context, schema: Mapping[str, Any]) -> Page:
    path = PAGES["schema"]
    defs: list[DefVM] = []

    def props_of(s: Mapping[str, Any]) -> list[PropVM]:
        req = set(s.get("required", []))
        out = []
        for name, p in s.get("properties", {}).items():
            typ, ref = _schema_type(p)
            out.append(
                PropVM(
                    name,
                    typ,
                    name in req,
                    str(p.get("description", "")),
                    _allowed(p),
                    attr(f"#schema-{ref}") if ref else Markup(""),
                    ref,
                )
            )
        return out

    defs.append(
        DefVM(
            "claims.yaml (top level)",
            attr("schema-root"),
            str(schema.get("description", "")),
            props_of(schema),
            "object",
            "",
        )
    )
    for name, d in schema.get("definitions", {}).items():
        defs.append(
            DefVM(
                name,
                attr(f"schema-{name}"),
                str(d.get("description", "")),
                props_of(d),
                str(d.get("type", "")),
                _allowed(d),
            )
        )
    return _page(
        path,
        "Data schema reference",
        "schema.html.j2",
        defs=defs,
        download_href=ctx.linker(path)(f"{DOWNLOAD_DIR}/claims.schema.json"),
    )


def downloads_page(ctx: Context) -> Page:
    path = PAGES["downloads"]
    link = ctx.linker(path)
    files = [(name, desc, link(f"{DOWNLOAD_DIR}/{name}")) for name, desc in DOWNLOADS]
    return _page(
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
    return render_template("certainty.html.j2", rows=rows, rules_href=ctx.linker(page)(PAGES["rules"], "c010"))


FRAGMENTS = {"key-numbers": key_numbers, "certainty-table": certainty_table}
MARKER_RE = re.compile(r"^<!-- derma:([a-z-]+) -->$", re.M)


def fill_markers(markdown: str, ctx: Context, page: str) -> str:
    """Replace `<!-- derma:NAME -->` lines of a hand-written page with generated HTML blocks."""

    def sub(m: re.Match[str]) -> str:
        fn = FRAGMENTS.get(m.group(1))
        if fn is None:
            raise KeyError(f"unknown derma marker '{m.group(1)}' in {page}")
        return "\n" + fn(ctx, page) + "\n"

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


def generated_paths(kb: KnowledgeBase) -> Sequence[str]:
    return [p.path for p in render_site(kb)]
