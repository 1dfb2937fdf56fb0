#!/usr/bin/env python3
"""Benchmark of the site build against plain MkDocs Material building the same claims written as Markdown.

Prints, from measurements of the same run on the same machine:

1. the build ratio: `mkdocs build --strict` with the derma plugin (check, render, exports, search
   index) over `mkdocs build --strict` of a plain-Markdown project with the same number of claims on
   the same number of topic pages (a heading, a paragraph and source links per claim, a reference
   list), the same theme, search plugin and nav shape, and no derma plugin;
2. the check ratio: `scripts/bench.py`'s full check over the bare parse (libyaml + BibTeX), with the
   garbage collector off in both;
3. the search figures of `scripts/bench_search.py` (Chromium, 1,000 claims), when Chromium is there;

then how each cost grows with claims (1k -> 10k), topics (50 -> 200 -> 1000) and references
(500 -> 5000), as ratios of times of the same run. Not a timed test; `make bench` runs it.
The data generator is `scripts/synthetic.py:generate` (shared with the checker's benchmark).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402
from synthetic import generate  # noqa: E402

from derma_evidence import render  # noqa: E402
from derma_evidence.pipeline import check_files  # noqa: E402
from derma_evidence.site.build import Site  # noqa: E402

MKDOCS = str(Path(sys.executable).parent / "mkdocs")
TARGET_BUILD, TARGET_CHECK = 1.3, 1.15


def write_data(folder: Path, n_claims: int, n_refs: int, n_topics: int) -> tuple[Path, Path]:
    yaml_text, bib_text = generate(n_claims, n_refs, n_topics=n_topics)
    folder.mkdir(parents=True, exist_ok=True)
    claims, bib = folder / "claims.yaml", folder / "references.bib"
    claims.write_text(yaml_text, "utf-8")
    bib.write_text(bib_text, "utf-8")
    return claims, bib


def _nav_pages(cfg: str) -> list[str]:
    return re.findall(r":\s+([\w/.-]+\.md)\s*$", cfg, re.M)


def _title(ref: object) -> str:
    return (ref.get("title") if ref is not None else None) or ""  # type: ignore[attr-defined]


def plain_project(folder: Path, claims: Path, bib: Path) -> Path:
    """The baseline: the same claims as plain Markdown, one page per topic; the nav of our site; no derma plugin.

    Each claim is a level-2 heading with its id, a paragraph (verdict, certainty, quantity, note) and
    a list of its sources (short citation linking to the DOI, locator, quote); each topic page ends
    with its numbered reference list. The other nav pages are one-line pages.
    """
    kb = check_files(str(claims), str(bib)).kb
    refs = kb.reference_map()
    content = folder / "content"
    shutil.copytree(ROOT / "content" / "assets", content / "assets")
    by_topic: dict[str, list[str]] = {t.id: [] for t in kb.topics if t.id}
    cited: dict[str, list[str]] = {t.id: [] for t in kb.topics if t.id}
    for c in kb.claims:
        lines = [f"## {c.statement} {{#{c.id}}}", ""]
        q = render.format_range(c.quantity, with_measure=True)
        lines += [f"**{render.label(c.verdict)}**, certainty {render.label(c.certainty)}. {q}. {c.note}", ""]
        for s in c.sources:
            ref = refs.get(s.key or "")
            doi = ref.get("doi") if ref else None
            lines.append(f"- {render.label(s.stance)}: [{render.short_cite(ref, s.key or '')}](https://doi.org/{doi}), "
                         f"{s.locator}: \"{s.quote}\"")  # fmt: skip
            if s.key and s.key not in cited[c.topic or ""]:
                cited[c.topic or ""].append(s.key)
        by_topic[c.topic or ""].append("\n".join(lines) + "\n")
    for t in kb.topics:
        if not t.id:
            continue
        page = content / render.topic_path(t.id)
        page.parent.mkdir(parents=True, exist_ok=True)
        reflist = "".join(f"{i}. {render.short_cite(refs.get(k), k)}. {_title(refs.get(k))}\n"
                          for i, k in enumerate(cited[t.id], 1))  # fmt: skip
        page.write_text(f"# {t.title}\n\n{t.summary}\n\n" + "\n".join(by_topic[t.id]) + "\n## References\n\n" + reflist)
    cfg = (ROOT / "mkdocs.yml").read_text("utf-8")
    cfg = re.sub(r"\n(?:  #[^\n]*\n)?  - derma:\n(?:      [^\n]*\n)+", "\n", cfg)  # no derma plugin
    nav = Site(str(ROOT)).nav_topics(kb)  # the nav shape of ours: All topics, then the topics up to the maximum
    topics = "".join(f"\n      - {title!r}: {path}" for entry in nav for title, path in entry.items())
    cfg = cfg.replace("  - Topics: []", "  - Topics:" + topics)
    if len(nav) == 1:  # the nav leaves the topic pages out, as ours does
        cfg += "not_in_nav: |\n  /topics/*.md\n"
    index = "".join(f"- [{t.title}]({render.topic_path(t.id)})\n" for t in kb.topics if t.id)
    (content / render.PAGES["topics"]).write_text(f"# All topics\n\n{index}", "utf-8")
    for path in _nav_pages(cfg):
        page = content / path
        if not page.exists():
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(f"# {Path(path).stem.capitalize()}\n\nA page of the site.\n", "utf-8")
    (folder / "mkdocs.yml").write_text(cfg, "utf-8")
    return folder / "mkdocs.yml"


def timed_build(config: Path, dest: Path, env: dict[str, str]) -> float:
    """CPU seconds (user + system) of one `mkdocs build --strict`: steadier than wall time on a shared machine."""
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [MKDOCS, "build", "-q", "--strict", "-f", str(config), "-d", str(dest)],
            cwd=config.parent,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"build failed ({config}):\n{err.read()[-3000:]}")
    return usage.ru_utime + usage.ru_stime


def largest(site: Path) -> tuple[int, str]:
    page = max(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    return page.stat().st_size, str(page.relative_to(site))


def measure(tmp: Path, n: int, topics: int, refs: int, repeat: int) -> tuple[float, float, int, int, str]:
    """Median build times (ours, plain), search index sizes (ours, plain) and the largest page of ours."""
    folder = tmp / f"c{n}-t{topics}-r{refs}"
    claims, bib = write_data(folder / "data", n, refs, topics)
    plain_cfg = plain_project(folder / "plain", claims, bib)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    ours_env = dict(env, DERMA_CLAIMS=str(claims), DERMA_BIB=str(bib))
    ours, plain = [], []
    for i in range(repeat):
        ours.append(timed_build(ROOT / "mkdocs.yml", folder / f"ours{i}", ours_env))
        plain.append(timed_build(plain_cfg, folder / f"plain{i}", env))
    index = (folder / "ours0" / "search" / "search_index.json").stat().st_size
    pindex = (folder / "plain0" / "search" / "search_index.json").stat().st_size
    size, page = largest(folder / "ours0")
    o, p = statistics.median(ours), statistics.median(plain)
    print(
        f"{n:>7} {topics:>6} {refs:>6} {o:>8.2f} {p:>8.2f} {o / p:>6.2f} {index / 1e6:>9.2f} {pindex / 1e6:>9.2f} "
        f"{size / 1e6:>8.2f} MB  {page}",
        flush=True,
    )
    shutil.rmtree(folder, ignore_errors=True)
    return o, p, index, pindex, page


def check_ratio(tmp: Path, n: int, refs: int, repeat: int) -> tuple[float, float]:
    """Median bare parse and full check of `n` claims and `refs` references, GC off, fresh processes."""
    text, bib = generate(n, refs)
    yp, bp = tmp / "check.yaml", tmp / "check.bib"
    yp.write_text(text, "utf-8")
    bp.write_text(bib, "utf-8")
    bare = [bench.timed(bench.BARE, str(yp), str(bp), "nogc") for _ in range(repeat)]
    full = [bench.timed(bench.FULL, str(yp), str(bp), "nogc") for _ in range(repeat)]
    return statistics.median(bare), statistics.median(full)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", default="1000,10000", help="claim counts at 200 topics (default: %(default)s)")
    ap.add_argument("--topics", default="50,200,1000", help="topic counts at 10,000 claims (default: %(default)s)")
    ap.add_argument("--refs", default="500,5000", help="reference counts at 10,000 claims (default: %(default)s)")
    ap.add_argument("--repeat", type=int, default=1, help="builds per variant; the median is reported")
    ap.add_argument("--quick", action="store_true", help="only 1,000 and 10,000 claims at 200 topics")
    ap.add_argument("--check-sizes", default="10000,5000", help="claims,references of the check ratio")
    ap.add_argument("--no-search", action="store_true", help="skip the browser measurement")
    args = ap.parse_args()
    claims = [int(x) for x in args.claims.split(",")]
    topics = [] if args.quick else [int(x) for x in args.topics.split(",")]
    refs = [] if args.quick else [int(x) for x in args.refs.split(",")]
    big = max(claims)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; medians of {args.repeat} build(s) per variant")
    print(
        f"{'claims':>7} {'topics':>6} {'refs':>6} {'ours s':>8} {'plain s':>8} {'ratio':>6} {'index MB':>9} "
        f"{'plain MB':>9} {'largest':>11}  page"
    )
    times: dict[tuple[int, int, int], tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        t = Path(tmp)
        runs = [(n, 200, 1000) for n in claims] + [(big, k, 1000) for k in topics] + [(big, 200, r) for r in refs]
        for n, k, r in dict.fromkeys(runs):
            o, p, *_ = measure(t, n, k, r, args.repeat)
            times[(n, k, r)] = (o, p)
        check_claims, check_refs = (int(x) for x in args.check_sizes.split(","))
        bare, full = check_ratio(t, check_claims, check_refs, max(3, args.repeat))
    o, p = times[(big, 200, 1000)]
    print()
    print(f"1. build of {big:,} claims (200 topics): {o:.2f} s vs plain Markdown {p:.2f} s: {o / p:.2f}x "
          f"(target {TARGET_BUILD}x)")  # fmt: skip
    print(f"2. check of {check_claims:,} claims + {check_refs:,} references, GC off: {full:.2f} s "
          f"vs bare parse {bare:.2f} s: {full / bare:.2f}x (target {TARGET_CHECK}x)")  # fmt: skip
    if not args.no_search and Path("/usr/bin/chromium").exists():
        out = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_search.py"), "--claims", "1000"],
                             capture_output=True, text=True)  # fmt: skip
        lines = (out.stdout or out.stderr).strip().splitlines()
        print("3. search at 1,000 claims: " + (lines[-1] if lines else "no result"))
    else:
        print("3. search: skipped (no /usr/bin/chromium or --no-search); run scripts/bench_search.py")
    print("\ngrowth (time at the larger size over time at the smaller, ours | plain; linear = the size ratio):")

    def growth(label: str, a: tuple[int, int, int], b: tuple[int, int, int], factor: float) -> None:
        if a in times and b in times:
            (oa, pa), (ob, pb) = times[a], times[b]
            print(f"  {label:<28} x{factor:<5g} ours {ob / oa:5.2f}   plain {pb / pa:5.2f}")

    growth("claims 1k -> 10k", (min(claims), 200, 1000), (big, 200, 1000), big / min(claims))
    for a, b in zip(topics, topics[1:], strict=False):
        growth(f"topics {a} -> {b}", (big, a, 1000), (big, b, 1000), b / a)
    if len(refs) >= 2:
        growth(f"references {refs[0]} -> {refs[-1]}", (big, 200, refs[0]), (big, 200, refs[-1]), refs[-1] / refs[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
