"""BibTeX through bibtexparser 2, with positions, macros resolved and every failure kept.

bibtexparser runs with an empty middleware stack: field values arrive raw (`{...}`, `"..."`,
numbers, macro names joined with `#`), and this module resolves them itself so that an
undefined `@string` macro is an error rather than a silent literal. The LaTeX-decoding
middleware is not used: it costs about 30 times the parse, and the site formats references
from the raw fields.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser import model as bm

from derma_evidence.diagnostics import Diagnostic, Pos, declare, make
from derma_evidence.load.text import MAX_BYTES, decode, too_large

MONTHS = {m: str(i) for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


@dataclass(frozen=True, slots=True)
class RawReference:
    key: str
    entry_type: str
    fields: dict[str, str]
    pos: Pos
    field_pos: dict[str, Pos] = field(default_factory=dict)


@dataclass(slots=True)
class BibResult:
    references: list[RawReference]
    diagnostics: list[Diagnostic]


def _col_of(lines: list[str], line0: int, needle: str) -> int:
    if 0 <= line0 < len(lines):
        i = lines[line0].lower().find(needle.lower())
        if i >= 0:
            return i + 1
    return 1


_FIELD_BEFORE_EQ = re.compile(r"(?<![\w\-:.])([A-Za-z_][\w\-:.]*)\s*\Z")


def _field_col(lines: list[str], line0: int, key: str) -> int:
    if 0 <= line0 < len(lines):
        line = lines[line0]
        stripped = line.lstrip()
        if stripped[: len(key)].lower() == key and stripped[len(key) : len(key) + 1] in (" ", "=", "\t"):
            return len(line) - len(stripped) + 1
        start = 0
        while (eq := line.find("=", start)) >= 0:
            window = max(0, eq - len(key) - 64)  # bounded look-back: linear even on hostile lines
            m = _FIELD_BEFORE_EQ.search(line, window, eq)
            if m and m.group(1).lower() == key:
                return m.start(1) + 1
            start = eq + 1
    return 1


def _split_concat(raw: str) -> list[str]:
    """Split a raw value on `#` outside braces and quotes."""
    parts: list[str] = []
    depth = 0
    quoted = False
    start = 0
    for i, ch in enumerate(raw):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
            parts.append(raw[start:i].strip())
            start = i + 1
    parts.append(raw[start:].strip())
    return parts


def load_bib(path: str, data: bytes) -> BibResult:
    """Parse ``data`` (the bytes of ``path``); never raises on bad input."""
    if len(data) > MAX_BYTES:
        return BibResult([], [too_large(path, len(data))])
    text, diags = decode(path, data)
    lines = text.text.split("\n")
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    try:
        library = bibtexparser.parse_string(text.text, parse_stack=[])  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - a third-party parser failing is reported, not raised
        diags.append(parse_failure(Pos(path, 1, 1), f"the BibTeX parser failed: {exc}"))
        return BibResult([], diags)
    macros = dict(MONTHS)
    refs: list[RawReference] = []
    seen: dict[str, tuple[str, int]] = {}
    for block in library.blocks:
        line0 = block.start_line if block.start_line is not None else 0
        bpos = Pos(path, line0 + 1, _col_of(lines, line0, "@"))
        if isinstance(block, bm.String):
            value, bad = _resolve(str(block.value), macros)
            macros[block.key.lower()] = value
            for name in bad:
                diags.append(undefined_macro(bpos, name))
            continue
        entry: bm.Entry | None = None
        if isinstance(block, bm.DuplicateFieldKeyBlock):
            dup = ", ".join(sorted(block.duplicate_keys))
            diags.append(parse_failure(bpos, f"entry repeats the field(s) {dup}", "keep one value per field"))
            entry = block.ignore_error_block if isinstance(block.ignore_error_block, bm.Entry) else None
        elif isinstance(block, bm.DuplicateBlockKeyBlock):
            prev = block.previous_block.start_line
            first = (prev + 1) if prev is not None else 0
            diags.append(duplicate_bib_key(bpos, block.key, first))
            continue
        elif isinstance(block, bm.ParsingFailedBlock):
            head = (block.raw or "").lstrip().split("{", 1)[0].strip() or "block"
            diags.append(parse_failure(bpos, f"cannot parse this {head} block (unbalanced braces or quotes?)"))
            continue
        elif isinstance(block, bm.Entry):
            entry = block
        if entry is None:
            continue
        lowered = entry.key.lower()
        if lowered in seen:
            first_key, first_line = seen[lowered]
            diags.append(duplicate_bib_key(bpos, entry.key, first_line, first_key))
            continue
        seen[lowered] = (entry.key, bpos.line)
        fields: dict[str, str] = {}
        fpos: dict[str, Pos] = {}
        for f in entry.fields:
            name = f.key.lower()
            fl0 = f.start_line if f.start_line is not None else line0
            p = Pos(path, fl0 + 1, _field_col(lines, fl0, name))
            value, bad = _resolve(str(f.value), macros)
            for macro in bad:
                diags.append(undefined_macro(p, macro))
            fields[name] = value
            fpos[name] = p
        refs.append(RawReference(entry.key, entry.entry_type.lower(), fields, bpos, fpos))
    return BibResult(refs, diags)


def _resolve(raw: str, macros: dict[str, str]) -> tuple[str, list[str]]:
    if "#" not in raw:  # fast path: a single braced, quoted or numeric value
        first, last = raw[:1], raw[-1:]
        if (first == "{" and last == "}") or (first == '"' and last == '"' and len(raw) >= 2):
            return raw[1:-1], []
        if raw.isdigit():
            return raw, []
    out: list[str] = []
    bad: list[str] = []
    for part in _split_concat(raw):
        if len(part) >= 2 and part[0] == "{" and part[-1] == "}":
            out.append(part[1:-1])
        elif len(part) >= 2 and part[0] == '"' and part[-1] == '"':
            out.append(part[1:-1])
        elif part.isdigit():
            out.append(part)
        elif part.lower() in macros:
            out.append(macros[part.lower()])
        else:
            bad.append(part)
            out.append(part)
    return "".join(out), bad


@declare("B001", "bibtex-parse-failure", phase="load")
def parse_failure(pos: Pos, message: str, help: str | None = None) -> Diagnostic:
    """A BibTeX block cannot be parsed.

    Why: a block the parser gives up on is a reference that silently disappears; every claim
    citing it would then point at nothing. The rest of the file is still read.

    Example: `@article{dhurat2013, title = {unclosed` or a field given twice in one entry.

    Fix: close the brace or quote at the position given, or keep one value per field.
    """
    return make(pos, "B001", message, help or "check braces, quotes and commas around this line")


@declare("B002", "duplicate-bibtex-key", phase="load")
def duplicate_bib_key(pos: Pos, key: str, first_line: int, first_key: str | None = None) -> Diagnostic:
    """Two BibTeX entries share a citation key (also when only the letter case differs).

    Why: BibTeX tools disagree about which entry wins, and keys that differ only in case break
    on case-insensitive file systems and in many reference managers.

    Example: `@article{Dhurat2013, ...}` and later `@article{dhurat2013, ...}`.

    Fix: delete the duplicate, or give the second entry its own key (e.g. `dhurat2013b`).
    """
    if first_key is not None and first_key != key:
        msg = f"citation key '{key}' differs only in case from '{first_key}' (line {first_line})"
    else:
        msg = f"duplicate citation key '{key}' (first defined on line {first_line})"
    return make(pos, "B002", msg, "delete the duplicate or rename it, e.g. with a trailing 'b'")


@declare("B003", "undefined-macro", phase="load")
def undefined_macro(pos: Pos, name: str) -> Diagnostic:
    """A field uses a `@string` macro that is never defined.

    Why: BibTeX would print the macro's name, or nothing, in place of the value; the error hides
    until someone reads the bibliography. Month names (`jan` ... `dec`) are predefined.

    Example: `journal = jeadv,` with no `@string{jeadv = ...}` above it.

    Fix: define the macro with `@string{name = {...}}` before its first use, or write the value
    in braces.
    """
    return make(
        pos,
        "B003",
        f"undefined @string macro '{name}'",
        "define it with @string{" + name + " = {...}} above, or write the value in braces",
    )
