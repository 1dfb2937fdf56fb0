"""Cost checks that a loaded machine cannot fail: operation counts, not times.

A test never asserts a time (CI shares its machine; timing lives in scripts/bench*.py). To show that
an operation is bounded or linear, count the Python-level calls it makes (`calls`: every Python and
C function called from Python, via `sys.setprofile`; the same on every machine and under any load)
at two sizes, and compare (`assert_grows`). Work done inside one C call (a regular expression, a
string join) is not counted: keep the compared sizes far apart, so that a loop in Python shows, and
for work inside C use `assert_cpu_grows`, a ratio of CPU times of two sizes measured back to back.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any


def calls(run: Callable[[], Any]) -> int:
    """How many functions (Python, and C called from Python) `run()` calls, including itself."""
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event == "call" or event == "c_call":
            count += 1

    old = sys.getprofile()
    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(old)
    return count


def assert_grows(small: Callable[[], Any], big: Callable[[], Any], factor: float, margin: float = 2.0) -> None:
    """`big` makes at most `margin` x `factor` times the calls of `small` (factor: the size ratio if the
    cost is linear, 1 if it is bounded). Quadratic cost on sizes `factor` apart shows as `factor` squared."""
    a, b = calls(small), calls(big)
    assert b <= margin * factor * a + 100, f"{b} calls against {a}: x{b / a:.1f}, more than x{margin * factor:g}"


def cpu(run: Callable[[], Any], repeat: int = 5) -> float:
    """The least CPU time of `repeat` runs: other load on the machine only ever adds to a run."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def assert_cpu_grows(small: Callable[[], Any], big: Callable[[], Any], factor: float, margin: float = 4.0) -> None:
    """For work done inside C calls, which `calls` cannot see: the CPU time of `big` over `small`, measured
    here, back to back, is at most `margin` x `factor` (plus 50 ms of slack for tiny runs). A ratio of two
    sizes, never an absolute time: choose sizes far apart, so that quadratic cost is far past the margin."""
    a, b = cpu(small), cpu(big)
    assert b <= margin * factor * a + 0.05, f"{b:.3f} s of CPU against {a:.3f} s: x{b / max(a, 1e-9):.0f}"
