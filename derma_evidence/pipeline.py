"""Load -> schema -> model -> rules, in one function shared by the checker and the site build."""

from __future__ import annotations

import bisect
import datetime as dt
import gc
from collections.abc import Iterable
from dataclasses import dataclass

from derma_evidence import rules
from derma_evidence.contract import vocabulary
from derma_evidence.contract.schema import validate
from derma_evidence.diagnostics import Diagnostic, Severity, cap_per_code, sort_diagnostics
from derma_evidence.load.bib import BibResult, load_bib
from derma_evidence.load.text import read_bytes
from derma_evidence.load.yamlpos import YamlResult, load_yaml
from derma_evidence.model.kb import KnowledgeBase, build
from derma_evidence.rules import (
    CODES as CODES,  # the catalogue, for `derma rules` and --select (commands import no rules)
)
from derma_evidence.rules.since import load_previous, since


@dataclass(frozen=True, slots=True)
class Result:
    kb: KnowledgeBase
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]


def check_bytes(
    claims_path: str, claims_data: bytes, bib_path: str, bib_data: bytes, today: dt.date | None = None
) -> Result:
    """Check two files given as bytes; never raises on bad input."""
    enabled = gc.isenabled()
    gc.disable()  # the trees hold no cycles; the collector would only rescan them
    try:
        y = load_yaml(claims_path, claims_data)
        b = load_bib(bib_path, bib_data)
        return check_loaded(claims_path, y, bib_path, b, today)
    finally:
        if enabled:
            gc.enable()


def check_loaded(claims_path: str, y: YamlResult, bib_path: str, b: BibResult, today: dt.date | None = None) -> Result:
    """Check files already loaded (`derma new` reuses the trees it has read); never raises on bad input."""
    today = today or dt.date.today()
    enabled = gc.isenabled()
    gc.disable()
    try:
        diags = [*y.diagnostics, *b.diagnostics]
        if y.root is not None:
            diags.extend(validate(claims_path, y.root))
            diags.extend(vocabulary.check(claims_path, y.root))
        kb = build(claims_path, y.root, bib_path, b.references, today)
        diags.extend(rules.run(kb))
        diags = acknowledge(kb, diags)
    finally:
        if enabled:
            gc.enable()
    return Result(kb, cap_per_code(sort_diagnostics(diags)))


ACK_FIELD = "checker-ignore"
"""BibTeX field listing warning codes acknowledged for that entry, e.g. `checker-ignore = {B010}`."""


def acknowledge(kb: KnowledgeBase, diags: list[Diagnostic]) -> list[Diagnostic]:
    """Drop warnings that a BibTeX entry acknowledges in its `checker-ignore` field.

    Only warnings can be acknowledged, never errors, and only on the entry that lists them; the
    entry's `note` should say why (e.g. no DOI or PMID exists for a 1999 review on PubMed).
    """
    spans: list[tuple[tuple[int, int], tuple[int, int], str, set[str]]] = []
    for r in kb.references:
        codes = {c.strip().upper() for c in (r.get(ACK_FIELD) or "").split(",") if c.strip()}
        if codes:
            end = r.end or r.pos
            spans.append(((r.pos.line, r.pos.col), (end.line, end.col), r.pos.file, codes))
    if not spans:
        return diags
    spans.sort()
    starts = [s[0] for s in spans]

    def acked(d: Diagnostic) -> bool:
        i = bisect.bisect_right(starts, (d.line, d.col)) - 1  # entries do not overlap: one candidate
        if i < 0:
            return False
        start, end, file, codes = spans[i]
        return file == d.file and start <= (d.line, d.col) <= end and d.code in codes

    return [d for d in diags if d.severity is not Severity.WARNING or not acked(d)]


def check_files(claims_path: str, bib_path: str, today: dt.date | None = None) -> Result:
    """Check two files on disk. OSError (missing, unreadable) propagates: the tool cannot run."""
    return check_bytes(claims_path, read_bytes(claims_path), bib_path, read_bytes(bib_path), today)


def select(diags: Iterable[Diagnostic], select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Diagnostic]:
    """Filter by code prefixes, as ruff does: `--select C` keeps all C codes, `--ignore C012` drops one."""
    sel = tuple(s.upper() for s in select)
    ign = tuple(s.upper() for s in ignore)
    return [d for d in diags if (not sel or d.code.startswith(sel)) and not (ign and d.code.startswith(ign))]


def known_code_prefix(prefix: str) -> bool:
    return any(code.startswith(prefix.upper()) for code in CODES)


def check_since(kb: KnowledgeBase, previous: bytes) -> list[Diagnostic]:
    """L007 against a previous claims.json export (`derma check --since FILE`); ValueError when it is not one."""
    return since(kb, load_previous(previous))
