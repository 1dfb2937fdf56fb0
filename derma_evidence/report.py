"""Output formats for diagnostics: text (compiler style), JSON and GitHub workflow annotations."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence

from derma_evidence.diagnostics import Diagnostic, Severity

# What may not reach a terminal or a CI log raw: C0/C1 controls (ESC starts terminal escape
# codes; CR and LF would start a forged diagnostic line), DEL, format and bidi characters, line
# separators, and lone surrogates (from a file name that is not UTF-8).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")


def _esc(m: re.Match[str]) -> str:
    c = ord(m.group())
    if 0xDC80 <= c <= 0xDCFF:  # a byte of a non-UTF-8 file name, as os.fsdecode gives it
        return f"\\x{c - 0xDC00:02x}"
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def clean(s: str) -> str:
    """``s`` with every character that could act on a terminal or forge a line shown as an escape."""
    return _UNSAFE.sub(_esc, s) if _UNSAFE.search(s) else s


def _rel(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return clean(path)
    return clean(path if rel.startswith("..") else rel)


def text(diags: Sequence[Diagnostic]) -> str:
    lines = []
    for d in diags:
        sev = "" if d.severity is Severity.ERROR else " [warning]"
        lines.append(f"{_rel(d.file)}:{d.line}:{d.col}: {d.code} {clean(d.message)}{sev}")
        if d.help:
            help_lines = d.help.split("\n")  # our own line breaks; every other control is escaped
            lines.append(f"  = help: {clean(help_lines[0])}")
            lines.extend(f"          {clean(h)}" for h in help_lines[1:])
        lines.append(f"  = see: {d.docs_url}")
    errors = sum(d.severity is Severity.ERROR for d in diags)
    warnings = len(diags) - errors
    if diags:
        lines.append(f"Found {errors} error(s) and {warnings} warning(s).")
    else:
        lines.append("All checks passed.")
    return "\n".join(lines) + "\n"


def as_json(diags: Sequence[Diagnostic]) -> str:
    out = json.dumps([d.to_dict() for d in diags], indent=2, ensure_ascii=False) + "\n"
    if _SURROGATE.search(out):  # a non-UTF-8 file name: only \u escapes can carry it
        out = json.dumps([d.to_dict() for d in diags], indent=2, ensure_ascii=True) + "\n"
    return out


_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_data(s: str) -> str:
    return clean(s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_prop(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def github(diags: Sequence[Diagnostic]) -> str:
    out = []
    for d in diags:
        level = "error" if d.severity is Severity.ERROR else "warning"
        msg = clean(d.message) + (f"\nhelp: {d.help}" if d.help else "")
        out.append(
            f"::{level} file={_escape_prop(_rel(d.file))},line={d.line},col={d.col},"
            f"title={_escape_prop(d.code)}::{_escape_data(d.code + ' ' + msg)}"
        )
    return "\n".join(out) + ("\n" if out else "")
