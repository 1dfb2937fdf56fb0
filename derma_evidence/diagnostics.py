"""Diagnostics, and how a permanent code is declared.

Every code is declared once, by decorating the function that detects it (a loader step, a schema
check or a rule). The function's docstring is the code's reference entry: first line a summary,
then the why, a failing example and the fix. Declaring attaches the entry to the function and
registers nothing: the catalogue of every code is written out in `rules/__init__.py` (`CODES`).
Codes are permanent: never renumber or reuse one.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TypeVar

DOCS_URL = "https://derma-evidence.github.io/derma-evidence/methodology/rules/"
"""The engine's published rule reference (the codes are the engine's, whatever the topic).

A knowledge base that publishes its own site points diagnostics at its own copy of the rule
reference with `derma check --docs-url URL` or the `DERMA_DOCS_URL` environment variable.
"""


def docs_base(url: str | None = None) -> str:
    """The rule reference diagnostics link to: ``url`` (`--docs-url`) if given, else $DERMA_DOCS_URL, else DOCS_URL."""
    return url or os.environ.get("DERMA_DOCS_URL") or DOCS_URL


# The one output sanitiser: what may not reach a terminal or a CI log raw: C0/C1 controls (ESC starts
# terminal escape codes; CR and LF would start a forged diagnostic line), DEL, format and bidi characters, line
# separators, and lone surrogates (from a file name that is not UTF-8).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")


def _esc(m: re.Match[str]) -> str:
    c = ord(m.group())
    if 0xDC80 <= c <= 0xDCFF:  # a byte of a non-UTF-8 file name, as os.fsdecode gives it
        return f"\\x{c - 0xDC00:02x}"
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def clean(s: str) -> str:
    """``s`` with every character that could act on a terminal or forge a line shown as an escape.

    The one output sanitiser: every terminal line goes through it (`report`'s formats, the site's
    warnings, the `derma` commands' messages), whatever the text came from (a file, a file name,
    $DERMA_DOCS_URL or `--docs-url`).
    """
    return _UNSAFE.sub(_esc, s) if _UNSAFE.search(s) else s


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Pos:
    """A 1-based position in a file."""

    file: str
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Diagnostic:
    file: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = Severity.ERROR
    help: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.col, self.code, self.message)

    def docs_url(self, base: str | None = None) -> str:
        """This code's entry in the rule reference at ``base`` (default: `docs_base()`)."""
        return docs_base(base) + "#" + self.code.lower()

    def to_dict(self, docs_url: str | None = None) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "help": self.help,
            "file": self.file,
            "line": self.line,
            "column": self.col,
            "url": self.docs_url(docs_url),
        }


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str
    severity: Severity
    phase: str
    doc: str
    func_name: str = field(compare=False)

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else ""


F = TypeVar("F", bound=Callable[..., object])


def declare(code: str, name: str, severity: Severity = Severity.ERROR, phase: str = "check") -> Callable[[F], F]:
    """Attach ``code``'s catalogue entry to the decorated function (as `.declared`); its docstring documents it.

    Nothing is registered: `rules/__init__.py` lists every declaring function in `DECLARED`.
    """

    def wrap(func: F) -> F:
        func.code = code  # type: ignore[attr-defined]
        func.declared = Code(code, name, severity, phase, func.__doc__ or "", func.__name__)  # type: ignore[attr-defined]
        return func

    return wrap


def declared(func: Callable[..., object]) -> Code:
    """The catalogue entry `declare` attached to ``func``."""
    code: Code = getattr(func, "declared")  # noqa: B009  (set by `declare`, unknown to the type checker)
    return code


def catalogue(funcs: Iterable[Callable[..., object]]) -> dict[str, Code]:
    """The codes declared by ``funcs``, by code, sorted; a code declared twice is our bug."""
    out: dict[str, Code] = {}
    for f in funcs:
        c = declared(f)
        if c.code in out:
            raise ValueError(f"code {c.code} declared twice")
        out[c.code] = c
    return dict(sorted(out.items()))


def make(pos: Pos, code: str, message: str, help: str | None = None, severity: Severity = Severity.ERROR) -> Diagnostic:
    """A diagnostic of a declared code at ``pos``; loader, schema and site codes are errors, a rule gives its own."""
    return Diagnostic(pos.file, pos.line, pos.col, code, message, severity, help)


MAX_SUGGEST_LEN = 120
"""Values or options longer than this get no "did you mean" (they are never typos of a key)."""


def did_you_mean(value: str, options: Iterable[str], n: int = 1) -> str | None:
    """A "did you mean" help text, or None when nothing is close."""
    if len(value) > MAX_SUGGEST_LEN:
        return None
    # Two strings can only reach difflib's 0.6 ratio if their lengths are within a factor of 2.3;
    # filtering first keeps this linear on hostile input (difflib is quadratic in length).
    size = len(value)  # not `n`: that is the number of suggestions
    opts = sorted({o for o in options if len(o) <= MAX_SUGGEST_LEN and 0.6 * (size + len(o)) <= 2 * min(size, len(o))})
    lowered = {o.lower(): o for o in opts}
    if value.lower() in lowered and lowered[value.lower()] != value:
        return f"did you mean '{lowered[value.lower()]}'?"
    close = difflib.get_close_matches(value, opts, n=n, cutoff=0.6)
    if not close:
        close = [lowered[c] for c in difflib.get_close_matches(value.lower(), list(lowered), n=n, cutoff=0.6)]
    if not close:
        return None
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diags), key=Diagnostic.sort_key)


MAX_PER_CODE = 200
"""At most this many diagnostics of one code are listed; the last one listed counts the rest."""


class Collector(list[Diagnostic]):
    """A list of diagnostics that keeps at most ``MAX_PER_CODE`` of each code and counts the rest.

    Loaders collect into one, so that a hostile file with millions of repeated problems costs
    a count, not millions of objects; ``capped()`` marks the last kept one of each full code.
    """

    def __init__(self, limit: int = MAX_PER_CODE) -> None:
        super().__init__()
        self.limit = limit
        self.counts: dict[str, int] = {}

    def full(self, code: str) -> bool:
        """True when another diagnostic of ``code`` would only be counted (then count it with ``skip``)."""
        return self.counts.get(code, 0) >= self.limit

    def skip(self, code: str) -> None:
        self.counts[code] = self.counts.get(code, 0) + 1

    def append(self, d: Diagnostic) -> None:
        n = self.counts.get(d.code, 0) + 1
        self.counts[d.code] = n
        if n <= self.limit:
            super().append(d)

    def extend(self, diags: Iterable[Diagnostic]) -> None:
        for d in diags:
            self.append(d)

    def capped(self) -> list[Diagnostic]:
        out = list(self)
        for code, n in self.counts.items():
            if n > self.limit:
                i = max(i for i, d in enumerate(out) if d.code == code)
                out[i] = replace(
                    out[i], message=f"{out[i].message} (and {n - self.limit} more {code} diagnostics, not listed)"
                )
        return out


def cap_per_code(diags: list[Diagnostic], limit: int = MAX_PER_CODE) -> list[Diagnostic]:
    """The first ``limit`` diagnostics of each code (in order); the last kept one says how many more there are."""
    counts: dict[str, int] = {}
    for d in diags:
        counts[d.code] = counts.get(d.code, 0) + 1
    if all(n <= limit for n in counts.values()):
        return diags
    out: list[Diagnostic] = []
    kept: dict[str, int] = {}
    for d in diags:
        k = kept.get(d.code, 0)
        if k >= limit:
            continue
        kept[d.code] = k + 1
        if k + 1 == limit and counts[d.code] > limit:
            more = counts[d.code] - limit
            d = replace(d, message=f"{d.message} (and {more} more {d.code} diagnostics, not listed)")
        out.append(d)
    return out


class Suggester:
    """`did_you_mean` against one fixed option set, cached per value and with a work budget.

    A knowledge base with thousands of unknown keys and thousands of references would otherwise
    spend minutes in difflib; past the budget, values get no suggestion (the message is unchanged).
    """

    def __init__(self, options: Iterable[str], n: int = 1, budget: int = 50_000) -> None:
        self.known = set(options)
        self.options = sorted(self.known)
        self.n = n
        self.budget = budget  # string comparisons left
        self.cache: dict[str, str | None] = {}

    def __contains__(self, value: object) -> bool:
        """Whether `value` is one of the options: make one Suggester per rule and test ids against it."""
        return value in self.known

    def __call__(self, value: str) -> str | None:
        if value in self.cache:
            return self.cache[value]
        if self.budget < len(self.options):
            return None
        self.budget -= max(1, len(self.options))
        hint = did_you_mean(value, self.options, self.n)
        self.cache[value] = hint
        return hint
