"""The marker lines a hand-written page may hold (`<!-- derma:NAME -->`) and their check (P001).

The names are `vocab.MARKERS`; the site map (`render/sitemap.py`) fills each one. Text inside code is
never a marker: a fenced block (``` or ~~~, CommonMark's rules: up to 3 spaces of indent, closed by a
fence of the same character at least as long, or by the end of the page), an indented code block (4
spaces after a blank line) and an inline code span (a run of backticks closed by a run of the same
length within its paragraph) show `<!-- derma:NAME -->` as text, so a page can document the markers.
"""

from __future__ import annotations

import re

from derma_evidence.contract.vocab import MARKERS
from derma_evidence.diagnostics import Diagnostic, Pos, declare, did_you_mean, make

MARKER_RE = re.compile(r"^<!-- derma:([a-z-]+) -->$", re.M)
ANY_MARKER_RE = re.compile(r"<!--\s*derma:\s*([^\s>]*)")
"""Anything that looks like a marker, to report the mistyped ones instead of leaving them as comments."""


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})([^\n]*)$", re.M)
_TICKS = re.compile(r"`+")


def code_regions(markdown: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of every fenced block, indented code block and inline code span, in order."""
    regions: list[tuple[int, int]] = []
    pos = 0
    lines = markdown.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    i = 0
    prose: list[tuple[int, int]] = []  # stretches outside blocks, for the inline spans
    start_prose = 0
    blank_before = True
    while i < len(lines):
        line = lines[i].rstrip("\r\n")
        m = _FENCE.match(line)
        if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            fence = m.group(1)
            j = i + 1
            close = re.compile(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
            while j < len(lines) and not close.match(lines[j].rstrip("\r\n")):
                j += 1
            end = offsets[min(j + 1, len(lines))]
            prose.append((start_prose, offsets[i]))
            regions.append((offsets[i], end))
            start_prose = end
            i = j + 1
            blank_before = True
            continue
        if blank_before and line.startswith(("    ", "\t")) and line.strip():
            j = i
            while j < len(lines) and (lines[j].startswith(("    ", "\t")) or not lines[j].strip()):
                j += 1
            prose.append((start_prose, offsets[i]))
            regions.append((offsets[i], offsets[j]))
            start_prose = offsets[j]
            i = j
            blank_before = True
            continue
        blank_before = not line.strip()
        i += 1
    prose.append((start_prose, len(markdown)))
    for a, b in prose:
        pos = a
        while True:
            m = _TICKS.search(markdown, pos, b)
            if m is None:
                break
            n = len(m.group())
            k = m.end()
            found = -1
            while (t := _TICKS.search(markdown, k, b)) is not None:
                if "\n\n" in markdown[k : t.start()] or "\n\r\n" in markdown[k : t.start()]:
                    break
                if len(t.group()) == n:
                    found = t.end()
                    break
                k = t.end()
            if found < 0:
                pos = m.end()
                continue
            regions.append((m.start(), found))
            pos = found
    return sorted(regions)


def _in_code(regions: list[tuple[int, int]], offset: int) -> bool:
    lo, hi = 0, len(regions)
    while lo < hi:  # the last region starting at or before offset
        mid = (lo + hi) // 2
        if regions[mid][0] <= offset:
            lo = mid + 1
        else:
            hi = mid
    return lo > 0 and offset < regions[lo - 1][1]


def markers(markdown: str) -> list[re.Match[str]]:
    """The known-form marker lines (`MARKER_RE`) outside code, in order; `render.fill_markers` fills these."""
    regions = code_regions(markdown)
    return [m for m in MARKER_RE.finditer(markdown) if not _in_code(regions, m.start())]


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
    regions = code_regions(markdown) if "`" in markdown or "~~~" in markdown or "    " in markdown else []
    for m in ANY_MARKER_RE.finditer(markdown):
        if _in_code(regions, m.start()):
            continue
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
