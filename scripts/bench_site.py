#!/usr/bin/env python3
"""Benchmark of the site build against plain MkDocs Material building the same claims written as Markdown.

Prints, from measurements of the same run on the same machine:

1. the build ratio: `mkdocs build --strict` with the derma plugin (check, render, exports, search
   index) over `mkdocs build --strict` of a plain-Markdown project with the same number of claims on
   the same number of topic pages (a heading, a paragraph and source links per claim, a reference
   list), the same theme, search plugin and nav shape, and no derma plugin; cold (the plugin's cache
   emptied: the first build of a checkout, as CI's) and warm (the same data built again: the
   formatted bibliography reused from the cache), each against plain Markdown of the same run;
2. the check ratio: `scripts/bench.py`'s full check over the bare parse (libyaml + BibTeX), with the
   garbage collector off in both;
3. the search figures of `scripts/bench_search.py` (Chromium, 1,000 claims), when Chromium is there;

each with the peak RSS of both processes; then how the build's and the check's CPU time and the
build's peak RSS grow when one of claims, topics, references, questions, comparisons and changes is
doubled alone (linear: x2 at most), as ratios of times of the same run. Not a timed test; `make bench`
runs it; `scripts/bench_serve.py` measures the edit-to-preview loop under `mkdocs serve`.
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
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402
from synthetic import generate  # noqa: E402

from derma_evidence import render  # noqa: E402
from derma_evidence.pipeline import check_files  # noqa: E402
from derma_evidence.publish.build import Site  # noqa: E402

MKDOCS = str(Path(sys.executable).parent / "mkdocs")
TARGET_BUILD, TARGET_CHECK = 1.0, 1.15


@dataclass(frozen=True)
class Size:
    """One synthetic knowledge base: how many of each thing (the growth table doubles one at a time)."""

    claims: int = 10_000
    topics: int = 200
    refs: int = 1000
    questions: int = 0
    comparisons: int = 0
    changes: int = 0

    def label(self) -> str:
        return "-".join(f"{k[:2]}{v}" for k, v in vars(self).items() if v)


def write_data(folder: Path, size: Size) -> tuple[Path, Path]:
    yaml_text, bib_text = generate(
        size.claims,
        size.refs,
        n_topics=size.topics,
        n_questions=size.questions,
        n_comparisons=size.comparisons,
        n_changes=size.changes,
    )
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


def timed_build(config: Path, dest: Path, env: dict[str, str]) -> tuple[float, float]:
    """CPU seconds (user + system) and peak RSS in MB of one `mkdocs build --strict`.

    CPU time is steadier than wall time on a shared machine; both come from `wait4` on the child.
    """
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
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def largest(site: Path) -> tuple[int, str]:
    page = max(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    return page.stat().st_size, str(page.relative_to(site))


@dataclass(frozen=True)
class Figures:
    ours: float  # median CPU seconds, cold: no cache (the first build of a checkout)
    warm: float | None  # median CPU seconds of the next build of the same data (the cache filled), when measured
    plain: float | None  # the plain-Markdown baseline, when measured
    rss: float  # peak RSS of our build, MB (median, cold)
    plain_rss: float | None


CACHE = ROOT / ".cache" / "plugin" / "derma"
"""The plugin's cache folder for this checkout (mkdocs.yml's `cache_dir`): emptied before every cold build."""


def measure(tmp: Path, size: Size, repeat: int, with_plain: bool) -> Figures:
    """Median build times and peak RSS of ours, cold and (with the baseline) warm, and of plain Markdown,
    interleaved run by run: a cold build (the plugin's cache emptied), the same data built again (the
    formatted bibliography reused), then plain Markdown."""
    folder = tmp / size.label()
    claims, bib = write_data(folder / "data", size)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    ours_env = dict(env, DERMA_CLAIMS=str(claims), DERMA_BIB=str(bib))
    plain_cfg = plain_project(folder / "plain", claims, bib) if with_plain else None
    ours, warm, plain = [], [], []
    for i in range(repeat):
        shutil.rmtree(CACHE, ignore_errors=True)
        ours.append(timed_build(ROOT / "mkdocs.yml", folder / f"ours{i}", ours_env))
        if plain_cfg is not None:
            warm.append(timed_build(ROOT / "mkdocs.yml", folder / f"warm{i}", ours_env))
            plain.append(timed_build(plain_cfg, folder / f"plain{i}", env))
    index = (folder / "ours0" / "search" / "search_index.json").stat().st_size
    page_size, page = largest(folder / "ours0")
    o, rss = statistics.median(t for t, _ in ours), statistics.median(m for _, m in ours)
    w = statistics.median(t for t, _ in warm) if warm else None
    p = statistics.median(t for t, _ in plain) if plain else None
    prss = statistics.median(m for _, m in plain) if plain else None
    shown = f"{p:>8.2f} {o / p:>6.2f}" if p else f"{'':>8} {'':>6}"
    print(
        f"{size.claims:>7} {size.topics:>6} {size.refs:>6} {size.questions:>5} {size.comparisons:>5} "
        f"{size.changes:>5} {o:>8.2f} {shown} {rss:>7.0f} {prss or 0:>7.0f} {index / 1e6:>8.2f} "
        f"{page_size / 1e6:>7.2f}  {page}" + (f"  (warm {w:.2f} s: {w / p:.2f}x)" if w and p else ""),
        flush=True,
    )
    shutil.rmtree(folder, ignore_errors=True)
    return Figures(o, w, p, rss, prss)


def check_ratio(tmp: Path, size: Size, repeat: int) -> tuple[float, float, float, float]:
    """Median bare parse and full check (CPU s, GC off, fresh processes), and their peak RSS in MB."""
    text, bib = generate(size.claims, size.refs, n_topics=size.topics, n_questions=size.questions,
                         n_comparisons=size.comparisons, n_changes=size.changes)  # fmt: skip
    yp, bp = tmp / "check.yaml", tmp / "check.bib"
    yp.write_text(text, "utf-8")
    bp.write_text(bib, "utf-8")
    bare, full = [], []
    for _ in range(repeat):  # interleaved, so that a burst of load hits both alike
        bare.append(bench.timed_rss(bench.BARE, str(yp), str(bp), "nogc"))
        full.append(bench.timed_rss(bench.FULL, str(yp), str(bp), "nogc"))
    med = statistics.median
    return med(t for t, _ in bare), med(t for t, _ in full), med(m for _, m in bare), med(m for _, m in full)


DIMENSIONS = ("claims", "topics", "refs", "questions", "comparisons", "changes")
GROWTH_BASE = Size(claims=5000, topics=100, refs=1000, questions=1000, comparisons=500, changes=1000)
"""The base of the growth table; each dimension is doubled from it on its own (the others stay)."""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=10_000, help="claims of the build and check ratios (%(default)s)")
    ap.add_argument("--topics", type=int, default=200, help="topics of the build ratio (%(default)s)")
    ap.add_argument("--refs", type=int, default=1000, help="references of the build ratio (%(default)s)")
    ap.add_argument("--check-refs", type=int, default=5000, help="references of the check ratio (%(default)s)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per variant; the median is reported")
    ap.add_argument("--growth", default=",".join(DIMENSIONS), help="dimensions to double (default: all; '' none)")
    ap.add_argument("--growth-repeat", type=int, default=1, help="runs per size of the growth table")
    base_sizes = ",".join(str(v) for v in vars(GROWTH_BASE).values())
    ap.add_argument("--growth-base", default=base_sizes, help=f"{','.join(DIMENSIONS)} of the base (%(default)s)")
    ap.add_argument("--no-search", action="store_true", help="skip the browser measurement")
    args = ap.parse_args()
    dims = [d for d in args.growth.split(",") if d]
    for d in dims:
        if d not in DIMENSIONS:
            ap.error(f"unknown dimension {d!r}; choose from {', '.join(DIMENSIONS)}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; CPU seconds (user + system), medians of "
          f"{args.repeat} fresh-process run(s); RSS: peak resident set of the build process")  # fmt: skip
    print(
        f"{'claims':>7} {'topics':>6} {'refs':>6} {'quest':>5} {'comp':>5} {'chang':>5} {'ours s':>8} {'plain s':>8} "
        f"{'ratio':>6} {'RSS MB':>7} {'plainMB':>7} {'index MB':>8} {'largest':>7}  page"
    )
    main_size = Size(claims=args.claims, topics=args.topics, refs=args.refs)
    growth_base = Size(*(int(x) for x in args.growth_base.split(",")))
    check_size = Size(claims=args.claims, topics=7, refs=args.check_refs)
    growth: dict[str, tuple[Figures, Figures, float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        t = Path(tmp)
        head = measure(t, main_size, args.repeat, with_plain=True)
        bare, full, bare_rss, full_rss = check_ratio(t, check_size, max(3, args.repeat))
        ratio = f"{full:.2f} s vs bare parse {bare:.2f} s: {full / bare:.2f}x"
        print(f"check, GC off: {ratio}; RSS {full_rss:.0f} vs {bare_rss:.0f} MB", flush=True)
        if dims:
            base = measure(t, growth_base, args.growth_repeat, with_plain=False)
            _, base_check, _, _ = check_ratio(t, growth_base, args.growth_repeat)
            for d in dims:
                big = replace(growth_base, **{d: 2 * getattr(growth_base, d)})
                fig = measure(t, big, args.growth_repeat, with_plain=False)
                _, check, _, _ = check_ratio(t, big, args.growth_repeat)
                growth[d] = (base, fig, base_check, check)
    assert head.plain is not None and head.plain_rss is not None
    print()
    assert head.warm is not None
    print(f"1. build of {main_size.claims:,} claims ({main_size.topics} topics, {main_size.refs:,} references): "
          f"cold {head.ours:.2f} s, warm {head.warm:.2f} s vs plain Markdown {head.plain:.2f} s: "
          f"{head.ours / head.plain:.2f}x cold, {head.warm / head.plain:.2f}x warm "
          f"(target {TARGET_BUILD}x); peak RSS {head.rss:.0f} MB vs {head.plain_rss:.0f} MB")  # fmt: skip
    print(f"2. check of {check_size.claims:,} claims + {check_size.refs:,} references, GC off: {full:.2f} s "
          f"vs bare parse {bare:.2f} s: {full / bare:.2f}x (target {TARGET_CHECK}x); "
          f"peak RSS {full_rss:.0f} MB vs {bare_rss:.0f} MB")  # fmt: skip
    if not args.no_search and Path("/usr/bin/chromium").exists():
        out = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_search.py"), "--claims", "1000"],
                             capture_output=True, text=True)  # fmt: skip
        lines = (out.stdout or out.stderr).strip().splitlines()
        print("3. search at 1,000 claims: " + (lines[-1] if lines else "no result"))
    else:
        print("3. search: skipped (no /usr/bin/chromium or --no-search); run scripts/bench_search.py")
    print("4. edit to preview under `mkdocs serve`: scripts/bench_serve.py")
    if growth:
        print(f"\ngrowth: each dimension doubled alone from {growth_base} (linear: x2.00 at most)")
        print(f"  {'dimension':<12} {'build':>7} {'check':>7} {'RSS':>7}")
        for d, (a, b, ca, cb) in growth.items():
            print(f"  {d:<12} x{b.ours / a.ours:>6.2f} x{cb / ca:>6.2f} x{b.rss / a.rss:>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
