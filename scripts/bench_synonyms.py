"""Search-synonym matching: cost against the number of patterns, Python's `re` (before) and RE2 (now).

Usage: .venv/bin/python scripts/bench_synonyms.py
Prints CPU seconds to match N patterns over 2,000 texts of ~200 characters; the cost should grow
linearly with N (Python's `re` cache holds 512 compiled patterns: past it every call recompiles).
"""

from __future__ import annotations

import re
import time

from derma_evidence.render.words import search_keywords


def _python_re(synonyms: tuple[tuple[str, str], ...], text: str) -> str:
    return " ".join(words for trigger, words in synonyms if re.search(trigger, text, re.I))


def main() -> None:
    texts = [
        f"Claim {i}: a statement about outcome {i % 37} measured at {i % 12} weeks in {i % 5} trials." * 2
        for i in range(2_000)
    ]
    for n in (256, 512, 1_024, 2_000):
        table = tuple((rf"\bterm{i}(s|es)?\b", f"word{i}") for i in range(n))
        engines = (("python re", _python_re), ("re2 (now)", search_keywords))
        for name, fn in engines[1:] if n > 1_024 else engines:  # python re past 1,024: minutes
            start = time.process_time()
            for x in texts:
                fn(table, x)
            print(f"{n:>5} patterns  {name:<10} {time.process_time() - start:6.2f} s CPU")


if __name__ == "__main__":
    main()
