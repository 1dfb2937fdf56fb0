"""Output formats for diagnostics: text (compiler style), JSON and GitHub workflow annotations."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

from derma_evidence.diagnostics import Diagnostic, Severity


def _rel(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def text(diags: Sequence[Diagnostic]) -> str:
    lines = []
    for d in diags:
        sev = "" if d.severity is Severity.ERROR else " [warning]"
        lines.append(f"{_rel(d.file)}:{d.line}:{d.col}: {d.code} {d.message}{sev}")
        if d.help:
            help_lines = d.help.splitlines()
            lines.append(f"  = help: {help_lines[0]}")
            lines.extend(f"          {h}" for h in help_lines[1:])
        lines.append(f"  = see: {d.docs_url}")
    errors = sum(d.severity is Severity.ERROR for d in diags)
    warnings = len(diags) - errors
    if diags:
        lines.append(f"Found {errors} error(s) and {warnings} warning(s).")
    else:
        lines.append("All checks passed.")
    return "\n".join(lines) + "\n"


def as_json(diags: Sequence[Diagnostic]) -> str:
    return json.dumps([d.to_dict() for d in diags], indent=2, ensure_ascii=False) + "\n"


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def github(diags: Sequence[Diagnostic]) -> str:
    out = []
    for d in diags:
        level = "error" if d.severity is Severity.ERROR else "warning"
        msg = d.message + (f"\nhelp: {d.help}" if d.help else "")
        out.append(
            f"::{level} file={_escape_prop(_rel(d.file))},line={d.line},col={d.col},"
            f"title={_escape_prop(d.code)}::{_escape_data(d.code + ' ' + msg)}"
        )
    return "\n".join(out) + ("\n" if out else "")
