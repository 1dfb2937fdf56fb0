"""The quick update under `mkdocs serve` (derma_evidence.publish.live) gives the site a full build gives.

In process, no server: a serve-mode full build into one folder, the plugin's builder (as `on_serve`
wraps it) after an edit of the data, then a fresh full build of the same data into another folder;
every file of the two, the search index included, must be the same bytes. For the fixture and for a
synthetic knowledge base (many topics, so the edit touches few of many pages).
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from derma_evidence.publish.plugin import DermaPlugin
from tests.conftest import FIXTURE, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from synthetic import generate  # noqa: E402

from tests.publish.test_plugin import _Server  # noqa: E402

SERVE_URL = "http://127.0.0.1:8000/derma-evidence/"


def _config(site: Path, startup: bool = True) -> object:
    """mkdocs.yml read again, as `mkdocs serve` reads it for every full build (the plugins started once)."""
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    config.site_dir = str(site)  # type: ignore[attr-defined]
    if startup:
        config.plugins.on_startup(command="serve", dirty=False)  # type: ignore[attr-defined]
    return config


def _full(config: object) -> None:
    from mkdocs.commands.build import build as mkdocs_build

    mkdocs_build(config, serve_url=SERVE_URL)  # type: ignore[arg-type]


def _tree(top: Path) -> dict[str, bytes]:
    return {str(p.relative_to(top)): p.read_bytes() for p in sorted(top.rglob("*")) if p.is_file()}


class Live:
    """A serve-mode site of `claims` and `bib` in tmp_path/served, updated by the plugin's builder."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, claims: str, bib: str) -> None:
        self.tmp = tmp_path
        self.claims, self.bib = tmp_path / "claims.yaml", tmp_path / "references.bib"
        self.claims.write_text(claims, "utf-8")
        self.bib.write_text(bib, "utf-8")
        monkeypatch.setenv("DERMA_CLAIMS", str(self.claims))
        monkeypatch.setenv("DERMA_BIB", str(self.bib))
        self.config = _config(tmp_path / "served")
        self.plugin = self.config.plugins["derma"]  # type: ignore[attr-defined]
        assert isinstance(self.plugin, DermaPlugin)
        self.full_builds = 0
        _full(self.config)
        self.server = _Server(self._full)
        self.config.plugins.on_serve(self.server, config=self.config, builder=self._full)  # type: ignore[attr-defined]

    def _full(self) -> None:
        self.full_builds += 1
        _full(_config(self.tmp / "served", startup=False))

    def edit(self, old: str, new: str, file: Path | None = None) -> list[str]:
        """Replace `old` by `new` in the claims (or `file`), run the server's builder; the paths the quick update
        rewrote."""
        file = file or self.claims
        text = file.read_text("utf-8")
        assert old in text, old
        file.write_text(text.replace(old, new, 1), "utf-8")
        before = self.full_builds
        self.server.builder()  # type: ignore[operator]
        self.plugin.settle()
        assert self.full_builds == before, "a data-only edit ran the full build"
        assert gc.isenabled()  # paused for the update only
        assert self.plugin.live is not None
        return list(self.plugin.live.rewritten)

    def assert_same_as_a_full_build(self, name: str) -> None:
        """Every file served is the bytes a full build of the same data writes (in another process: MkDocs
        keeps one instance of a plugin per process, and a second build here would take over the served one)."""
        other = self.tmp / name
        code = "import sys, pathlib; from tests.publish.test_live import _config, _full; "
        code += f"_full(_config(pathlib.Path({str(other)!r})))"
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        run = [sys.executable, "-c", code]
        proc = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        served, full = _tree(self.tmp / "served"), _tree(other)
        assert served.keys() == full.keys()
        differ = [p for p in served if served[p] != full[p]]
        assert not differ, differ


def test_a_quick_update_of_the_fixture_gives_what_a_full_build_gives(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    claims = (FIXTURE / "claims.yaml").read_text("utf-8")
    live = Live(monkeypatch, tmp_path, claims, (FIXTURE / "references.bib").read_text("utf-8"))
    old = "The inflammatory phase lasts about one to three days after injury."
    rewritten = live.edit(old, old.replace("injury", "an injury"))
    assert "topics/wound-healing.md" in rewritten and "topics/needle-depth.md" not in rewritten
    assert "downloads/claims.json" in rewritten
    live.assert_same_as_a_full_build("full-1")
    # a second edit on top of the first (the served build is now the quick update's)
    live.edit("after an injury", "after an injury to the skin")
    live.assert_same_as_a_full_build("full-2")
    # a cited reference's authors and a correction notice (the claims citing it show them: their view-models
    # are made again, the others' kept, `publish.build.KeptClaims`; a topic's title changes the nav: a full build)
    notice = "@article{gurtner2008,\n  status = {corrected},\n  status_doi = {10.1000/fix.1},\n"
    live.edit("@article{gurtner2008,", notice + "  status_date = {2020-01-02},", live.bib)
    live.edit("Gurtner, Geoffrey C.", "Gurtnerova, Geoffrey C.", live.bib)
    live.assert_same_as_a_full_build("full-3")


def test_a_quick_update_of_a_synthetic_base_gives_what_a_full_build_gives(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    claims, bib = generate(300, 60, n_topics=24, n_questions=6, n_comparisons=6, n_changes=6)
    live = Live(monkeypatch, tmp_path, claims, bib)
    statement = next(line for line in claims.splitlines() if line.lstrip().startswith("statement: "))
    rewritten = live.edit(statement, statement.replace("statement: ", "statement: Edited ", 1))
    topic_pages = [p for p in rewritten if p.startswith("topics/")]
    assert len(topic_pages) == 1, rewritten  # one topic of 24
    live.assert_same_as_a_full_build("full")


def test_the_quick_update_leaves_no_work_behind_between_updates(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Two edits in a row, the second arriving as the first is still writing: the second is what is served."""
    claims = (FIXTURE / "claims.yaml").read_text("utf-8")
    live = Live(monkeypatch, tmp_path, claims, (FIXTURE / "references.bib").read_text("utf-8"))
    old = "The inflammatory phase lasts about one to three days after injury."
    text = live.claims.read_text("utf-8")
    live.claims.write_text(text.replace(old, old.replace("three", "four")), "utf-8")
    live.server.builder()  # type: ignore[operator]
    live.claims.write_text(text.replace(old, old.replace("three", "five")), "utf-8")
    live.server.builder()  # type: ignore[operator]  # no settle() between: the builder waits for the first
    live.plugin.settle()
    assert live.full_builds == 0
    page = (tmp_path / "served/topics/wound-healing/index.html").read_text("utf-8")
    assert "one to five days" in page and "one to four days" not in page
    index = (tmp_path / "served/search/search_index.json").read_text("utf-8")
    assert "one to five days" in index and "one to four days" not in index
    live.assert_same_as_a_full_build("full")


def test_without_the_rebuild_signal_mkdocs_watches_the_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The stand-in server has no rebuild signal: the plugin falls back to MkDocs' own watch of the data files."""
    claims = (FIXTURE / "claims.yaml").read_text("utf-8")
    live = Live(monkeypatch, tmp_path, claims, (FIXTURE / "references.bib").read_text("utf-8"))
    assert sorted(live.server.watched) == sorted([str(live.claims), str(live.bib)])
    assert os.path.isfile(live.server.watched[0])
    shutil.rmtree(tmp_path / "served")


def test_a_failure_after_the_pages_are_written_brings_the_full_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The downloads fail to build (a bug) once the changed pages are out: said, and the next build is full."""
    from derma_evidence.export import files as exports

    claims = (FIXTURE / "claims.yaml").read_text("utf-8")
    live = Live(monkeypatch, tmp_path, claims, (FIXTURE / "references.bib").read_text("utf-8"))
    real = exports.all_exports

    def broken(*args: object, **kwargs: object) -> dict[str, bytes]:
        raise OverflowError("a bug in a download")

    monkeypatch.setattr(exports, "all_exports", broken)
    old = "The inflammatory phase lasts about one to three days after injury."
    text = live.claims.read_text("utf-8")
    live.claims.write_text(text.replace(old, old.replace("three", "four")), "utf-8")
    signals: list[int] = []
    live.plugin._rebuild = lambda: signals.append(1)  # the server's rebuild signal
    live.server.builder()  # type: ignore[operator]
    assert live.plugin.live is not None and live.plugin.live.pending is not None
    live.plugin.live.pending.join()
    assert signals == [1]  # the server is asked for a rebuild at once
    monkeypatch.setattr(exports, "all_exports", real)
    live.server.builder()  # type: ignore[operator]  # the same data: the last update's failure brings the full build
    err = capsys.readouterr().err
    assert "the quick update failed" in err and "OverflowError: a bug in a download" in err
    assert live.full_builds == 1
    live.assert_same_as_a_full_build("full")


class _Signal:
    """The part of MkDocs' live-reload server `watch_data` uses: its rebuild signal."""

    def __init__(self) -> None:
        self._rebuild_cond = threading.Condition()
        self._want_rebuild = False
        self._shutdown = False


def test_a_save_of_the_data_raises_the_servers_rebuild_signal(tmp_path: Path) -> None:
    from derma_evidence.publish.live import watch_data

    data = tmp_path / "claims.yaml"
    data.write_text("claims: []\n", "utf-8")
    server = _Signal()
    assert watch_data(server, [str(data), str(tmp_path / "missing.bib")], interval=0.01)
    try:
        time.sleep(0.05)
        assert not server._want_rebuild  # nothing saved yet
        data.write_text("claims: []\ntopics: []\n", "utf-8")
        with server._rebuild_cond:
            assert server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=30)
    finally:
        server._shutdown = True
    assert not watch_data(object(), [str(data)])  # no such signal: the caller uses MkDocs' own watch


def test_the_snapshot_leaves_installed_packages_out(tmp_path: Path) -> None:
    """What tells a data-only edit reads the site's own folders, not an installed theme's thousands of files."""
    import material

    from derma_evidence.publish.live import snapshot

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", "utf-8")
    theme = str(Path(material.__file__).parent / "templates")
    assert list(snapshot([str(tmp_path / "docs"), theme])) == [str(tmp_path / "docs" / "index.md")]


@pytest.mark.parametrize("case", ["A011", "A043", "A044"])
def test_analyses_kept_between_checks_give_the_same_diagnostics(case: str) -> None:
    """Under serve the wording rules' analyses outlive a check (`Site.keep_analyses`): the same diagnostics."""
    from derma_evidence.pipeline import check_files
    from derma_evidence.publish.build import Options, Refused, Site

    folder = ROOT / "tests" / "cases" / case
    fresh = check_files(str(folder / "claims.yaml"), str(folder / "references.bib")).diagnostics
    assert any(d.code == case for d in fresh)
    site = Site(str(folder), Options(claims="claims.yaml", bib="references.bib"))
    site.keep_analyses()
    for _ in range(2):
        site._key = None  # check again, the analyses of the first check kept
        try:
            got = site.build().result.diagnostics
        except Refused as exc:
            got = exc.diagnostics
        assert got == fresh
