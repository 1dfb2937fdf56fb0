#!/usr/bin/env python3
"""Benchmark of the site's search in Chromium: time until the index is ready, and until the first result shows.

Builds the site of a synthetic knowledge base (default 1,000 claims), serves it on 127.0.0.1, opens a
topic page in /usr/bin/chromium (playwright, no download) and measures, `--repeat` times, in the page's
own clock (`performance.now()`):

- index ready: from the start of navigation until Material's search stops saying "Initializing search"
  (the worker has fetched search_index.json and built the lunr index);
- first result: from a query's arrival in the search box (set whole, with its last key's event) until
  the first result shows.

Targets at 1,000 claims: index ready < 1 s, first result < 300 ms. Not a timed test; run:
`.venv/bin/python scripts/bench_search.py` (`scripts/bench_site.py` runs it too).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from synthetic import generate  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
QUERIES = ("minoxidil follicle", "needle depth", "collagen")
READY_JS = """() => new Promise(resolve => {
  const meta = () => document.querySelector('.md-search-result__meta');
  const done = () => { const m = meta(); return m && !/Initializing/i.test(m.textContent); };
  const tick = () => done() ? resolve(performance.now()) : requestAnimationFrame(tick);
  tick();
})"""
RESULT_JS = """(query) => new Promise(resolve => {
  // the whole query arrives at once, as its last key: the time until a result shows is the search's own
  const box = document.querySelector('input.md-search__input');
  const list = document.querySelector('.md-search-result__list');
  const t0 = performance.now();
  new MutationObserver((_, obs) => {
    if (list.querySelector('li.md-search-result__item')) { obs.disconnect(); resolve(performance.now() - t0); }
  }).observe(list, {childList: true, subtree: true});
  box.value = query;
  box.dispatchEvent(new KeyboardEvent('keyup', {key: query.slice(-1), bubbles: true}));
  box.dispatchEvent(new Event('input', {bubbles: true}));
})"""


def build(tmp: Path, n: int) -> Path:
    yaml_text, bib_text = generate(n, max(50, n // 10), n_topics=max(7, n // 50))
    claims, bib = tmp / "claims.yaml", tmp / "references.bib"
    claims.write_text(yaml_text, "utf-8")
    bib.write_text(bib_text, "utf-8")
    env = dict(os.environ, DERMA_CLAIMS=str(claims), DERMA_BIB=str(bib), NO_MKDOCS_2_WARNING="1")
    site = tmp / "site"
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    subprocess.run([mkdocs, "build", "-q", "--strict", "-d", str(site)], cwd=ROOT, env=env, check=True)
    return site


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        site = build(Path(tmp), args.claims)
        index_mb = (site / "search" / "search_index.json").stat().st_size / 1e6
        server = subprocess.Popen(
            [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(site)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert server.stdout is not None
            port = server.stdout.readline().split("port ")[1].split()[0]
            url = f"http://127.0.0.1:{port}/topics/needle-depth/"
            ready, first = [], []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                for i in range(args.repeat):
                    page.goto(url)
                    ready.append(page.evaluate(READY_JS))  # performance.now() counts from navigation start
                    page.locator("input.md-search__input").click()
                    first.append(page.evaluate(RESULT_JS, QUERIES[i % len(QUERIES)]))
                browser.close()
        finally:
            server.terminate()
            server.wait()
    r, f = statistics.median(ready), statistics.median(first)
    print(f"{args.claims} claims, search index {index_mb:.2f} MB, medians of {args.repeat} page loads")
    print(f"index ready {r / 1000:.2f} s (target < 1 s); first result {f:.0f} ms after the last key (target < 300 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
