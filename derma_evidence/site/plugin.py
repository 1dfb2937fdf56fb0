"""The MkDocs plugin `derma` (glue only): runs `site.Site` from the build events and adds its files in memory.

    plugins:
      - search
      - derma:
          claims: data/claims.yaml
          bib: references.bib

Generated pages skip Python-Markdown: MkDocs gets their front matter only; `on_page_content` gives
the search plugin a lean copy of their HTML to index and `on_page_context` (after search) puts the
real HTML and its table of contents in place. A plugin editing page HTML in `on_page_content` after
this one would see the lean copy, and its edit would be replaced: give it a lower priority than -100
in `on_page_context` or edit in `on_post_page`.

The build refuses what the checker refuses (same diagnostics, printed once); checker warnings are
MkDocs warnings, so `mkdocs build --strict` fails where `derma check --strict` does. Under
`mkdocs serve` nothing here stops the server: a bad edit prints its problems and the last good
version of the site keeps being served. Also registered for ProperDocs (which reads both groups).
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import Abort
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc

from derma_evidence import render, report
from derma_evidence.diagnostics import clean
from derma_evidence.site.build import Build, OptionError, Options, Refused, Site

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
    nav_topics_max = c.Type(int, default=DEFAULTS.nav_topics_max)


class DermaPlugin(BasePlugin[DermaConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.serving = False
        self.site: Site | None = None
        self.current: Build | None = None

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
        cfg = self.config
        site_url = (config.site_url or "").rstrip("/")
        rules_url = cfg.rules_url or (f"{site_url}/{render.page_url(render.PAGES['rules'])}" if site_url else "")
        home = site_url and site_url + "/"
        options = Options(
            claims=cfg.claims,
            bib=cfg.bib,
            download_dir=cfg.download_dir,
            timeline_topic=cfg.timeline_topic,
            topics_nav=cfg.topics_nav,
            rules_url=rules_url,
            site_url=home,
            nav_topics_max=cfg.nav_topics_max,
        )
        if self.site is None or self.site.root != root or self.site.options != options:
            self.site = Site(root, options, self.site.last_good if self.site else None)
        try:
            self.current = self.site.build(bool(config.use_directory_urls))
        except OptionError as exc:  # a configuration error: never served around, whatever the command
            self._say("".join(f"mkdocs.yml: error: plugin derma, option {p}\n" for p in exc.problems))
            raise Abort("derma: the build stopped; fix the plugin options in mkdocs.yml") from None
        except Refused as exc:
            self.current = self._keep_or_stop(report.text(exc.diagnostics))
        except OSError as exc:
            self.current = self._keep_or_stop(f"derma: cannot read the data: {exc}")
        except Exception:  # a bug in the checker or the renderer: say so, never hang the server
            error = "derma: internal error while checking or rendering\n" + traceback.format_exc()
            self.current = self._keep_or_stop(error)
        else:
            for d in Site.warnings(self.current):
                url = self.site.rules_url(d.code)
                line = f"{d.file}:{d.line}:{d.col}: {d.code} {d.message}" + (f" (see {url})" if url else "")
                log.warning(clean(line))
        self.site.fill_nav(config.nav, self.current.kb)
        return config

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
        """A generated page: its anchors for MkDocs' link validation, and for now the lean HTML search indexes.

        Its Markdown was only front matter (nothing to parse); `on_page_context` below, after the search
        plugin has indexed the lean copy, puts the page's real HTML and table of contents in place.
        """
        generated = self._generated(page)
        if generated is None:
            return html
        page.present_anchor_ids = render.anchor_ids(generated.html)
        page.toc = get_toc([])  # no TOC lookups while search indexes (its lookup is linear per section)
        return render.search_html(generated.html)

    @event_priority(-100)  # after the search plugin's on_page_context, before the theme renders the page
    def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        generated = self._generated(page)
        if generated is not None:
            page.content = generated.html
            page.toc = get_toc(generated.toc())  # type: ignore[arg-type]
        return context

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        if self.current is None or self.site is None or page.file.generated_by is not None:
            return markdown
        shown = os.path.relpath(os.path.join(config.docs_dir, page.file.src_uri), self.site.root)
        try:
            return render.fill_markers(markdown, self.current.ctx, page.file.src_uri, shown)
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

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        if self.site is not None:
            for path in self.site.paths():
                server.watch(path)
        return server
