"""Benchmark of the site build: synthetic knowledge bases of 1,000 and 10,000 claims.

For each size, in the same run: (a) our build, `mkdocs build` with the derma plugin (checker pipeline,
rendering, exports, all in memory), and (b) the baseline, `mkdocs build` without the plugin of the same
generated pages pre-written to disk as Markdown files. Prints both times, their ratio, the search
index size and the largest page size. Not a timed test; run: `.venv/bin/python scripts/bench_site.py`.
The data generator is `scripts/synthetic.py:generate` (shared with the checker's benchmark).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from synthetic import generate  # noqa: E402

from derma_evidence import exports, render  # noqa: E402
from derma_evidence.pipeline import check_files  # noqa: E402

MKDOCS = str(Path(sys.executable).parent / "mkdocs")


def write_data(folder: Path, n_claims: int, n_refs: int) -> tuple[Path, Path]:
    yaml_text, bib_text = generate(n_claims, n_refs)
    folder.mkdir(parents=True, exist_ok=True)
    claims, bib = folder / "claims.yaml", folder / "references.bib"
    claims.write_text(yaml_text, "utf-8")
    bib.write_text(bib_text, "utf-8")
    return claims, bib


def prewrite(folder: Path, claims: Path, bib: Path) -> Path:
    """The baseline project: hand-written content plus every generated page and download as files; no derma plugin."""
    result = check_files(str(claims), str(bib))
    ctx = render.Context.of(result.kb)
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    for name in ("index.md", "methodology.md"):
        p = content / name
        p.write_text(render.fill_markers(p.read_text("utf-8"), ctx, name), "utf-8")
    for page in render.render_site(result.kb, ctx=ctx):
        target = content / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.content, "utf-8")
    for name, data in exports.all_exports(result.kb, bib.read_bytes()).items():
        (content / render.DOWNLOAD_DIR).mkdir(exist_ok=True)
        (content / render.DOWNLOAD_DIR / name).write_bytes(data)
    cfg = (ROOT / "mkdocs.yml").read_text("utf-8")
    cfg = re.sub(r"\n(?:  #[^\n]*\n)?  - derma:\n(?:      [^\n]*\n)+", "\n", cfg)  # no derma plugin
    topics = "".join(
        f"\n      - {render.clean_title(t.title or '')!r}: {render.topic_path(t.id)}" for t in result.kb.topics if t.id
    )
    cfg = cfg.replace("  - Topics: []", "  - Topics:" + topics)
    (folder / "mkdocs.yml").write_text(cfg, "utf-8")
    return folder / "mkdocs.yml"


def timed_build(config: Path, dest: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        [MKDOCS, "build", "-q", "--strict", "-f", str(config), "-d", str(dest)],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({config}):\n{proc.stderr[-3000:]}")
    return elapsed


def sizes(site: Path) -> tuple[int, int, str]:
    index = (site / "search" / "search_index.json").stat().st_size
    largest = max(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    return index, largest.stat().st_size, str(largest.relative_to(site))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000", help="claim counts (default: %(default)s)")
    ap.add_argument("--repeat", type=int, default=1, help="builds per variant; the median is reported")
    args = ap.parse_args()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    print(
        f"{'claims':>7} {'ours s':>8} {'plain s':>8} {'ratio':>6} {'index MB':>9} {'plain MB':>9} "
        f"{'largest page':>13}  page"
    )
    for n in (int(x) for x in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
            t = Path(tmp)
            claims, bib = write_data(t / "data", n, max(50, n // 10))
            base_cfg = prewrite(t / "plain", claims, bib)
            ours_env = dict(env, DERMA_CLAIMS=str(claims), DERMA_BIB=str(bib))
            ours, plain = [], []
            for i in range(args.repeat):
                ours.append(timed_build(ROOT / "mkdocs.yml", t / f"ours{i}", ours_env))
                plain.append(timed_build(base_cfg, t / f"plain{i}", env))
            o, p = sorted(ours)[len(ours) // 2], sorted(plain)[len(plain) // 2]
            idx, largest, page = sizes(t / "ours0")
            pidx, _, _ = sizes(t / "plain0")
            print(
                f"{n:>7} {o:>8.2f} {p:>8.2f} {o / p:>6.2f} {idx / 1e6:>9.2f} {pidx / 1e6:>9.2f} "
                f"{largest / 1e6:>10.2f} MB  {page}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
