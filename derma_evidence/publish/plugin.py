"""The MkDocs plugin `derma` (glue only): runs `site.Site` from the build events and adds its files in memory.

    plugins:
      - search
      - derma:
          claims: data/claims.yaml
          bib: references.bib

Generated pages skip Python-Markdown: MkDocs gets their front matter only; `on_page_content` puts their
HTML and table of contents in place. Their search entries skip HTML parsing too: just before Material's
search plugin indexes a generated page (`on_page_context`, priority 100) the page is emptied, so the plugin
finds nothing to parse, and just after it (priority -100) the page's HTML is back and its entries are added
where the plugin would have put them, made by `render.search.sections` (equal to what the plugin makes of the
HTML: tests/publish/test_search_entries.py). A plugin editing a generated page's HTML in `on_page_content`
after this one would have its edit replaced: give it a lower priority than -100 in `on_page_context` or edit
in `on_post_page`. With another search plugin, generated pages are indexed from their HTML as any page.

The build refuses what the checker refuses (same diagnostics, printed once); checker warnings are
MkDocs warnings, so `mkdocs build --strict` fails where `derma check --strict` does. Under
`mkdocs serve` nothing here stops the server: a bad edit prints its problems and the last good
version of the site keeps being served. Also registered for ProperDocs (which reads both groups).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sys
import traceback
from typing import Any

from markupsafe import Markup
from mkdocs.commands.build import _build_page
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import Abort
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc

from derma_evidence import render, report
from derma_evidence.diagnostics import clean
from derma_evidence.model.project import Project
from derma_evidence.publish.build import Build, OptionError, Options, Refused, Site
from derma_evidence.publish.live import LiveUpdate, Served, rebuild_signal, snapshot, watch_data
from derma_evidence.render import search
from derma_evidence.render.html import marked_keywords, without_keywords

log = get_plugin_logger("derma")
DEFAULTS = Options()
THEME_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "theme")
"""Theme overrides the plugin adds below any `custom_dir`: print header and footer, a plain repository link."""


class DermaConfig(Config):  # type: ignore[no-untyped-call]
    """The options under `plugins: - derma:` in mkdocs.yml (all optional; see `site.Options`)."""

    claims = c.Type(str, default=DEFAULTS.claims)
    bib = c.Type(str, default=DEFAULTS.bib)
    download_dir = c.Type(str, default=DEFAULTS.download_dir)
    timeline_topic = c.Optional(c.Type(str))
    topics_nav = c.Type(str, default=DEFAULTS.topics_nav)
    rules_url = c.Type(str, default="")
    publisher = c.Type(str, default="")
    licence = c.Type(str, default="")
    licence_url = c.Type(str, default="")
    nav_topics_max = c.Type(int, default=DEFAULTS.nav_topics_max)
    cache = c.Type(bool, default=DEFAULTS.cache)
    cache_dir = c.Type(str, default=DEFAULTS.cache_dir)


class DermaPlugin(BasePlugin[DermaConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.hashed: dict[str, str] = {}
        self.serving = False
        self.site: Site | None = None
        self.current: Build | None = None
        self.live: LiveUpdate | None = None  # under serve: rewrites only what a data edit changed
        self._served: dict[str, Any] = {}  # what this full build gives `live` (files, nav, env, markers)
        self._indexing: tuple[Any, int] | None = None  # Material's search index and where this page's entries start
        self._rebuild: Any = None  # under serve, asks the server for a rebuild (`live.rebuild_signal`)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def _say(self, message: str) -> None:
        message = "\n".join(clean(line) for line in message.split("\n"))
        print(message, file=sys.stderr, end="" if message.endswith("\n") else "\n")

    def _keep_or_stop(self, message: str) -> Build:
        """Under serve with a good version: print, keep it. Otherwise stop the build (or the first serve)."""
        self._say(message)
        assert self.site is not None
        if self.serving and self.site.last_good is not None:
            self._say("derma: the site still shows the last good version; fix the problems above and save again")
            return self.site.last_good
        raise Abort("derma: the build stopped; see the problems above")

    def on_config(self, config: Any) -> Any:
        root = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
        # derma_evidence/theme: print header and footer, a repository link without API calls (below custom_dir)
        if THEME_DIR not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, THEME_DIR)
        self.hashed = hash_assets(config)
        cfg = self.config
        # the knowledge base's identity: mkdocs.yml's site_name, site_url, repo_url and this plugin's options
        name = config.site_name.unescape() if isinstance(config.site_name, Markup) else config.site_name
        project = Project.from_config(
            {"site_name": name, "site_url": config.site_url, "repo_url": config.repo_url},
            {k: cfg[k] for k in ("publisher", "licence", "licence_url", "rules_url")},
        )
        # Material prints site_name (and the description, the author) unescaped in <title>, the header and
        # <meta>: an escaped Markup reads right there,
        # and the templates that do escape it (`| e`) leave a Markup as it is
        config.site_name = Markup.escape(name)
        for key in ("site_description", "site_author"):  # plain text as well (`copyright` may hold HTML by design)
            if isinstance(config[key], str):
                config[key] = Markup.escape(config[key])
        options = Options(
            claims=cfg.claims,
            bib=cfg.bib,
            download_dir=cfg.download_dir,
            timeline_topic=cfg.timeline_topic,
            topics_nav=cfg.topics_nav,
            project=project,
            nav_topics_max=cfg.nav_topics_max,
            cache=cfg.cache,
            cache_dir=cfg.cache_dir,
        )
        if self.site is None or self.site.root != root or self.site.options != options:
            self.site = Site(root, options, self.site.last_good if self.site else None)
        if self.serving:  # what the build is about to read besides the data, to tell a data-only edit later
            self.live = LiveUpdate(self.site)
            data = set(self.site.paths())
            watched = [config.docs_dir, config.config_file_path or "", *config.watch, *config.theme.dirs]
            watched = [w for w in watched if w and os.path.exists(w)]
            before = {p: v for p, v in snapshot(watched).items() if p not in data}
            self._served = {"watched": watched, "before": before, "markers": {}}
        enabled = gc.isenabled()
        gc.disable()  # the check and the render make long-lived trees without cycles: nothing to collect
        try:
            self.current, fresh = self._check_and_render(config, complete=True)
        finally:
            if enabled:
                gc.enable()
        if not self.serving:  # one build: what lives now lives to its end, so the collector need not scan it
            gc.freeze()  # again at every page (at 10,000 claims that scanning cost ~2 s); `on_post_build` undoes it
        if fresh:
            for d in Site.warnings(self.current):
                url = self.site.rules_url(d.code)
                line = f"{d.file}:{d.line}:{d.col}: {d.code} {d.message}" + (f" (see {url})" if url else "")
                log.warning(clean(line))
        self.site.fill_nav(config.nav, self.current.kb)
        return config

    def _check_and_render(self, config: Any, complete: bool = False) -> tuple[Build, bool]:
        """The build of the data, and True; or, under serve, the last good build and False when the data failed.

        `complete`: the downloads and feed made now too (`Build.files`, made on demand), so that a bug in them is
        met here, as one in the pages is (the full build needs them at once; the quick update makes them later,
        in its thread, whose failure brings the full build)."""
        assert self.site is not None
        previous, built = self.site.last_good, None
        try:
            built = self.site.build(bool(config.use_directory_urls))
            if complete:
                built.files  # noqa: B018 - made now: a failure here keeps the last good build
            return built, True
        except OptionError as exc:  # a configuration error: never served around, whatever the command
            self._say("".join(f"mkdocs.yml: error: plugin derma, option {p}\n" for p in exc.problems))
            raise Abort("derma: the build stopped; fix the plugin options in mkdocs.yml") from None
        except Refused as exc:
            return self._keep_or_stop(report.text(exc.diagnostics)), False
        except OSError as exc:
            return self._keep_or_stop(f"derma: cannot read the data: {exc}"), False
        except Exception:  # a bug in the checker or the renderer: say so, never hang the server
            # a build whose downloads failed is not a good one (nor is one a quick update adopted before they failed)
            self.site.revert(None if built is previous else previous)
            error = "derma: internal error while checking or rendering\n" + traceback.format_exc()
            return self._keep_or_stop(error), False

    def on_files(self, files: Files, *, config: Any) -> Files:
        assert self.current is not None and self.site is not None
        collisions = Site.collisions(self.current, {f.src_uri for f in files})
        if collisions:
            message = "".join(
                f"{config.docs_dir}/{p}: error: a generated page collides with this hand-written file; "
                "rename or remove it\n"
                for p in collisions
            )
            if not self.serving:
                self._say(message)
                raise Abort("derma: the build stopped; see the problems above")
            self._say(message + "derma: serving the generated page; the hand-written file is left out")
            for p in collisions:
                existing = files.get_file_from_path(p)
                if existing is not None:
                    files.remove(existing)
        for src, dest in sorted(self.hashed.items()):  # each own asset under its content-hashed name only
            original = files.get_file_from_path(src)
            if original is not None and original.abs_src_path is not None:
                files.remove(original)
                files.append(File.generated(config, dest, abs_src_path=original.abs_src_path))
        hide_topics = not self.site.lists_topics(self.current.kb)  # then listed on the All topics page only
        for path, content in sorted(self.current.files.items()):
            if hide_topics and path in self.current.pages and path.startswith(render.TOPIC_DIR + "/"):
                files.append(File.generated(config, path, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
            else:
                files.append(File.generated(config, path, content=content))
        return files

    def _generated(self, page: Any) -> render.Page | None:
        if self.current is None or page.file.generated_by is None:
            return None
        return self.current.pages.get(page.file.src_uri)

    def on_page_content(self, html: str, *, page: Any, config: Any, files: Files) -> str:
        """A generated page (its Markdown was only front matter): its HTML, table of contents and anchors."""
        generated = self._generated(page)
        if generated is None:
            return html
        return _fill(page, generated)

    @event_priority(100)  # just before the search plugin's on_page_context
    def _before_search(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        """Where this page's search entries will start; a generated page: nothing for Material's plugin to parse."""
        index = _search_index(config)
        self._indexing = None if index is None else (index, len(index.entries))
        if index is not None:
            index.config["fields"] = search.with_keywords_field(index.config.get("fields") or {})
        generated = self._generated(page)
        if generated is not None:
            # another search plugin indexes the HTML itself, the hidden words marked for `shape_index`
            page.content = "" if index is not None else marked_keywords(generated.html)
        return context

    @event_priority(-100)  # after the search plugin's on_page_context, before the theme renders the page
    def _after_search(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        """A generated page: its search entries, where the search plugin would have added them, and its HTML.

        Every page: its entries shaped for readers (`render.search.shape_docs`) as they join the index, so the
        index Material writes (after a full build, or after the quick update under serve) is the final one.
        """
        generated = self._generated(page)
        if self._indexing is not None:
            index, start = self._indexing
            self._indexing = None
            if generated is not None and not (page.meta.get("search") or {}).get("exclude"):
                for section in search.sections(generated.html):  # as the plugin's own `add_entry_from_context`
                    index.create_entry_for_section(section, [], page.url, page)
            answers = render.page_url(render.PAGES["answers"], bool(config.use_directory_urls))
            search.shape_docs(index.entries[start:], answers_location=answers)
        if generated is not None:
            page.content = without_keywords(generated.html)  # the hidden search words live in the index only
        return context

    on_page_context = CombinedEvent(_before_search, _after_search)

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        if self.current is None or self.site is None or page.file.generated_by is not None:
            return markdown
        shown = os.path.relpath(os.path.join(config.docs_dir, page.file.src_uri), self.site.root)
        try:
            filled = render.fill_markers(markdown, self.current.ctx, page.file.src_uri, shown)
            if self.serving and filled != markdown:
                self._served.setdefault("markers", {})[page.file.src_uri] = (markdown, shown, filled)
            return filled
        except render.MarkerError as exc:
            self._say(report.text(exc.diagnostics))
            if not self.serving:
                raise Abort("derma: the build stopped; see the problems above") from None
            self._say("derma: the unknown markers are left out of the page; fix them and save again")
            return render.fill_markers(markdown, self.current.ctx, page.file.src_uri, shown, lenient=True)

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        """Each page's schema.org JSON-LD and the Atom feed's autodiscovery link go into its <head>."""
        if self.current is None or "</head>" not in output:
            return output
        script = Site.jsonld(self.current, page.file.src_uri, page.title or "")
        script += "\n" + Site.feed_link(self.current, page.file.src_uri)
        return output.replace("</head>", script + "\n</head>", 1)

    def on_nav(self, nav: Any, *, config: Any, files: Files) -> Any:
        self._served["nav"] = nav
        return nav

    def on_env(self, env: Any, *, config: Any, files: Files) -> Any:
        self._served["env"] = env
        self._served["files"] = files
        return env

    @event_priority(-100)  # after the search plugin has written the index
    def on_post_build(self, *, config: Any) -> None:
        """Another search plugin's index shaped for readers (`render.search.shape_index`: hidden words in their own
        field; Material's was shaped page by page); under serve, what the next data-only edit needs (see `live`)."""
        self._shape_index(os.path.join(config.site_dir, "search", "search_index.json"), config)
        s = self._served
        if self.live is not None and {"nav", "env", "files", "watched"} <= s.keys() and self.current is not None:
            self.live.served = Served(config, s["files"], s["nav"], s["env"], s["watched"], s["before"], s["markers"])
        gc.unfreeze()

    @staticmethod
    def _shape_index(path: str, config: Any) -> None:
        """Another search plugin's index file at `path` shaped for readers (Material's is shaped page by page)."""
        if _search_index(config) is None and os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                index = json.load(f)
            answers = render.page_url(render.PAGES["answers"], bool(config.use_directory_urls))
            with open(path, "w", encoding="utf-8") as f:
                json.dump(search.shape_index(index, answers_location=answers), f, separators=(",", ":"))

    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()  # what `on_config` froze goes back to the collector (a build in a longer process, a test)

    def on_shutdown(self) -> None:
        """The `mkdocs` command is about to exit: freeze everything, so that the interpreter's last collections
        at exit skip the site just built (at 10,000 claims they walked it for ~2 s of CPU). Only the command
        line calls this; a build run from Python (`mkdocs.commands.build.build`) keeps its collector as it was.

        Under serve, first the last quick update's thread ends: MkDocs removes the site folder right after this,
        and the thread may still be writing the downloads or the search index into it."""
        if self.live is not None:
            self.live.settle()  # a failure no longer matters: nothing is served any more
        gc.freeze()

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        if self.site is not None:
            paths = list(self.site.paths())
            if watch_data(server, paths):
                shown = ", ".join(f"'{os.path.relpath(p, self.site.root)}'" for p in paths)
                log.info(f"watching the data for changes: {shown}")
            else:  # MkDocs' own (slower) watch
                for path in paths:
                    server.watch(path)
        self._rebuild = rebuild_signal(server)
        full = server.builder

        def build() -> None:
            """A data-only edit rewrites its pages; anything else (or any failure) is MkDocs' full build."""
            self.settle()
            if not self._live_update():
                full()

        server.builder = build
        return server

    def _live_update(self) -> bool:
        """A data-only edit: checked and rendered; refused, unreadable or failing, the served site stays as it is
        (the problems printed as by the full build); else its changed pages rewritten. False: run the full build."""
        live = self.live
        if live is None or self.current is None or not live.ready():
            return False
        live.pause_collector()  # until the update's thread ends (`LiveUpdate.pause_collector`)
        try:
            return self._quick_update(live)
        finally:
            if live.pending is None:
                live.resume_collector()

    def _quick_update(self, live: LiveUpdate) -> bool:
        assert live.served is not None and self.current is not None
        built, fresh = self._check_and_render(live.served.config)
        if not fresh:
            self.current = built  # the last good build: it is what the site shows; nothing to rebuild
            return True
        try:
            config = live.served.config
            shape = lambda path: self._shape_index(path, config)  # noqa: E731
            live.rebuild = self._rebuild
            new = live.update(self.current, built, self._adopt, self._rewrite, shape)
        except Exception:  # a bug here: say so, and let the full build put the site right
            self._say("derma: the quick update failed, rebuilding the whole site\n" + traceback.format_exc())
            live.served = None
            return False
        if new is None:
            return False
        pages = sum(1 for path in list(live.rewritten) if path in new.pages)  # the thread adds the files
        log.info(f"rewrote {pages} changed page(s)")  # the plugin logger prefixes "derma: "
        return True

    def settle(self) -> None:
        """Wait until the last quick update has written everything (its downloads, feed and search index)."""
        failure = self.live.settle() if self.live is not None else None
        if failure is not None:
            self._say("derma: the quick update failed, rebuilding the whole site\n" + failure)

    def _adopt(self, build: Build) -> None:
        self.current = build

    def _rewrite(self, page: Any, generated: render.Page) -> None:
        """One generated page through the theme again, as the full build renders it (see `on_page_content`); its
        page events add its search entries again (`live` has taken the old ones out)."""
        assert self.live is not None and self.live.served is not None
        served = self.live.served
        page.content = _fill(page, generated)
        doc_files = served.files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        _build_page(page, served.config, doc_files, served.nav, served.env)


def _fill(page: Any, generated: render.Page) -> str:
    """A generated page's HTML as readers get it; its table of contents and anchors (for link validation) set."""
    page.present_anchor_ids = render.anchor_ids(generated.html)
    page.toc = get_toc(generated.toc())  # type: ignore[arg-type]
    return without_keywords(generated.html)  # the hidden search words live in the index only


def _search_index(config: Any) -> Any:
    """Material's search index when its plugin is on: entries made page by page (`create_entry_for_section`),
    kept in a list, written with the options in its `config`. None for any other search plugin, or none."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        entries, options = getattr(index, "entries", None), getattr(index, "config", None)
        if callable(getattr(index, "create_entry_for_section", None)) and isinstance(entries, list):
            return index if isinstance(options, dict) and plugin.config.get("enabled", True) else None
    return None


HASH_LENGTH = 10


def hash_assets(config: Any) -> dict[str, str]:
    """Own CSS and JavaScript (`extra_css`, `extra_javascript` files in docs_dir) under content-hashed names.

    `assets/derma.css` becomes `assets/derma.0123abcd45.css` in the configuration (so every page links the
    hashed name) and, in `on_files`, in the built site: a browser may cache it for ever, and a changed file
    gets a new name. Returns {source path: hashed path}; entries that are URLs or missing files stay as they are.
    """
    hashed: dict[str, str] = {}

    def rename(path: str) -> str:
        if "://" in path or path.startswith("/"):
            return path
        if path in hashed.values():  # a rebuild under serve: the configuration already holds the hashed name
            return path
        src = os.path.join(config.docs_dir, path)
        if not os.path.isfile(src):
            return path
        with open(src, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()[:HASH_LENGTH]
        stem, ext = os.path.splitext(path)
        hashed[path] = f"{stem}.{digest}{ext}"
        return hashed[path]

    config.extra_css = [rename(p) for p in config.extra_css]
    scripts = []
    for script in config.extra_javascript:
        if isinstance(script, str):
            scripts.append(rename(script))
        else:  # MkDocs' ExtraScriptValue (path, type, defer, async)
            script.path = rename(script.path)
            scripts.append(script)
    config.extra_javascript = scripts
    return hashed
