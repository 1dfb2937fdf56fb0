"""Under `mkdocs serve`: an edit of the data files rewrites only the pages it changed.

MkDocs rebuilds the whole site on every save. When a save touched only the claims or the BibTeX
file, `LiveUpdate.update` does the part that depends on them instead: it checks and renders the data
(`Site.build`), compares the result with the build being served, and, when the site's shape is the
same (the same generated files, page titles, nav and hand-written pages), writes again only the
generated pages whose HTML, table of contents or JSON-LD changed, the downloads whose bytes changed,
and the search index. Every other case returns False and the caller runs MkDocs' full build, which
is also the one place where problems are printed and the last good site is kept: a refused or
unreadable edit, a warning, a new or removed page, a changed title or nav, a hand-written page or
mkdocs.yml changed at the same time, anything unexpected.

No mkdocs import: the plugin gives the one step that renders a page through the theme. Material's
search index is edited in place (a page's entries out, its new ones in, the index written again);
without a search plugin of that shape the full build runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from derma_evidence import render
from derma_evidence.publish.build import Build, Site

Snapshot = dict[str, tuple[int, int]]
Rewrite = Callable[[Any, render.Page], None]
"""Renders one MkDocs page (with its new generated page) through the theme and writes it: the plugin's step."""


def snapshot(paths: list[str]) -> Snapshot:
    """Size and modification time of every file under `paths` (files or folders)."""
    out: Snapshot = {}
    for top in paths:
        if os.path.isfile(top):
            st = os.stat(top)
            out[top] = (st.st_mtime_ns, st.st_size)
            continue
        for folder, _dirs, names in os.walk(top):
            for name in names:
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                out[path] = (st.st_mtime_ns, st.st_size)
    return out


@dataclass
class Served:
    """What the last full build left to render pages again: MkDocs' objects and the inputs it read."""

    config: Any
    files: Any
    nav: Any
    env: Any
    watched: list[str]
    before: Snapshot  # the watched files (except the data) as the full build started
    markers: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # src_uri -> (markdown, shown, filled)


@dataclass
class LiveUpdate:
    site: Site
    served: Served | None = None
    rewritten: list[str] = field(default_factory=list)  # the pages the last update wrote (for tests and logs)

    def changed_elsewhere(self) -> bool:
        assert self.served is not None
        data = set(self.site.paths())
        now = {p: v for p, v in snapshot(self.served.watched).items() if p not in data}
        return now != self.served.before

    def ready(self) -> bool:
        """Whether a full build has been served and only the data files changed since it started."""
        return self.served is not None and not self.changed_elsewhere()

    def update(self, current: Build, new: Build, adopt: Callable[[Build], None], rewrite: Rewrite) -> Build | None:
        """`new` (the data as checked and rendered now) applied to the served site; None: a full build is needed.

        `adopt(new)` is called before any page is written (the plugin's page events then render `new`);
        `rewrite(page, generated)` renders one MkDocs page through the theme and writes it (MkDocs glue).
        """
        served = self.served
        assert served is not None
        config = served.config
        if new is current:
            return current  # the same bytes (a save without a change)
        if Site.warnings(new) or not self.same_shape(current, new):
            return None
        search = _search_plugin(config)
        if search is None and any(name == "search" or name.endswith("/search") for name in config.plugins):
            return None
        for uri, (markdown, shown, filled) in served.markers.items():
            if render.fill_markers(markdown, new.ctx, uri, shown, lenient=True) != filled:
                return None
        pages = [p for p in sorted(new.pages) if _page_changed(current, new, p)]
        downloads = [p for p in sorted(new.files) if p not in new.pages and new.files[p] != current.files.get(p)]
        self.rewritten = pages + downloads
        adopt(new)
        return self._write(new, pages, downloads, search, rewrite)

    def same_shape(self, old: Build, new: Build) -> bool:
        """The same generated files, page titles and topic nav: nothing outside the changed pages moves."""
        if new.files.keys() != old.files.keys() or new.pages.keys() != old.pages.keys():
            return False
        if any(new.pages[p].title != old.pages[p].title or new.pages[p].front != old.pages[p].front for p in new.pages):
            return False
        return self.site.nav_topics(new.kb) == self.site.nav_topics(old.kb)

    def _write(
        self,
        new: Build,
        pages: list[str],
        downloads: list[str],
        search: Any,
        rewrite: Callable[[Any, render.Page], None],
    ) -> Build:
        served = self.served
        assert served is not None
        config = served.config
        for path in downloads:
            data = new.files[path]
            dest = os.path.join(config.site_dir, path)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as out:
                out.write(data.encode("utf-8") if isinstance(data, str) else data)
        for path in pages:
            page = served.files.get_file_from_path(path).page
            if search is not None:
                _drop_entries(search, page.url)
            rewrite(page, new.pages[path])
        if search is not None:
            search.on_post_build(config=config)
        return new


def _page_changed(old: Build, new: Build, path: str) -> bool:
    a, b = old.pages[path], new.pages[path]
    return a.html != b.html or old.jsonld.get(path) != new.jsonld.get(path)


def _search_plugin(config: Any) -> Any:
    """Material's (or MkDocs') search plugin when it keeps its index as a list of entries, else None."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if isinstance(getattr(index, "entries", None), list) and hasattr(plugin, "on_post_build"):
            return plugin
    return None


def _drop_entries(search: Any, url: str) -> None:
    """Remove a page's entries (its location, and its sections `url#id`) from the search index."""
    entries = search.search_index.entries
    entries[:] = [e for e in entries if not (e.get("location") == url or e.get("location", "").startswith(url + "#"))]
