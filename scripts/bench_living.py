#!/usr/bin/env python3
"""Benchmark the change-log rule L005 (issue 21): its cost must grow linearly with the changes and claims.

Synthetic claims (scripts/synthetic.py) get a change log of N entries, each naming one existing
claim and one unknown one; L005 alone is timed (CPU seconds, `time.process_time`, median of
`--repeat` runs in this process) at a size and at twice that size. Linear: the ratio is about 2.
Measured, not asserted: no test times anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthetic import generate  # noqa: E402

from derma_evidence.pipeline import check_bytes  # noqa: E402


def kb_with_changes(n_claims: int, n_changes: int):  # type: ignore[no-untyped-def]
    claims, bib = generate(n_claims, max(50, n_claims // 2))
    ids = [line.split("id:", 1)[1].strip() for line in claims.splitlines() if line.startswith("  - id:")]
    log = ["changes:"]
    for i in range(n_changes):
        log.append(f"  - date: 2026-11-0{1 + i % 9}\n    kind: corrected\n    claims: [{ids[i % len(ids)]}, gone-{i}]")
        log.append(f"    what: change {i}\n    why: synthetic")
    text = claims + "\n" + "\n".join(log) + "\n"
    return check_bytes("claims.yaml", text.encode(), "references.bib", bib.encode(), dt.date(2026, 12, 1)).kb


def rule_time(kb, repeat: int) -> float:  # type: ignore[no-untyped-def]
    from derma_evidence.rules import living

    times = []
    for _ in range(repeat):
        t = time.process_time()
        list(living.change_names_unknown_id(kb))
        times.append(time.process_time() - t)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--claims", type=int, default=10_000)
    p.add_argument("--changes", type=int, default=4_000)
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    small = rule_time(kb_with_changes(a.claims, a.changes), a.repeat)
    big = rule_time(kb_with_changes(a.claims * 2, a.changes * 2), a.repeat)
    print(f"L005, {a.changes} changes over {a.claims} claims: {small:.3f} s CPU")
    print(f"L005, {a.changes * 2} changes over {a.claims * 2} claims: {big:.3f} s CPU (x{big / small:.1f})")


if __name__ == "__main__":
    main()
