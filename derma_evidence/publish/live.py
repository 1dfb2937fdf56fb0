"""Under `mkdocs serve`: an edit of the data files rewrites only the pages it changed.

MkDocs rebuilds the whole site on every save. When a save touched only the claims or the BibTeX
file, `LiveUpdate.update` does the part that depends on them instead: it checks and renders the data
(`Site.build`), compares the result with the build being served, and, when the site's shape is the
same (the same generated pages, page titles, nav and hand-written pages), writes again only the
generated pages whose HTML, table of contents or JSON-LD changed, their search entries replaced
where they stand in the index. Then the server shows the new pages (MkDocs answers no request
while a build runs), and a thread writes the rest: the downloads and the feed whose bytes changed
(made only now, `Build.files`) and the search index, shaped as the full build shapes it, each file
replaced at once (a reader gets the old bytes or the new). The next build of any kind waits for
that thread (`settle`); if it failed, the server is asked for a rebuild and the full build runs.
The site served after an update is, byte for byte, the one a full build of the same data writes
(tests/publish/test_live.py).

Every other case returns None and the caller runs MkDocs' full build, which is also the one place
where problems are printed and the last good site is kept: a refused or unreadable edit, a warning,
a new or removed page, a changed title or nav, a hand-written page or mkdocs.yml changed at the same
time, anything unexpected.

The wait before an update: MkDocs looks at every watched file every 0.5 s, then waits 0.1 s for the
writes to stop; `watch_data` looks at the two data files every 0.05 s instead.

No mkdocs import: the plugin gives the one step that renders a page through the theme. Without a
search plugin keeping its index as a list of entries (Material's, MkDocs') the full build runs.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import sysconfig
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from derma_evidence import render
from derma_evidence.publish.build import Build, Site
from derma_evidence.render.permalinks import version_date

Snapshot = dict[str, tuple[int, int]]
Rewrite = Callable[[Any, render.Page], None]
"""Renders one MkDocs page (with its new generated page) through the theme and writes it: the plugin's step."""


def _installed() -> tuple[str, ...]:
    """The folders installed packages live in (a theme there is not edited while a site is served)."""
    paths = sysconfig.get_paths()
    return tuple(os.path.join(os.path.realpath(paths[k]), "") for k in ("purelib", "platlib") if paths.get(k))


INSTALLED = _installed()


def snapshot(paths: list[str]) -> Snapshot:
    """Size and modification time of every file under `paths` (files or folders).

    A folder of an installed package (Material's templates, some 14,000 files with its icons) is left
    out: MkDocs does not watch it either unless asked to (`--watch-theme`), and reading it took a
    tenth of a second per edit.
    """
    out: Snapshot = {}
    for top in paths:
        if os.path.isfile(top):
            st = os.stat(top)
            out[top] = (st.st_mtime_ns, st.st_size)
            continue
        if os.path.join(os.path.realpath(top), "").startswith(INSTALLED):
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


DATA_POLL = 0.05
"""Seconds between two looks at the data files' size and time under serve (MkDocs polls every 0.5 s)."""


def rebuild_signal(server: Any) -> Callable[[], None] | None:
    """A function that asks MkDocs' live-reload server for a rebuild, as its own file watcher does; None when
    the server has no such signal (it is not public: another MkDocs version, a test's stand-in)."""
    cond = getattr(server, "_rebuild_cond", None)
    if not isinstance(cond, threading.Condition) or not isinstance(getattr(server, "_want_rebuild", None), bool):
        return None

    def signal() -> None:
        with cond:
            server._want_rebuild = True
            cond.notify_all()

    return signal


def watch_data(server: Any, paths: list[str], interval: float = DATA_POLL) -> bool:
    """Tell MkDocs' live-reload server of a save of the data files within `interval` seconds; False: cannot.

    MkDocs notices a change by looking at every watched file every half second, then waits 0.1 s for
    the writes to stop: on average a third of a second before a rebuild starts, more than the quick
    update takes for the real knowledge base. The data files are two: a thread looks at them every
    `interval` seconds and raises the server's rebuild signal (the one its own watcher raises) when
    one's size, time or inode changes (`rebuild_signal`). On a server without that signal this returns
    False and the caller asks `server.watch` instead.
    """
    signal = rebuild_signal(server)
    if signal is None:
        return False

    def stamp() -> list[tuple[int, int, int] | None]:
        out: list[tuple[int, int, int] | None] = []
        for path in paths:
            try:
                st = os.stat(path)
                out.append((st.st_mtime_ns, st.st_size, st.st_ino))
            except OSError:
                out.append(None)
        return out

    def poll() -> None:
        last = stamp()
        while not getattr(server, "_shutdown", False):
            time.sleep(interval)
            now = stamp()
            if now != last:
                last = now
                signal()

    threading.Thread(target=poll, name="derma-watch", daemon=True).start()
    return True


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
    rewritten: list[str] = field(default_factory=list)  # what the last update wrote: pages, then files (tests, logs)
    pending: threading.Thread | None = None  # the last update's second part (downloads, feed, search index)
    failure: str | None = None  # what went wrong in that second part (a traceback), until `settle` reports it
    rebuild: Callable[[], None] | None = None  # asks the server for a rebuild (then `settle` reports the failure)
    _collecting: bool = False  # the cyclic collector was on when `pause_collector` turned it off

    def __post_init__(self) -> None:
        self.site.keep_analyses()  # a serving process checks the same texts again and again
        self.site.keep_views()  # and renders the same claims

    def changed_elsewhere(self) -> bool:
        assert self.served is not None
        data = set(self.site.paths())
        now = {p: v for p, v in snapshot(self.served.watched).items() if p not in data}
        return now != self.served.before

    def ready(self) -> bool:
        """Whether a full build has been served and only the data files changed since it started."""
        return self.served is not None and not self.changed_elsewhere()

    def pause_collector(self) -> None:
        """The cyclic garbage collector off from the start of an update to the end of its second part.

        The check and the render make many objects and no cycles worth collecting; each collection
        meanwhile would walk the whole served site too (at 10,000 claims about a second per update).
        Turned on again by the update's thread when it ends (`_finish`), or by the caller when no
        thread was started: the collection this allows then runs after the pages are out."""
        self._collecting = self._collecting or gc.isenabled()
        gc.disable()

    def resume_collector(self) -> None:
        if self._collecting:
            self._collecting = False
            gc.enable()

    def settle(self) -> str | None:
        """Wait for the last update's second part; its failure (a traceback) if it failed, then nothing is served
        for a quick update any more (the caller runs the full build, which writes every file again)."""
        if self.pending is not None:
            self.pending.join()
            self.pending = None
        failure, self.failure = self.failure, None
        if failure is not None:
            self.served = None
        return failure

    def update(
        self,
        current: Build,
        new: Build,
        adopt: Callable[[Build], None],
        rewrite: Rewrite,
        shape_index: Callable[[str], None] = lambda path: None,
    ) -> Build | None:
        """`new` (the data as checked and rendered now) applied to the served site; None: a full build is needed.

        `adopt(new)` is called before any page is written (the plugin's page events then render `new`);
        `rewrite(page, generated)` renders one MkDocs page through the theme and writes it (MkDocs glue);
        `shape_index(path)` gives the search index at `path` the shape the full build's last step gives it.
        The changed pages are written here; the downloads, the feed and the search index by a thread this
        starts (the page shows meanwhile), which `settle` waits for: call it before anything else is built.
        """
        self.settle()
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
        self.rewritten = list(pages)
        adopt(new)
        self._write_pages(new, pages, search, rewrite)
        thread = threading.Thread(
            target=self._finish, args=(current, new, bool(pages), search, shape_index), name="derma-live", daemon=True
        )
        self.pending = thread
        thread.start()
        return new

    def same_shape(self, old: Build, new: Build) -> bool:
        """The same generated pages, page titles and topic nav: nothing outside the changed pages moves.

        The files besides the pages (downloads, feed) have fixed names: `_finish` checks them too. The knowledge
        base's version (its latest change or review date) is in every page's JSON-LD, the hand-written pages' and
        the generated pages' without JSON-LD of their own too (`lastReviewed`): a new version is a full build."""
        if new.pages.keys() != old.pages.keys():
            return False
        if version_date(new.kb) != version_date(old.kb):
            return False
        if any(new.pages[p].title != old.pages[p].title or new.pages[p].front != old.pages[p].front for p in new.pages):
            return False
        return self.site.nav_topics(new.kb) == self.site.nav_topics(old.kb)

    def _write_pages(self, new: Build, pages: list[str], search: Any, rewrite: Rewrite) -> None:
        """Each changed page through the theme; its search entries replaced where they stand in the index."""
        served = self.served
        assert served is not None
        entries = search.search_index.entries if search is not None else None
        for path in pages:
            page = served.files.get_file_from_path(path).page
            if entries is None:
                rewrite(page, new.pages[path])
                continue
            at = _take_entries(entries, page.url)
            mark = len(entries)
            rewrite(page, new.pages[path])
            added = entries[mark:]
            del entries[mark:]
            if added and at is None:
                raise RuntimeError(f"{path}: the page has entries in the search index and had none")
            entries[at or 0 : at or 0] = added

    def _finish(self, current: Build, new: Build, pages: bool, search: Any, shape_index: Callable[[str], None]) -> None:
        """The update's second part (in a thread): the downloads and feed whose bytes changed, the search index."""
        try:
            served = self.served
            assert served is not None
            old, files = current.files, new.files
            if files.keys() != old.keys():
                raise RuntimeError("the generated files are not the same files")
            site_dir = served.config.site_dir
            for path in sorted(files):
                if path not in new.pages and files[path] != old[path]:
                    data = files[path]
                    _write_atomic(os.path.join(site_dir, path), data.encode("utf-8") if isinstance(data, str) else data)
                    self.rewritten.append(path)
            if search is not None and pages:
                _write_index(served.config, search, shape_index)
        except BaseException:  # noqa: BLE001 - reported by `settle`, and the full build runs
            self.failure = traceback.format_exc()
            if self.rebuild is not None:  # at once, not at the next save: the pages are new, the rest is not
                self.rebuild()
        finally:
            self.resume_collector()


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


def _take_entries(entries: list[dict[str, Any]], url: str) -> int | None:
    """Remove a page's entries (its location, and its sections `url#id`) from the search index; where they stood."""
    section = url + "#"
    mine = [i for i, e in enumerate(entries) if (loc := e.get("location", "")) == url or loc.startswith(section)]
    if not mine:
        return None
    keep = set(mine)
    entries[:] = [e for i, e in enumerate(entries) if i not in keep]
    return mine[0]


def _write_atomic(dest: str, data: bytes) -> None:
    """Write a file so that a reader (the server answering a request meanwhile) sees the old bytes or the new."""
    folder = os.path.dirname(dest)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".derma-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        if os.path.exists(dest):
            shutil.copymode(dest, tmp)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class _Elsewhere:
    """The MkDocs configuration with another `site_dir`: the search plugin writes its index there."""

    def __init__(self, config: Any, site_dir: str) -> None:
        self._config = config
        self.site_dir = site_dir

    def __getattr__(self, name: str) -> Any:
        return getattr(self._config, name)

    def __getitem__(self, key: str) -> Any:
        return self.site_dir if key == "site_dir" else self._config[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.site_dir if key == "site_dir" else self._config.get(key, default)


def _write_index(config: Any, search: Any, shape_index: Callable[[str], None]) -> None:
    """The search plugin's index, written and shaped beside the site, then moved in at once."""
    dest = os.path.join(config.site_dir, "search", "search_index.json")
    try:
        tmp = tempfile.mkdtemp(prefix=".derma-index-", dir=os.path.dirname(os.path.abspath(config.site_dir)))
    except OSError:  # no room beside the site: in place
        search.on_post_build(config=config)
        shape_index(dest)
        return
    try:
        search.on_post_build(config=_Elsewhere(config, tmp))
        path = os.path.join(tmp, "search", "search_index.json")
        shape_index(path)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        os.replace(path, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
