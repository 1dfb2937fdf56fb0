"""The `derma` MkDocs plugin: registered for both engines, typed options, warnings in the build log, markers, serve."""

from __future__ import annotations

import os
import re
import shutil
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from derma_evidence import render
from derma_evidence.publish.plugin import DermaConfig, DermaPlugin
from derma_evidence.render import search
from tests._sitebuild import FIXTURE, ROOT, build

UNCITED = """
@article{uncited2020,
  author = {Nobody, Ann},
  title = {A paper no claim cites},
  journal = {Journal of Tests},
  year = {2020},
  doi = {10.1000/uncited.2020},
  design = {cohort},
}
"""


@pytest.mark.parametrize("group", ["mkdocs.plugins", "properdocs.plugins"])
def test_registered_as_an_entry_point(group: str) -> None:
    [ep] = [e for e in entry_points(group=group) if e.name == "derma"]
    assert ep.load() is DermaPlugin


def test_every_option_is_set_in_mkdocs_yml() -> None:
    """The site's own configuration shows every option, so a newcomer sees what can be configured."""
    text = (ROOT / "mkdocs.yml").read_text("utf-8")
    block = text.split("  - derma:\n", 1)[1]
    for name, _ in DermaConfig._schema:
        assert re.search(rf"^      {name}: ", block, re.M), name


def _tmp_site(tmp_path: Path) -> Path:
    """A copy of mkdocs.yml and content/ in tmp_path (the data still comes from DERMA_CLAIMS / DERMA_BIB)."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path / "mkdocs.yml"


@pytest.mark.parametrize("tool", ["mkdocs", "properdocs"])
def test_checker_warning_fails_the_strict_build(tmp_path: Path, tool: str) -> None:
    """B009 fails `derma check --strict`; it fails `mkdocs build --strict` too, as a MkDocs warning."""
    bib = tmp_path / "references.bib"
    bib.write_text((FIXTURE / "references.bib").read_text("utf-8") + UNCITED, "utf-8")
    proc = build(tmp_path / "out", bib=bib, tool=tool)
    assert proc.returncode != 0
    warning = r"WARNING +- +derma: \S*references\.bib:\d+:1: B009 reference 'uncited2020' is never cited"
    assert re.search(warning, proc.stderr), proc.stderr
    assert "#b009" in proc.stderr  # the rule's reference entry, from `rules_url`
    assert "Traceback" not in proc.stderr


def test_mistyped_marker_is_a_positioned_error(tmp_path: Path) -> None:
    config = _tmp_site(tmp_path)
    index = tmp_path / "content" / "index.md"
    text = index.read_text("utf-8")
    assert "<!-- derma:questions -->" in text
    index.write_text(text.replace("<!-- derma:questions -->", "<!-- derma:question -->"), "utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln == "<!-- derma:questions -->")
    proc = build(tmp_path / "out", config=config)
    assert proc.returncode != 0
    assert f"content/index.md:{line}:12: P001 unknown marker 'question'" in proc.stderr, proc.stderr
    assert "did you mean 'questions'?" in proc.stderr
    assert "Traceback" not in proc.stderr and "KeyError" not in proc.stderr


def _plugin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: str) -> tuple[DermaPlugin, object, Path]:
    from mkdocs.config import load_config

    claims = tmp_path / "claims.yaml"
    shutil.copy(FIXTURE / "claims.yaml", claims)
    monkeypatch.setenv("DERMA_CLAIMS", str(claims))
    monkeypatch.setenv("DERMA_BIB", str(FIXTURE / "references.bib"))
    config = load_config(str(ROOT / "mkdocs.yml"))
    plugin = config.plugins["derma"]
    assert isinstance(plugin, DermaPlugin)
    plugin.on_startup(command=command, dirty=False)
    return plugin, config, claims


def test_serve_keeps_the_last_good_site_when_rendering_raises(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plugin, config, claims = _plugin(monkeypatch, tmp_path, "serve")
    plugin.on_config(config)
    good = plugin.current
    assert good is not None and "claims.md" in good.files

    def broken(*args: object, **kwargs: object) -> list[render.Page]:
        raise OverflowError("a bug in a chart")

    monkeypatch.setattr(render, "render_site", broken)
    claims.write_text(claims.read_text("utf-8") + "\n", "utf-8")  # new bytes: the data is checked again
    plugin.on_config(config)
    err = capsys.readouterr().err
    assert "internal error while checking or rendering" in err and "OverflowError: a bug in a chart" in err
    assert "still shows the last good version" in err
    assert plugin.current is good


def test_build_stops_when_rendering_raises(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from mkdocs.exceptions import Abort

    plugin, config, _ = _plugin(monkeypatch, tmp_path, "build")

    def broken(*args: object, **kwargs: object) -> list[render.Page]:
        raise OverflowError("a bug in a chart")

    monkeypatch.setattr(render, "render_site", broken)
    with pytest.raises(Abort):
        plugin.on_config(config)


def test_site_works_outside_a_build(monkeypatch: pytest.MonkeyPatch) -> None:
    from derma_evidence.publish.build import Options, Site

    monkeypatch.delenv("DERMA_CLAIMS", raising=False)
    monkeypatch.delenv("DERMA_BIB", raising=False)
    site = Site(str(FIXTURE), Options(claims="claims.yaml", bib="references.bib", download_dir="files"))
    built = site.build()
    assert "files/claims.json" in built.files and "topics/needle-depth.md" in built.files
    assert site.build() is built  # same bytes: cached
    nav: list[object] = [{"Topics": []}]
    site.fill_nav(nav, built.kb)
    assert {"Needle depth": "topics/needle-depth.md"} in nav[0]["Topics"]  # type: ignore[index]
    assert os.path.isabs(site.paths()[0])


@pytest.mark.parametrize("command", ["build", "serve"])
@pytest.mark.parametrize(
    ("option", "value"),
    [("download_dir", ""), ("download_dir", "../outside"), ("nav_topics_max", -3), ("cache_dir", "/var/cache")],
)
def test_bad_plugin_option_stops_with_its_name(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    option: str,
    value: object,
) -> None:
    """A bad option stops the build and the serve alike, before anything is generated (issue 21)."""
    from mkdocs.exceptions import Abort

    plugin, config, _ = _plugin(monkeypatch, tmp_path, command)
    plugin.config[option] = value
    with pytest.raises(Abort):
        plugin.on_config(config)
    assert f"option {option}:" in capsys.readouterr().err


class _Server:
    """What `on_serve` sees of MkDocs' live-reload server: `watch` and the `builder` it calls on a change."""

    def __init__(self, full: object) -> None:
        self.builder = full
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


def _served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[DermaPlugin, object, Path, _Server, list[int]]:
    """A full serve-mode build into tmp_path/site, and the server's builder as the plugin wraps it."""
    from mkdocs.commands.build import build as mkdocs_build

    plugin, config, claims = _plugin(monkeypatch, tmp_path, "serve")
    config.site_dir = str(tmp_path / "site")  # type: ignore[attr-defined]
    full_builds: list[int] = []

    def full() -> None:
        full_builds.append(1)
        mkdocs_build(config, serve_url="http://127.0.0.1:8000/")  # type: ignore[arg-type]

    full()
    server = _Server(full)
    plugin.on_serve(server, config=config, builder=full)
    return plugin, config, claims, server, full_builds


def test_a_data_edit_under_serve_rewrites_only_its_pages(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    plugin, _config, claims, server, full_builds = _served(monkeypatch, tmp_path)
    old = "The inflammatory phase lasts about one to three days after injury."
    claims.write_text(claims.read_text("utf-8").replace(old, old.replace("injury", "an injury")), "utf-8")
    server.builder()  # type: ignore[operator]
    plugin.settle()  # the downloads, feed and search index are written after the pages
    assert full_builds == [1]  # no full build
    assert plugin.live is not None and "topics/wound-healing.md" in plugin.live.rewritten
    assert "downloads/claims.json" in plugin.live.rewritten and "topics/needle-depth.md" not in plugin.live.rewritten
    html = (tmp_path / "site/topics/wound-healing/index.html").read_text("utf-8")
    assert "after an injury" in html and 'id="page_top"' in html  # through the theme, as the full build renders
    # a hand-written page (or mkdocs.yml) changed too: the full build
    assert plugin.live.served is not None
    plugin.live.served.before = {path: (0, size) for path, (_, size) in plugin.live.served.before.items()}
    claims.write_text(claims.read_text("utf-8").replace("after an injury", "after injury"), "utf-8")
    server.builder()  # type: ignore[operator]
    assert full_builds == [1, 1]


def test_a_failing_quick_update_falls_back_to_the_full_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plugin, _config, claims, server, full_builds = _served(monkeypatch, tmp_path)

    def broken(html: str) -> list[search.Section]:
        raise OverflowError("a bug in the search entries")

    monkeypatch.setattr(search, "sections", broken)
    claims.write_text(claims.read_text("utf-8").replace("after injury.", "after an injury."), "utf-8")
    with pytest.raises(Exception, match="a bug in the search entries"):  # the full build meets the same bug
        server.builder()  # type: ignore[operator]
    assert "the quick update failed" in capsys.readouterr().err and full_builds == [1, 1]


def test_a_build_leaves_the_garbage_collector_as_it_found_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`on_config` freezes what the check and render made (the pages' collections skip it) and the build's end,
    successful or not, gives it back: a longer process (a test run, a script building twice) keeps collecting."""
    import gc

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import Abort

    from derma_evidence.publish.build import Site

    plugin, config, claims = _plugin(monkeypatch, tmp_path, "build")
    config.site_dir = str(tmp_path / "site")  # type: ignore[attr-defined]
    frozen = []
    real_freeze = gc.freeze
    monkeypatch.setattr(gc, "freeze", lambda: (frozen.append(gc.get_freeze_count()), real_freeze()))
    assert gc.isenabled() and gc.get_freeze_count() == 0
    mkdocs_build(config)  # type: ignore[arg-type]
    assert frozen == [0] and gc.isenabled() and gc.get_freeze_count() == 0
    assert (tmp_path / "site" / "claims" / "index.html").is_file()

    def broken(*args: object, **kwargs: object) -> None:
        raise OverflowError("a bug after the freeze")

    monkeypatch.setattr(Site, "fill_nav", broken)  # fails after on_config has frozen
    with pytest.raises((OverflowError, Abort)):
        mkdocs_build(config)  # type: ignore[arg-type]
    assert len(frozen) == 2 and gc.isenabled() and gc.get_freeze_count() == 0
