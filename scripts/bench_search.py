#!/usr/bin/env python3
"""Benchmark of the site's search in Chromium: time until the index is ready, and until the first result shows.

Builds the site of a synthetic knowledge base (default 1,000 claims), serves it on 127.0.0.1, opens a
topic page in /usr/bin/chromium (playwright, no download) and measures, `--repeat` times, in the page's
own clock (`performance.now()`):

- index ready: from the start of navigation until Material's search stops saying "Initializing search"
  (the worker has fetched search_index.json and built the lunr index);
- first result: from a query's arrival in the search box (set whole, with its last key's event) until
  the first result shows.

Targets at 1,000 claims: index ready < 1 s, first result < 300 ms. Also prints the index's size (raw and
gzipped). `--real` measures the site of the real data (home page); `--ref COMMIT` measures that commit too,
built the same way from a temporary git worktree (the size and times before a change, then after). Not a timed
test; run: `.venv/bin/python scripts/bench_search.py [--real] [--ref COMMIT]` (`scripts/bench_site.py` runs it).
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
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


def build(tmp: Path, n: int, real: bool = False, code: Path = ROOT) -> Path:
    """Build the site into tmp/site: the real data (`real`) or a synthetic knowledge base of n claims.

    `code` is the checkout whose package, templates and mkdocs.yml build it (ROOT, or a worktree of --ref)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if real:
        env.update(DERMA_CLAIMS=str(code / "data" / "claims.yaml"), DERMA_BIB=str(code / "references.bib"))
    else:
        yaml_text, bib_text = generate(n, max(50, n // 10), n_topics=max(7, n // 50))
        claims, bib = tmp / "claims.yaml", tmp / "references.bib"
        claims.write_text(yaml_text, "utf-8")
        bib.write_text(bib_text, "utf-8")
        env.update(DERMA_CLAIMS=str(claims), DERMA_BIB=str(bib))
    site = tmp / "site"
    command = [str(Path(sys.executable).parent / "mkdocs")]
    if code != ROOT:  # that checkout's package first on the path, its plugin under the name `derma`
        env["PYTHONPATH"] = str(code) + os.pathsep + env.get("PYTHONPATH", "")
        command = [sys.executable, "-c", PLUGIN_SHIM, plugin_entry(code)]
    subprocess.run([*command, "build", "-q", "--strict", "-d", str(site)], cwd=code, env=env, check=True)
    return site


PLUGIN_SHIM = """
import sys
from importlib.metadata import EntryPoint
import mkdocs.plugins
from mkdocs.__main__ import cli
installed, value = mkdocs.plugins.get_plugins, sys.argv.pop(1)
def get_plugins():
    return {**installed(), "derma": EntryPoint(name="derma", value=value, group="mkdocs.plugins")}
mkdocs.plugins.get_plugins = get_plugins
sys.argv[0] = "mkdocs"
cli()
"""
"""`mkdocs` with the plugin `derma` taken from another checkout: the installed entry point names this
checkout's module, which an older commit may not have (the plugin moved in the package layout of issue 17)."""


def plugin_entry(code: Path) -> str:
    """The plugin class of a checkout, as an entry point value (its pyproject.toml's, else the old layout's)."""
    m = re.search(
        r'\[project\.entry-points\."mkdocs\.plugins"\]\s*derma\s*=\s*"([^"]+)"',
        (code / "pyproject.toml").read_text("utf-8"),
    )
    return m.group(1) if m else "derma_evidence.plugin:DermaPlugin"


def measure(sites: list[Path], path: str, repeat: int) -> list[tuple[int, int, float, float]]:
    """Per built site: (index bytes, gzipped bytes, median index ready in ms, median first result in ms).

    The sites are measured in turn within each repetition (A, B, A, B, ...), so a load on the shared machine
    that comes and goes weighs on each alike."""
    from playwright.sync_api import sync_playwright

    servers = [
        subprocess.Popen(
            [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(site)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for site in sites
    ]
    try:
        urls = []
        for server in servers:
            assert server.stdout is not None
            urls.append(f"http://127.0.0.1:{server.stdout.readline().split('port ')[1].split()[0]}/{path}")
        ready: list[list[float]] = [[] for _ in sites]
        first: list[list[float]] = [[] for _ in sites]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for i in range(repeat):
                for k, url in enumerate(urls):
                    page.goto(url)
                    ready[k].append(page.evaluate(READY_JS))  # performance.now() counts from navigation start
                    page.locator("input.md-search__input").click()
                    first[k].append(page.evaluate(RESULT_JS, QUERIES[i % len(QUERIES)]))
            browser.close()
    finally:
        for server in servers:
            server.terminate()
            server.wait()
    out = []
    for k, site in enumerate(sites):
        raw = (site / "search" / "search_index.json").read_bytes()
        out.append((len(raw), len(gzip.compress(raw, 9)), statistics.median(ready[k]), statistics.median(first[k])))
    return out


def report(label: str, figures: tuple[int, int, float, float], repeat: int) -> None:
    size, gz, r, f = figures
    print(f"{label}: search index {size / 1e3:.0f} KB ({gz / 1e3:.0f} KB gzipped), medians of {repeat} page loads")
    print(f"  index ready {r / 1000:.2f} s (target < 1 s); first result {f:.0f} ms after the last key (< 300 ms)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=1000)
    ap.add_argument("--real", action="store_true", help="the real data (data/claims.yaml) instead of synthetic claims")
    ap.add_argument("--ref", help="also measure this git commit (e.g. the one before a change), built the same way")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    path = "" if args.real else "topics/needle-depth/"
    label = "real data" if args.real else f"{args.claims} claims"
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        names, sites = [], []
        if args.ref:
            before = Path(tmp) / "before"
            subprocess.run(["git", "worktree", "add", "-q", "--detach", str(before), args.ref], cwd=ROOT, check=True)
            try:
                (Path(tmp) / "b").mkdir()
                sites.append(build(Path(tmp) / "b", args.claims, args.real, code=before))
                names.append(f"{label} at {args.ref}")
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, check=True)
        (Path(tmp) / "a").mkdir()
        sites.append(build(Path(tmp) / "a", args.claims, args.real))
        names.append(f"{label} (this checkout)")
        runs = list(zip(names, measure(sites, path, args.repeat), strict=True))
    for name, figures in runs:
        report(name, figures, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
