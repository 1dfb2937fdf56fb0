"""The site build's logic as a plain class: check the data, list the topics, give every generated file.

`Site` works outside any build (a script or a test can call it); `derma_evidence.publish.plugin` is the
only MkDocs glue and calls it from the build events. Under `mkdocs serve` a `Site` keeps the last
version of the data that passed the checker and rendered (`Site.last_good`), so a bad edit never
takes the served site down.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import operator
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from derma_evidence import citations, render, safefs
from derma_evidence.diagnostics import Diagnostic, Severity, did_you_mean
from derma_evidence.export import files as exports
from derma_evidence.grade import hedges
from derma_evidence.load.text import forbidden_in, read_bytes
from derma_evidence.model.claims import Claim, Quantity, Reference, Source
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.model.project import Project
from derma_evidence.pipeline import CODES, Result, check_bytes
from derma_evidence.render import feed
from derma_evidence.render import jsonld as schema_org
from derma_evidence.render.permalinks import version_date

CACHE_DIR = ".cache/plugin/derma"
"""The default cache folder, beside Material's own (`.cache/plugin/<name>`); `.gitignore` leaves `.cache/` out."""

CLAIMS_ENV = "DERMA_CLAIMS"
BIB_ENV = "DERMA_BIB"
"""Environment variables overriding the configured data paths (the tests build a fixture this way)."""


@dataclass(frozen=True, slots=True)
class Options:
    """What a build may configure; the plugin's `config_options` map one to one onto these fields."""

    claims: str = "data/claims.yaml"
    bib: str = "references.bib"
    download_dir: str = render.DOWNLOAD_DIR
    timeline_topic: str | None = None
    topics_nav: str = render.TOPICS_NAV
    project: Project = Project()  # name, site URL, repository, publisher, licence, rule reference (mkdocs.yml)
    nav_topics_max: int = 60
    """Above this many topics the nav lists only the All topics page: every page carries the whole nav, so
    listing every topic makes the build's cost grow with the square of the number of topics."""
    cache: bool = True
    cache_dir: str = CACHE_DIR
    """Where the build keeps what it can reuse next time (the formatted bibliography), relative to the project."""

    def problems(self) -> list[str]:
        """Every option that is not valid, as `name: why` (empty when all are); the plugin stops on any.

        `download_dir` is a relative path inside the site folder and `cache_dir` one inside the project
        (`safefs.relative_path`: not empty, not absolute, no `..`), normalised; text options hold no
        character a data file may not hold (`load.text.forbidden_in`); `nav_topics_max` is a whole
        number from 0 to `MAX_NAV_TOPICS`.
        `timeline_topic` is checked against the data's topics by `Site.build`.
        """
        out = []
        try:
            if safefs.relative_path(self.download_dir, "the path") != self.download_dir:
                out.append(f"download_dir: write it as {safefs.relative_path(self.download_dir)!r}")
        except safefs.UnsafePath as exc:
            out.append(f"download_dir: {exc}; write a folder inside the site, e.g. 'downloads'")
        try:
            if safefs.relative_path(self.cache_dir, "the path") != self.cache_dir:
                out.append(f"cache_dir: write it as {safefs.relative_path(self.cache_dir)!r}")
        except safefs.UnsafePath as exc:
            out.append(f"cache_dir: {exc}; write a folder inside the project, e.g. '{CACHE_DIR}'")
        if not isinstance(self.cache, bool):
            out.append(f"cache: must be true or false, not {self.cache!r}")
        for name in ("claims", "bib", "topics_nav"):
            value = getattr(self, name)
            if not value.strip():
                out.append(f"{name}: must not be empty")
        for name in ("claims", "bib", "download_dir", "cache_dir", "topics_nav", "timeline_topic"):
            value = getattr(self, name)
            why = forbidden_in(value) if value else None
            if why and not any(o.startswith(f"{name}:") for o in out):  # one problem per option
                out.append(f"{name}: {why}")
        reported: list[str] = []  # the publisher defaults to the name, the rule reference to the site URL
        for name in ("name", "site_url", "repo_url", "publisher", "licence", "licence_url", "rules_url"):
            value = getattr(self.project, name)  # the identity (mkdocs.yml and the plugin's options)
            why = forbidden_in(value) if value else None
            if why and not any(value.startswith(r) for r in reported):
                reported.append(value)
                out.append(f"{'site_name' if name == 'name' else name}: {why}")
        if isinstance(self.nav_topics_max, bool) or not 0 <= self.nav_topics_max <= MAX_NAV_TOPICS:
            out.append(f"nav_topics_max: must be a whole number from 0 to {MAX_NAV_TOPICS}, not {self.nav_topics_max}")
        return out


MAX_NAV_TOPICS = 10_000
"""Largest `nav_topics_max` (the nav's cost grows with the square of the topics it lists)."""


class OptionError(ValueError):
    """A plugin option is not valid; `problems` lists each as `name: why`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Build:
    """One version of the data that passed the checker, with everything generated from it.

    The downloads and the feed (`files` beyond the pages) are made when first asked for: a full build
    asks at once (`on_files`), the quick update under serve once the changed pages are written.
    """

    result: Result
    ctx: render.Context
    pages: dict[str, render.Page] = field(default_factory=dict)  # generated pages by path (their HTML, TOC)
    jsonld: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # page path -> schema.org objects
    extra: Callable[[], dict[str, bytes]] = dict  # the files besides the pages (downloads, feed), made on demand

    @property
    def kb(self) -> KnowledgeBase:
        return self.result.kb

    @cached_property
    def files(self) -> dict[str, str | bytes]:
        """Site path (relative to docs_dir) -> a generated page's source (its front matter) or a file's bytes."""
        files: dict[str, str | bytes] = {path: p.front for path, p in self.pages.items()}
        files.update(self.extra())
        return files


# --- claim view-models kept between builds under serve (`Site.keep_views`) ---------------------


def _fields_but_positions(cls: type) -> Callable[[Any], Any]:
    names = [f.name for f in dataclasses.fields(cls) if f.name not in ("pos", "at", "sources", "quantity")]
    return operator.attrgetter(*names)


_CLAIM = _fields_but_positions(Claim)
_QUANTITY = _fields_but_positions(Quantity)
_SOURCE = _fields_but_positions(Source)


def claim_value(c: Claim) -> tuple[object, ...]:
    """A claim's value without its positions in the file (what its view-model shows does not depend on them)."""
    return (
        _CLAIM(c),
        _QUANTITY(c.quantity) if c.quantity is not None else None,
        tuple(_SOURCE(s) for s in c.sources),
    )


def shared_key(ctx: render.Context) -> tuple[object, ...]:
    """What every claim view-model may read besides its claim, its topic's title and its references."""
    kb = ctx.kb
    return (
        kb.vocab,
        kb.today,
        kb.changes,  # the change log: each claim's last change, the version date
        ctx.memo("version", version_date),
        ctx.project,
        ctx.use_directory_urls,
        ctx.site_url,
        ctx.download_dir,
        ctx.timeline_topic,
        ctx.site_map,
    )


@dataclass(slots=True)
class KeptClaims:
    """Claim view-models kept from one build to the next under `mkdocs serve`.

    A view-model is reused only when everything it is made from is as it was: the claim (every field but
    its positions in the file, `claim_value`), the title of its topic, each reference it cites (entry type
    and every field: short citation, design, unverified fields, notice badge) and what every claim shares
    (`shared_key`: vocabulary, change log, version date, project, URL style, site URL, date, site map). A
    changed reference drops the view-models of the claims citing it, a changed shared value all of them
    (`KeptClaims.check`). A reused view-model's `model` is the claim of an earlier build: equal but for
    its positions in the file, which no page shows. A claim line added to `SiteMap.claim_extras` reading
    anything else must add it to the key (tests/render/test_kept_claims.py: a kept render equals a fresh
    one, byte for byte).
    """

    shared: tuple[object, ...] | None = None
    refs: dict[str, tuple[str, Mapping[str, str]]] = field(default_factory=dict)  # key -> (entry type, fields)
    by_id: dict[str | None, tuple[tuple[object, ...], frozenset[str], render.ClaimVM]] = field(default_factory=dict)
    """Claim id -> (what its view-model was made from, the keys it cites, the view-model)."""
    made: int = 0  # view-models built (not reused) since the store was made: the tests count them
    _checked: object = None  # the build (`Context`) the store was last checked for

    def check(self, shared: tuple[object, ...], refs: Mapping[str, Reference], ids: set[str | None]) -> None:
        """Drop what a new build's shared values and references make stale, and the claims it no longer has
        (once per build, before any reuse)."""
        now = {k: (r.entry_type, r.fields) for k, r in refs.items()}
        if shared != self.shared:
            self.by_id.clear()
        else:
            changed = {k for k in now.keys() | self.refs.keys() if now.get(k) != self.refs.get(k)}
            for cid in [cid for cid, (_, cited, _) in self.by_id.items() if cid not in ids or cited & changed]:
                del self.by_id[cid]
        self.shared, self.refs = shared, now

    def view(self, ctx: render.Context, c: Claim) -> render.ClaimVM:
        """The kept view-model of `c` when what it is made from is as it was, else a new one (then kept)."""
        if self._checked is not ctx:
            self._checked = ctx
            self.check(shared_key(ctx), ctx.refs, {c.id for c in ctx.kb.claims})
        key = (claim_value(c), ctx.topic_titles.get(c.topic or ""))
        hit = self.by_id.get(c.id)
        if hit is not None and hit[0] == key:
            return hit[2]
        vm = ctx._claim_vm(c)
        self.by_id[c.id] = (key, frozenset(s.key or "" for s in c.sources), vm)
        self.made += 1
        return vm


class Refused(Exception):
    """The checker refused the data; `diagnostics` lists every problem (errors and warnings)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"the checker refused the data ({len(diagnostics)} problem(s))")
        self.diagnostics = diagnostics


@dataclass
class Site:
    """The knowledge base behind one site, checked and rendered on demand and cached by the files' bytes."""

    root: str
    options: Options = field(default_factory=Options)
    last_good: Build | None = None
    _key: tuple[object, ...] | None = None
    _analyses: dict[object, tuple[object, ...]] | None = None
    _views: KeptClaims | None = None

    def keep_analyses(self) -> None:
        """From now on, keep the wording rules' analysis of each text (`grade.hedges.memo`) from one check to
        the next: under serve an edit analyses again only the answers and findings it changed (at the real
        knowledge base, most of the check's rules time). Each text's analysis depends on the text alone, so
        the diagnostics are the same; what is kept grows with the texts the session has seen."""
        if self._analyses is None:
            self._analyses = {}

    def keep_views(self) -> None:
        """From now on, keep the claim view-models from one build to the next (`KeptClaims`): under serve
        an edit builds again only those of the claims whose inputs changed (at 10,000 claims, most of the
        render's time). A view-model is reused only when everything it reads compares equal, so the pages
        are the same bytes; what is kept is one view-model per claim id."""
        if self._views is None:
            self._views = KeptClaims()

    def revert(self, previous: Build | None) -> None:
        """The last build turned out bad after all (its downloads failed when made): `previous` is the last good one
        again, and the same data is checked and rendered again next time."""
        self.last_good = previous
        self._key = None

    def paths(self) -> tuple[str, str]:
        """The claims and BibTeX files: the options (or their environment overrides), relative to `root`."""
        claims = os.environ.get(CLAIMS_ENV) or self.options.claims
        bib = os.environ.get(BIB_ENV) or self.options.bib
        return os.path.join(self.root, claims), os.path.join(self.root, bib)

    def build(self, use_directory_urls: bool = True) -> Build:
        """Check and render the data. Raises `Refused` on checker errors and `OSError` when a file is unreadable.

        Anything else raised is a bug in the checker or the renderer; the caller decides (the plugin
        keeps serving `last_good` under `mkdocs serve`). The result is kept while the bytes stay the same.
        """
        problems = self.options.problems()
        if problems:
            raise OptionError(problems)
        claims_path, bib_path = self.paths()
        claims_bytes, bib_bytes = read_bytes(claims_path), read_bytes(bib_path)
        digest = hashlib.sha256(claims_bytes + b"\0" + bib_bytes).hexdigest()
        key = (claims_path, bib_path, digest, dt.date.today(), use_directory_urls, self.options)
        if self._key == key and self.last_good is not None:
            return self.last_good
        cache = os.path.join(self.root, self.options.cache_dir) if self.options.cache else None
        formatted = citations.format_in_background(bib_path, bib_bytes, cache)
        with hedges.memo(self._analyses) if self._analyses is not None else contextlib.nullcontext():
            result = check_bytes(claims_path, claims_bytes, bib_path, bib_bytes)
        if result.errors:
            raise Refused(result.diagnostics)
        topic_ids = [t.id for t in result.kb.topics if t.id]
        if self.options.timeline_topic is not None and self.options.timeline_topic not in topic_ids:
            hint = did_you_mean(self.options.timeline_topic, topic_ids)
            raise OptionError(
                [
                    f"timeline_topic: no topic '{self.options.timeline_topic}' in the data"
                    + (f"; {hint}" if hint else "")
                ]
            )
        ctx = render.Context.of(
            result.kb,
            use_directory_urls,
            formatted(result.kb.references),
            timeline_topic=self.options.timeline_topic,
            download_dir=self.options.download_dir,
            project=self.options.project,
        )
        ctx.codes = tuple(CODES.values())
        ctx.kept = self._views
        pages = {p.path: p for p in render.render_site(result.kb, ctx=ctx)}
        jsonld = schema_org.jsonld_pages(ctx)
        # a generated page reaches MkDocs as its front matter only (`Build.files`): nothing for
        # Python-Markdown to parse; the plugin puts its HTML in place after the Markdown step
        options = self.options

        def extra() -> dict[str, bytes]:
            files = {
                f"{options.download_dir}/{name}": data
                for name, data in exports.all_exports(
                    result.kb, bib_bytes, ctx.bib.csl, options.project, options.download_dir
                ).items()
            }
            files.update(feed.extra_files(ctx))
            return files

        self.last_good = Build(result, ctx, pages, jsonld=jsonld, extra=extra)
        self._key = key
        return self.last_good

    @staticmethod
    def jsonld(build: Build, path: str, title: str) -> str:
        """The schema.org JSON-LD `<script>` of one page (by source path), generated or hand-written."""
        return schema_org.jsonld_for(build.ctx, build.jsonld, path, title)

    @staticmethod
    def feed_link(build: Build, path: str) -> str:
        """The Atom feed's autodiscovery `<link>` for one page (by source path)."""
        return feed.head_link(build.ctx, path)

    @staticmethod
    def warnings(build: Build) -> list[Diagnostic]:
        return [d for d in build.result.diagnostics if d.severity is Severity.WARNING]

    def rules_url(self, code: str) -> str:
        base = self.options.project.rules_url
        return f"{base}#{code.lower()}" if base else ""

    def lists_topics(self, kb: KnowledgeBase) -> bool:
        """Whether the nav lists each topic page (up to `options.nav_topics_max` topics) or only All topics."""
        return sum(1 for t in kb.topics if t.id and render.safe_id(t.id)) <= self.options.nav_topics_max

    def nav_topics(self, kb: KnowledgeBase) -> list[dict[str, str]]:
        """The nav entries of the topics section: the All topics page, then each topic page (up to the maximum)."""
        topics = [
            {render.clean_title(t.title or t.id): render.topic_path(t.id)}
            for t in kb.topics
            if t.id and render.safe_id(t.id)
        ]
        return [{"All topics": render.PAGES["topics"]}, *(topics if self.lists_topics(kb) else [])]

    def fill_nav(self, nav: list[object] | None, kb: KnowledgeBase) -> None:
        """Put the topic pages under the nav section named `options.topics_nav` (in place)."""
        for item in nav or []:
            if isinstance(item, dict) and self.options.topics_nav in item:
                item[self.options.topics_nav] = self.nav_topics(kb)

    @staticmethod
    def collisions(build: Build, existing: set[str]) -> list[str]:
        """Generated paths that a hand-written file already takes, sorted."""
        return sorted(p for p in build.files if p in existing)
