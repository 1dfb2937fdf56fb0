#!/usr/bin/env python3
"""Benchmark of the edit-to-preview loop under `mkdocs serve`, against plain Markdown in the same run.

For each case a temporary copy of the site is served (`mkdocs serve` on a free port of 127.0.0.1),
then `--repeat` times: one claim's statement is edited in the data file (a new word in front of it),
and the claim's page is fetched again and again until the word shows. Printed per case, medians:

- wall: seconds from the save to the edited page being served (what a writer waits for);
- done: seconds from the save to the search index holding the edit too (the server may write the
  downloads, the feed and the search index after the pages: everything the edit changed is written by then);
- CPU: CPU seconds the server process spent until then (steadier on a shared machine);

and the server's peak RSS. The cases:

1. the real knowledge base (data/claims.yaml, references.bib): target under 1 s;
2. a synthetic knowledge base of `--claims` claims (default 10,000, 200 topics): target under 3 s;
3. the baseline: plain MkDocs Material serving the same synthetic claims written as Markdown
   (`scripts/bench_site.py`'s plain project), editing a claim's heading in its topic page.

MkDocs notices a save by polling every 0.5 s, then waits for 0.1 s without writes; the derma plugin
looks at its data files every 0.05 s (`publish.live.watch_data`), so the plain Markdown baseline carries
the longer wait. Not a timed test; run `.venv/bin/python scripts/bench_serve.py`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_site  # noqa: E402

from derma_evidence import render  # noqa: E402
from derma_evidence.pipeline import check_files  # noqa: E402

TARGET_REAL, TARGET_BIG = 1.0, 3.0
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy
    with opener.open(url, timeout=60) as resp:
        return str(resp.read().decode("utf-8"))


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (its threads included), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def peak_rss(pid: int) -> float:
    """Peak resident set (VmHWM) of a running process, MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Edit:
    """Where to edit and what page shows it: `file`'s `line` gets a word after `after` on that line."""

    file: Path
    line: str
    after: str
    page: str  # URL path of the page showing the line, e.g. topics/safety/
    source: str  # that page's source path, e.g. topics/safety.md


class Server:
    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        port = free_port()
        self.log = folder / "serve.log"
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                cwd=folder,
                env={**env, "NO_MKDOCS_2_WARNING": "1"},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        mount = re.search(r"^site_url:\s*\S+?://[^/\s]+(/\S*)?", (folder / "mkdocs.yml").read_text("utf-8"), re.M)
        path = (mount.group(1) if mount and mount.group(1) else "/").rstrip("/") + "/"
        self.base = f"http://127.0.0.1:{port}{path}"

    def wait_for(self, page: str, needle: str, seconds: float = 900) -> float:
        """Poll `page` until it contains `needle`; the monotonic time it was first seen."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server stopped:\n{self.log.read_text('utf-8')[-3000:]}")
            try:
                if needle in fetch(self.base + page):
                    return time.monotonic()
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.02)
        raise SystemExit(f"{needle!r} never showed on {page}:\n{self.log.read_text('utf-8')[-3000:]}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def measure(label: str, folder: Path, env: dict[str, str], edit: Edit, repeat: int) -> tuple[float, float, float]:
    """Median wall seconds from a save to the edited page, CPU seconds to everything written, peak RSS (MB)."""
    original = edit.file.read_text("utf-8")
    server = Server(folder, env)
    walls, dones, cpus = [], [], []
    try:
        server.wait_for(edit.page, "</html>")
        assert original.count(edit.line) >= 1, edit.line
        for i in range(repeat):
            word = f"Edited{i}x{os.getpid()}"
            text = original.replace(edit.line, edit.line.replace(edit.after, f"{edit.after}{word} ", 1), 1)
            time.sleep(1.0)  # the watcher's last poll is behind us
            cpu0, t0 = cpu_seconds(server.proc.pid), time.monotonic()
            edit.file.write_text(text, "utf-8")
            t1 = server.wait_for(edit.page, word)
            t2 = server.wait_for("search/search_index.json", word)
            walls.append(t1 - t0)
            dones.append(t2 - t0)
            cpus.append(cpu_seconds(server.proc.pid) - cpu0)
        rss = peak_rss(server.proc.pid)
    finally:
        server.stop()
        edit.file.write_text(original, "utf-8")
    wall, done, cpu = statistics.median(walls), statistics.median(dones), statistics.median(cpus)
    each = ", ".join(f"{w:.2f}" for w in walls)
    print(f"{label:<44} {wall:>7.2f} {done:>7.2f} {cpu:>7.2f} {rss:>8.0f}   ({each})", flush=True)
    return wall, cpu, rss


def site_copy(folder: Path) -> None:
    shutil.copytree(ROOT / "content", folder / "content")
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")


def claim_edit(claims: Path, bib: Path) -> Edit:
    """The first claim whose statement sits on one line of the YAML file: a word goes in front of it."""
    kb = check_files(str(claims), str(bib)).kb
    text = claims.read_text("utf-8")
    for c in kb.claims:
        if not (c.statement and c.topic and c.id):
            continue
        for quote in ('"', ""):
            line = f"statement: {quote}{c.statement}"
            if quote and line + '"' in text or not quote and re.search(rf"^\s*{re.escape(line)}$", text, re.M):
                source = render.topic_path(c.topic)
                return Edit(claims, line, f"statement: {quote}", render.page_url(source), source)
    raise SystemExit(f"{claims}: no claim with a one-line statement")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=10_000, help="claims of the synthetic case (%(default)s; 0: none)")
    ap.add_argument("--topics", type=int, default=200, help="topics of the synthetic case (%(default)s)")
    ap.add_argument("--refs", type=int, default=1000, help="references of the synthetic case (%(default)s)")
    ap.add_argument("--repeat", type=int, default=3, help="edits per case; the median is shown")
    ap.add_argument("--no-real", action="store_true", help="skip the real knowledge base")
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; medians of {args.repeat} edit(s) per case")
    print(f"{'case':<44} {'wall s':>7} {'done s':>7} {'CPU s':>7} {'RSS MB':>8}   (each edit, wall)")
    results: dict[str, tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        t = Path(tmp)
        if not args.no_real:
            real = t / "real"
            site_copy(real)
            shutil.copytree(ROOT / "data", real / "data")
            shutil.copy(ROOT / "references.bib", real / "references.bib")
            edit = claim_edit(real / "data" / "claims.yaml", real / "references.bib")
            results["real"] = measure("real knowledge base (derma)", real, dict(os.environ), edit, args.repeat)
        if args.claims:
            size = bench_site.Size(claims=args.claims, topics=args.topics, refs=args.refs)
            big = t / "big"
            site_copy(big)
            claims, bib = bench_site.write_data(big / "data", size)
            env = dict(os.environ, DERMA_CLAIMS=str(claims), DERMA_BIB=str(bib))
            edit = claim_edit(claims, bib)
            results["big"] = measure(f"{args.claims:,} claims (derma)", big, env, edit, args.repeat)
            plain = t / "plain"
            cfg = bench_site.plain_project(plain, claims, bib)
            md = plain / "content" / edit.source
            statement = edit.line.split(edit.after, 1)[1]
            line = next(x for x in md.read_text("utf-8").splitlines() if x.startswith(f"## {statement}"))
            pedit = Edit(md, line, "## ", edit.page, edit.source)
            results["plain"] = measure(f"{args.claims:,} claims (plain Markdown)", cfg.parent, dict(os.environ),
                                       pedit, args.repeat)  # fmt: skip
    print()
    if "real" in results:
        print(f"real knowledge base: {results['real'][0]:.2f} s from save to page (target < {TARGET_REAL} s)")
    if "big" in results:
        (w, c, _), (pw, pc, _) = results["big"], results["plain"]
        print(f"{args.claims:,} claims: {w:.2f} s from save to page (target < {TARGET_BIG} s); plain Markdown "
              f"{pw:.2f} s: {w / pw:.2f}x wall, {c / pc if pc else float('nan'):.2f}x CPU")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
