"""Output formats for diagnostics: text (compiler style), JSON, GitHub workflow annotations and SARIF 2.1.0."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

import derma_evidence
from derma_evidence.diagnostics import Diagnostic, Severity, docs_base
from derma_evidence.diagnostics import clean as clean  # re-exported: the commands print through it
from derma_evidence.rules import CODES


def os_failure(exc: OSError, fallback: str) -> str:
    """`FILE: reason` for a failed read or write, the file name cleaned for the terminal."""
    return f"{clean(str(exc.filename or fallback))}: {exc.strerror or exc}"


def _rel(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return clean(path)
    return clean(path if rel.startswith("..") else rel)


def text(diags: Sequence[Diagnostic], docs_url: str | None = None) -> str:
    lines = []
    for d in diags:
        sev = "" if d.severity is Severity.ERROR else " [warning]"
        lines.append(f"{_rel(d.file)}:{d.line}:{d.col}: {d.code} {clean(d.message)}{sev}")
        if d.help:
            help_lines = d.help.split("\n")  # our own line breaks; every other control is escaped
            lines.append(f"  = help: {clean(help_lines[0])}")
            lines.extend(f"          {clean(h)}" for h in help_lines[1:])
        lines.append(f"  = see: {d.docs_url(docs_url)}")  # the URL may come from $DERMA_DOCS_URL: cleaned below
    errors = sum(d.severity is Severity.ERROR for d in diags)
    warnings = len(diags) - errors
    if diags:
        lines.append(f"Found {errors} error(s) and {warnings} warning(s).")
    else:
        lines.append("All checks passed.")
    return "\n".join(clean(line) for line in lines) + "\n"  # every line through the one sanitiser


def as_json(diags: Sequence[Diagnostic], docs_url: str | None = None) -> str:
    # paths relative to the working directory, as in the text output (tests/test_formats.py pins the shape)
    data = [{**d.to_dict(docs_url), "file": _rel(d.file)} for d in diags]
    out = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if _SURROGATE.search(out):  # a non-UTF-8 file name: only \u escapes can carry it
        out = json.dumps(data, indent=2, ensure_ascii=True) + "\n"
    return out


_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_data(s: str) -> str:
    return clean(s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_prop(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def github(diags: Sequence[Diagnostic], docs_url: str | None = None) -> str:
    """GitHub workflow commands (annotations); they carry no link, so `docs_url` is unused."""
    out = []
    for d in diags:
        level = "error" if d.severity is Severity.ERROR else "warning"
        msg = clean(d.message) + ("\nhelp: " + "\n".join(clean(h) for h in d.help.split("\n")) if d.help else "")
        out.append(
            f"::{level} file={_escape_prop(_rel(d.file))},line={d.line},col={d.col},"
            f"title={_escape_prop(d.code)}::{_escape_data(d.code + ' ' + msg)}"
        )
    return "\n".join(out) + ("\n" if out else "")


# --- SARIF 2.1.0 (GitHub code scanning and other SARIF viewers) -------------------------------

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_URI = "https://github.com/derma-evidence/derma-evidence"


def _uri(path: str) -> str:
    """A path as a SARIF artifact URI: relative (to the working directory, POSIX separators) when it can be."""
    rel = _rel(path)
    if os.path.isabs(rel):
        return Path(rel).as_uri()
    return quote(rel.replace(os.sep, "/"))


def sarif(diags: Sequence[Diagnostic], docs_url: str | None = None) -> str:
    """A SARIF 2.1.0 log with one run: every declared code as a rule (with its help URI), a result per diagnostic."""
    codes = sorted(CODES.values(), key=lambda c: c.code)
    index = {c.code: i for i, c in enumerate(codes)}
    rules = [
        {
            "id": c.code,
            "name": c.name,
            "shortDescription": {"text": c.summary or c.name},
            "fullDescription": {"text": " ".join(c.doc.split()) or c.name},
            "helpUri": docs_base(docs_url) + "#" + c.code.lower(),
            "defaultConfiguration": {"level": "error" if c.severity is Severity.ERROR else "warning"},
        }
        for c in codes
    ]
    results = []
    for d in diags:
        result: dict[str, object] = {
            "ruleId": d.code,
            "level": "error" if d.severity is Severity.ERROR else "warning",
            "message": {"text": d.message + (f"\nhelp: {d.help}" if d.help else "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(d.file)},
                        "region": {"startLine": max(d.line, 1), "startColumn": max(d.col, 1)},
                    }
                }
            ],
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "derma",
                        "version": derma_evidence.__version__,
                        "informationUri": TOOL_URI,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


# --- choosing a format and colour --------------------------------------------------------------


def resolve_format(fmt: str, env: Mapping[str, str] | None = None) -> str:
    """`auto` is `github` inside GitHub Actions (GITHUB_ACTIONS=true), else `text`; other formats pass through."""
    if fmt != "auto":
        return fmt
    env = os.environ if env is None else env
    return "github" if env.get("GITHUB_ACTIONS") == "true" else "text"


def use_colour(stream: TextIO, when: str = "auto", env: Mapping[str, str] | None = None) -> bool:
    """Colour only on a terminal: never with NO_COLOR set (https://no-color.org), TERM=dumb, or when piped."""
    if when in ("always", "never"):
        return when == "always"
    env = os.environ if env is None else env
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


_BOLD, _DIM, _RED, _YELLOW, _CYAN, _GREEN, _RESET = (f"\x1b[{n}m" for n in ("1", "2", "31", "33", "36", "32", "0"))
_HEAD = re.compile(r"^(?P<loc>.+?:\d+:\d+:) (?P<code>[A-Z]\d{3})(?P<rest> .*)$")


def colour(out: str) -> str:
    """ANSI colour for `text` output (location bold, code red or yellow, help cyan, the docs link dim)."""
    lines = []
    for line in out.split("\n"):
        m = _HEAD.match(line)
        if m:
            tint = _YELLOW if line.endswith(" [warning]") else _RED
            line = f"{_BOLD}{m['loc']}{_RESET} {tint}{_BOLD}{m['code']}{_RESET}{m['rest']}"
        elif line.startswith("  = help:"):
            line = f"  {_CYAN}= help:{_RESET}{line[len('  = help:') :]}"
        elif line.startswith("  = see:"):
            line = f"{_DIM}{line}{_RESET}"
        elif line.startswith("Found "):
            line = f"{_BOLD}{line}{_RESET}"
        elif line == "All checks passed.":
            line = f"{_GREEN}{line}{_RESET}"
        lines.append(line)
    return "\n".join(lines)
