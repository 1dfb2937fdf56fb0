#!/usr/bin/env python3
"""Benchmark the checker against the bare parse of the same files, measured in the same run.

For each size, synthetic files are written to a temporary folder, then each measurement runs in
a fresh Python process (so import and allocator state are equal), `--repeat` times, and the median
is reported (CPU seconds of the timed part, `time.process_time`: steadier than wall time on a
shared machine):

- bare parse: PyYAML's libyaml `CSafeLoader` load plus bibtexparser 2 `parse_string` (default
  middlewares), the least any tool must do to read the files;
- full check: `derma check` in-process work (positions, schema, model, every rule).

Both are measured with the garbage collector on (as a tool runs) and off (`gc.disable()` before the
timed part: the parse alone, without the collector's cost that grows with the number of objects).
The ratio full / bare with GC off is the figure of merit (target: <= 1.15 at 10,000 claims and
5,000 references). `scripts/bench_site.py` prints it too, with the site build's ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthetic import generate  # noqa: E402

BARE = """
import gc, sys, time
import yaml, bibtexparser
y, b = open(sys.argv[1], 'rb').read(), open(sys.argv[2], encoding='utf-8').read()
if sys.argv[3:] == ['nogc']:
    gc.disable()
t = time.process_time()
yaml.load(y, Loader=yaml.CSafeLoader)
bibtexparser.parse_string(b)
print(time.process_time() - t)
"""

FULL = """
import gc, sys, time, datetime
from derma_evidence.pipeline import check_bytes
y, b = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
if sys.argv[3:] == ['nogc']:
    gc.disable()
t = time.process_time()
r = check_bytes(sys.argv[1], y, sys.argv[2], b, datetime.date(2026, 11, 25))
elapsed = time.process_time() - t
assert not r.errors, r.errors[:3]
print(elapsed)
"""


def timed(code: str, *args: str) -> float:
    return timed_rss(code, *args)[0]


def timed_rss(code: str, *args: str) -> tuple[float, float]:
    """The CPU seconds `code` prints for its timed part, and the peak RSS of its process in MB."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        out.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise SystemExit(f"the measured process failed:\n{err.read()[-3000:]}")
        return float(out.read().strip().splitlines()[-1]), usage.ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000", help="claim counts (default: %(default)s)")
    ap.add_argument("--refs", type=int, default=5000, help="references (default: %(default)s)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is shown")
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; medians of {args.repeat} fresh-process runs")
    print(f"{'claims':>7} {'refs':>6} {'yaml MB':>8} {'gc':>3} {'bare parse s':>13} {'full check s':>13} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            text, bib = generate(n, args.refs)
            yp, bp = Path(tmp, f"claims-{n}.yaml"), Path(tmp, f"refs-{n}.bib")
            yp.write_text(text, "utf-8")
            bp.write_text(bib, "utf-8")
            for gc in ("on", "off"):
                extra = ("nogc",) if gc == "off" else ()
                bare, full = [], []
                for _ in range(args.repeat):
                    bare.append(timed(BARE, str(yp), str(bp), *extra))
                    full.append(timed(FULL, str(yp), str(bp), *extra))
                b, f = statistics.median(bare), statistics.median(full)
                mb = len(text.encode()) / 1e6
                print(f"{n:>7} {args.refs:>6} {mb:>8.1f} {gc:>3} {b:>13.3f} {f:>13.3f} {f / b:>6.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
