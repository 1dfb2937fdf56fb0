"""Faults around the build's speed work (issue 22): the downloads made late, the quick update's thread at exit."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest

from derma_evidence.export import files as exports
from derma_evidence.publish.live import LiveUpdate
from derma_evidence.publish.plugin import DermaPlugin
from tests.publish.test_plugin import _plugin


def _broken_exports(*args: object, **kwargs: object) -> dict[str, bytes]:
    raise OverflowError("a bug in a download")


def test_serve_keeps_the_last_good_site_when_the_downloads_raise(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The downloads and feed are made on demand (`Build.files`), but a bug in them is still met in the check and
    render's error handling: under serve the last good site stays, as for a bug in the pages."""
    plugin, config, claims = _plugin(monkeypatch, tmp_path, "serve")
    plugin.on_config(config)
    good = plugin.current
    assert good is not None and "downloads/claims.json" in good.files
    monkeypatch.setattr(exports, "all_exports", _broken_exports)
    claims.write_text(claims.read_text("utf-8") + "\n", "utf-8")  # new bytes: the data is checked again
    plugin.on_config(config)
    err = capsys.readouterr().err
    assert "internal error while checking or rendering" in err and "OverflowError: a bug in a download" in err
    assert plugin.current is good and plugin.site is not None and plugin.site.last_good is good
    assert "downloads/claims.json" in plugin.current.files
    plugin.on_config(config)  # the same data again: not taken for the last good version
    assert plugin.current is good


def test_build_stops_when_the_downloads_raise(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from mkdocs.exceptions import Abort

    plugin, config, _ = _plugin(monkeypatch, tmp_path, "build")
    monkeypatch.setattr(exports, "all_exports", _broken_exports)
    with pytest.raises(Abort):
        plugin.on_config(config)


class _Site:
    def keep_analyses(self) -> None:
        pass

    def keep_views(self) -> None:
        pass


def test_the_command_exits_after_the_quick_updates_thread_has_written(tmp_path: Path) -> None:
    """`mkdocs serve` removes its site folder right after `on_shutdown`: the quick update's thread, still writing the
    downloads or the search index into it, must have ended by then (else it writes into a folder being removed)."""
    plugin = DermaPlugin()
    live = LiveUpdate(_Site())  # type: ignore[arg-type]
    go = threading.Event()
    written = tmp_path / "search_index.json"

    def second_part() -> None:
        go.wait(30)
        written.write_text("{}", "utf-8")

    live.pending = threading.Thread(target=second_part, daemon=True)
    live.pending.start()
    plugin.live = live
    timer = threading.Timer(0.2, go.set)
    timer.start()
    try:
        plugin.on_shutdown()
    finally:
        gc.unfreeze()
        go.set()
        timer.cancel()
    assert written.is_file()
    assert live.pending is None


def test_a_quick_update_that_moves_the_version_date_gives_what_a_full_build_gives(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The knowledge base's version (its latest review or change date) is in every page's JSON-LD, the hand-written
    pages' too (`lastReviewed`), which a quick update does not write again: a later review date is a full build."""
    from tests.conftest import FIXTURE
    from tests.publish.test_live import Live

    claims = (FIXTURE / "claims.yaml").read_text("utf-8")
    live = Live(monkeypatch, tmp_path, claims, (FIXTURE / "references.bib").read_text("utf-8"))
    assert "reviewed: 2026-03-01" in claims and "2026-03-02" not in claims
    text = live.claims.read_text("utf-8")
    live.claims.write_text(text.replace("reviewed: 2026-03-01", "reviewed: 2026-03-02", 1), "utf-8")
    live.server.builder()  # type: ignore[operator]
    live.plugin.settle()
    live.assert_same_as_a_full_build("full")
