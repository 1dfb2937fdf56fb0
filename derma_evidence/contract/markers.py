"""The marker lines a hand-written page may hold (`<!-- derma:NAME -->`) and their check (P001).

The names are `vocab.MARKERS`; the site map (`render/sitemap.py`) fills each one.
"""

from __future__ import annotations

import re

from derma_evidence.contract.vocab import MARKERS
from derma_evidence.diagnostics import Diagnostic, Pos, declare, did_you_mean, make

MARKER_RE = re.compile(r"^<!-- derma:([a-z-]+) -->$", re.M)
ANY_MARKER_RE = re.compile(r"<!--\s*derma:\s*([^\s>]*)")
"""Anything that looks like a marker, to report the mistyped ones instead of leaving them as comments."""


@declare("P001", "unknown-marker", phase="site")
def marker_problems(markdown: str, path: str) -> list[Diagnostic]:
    """A hand-written page has a `<!-- derma:NAME -->` marker line whose NAME is not a known fragment.

    Why: the marker would stay an invisible HTML comment, and the generated fragment (the home
    page's key numbers, the certainty table) would silently be missing from the page.

    Example: `<!-- derma:key-number -->` in content/index.md.

    Fix: use one of the known names (`key-numbers`, `certainty-table`), alone on its line, written
    exactly `<!-- derma:NAME -->`.
    """
    out = []
    for m in ANY_MARKER_RE.finditer(markdown):
        start = markdown.rfind("\n", 0, m.start()) + 1
        end = markdown.find("\n", m.start())
        line_text = markdown[start : end if end >= 0 else len(markdown)].rstrip("\r")
        name = m.group(1)
        known = MARKER_RE.fullmatch(line_text)
        if known and known.group(1) in MARKERS:
            continue
        pos = Pos(path, markdown.count("\n", 0, m.start()) + 1, m.start(1) - start + 1)
        if name in MARKERS:
            message = f"marker '{name}' must be alone on its line, written exactly `<!-- derma:{name} -->`"
            hint = f"write `<!-- derma:{name} -->` on a line of its own"
        else:
            message = f"unknown marker '{name}'"
            hint = ((did_you_mean(name, MARKERS) or "") + " known markers: " + ", ".join(sorted(MARKERS))).strip()
        out.append(make(pos, "P001", message, hint))
    return out
