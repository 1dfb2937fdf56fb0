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

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "site_fixture"


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


def test_serve_survives_a_bad_edit_and_rebuilds(tmp_path: Path) -> None:
    claims, bib = tmp_path / "claims.yaml", tmp_path / "references.bib"
    shutil.copy(FIXTURE / "claims.yaml", claims)
    shutil.copy(FIXTURE / "references.bib", bib)
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "DERMA_CLAIMS": str(claims), "DERMA_BIB": str(bib), "NO_MKDOCS_2_WARNING": "1"}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}/derma-evidence/"
    try:
        assert _wait(lambda: "Derma Evidence" in _get(base)), log.read_text()
        text = claims.read_text("utf-8")
        first_topic = next(line.split(":", 1)[1].strip() for line in text.splitlines() if "    topic: " in line)
        claims.write_text(text.replace(f"topic: {first_topic}", "topic: no-such-topic", 1), "utf-8")
        assert _wait(lambda: "still serving the last version" in log.read_text()), log.read_text()
        assert "C003 unknown topic 'no-such-topic'" in log.read_text()
        assert "Traceback" not in log.read_text()
        assert "Derma Evidence" in _get(base)  # still up
        first_title = next(line.split(":", 1)[1].strip() for line in text.splitlines() if "    title: " in line)
        claims.write_text(text.replace(f"title: {first_title}", "title: Edited while serving", 1), "utf-8")
        assert _wait(lambda: "Edited while serving" in _get(base)), log.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
