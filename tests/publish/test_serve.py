"""`mkdocs serve` rebuilds when the data changes; a bad edit prints diagnostics and keeps serving."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import FIXTURE, ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy
    with opener.open(url, timeout=5) as resp:
        return resp.read().decode("utf-8")


def _wait(predicate, seconds: float = 60) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


class Served:
    """`mkdocs serve` of a copy of the site (mkdocs.yml, content/) and the fixture data, all in tmp_path."""

    def __init__(self, tmp_path: Path) -> None:
        shutil.copytree(ROOT / "content", tmp_path / "content")
        shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
        self.claims, self.bib = tmp_path / "claims.yaml", tmp_path / "references.bib"
        shutil.copy(FIXTURE / "claims.yaml", self.claims)
        shutil.copy(FIXTURE / "references.bib", self.bib)
        self.content = tmp_path / "content"
        self.log = tmp_path / "serve.log"
        port = _free_port()
        env = {
            **os.environ,
            "DERMA_CLAIMS": str(self.claims),
            "DERMA_BIB": str(self.bib),
            "NO_MKDOCS_2_WARNING": "1",
        }
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                cwd=tmp_path,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.base = f"http://127.0.0.1:{port}/derma-evidence/"

    def text(self) -> str:
        return self.log.read_text("utf-8")

    def count(self, needle: str) -> int:
        return self.text().count(needle)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


KEPT = "the site still shows the last good version"


def test_serve_survives_bad_edits_and_rebuilds(tmp_path: Path) -> None:
    s = Served(tmp_path)
    try:
        assert _wait(lambda: "Derma Evidence" in _get(s.base)), s.text()
        text = s.claims.read_text("utf-8")
        first_topic = next(line.split(":", 1)[1].strip() for line in text.splitlines() if "    topic: " in line)
        s.claims.write_text(text.replace(f"topic: {first_topic}", "topic: no-such-topic", 1), "utf-8")
        assert _wait(lambda: s.count(KEPT) == 1), s.text()
        assert "C003 unknown topic 'no-such-topic'" in s.text()
        assert "Traceback" not in s.text()
        assert "Derma Evidence" in _get(s.base)  # still up, and answering (not hanging on a failed build)
        assert "Derma Evidence" in _get(s.base + "claims/")
        # a second, different bad edit: printed again, and what it says is true: the site is still up
        s.claims.write_text(text.replace("verdict: supported", "verdict: supportd", 1), "utf-8")
        assert _wait(lambda: s.count(KEPT) == 2), s.text()
        assert "supportd" in s.text()
        assert "An error happened during the rebuild" not in s.text()
        assert "Derma Evidence" in _get(s.base + "claims/")
        first_title = next(line.split(":", 1)[1].strip() for line in text.splitlines() if "    title: " in line)
        s.claims.write_text(text.replace(f"title: {first_title}", "title: Edited while serving", 1), "utf-8")
        assert _wait(lambda: "Edited while serving" in _get(s.base)), s.text()
    finally:
        s.stop()


def test_serve_survives_a_page_colliding_with_a_generated_one(tmp_path: Path) -> None:
    s = Served(tmp_path)
    try:
        assert _wait(lambda: "Derma Evidence" in _get(s.base)), s.text()
        (s.content / "claims.md").write_text("# Mine\n", "utf-8")
        assert _wait(lambda: "collides with this hand-written file" in s.text()), s.text()
        assert s.proc.poll() is None, s.text()  # the server is still running
        assert "All claims" in _get(s.base + "claims/")  # the generated page is kept
        # a mistyped marker in a hand-written page: printed, positioned, and the server carries on
        index = s.content / "index.md"
        index.write_text(index.read_text("utf-8").replace("derma:questions", "derma:question"), "utf-8")
        assert _wait(lambda: "P001 unknown marker 'question'" in s.text()), s.text()
        assert _wait(lambda: "Derma Evidence" in _get(s.base)), s.text()
        assert s.proc.poll() is None and "Traceback" not in s.text()
    finally:
        s.stop()


OLD = "The inflammatory phase lasts about one to three days after injury."
NEW = "The inflammatory phase lasts about one to three days after an injury."


def test_a_data_edit_rewrites_only_what_it_changed(tmp_path: Path) -> None:
    """A data-only edit skips MkDocs' full rebuild (derma_evidence.live); a change of shape does not."""
    s = Served(tmp_path)
    try:
        page = s.base + "topics/wound-healing/"
        assert _wait(lambda: OLD in _get(page)), s.text()
        full_builds = s.count("Building documentation")
        text = s.claims.read_text("utf-8")
        s.claims.write_text(text.replace(OLD, NEW), "utf-8")
        assert _wait(lambda: NEW in _get(page)), s.text()
        assert "derma: rewrote" in s.text() and "derma: derma:" not in s.text()
        assert s.count("Building documentation") == full_builds
        assert NEW in _get(s.base + "claims/")  # every page showing the claim
        index = _get(s.base + "search/search_index.json")
        assert NEW in index and OLD not in index  # the search index too, without the old entries
        assert "wound-healing" in _get(s.base + "downloads/claims.json").split(NEW)[0][-2000:]
        # a new topic title changes the nav of every page: MkDocs' full build
        s.claims.write_text(text.replace(OLD, NEW).replace("title: Wound healing", "title: Healing of wounds"), "utf-8")
        assert _wait(lambda: "Healing of wounds" in _get(s.base)), s.text()
        assert s.count("Building documentation") == full_builds + 1
    finally:
        s.stop()


def test_the_quick_update_keeps_the_last_good_site_on_every_fault(tmp_path: Path) -> None:
    """The fault cases against a running server, with the quick update (derma_evidence.publish.live) in the loop."""
    s = Served(tmp_path)
    try:
        page = s.base + "topics/wound-healing/"
        assert _wait(lambda: OLD in _get(page)), s.text()
        text, bib = s.claims.read_text("utf-8"), s.bib.read_bytes()
        # a deleted references.bib: printed, and the last good site is still served
        s.bib.unlink()
        assert _wait(lambda: s.count(KEPT) == 1), s.text()
        assert "cannot read the data" in s.text() and OLD in _get(page)
        # back, with an edit saved twice in a row (the second while the first may be rebuilding)
        s.bib.write_bytes(bib)
        s.claims.write_text(text.replace(OLD, OLD.replace("three", "four")), "utf-8")
        s.claims.write_text(text.replace(OLD, NEW), "utf-8")
        assert _wait(lambda: NEW in _get(page)), s.text()
        assert _wait(lambda: OLD.replace("three", "four") not in _get(page)), s.text()
        # two `derma new` at once: both claims show
        cmd = [sys.executable, "-m", "derma_evidence.commands.cli", "new", "claim", "--topic", "needle-depth"]
        cmd += ["--verdict", "supported", "--certainty", "low", "--key", "dunkin2007", "--stance", "supports"]
        cmd += ["--locator", "Figure 2", "--claims", str(s.claims), "--bib", str(s.bib)]
        procs = [
            subprocess.Popen([*cmd, "--id", f"served-{i}", "--statement", f"Added while serving {i}."], cwd=ROOT)
            for i in range(2)
        ]
        assert [p.wait(timeout=120) for p in procs] == [0, 0]
        depth = s.base + "topics/needle-depth/"
        assert _wait(lambda: "Added while serving 0." in _get(depth) and "Added while serving 1." in _get(depth))
        assert "Traceback" not in s.text() and s.proc.poll() is None
    finally:
        s.stop()
