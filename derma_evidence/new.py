"""`derma new claim` and `derma new reference`: append one valid entry, losing nothing.

The entry is built from options (or asked for, when stdin is a terminal), inserted as text at the
end of the `claims:` list of data/claims.yaml or at the end of references.bib, and every other
byte of the file is kept. Text values are written as double-quoted scalars (JSON string syntax,
which YAML reads the same way), so `yes`, `010`, `#` or `: ` cannot change meaning. The result is
checked in memory before it is written; it is written atomically (temporary file + os.replace),
checked again on disk, and the original bytes are restored if the new entry brought errors.

Exit codes: 0 added (or printed with --dry-run), 1 refused (duplicate, checker errors, a file
the entry cannot be inserted into safely), 2 the tool could not run (bad or missing options,
an unreadable file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from derma_evidence import report
from derma_evidence.diagnostics import Diagnostic, Pos, Severity, did_you_mean, make
from derma_evidence.load.bib import load_bib
from derma_evidence.load.text import decode
from derma_evidence.load.yamlpos import Map, Node, Scalar, Seq, load_yaml, resolve_plain
from derma_evidence.model import CERTAINTIES, DESIGNS, STANCES, UNITS_FOR_MEASURE, VERDICTS
from derma_evidence.pipeline import Result, check_bytes
from derma_evidence.rules import ENTRY_TYPES

DEFAULT_CLAIMS = "data/claims.yaml"
DEFAULT_BIB = "references.bib"

MEASURES = tuple(UNITS_FOR_MEASURE)
UNITS = ("mm", "um", "h", "d", "wk", "mo", "%", "1")
BIB_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.+\-]*$")
_PLAIN_OK = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
# What a data file may not contain (see load/text.py) plus what YAML cannot hold unescaped:
# C0/C1 controls other than tab and line feed, DEL, zero-width and bidi controls, BOM,
# line/paragraph separators (YAML 1.1 line breaks), non-characters and lone surrogates.
_REFUSED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069"
    "\ufeff\ufff9-\ufffb\ufffe\uffff\ud800-\udfff]"
)

Ask = Callable[[str], str]


class UsageError(Exception):
    """Bad or missing options: exit 2."""


class Refused(Exception):
    """The entry cannot be added: exit 1, with diagnostics or a message."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)


# --- command line ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # option name without dashes, also the attribute (with _)
    prompt: str
    required: bool
    choices: tuple[str, ...] = ()
    default: str | None = None


CLAIM_FIELDS = (
    Field("id", "claim id (kebab-case, permanent)", True),
    Field("topic", "topic id", True),
    Field("statement", "statement (plain text, one to three sentences)", True),
    Field("verdict", "verdict", True, VERDICTS),
    Field("certainty", "certainty", True, CERTAINTIES),
    Field("key", "citation key of the source in references.bib", True),
    Field("stance", "stance of that source", True, STANCES, "supports"),
    Field("locator", "locator (page, table, figure or section)", True),
    Field("quote", "quote: one exact sentence (optional)", False),
    Field("measure", "quantity measure (optional)", False, MEASURES),
    Field("about", "what the quantity is of, in a few words (optional)", False),
    Field("min", "quantity min", False),
    Field("max", "quantity max (optional)", False),
    Field("unit", "quantity unit", False, UNITS),
    Field("note", "note: caveats a reader must see (optional)", False),
    Field("reviewed", "reviewed (YYYY-MM-DD)", True),
)

REFERENCE_FIELDS = (
    Field("key", "citation key (e.g. dhurat2013)", True),
    Field("type", "entry type", True, tuple(sorted(ENTRY_TYPES)), "article"),
    Field("author", "authors as 'Last, First and Last, First'", True),
    Field("title", "title, exactly as on PubMed", True),
    Field("journal", "journal (articles)", False),
    Field("year", "year", True),
    Field("volume", "volume (optional)", False),
    Field("number", "issue number (optional)", False),
    Field("pages", "pages (optional)", False),
    Field("doi", "DOI, bare (10.xxxx/...)", False),
    Field("pmid", "PMID (digits)", False),
    Field("pmcid", "PMCID (optional)", False),
    Field("url", "URL (optional)", False),
    Field("design", "study design", True, DESIGNS),
    Field("note", "verification note: what you checked, where (optional)", False),
)


def _opt(f: Field) -> str:
    return "--" + f.name.replace("_", "-")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `new claim` and `new reference` under the `derma` subcommands."""
    new = sub.add_parser(
        "new",
        help="add a claim or a reference (asks for missing fields on a terminal)",
        description="Append a new, valid entry to data/claims.yaml or references.bib; nothing else changes.",
    )
    kinds = new.add_subparsers(dest="kind", metavar="KIND")
    claim = kinds.add_parser(
        "claim",
        help="append a claim to the claims list of data/claims.yaml",
        description="Append a claim with one source; add more sources by hand afterwards.",
    )
    ref = kinds.add_parser(
        "reference",
        help="append a BibTeX entry to references.bib",
        description="Append a BibTeX entry; verify every field against PubMed or PMC first.",
    )
    for p, fields in ((claim, CLAIM_FIELDS), (ref, REFERENCE_FIELDS)):
        for f in fields:
            kwargs: dict[str, object] = {"dest": f.name, "default": None, "metavar": f.name.upper()}
            text = f.prompt
            if f.choices:
                text += " [" + ", ".join(f.choices) + "]"
            if f.default:
                text += f" (default on a terminal: {f.default})"
            p.add_argument(_opt(f), help=text.replace("%", "%%"), **kwargs)  # type: ignore[arg-type]
        p.add_argument("--claims", default=DEFAULT_CLAIMS, metavar="PATH", help="claims file (default: %(default)s)")
        p.add_argument("--bib", default=DEFAULT_BIB, metavar="PATH", help="BibTeX file (default: %(default)s)")
        p.add_argument("--today", type=_date, default=None, metavar="DATE", help="today's date (default: today)")
        p.add_argument("--dry-run", action="store_true", help="print the entry and check it; write nothing")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: '{value}'") from None


def run(args: argparse.Namespace, ask: Ask | None = None, interactive: bool | None = None) -> int:
    """Run `derma new ...`; ``ask`` reads one answer (default: input()), used only on a terminal."""
    kind = getattr(args, "kind", None)
    if kind not in ("claim", "reference"):
        print("derma new: error: say what to add: `derma new claim` or `derma new reference`", file=sys.stderr)
        return 2
    if interactive is None:
        interactive = sys.stdin.isatty()
    today = args.today or dt.date.today()
    fields = CLAIM_FIELDS if kind == "claim" else REFERENCE_FIELDS
    try:
        values = collect(fields, vars(args), ask or input, interactive, today)
        if kind == "claim":
            outcome = add_claim(args.claims, args.bib, values, today, args.dry_run)
        else:
            outcome = add_reference(args.claims, args.bib, values, today, args.dry_run)
    except UsageError as exc:
        print(f"derma new {kind}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"derma new {kind}: error: cannot read or write {exc.filename or 'a file'}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 2
    except Refused as exc:
        if exc.diagnostics:
            sys.stdout.write(report.text(exc.diagnostics))
        print(f"derma new {kind}: {exc}", file=sys.stderr)
        return 1
    if args.dry_run:
        sys.stdout.write(outcome.entry)
    else:
        print(f"{outcome.path}:{outcome.line}: added {kind} '{values['id' if kind == 'claim' else 'key']}'")
    if outcome.warnings:
        sys.stdout.write(report.text(outcome.warnings))
    return 0


def collect(
    fields: Sequence[Field], given: dict[str, object], ask: Ask, interactive: bool, today: dt.date
) -> dict[str, str]:
    """The field values: given as options, else asked for on a terminal, else a usage error."""
    values: dict[str, str] = {}
    missing: list[str] = []
    for f in fields:
        raw = given.get(f.name)
        if raw is not None:
            values[f.name] = str(raw)
            continue
        if not interactive and (f.default or f.name == "reviewed"):
            values[f.name] = f.default or today.isoformat()
            continue
        if not interactive:
            if f.required:
                missing.append(_opt(f))
            continue
        if f.name in ("about", "min", "max", "unit") and "measure" not in values:
            continue
        default = today.isoformat() if f.name == "reviewed" else f.default
        answer = _ask(f, ask, default)
        if answer:
            values[f.name] = answer
    if missing:
        raise UsageError(
            "missing required option(s): " + ", ".join(missing) + " (they are asked for only when run in a terminal)"
        )
    return values


def _ask(f: Field, ask: Ask, default: str | None) -> str:
    label = f.prompt
    if f.choices:
        label += " [" + ", ".join(f.choices) + "]"
    if default:
        label += f" ({default})"
    while True:
        try:
            answer = ask(label + ": ").strip()
        except EOFError:
            raise UsageError(f"no answer for {_opt(f)}") from None
        if not answer and default:
            answer = default
        if not answer and f.required:
            print(f"  {f.name} is required", file=sys.stderr)
            continue
        if answer and f.choices and answer not in f.choices:
            hint = did_you_mean(answer, f.choices)
            print(
                f"  '{answer}' is not one of: {', '.join(f.choices)}" + (f" ({hint})" if hint else ""), file=sys.stderr
            )
            continue
        return answer


# --- building entries --------------------------------------------------------------------------


def check_text(name: str, value: str) -> str:
    """``value`` unless it holds a character the data files refuse (controls, bidi, zero-width...)."""
    m = _REFUSED.search(value)
    if m:
        raise UsageError(f"--{name} contains the character U+{ord(m.group()):04X}, which the data files refuse")
    return value


def yaml_text(value: str) -> str:
    """``value`` as a double-quoted YAML scalar that reads back as exactly ``value``."""
    return json.dumps(value, ensure_ascii=False)


def yaml_word(value: str) -> str:
    """A vocabulary word or id: plain when YAML reads it back as that same text, else quoted."""
    if _PLAIN_OK.match(value) and resolve_plain(value) == "str":
        return value
    return yaml_text(value)


def yaml_number(name: str, value: str) -> str:
    """A decimal number in the form YAML 1.1 reads as a number (no exponent, no leading zeros)."""
    try:
        d = Decimal(value.strip())
    except InvalidOperation:
        raise UsageError(f"--{name} must be a number, got '{value}'") from None
    if not d.is_finite():
        raise UsageError(f"--{name} must be a finite number, got '{value}'")
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0")
        text = text + "0" if text.endswith(".") else text
    if text in ("-0", "-0.0"):
        text = text[1:]
    assert resolve_plain(text) in ("int", "float"), text
    return text


def claim_lines(values: dict[str, str]) -> list[tuple[int, str]]:
    """The claim as (extra indent, line) pairs; indent 0 is the claim's field level."""
    for name in (
        "id",
        "topic",
        "statement",
        "verdict",
        "certainty",
        "key",
        "stance",
        "locator",
        "quote",
        "note",
        "measure",
        "about",
        "unit",
        "reviewed",
    ):
        if name in values:
            check_text(name, values[name])
    lines: list[tuple[int, str]] = [
        (0, f"id: {yaml_word(values['id'])}"),
        (0, f"topic: {yaml_word(values['topic'])}"),
        (0, f"statement: {yaml_text(values['statement'])}"),
    ]
    if any(k in values for k in ("measure", "about", "min", "max", "unit")):
        missing = [f"--{k}" for k in ("measure", "min", "unit") if k not in values]
        if missing:
            raise UsageError("a quantity needs " + ", ".join(missing))
        lines.append((0, "quantity:"))
        if values.get("about"):
            lines.append((2, f"about: {yaml_text(values['about'])}"))
        lines.append((2, f"measure: {yaml_word(values['measure'])}"))
        lines.append((2, f"min: {yaml_number('min', values['min'])}"))
        if "max" in values:
            lines.append((2, f"max: {yaml_number('max', values['max'])}"))
        lines.append((2, f"unit: {yaml_word(values['unit'])}"))
    lines += [
        (0, f"verdict: {yaml_word(values['verdict'])}"),
        (0, f"certainty: {yaml_word(values['certainty'])}"),
        (0, "sources:"),
        (2, f"- key: {yaml_text(values['key'])}"),
        (4, f"stance: {yaml_word(values['stance'])}"),
        (4, f"locator: {yaml_text(values['locator'])}"),
    ]
    if values.get("quote"):
        lines.append((4, f"quote: {yaml_text(values['quote'])}"))
    if values.get("note"):
        lines.append((0, f"note: {yaml_text(values['note'])}"))
    reviewed = values["reviewed"]
    lines.append(
        (0, f"reviewed: {reviewed if re.fullmatch(r'[0-9]{4}-[0-9]{2}-[0-9]{2}', reviewed) else yaml_text(reviewed)}")
    )
    return lines


def bib_value(name: str, value: str) -> str:
    """A BibTeX field value in braces; refuses what braces cannot hold safely."""
    check_text(name, value)
    if "\n" in value or "\r" in value:
        raise UsageError(f"--{name} must be on one line")
    depth = 0
    for ch in value:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth != 0:
        raise UsageError(f"--{name} has unbalanced braces {{ }}")
    if "\\" in value and name in ("doi", "url"):
        raise UsageError(f"--{name} must not contain a backslash")
    return "{" + value + "}"


BIB_ORDER = (
    "author",
    "title",
    "journal",
    "year",
    "volume",
    "number",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "url",
    "design",
    "note",
)


def reference_text(values: dict[str, str], newline: str = "\n") -> str:
    key = values["key"]
    if not BIB_KEY_RE.match(key):
        raise UsageError(f"citation key '{key}' may hold only letters, digits and _ : . + - (e.g. dhurat2013)")
    etype = values.get("type") or "article"
    if etype.lower() not in ENTRY_TYPES:
        hint = did_you_mean(etype.lower(), ENTRY_TYPES)
        raise UsageError(f"unknown entry type '{etype}'" + (f"; {hint}" if hint else ""))
    present = [n for n in BIB_ORDER if values.get(n)]
    width = max(len(n) for n in present)
    body = [f"  {n.ljust(width)} = {bib_value(n, values[n])}," for n in present]
    return f"@{etype.lower()}{{{key},{newline}" + newline.join(body) + f"{newline}}}{newline}"


# --- inserting ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    path: str
    line: int
    entry: str
    warnings: list[Diagnostic]


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _line_offsets(data: bytes) -> list[int]:
    offs = [0]
    offs.extend(m.end() for m in re.finditer(b"\n", data))
    return offs


def _claims_node(path: str, data: bytes) -> tuple[Map, Seq, int]:
    """The root mapping, the block `claims:` sequence and the index of `claims` among the root keys."""
    y = load_yaml(path, data)
    fatal = [d for d in y.diagnostics if d.code in ("Y001", "Y005", "Y007", "Y008", "Y009")]
    if fatal or not isinstance(y.root, Map):
        raise Refused(f"cannot read {path} as a claims file; fix it first", fatal)
    for i, (k, v) in enumerate(y.root.items):
        if k.value == "claims":
            if not isinstance(v, Seq) or not v.items:
                raise Refused(f"`claims:` in {path} is not a list with at least one claim; add the first one by hand")
            line = data.split(b"\n")[v.line - 1]
            if line[v.col - 1 : v.col] != b"-":
                raise Refused(f"`claims:` in {path} is a flow list `[...]`; add the claim by hand")
            return y.root, v, i
    raise Refused(
        f"{path} has no `claims:` list",
        [make(Pos(path, 1, 1), "S003", "missing required field 'claims' in the top level", "add `claims:`")],
    )


def insertion_point(path: str, data: bytes) -> tuple[int, int, int, int]:
    """(byte offset, line number, dash column, key column) where the next claim goes.

    Just after the last content line of the last claim: before the next top-level key, and
    before any blank lines and comments at (or left of) the list's own indentation, which
    belong to what follows.
    """
    root, seq, idx = _claims_node(path, data)
    last = seq.items[-1]
    lines = data.split(b"\n")
    offsets = _line_offsets(data)
    end_line = len(lines) + 1  # 1-based line after the end
    if idx + 1 < len(root.items):
        end_line = root.items[idx + 1][0].line
    dash_col = seq.col
    key_col = last.col if isinstance(last, Map) else dash_col + 2
    start_line = last.line
    n = end_line - 1  # candidate last line of the claim (1-based)
    while n > start_line:
        raw = lines[n - 1].rstrip(b"\r")
        stripped = raw.lstrip(b" ")
        indent = len(raw) - len(stripped)
        if not stripped.strip() or (stripped.startswith(b"#") and indent < key_col - 1):
            n -= 1
            continue
        break
    if n >= len(lines):
        return len(data), n + 1, dash_col, key_col
    return offsets[n], n + 1, dash_col, key_col


def _render_claim(values: dict[str, str], dash_col: int, key_col: int, newline: str) -> str:
    pad = " " * (key_col - 1)
    out = []
    for i, (extra, text) in enumerate(claim_lines(values)):
        if i == 0:
            out.append(" " * (dash_col - 1) + "-" + " " * (key_col - dash_col - 1) + text)
        else:
            out.append(pad + " " * extra + text)
    return newline.join(out) + newline


def _error_counts(result: Result) -> Counter[str]:
    return Counter(d.code for d in result.errors)


def _new_problems(
    before: Result, after: Result, path: str, first: int, last: int
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Errors the insertion brought (codes whose count grew, or any inside the entry) and its warnings."""
    grown = _error_counts(after) - _error_counts(before)
    errors = [d for d in after.errors if d.code in grown or (d.file == path and first <= d.line <= last)]
    warnings = [
        d for d in after.diagnostics if d.severity is Severity.WARNING and d.file == path and first <= d.line <= last
    ]
    return errors, warnings


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def write_atomic(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: a temporary file in the same folder, then os.replace."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".derma-new-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        except OSError:
            pass
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _commit(
    target: str, original: bytes, new: bytes, check: Callable[[bytes], Result], before: Result, first: int, last: int
) -> list[Diagnostic]:
    """Check ``new`` in memory, write it, check the file on disk; restore ``original`` on new errors."""
    errors, warnings = _new_problems(before, check(new), target, first, last)
    if errors:
        raise Refused("the new entry has errors; nothing was written", errors)
    write_atomic(target, new)
    try:
        on_disk = _read(target)
        errors, warnings = _new_problems(before, check(on_disk), target, first, last)
    except BaseException:
        write_atomic(target, original)
        raise
    if errors:
        write_atomic(target, original)
        raise Refused("the new entry has errors; the file was restored", errors)
    return warnings


def add_claim(
    claims_path: str, bib_path: str, values: dict[str, str], today: dt.date, dry_run: bool = False
) -> Outcome:
    original = _read(claims_path)
    bib = _read(bib_path)
    text, _ = decode(claims_path, original)
    nl = _newline(text.text)
    claim_id = values["id"]
    before = check_bytes(claims_path, original, bib_path, bib, today)
    for c in before.kb.claims:
        if c.id is not None and c.id.lower() == claim_id.lower():
            at = c.at.get("id", c.pos)
            raise Refused(
                "refused: the id exists",
                [
                    make(
                        at,
                        "C001",
                        f"claim id '{c.id}' already exists",
                        f"ids are permanent: choose another, e.g. '{claim_id}-2'",
                    )
                ],
            )
    offset, line, dash_col, key_col = insertion_point(claims_path, original)
    entry = _render_claim(values, dash_col, key_col, nl)
    prefix = nl.encode() if offset == len(original) and original and not original.endswith(b"\n") else b""
    inserted = prefix + entry.encode("utf-8")
    new = original[:offset] + inserted + original[offset:]
    _verify_claims(claims_path, original, new, claim_id)
    first, last = line, line + entry.count("\n") - 1

    def check(data: bytes) -> Result:
        return check_bytes(claims_path, data, bib_path, bib, today)

    return _finish(claims_path, line, entry, original, new, check, before, (first, last), dry_run)


def _plain(node: Node | None) -> object:
    """A node tree as plain values with kinds, for comparing two parses."""
    if isinstance(node, Scalar):
        return (node.kind, node.value)
    if isinstance(node, Seq):
        return [_plain(x) for x in node.items]
    if isinstance(node, Map):
        return [(k.value, _plain(v)) for k, v in node.items]
    return None


def _verify_claims(path: str, old: bytes, new: bytes, claim_id: str) -> None:
    """The new file reads as the old one plus one claim with ``claim_id`` at the end of `claims:`."""
    a = load_yaml(path, old).root
    b = load_yaml(path, new).root
    ok = isinstance(a, Map) and isinstance(b, Map) and [k.value for k, _ in a.items] == [k.value for k, _ in b.items]
    if ok:
        assert isinstance(a, Map) and isinstance(b, Map)
        for (ka, va), (_, vb) in zip(a.items, b.items, strict=True):
            if ka.value != "claims":
                ok = ok and _plain(va) == _plain(vb)
            elif isinstance(va, Seq) and isinstance(vb, Seq) and len(vb.items) == len(va.items) + 1:
                added = vb.items[-1]
                ok = (
                    ok
                    and _plain(Seq(va.items, 0, 0)) == _plain(Seq(vb.items[:-1], 0, 0))
                    and isinstance(added, Map)
                    and isinstance(added.get("id"), Scalar)
                    and getattr(added.get("id"), "value", None) == claim_id
                )
            else:
                ok = False
    if not ok:
        raise Refused(
            f"the claim could not be inserted into {path} without changing other entries "
            "(unusual layout?); add it by hand, following the contributing guide"
        )


def add_reference(
    claims_path: str, bib_path: str, values: dict[str, str], today: dt.date, dry_run: bool = False
) -> Outcome:
    original = _read(bib_path)
    claims = _read(claims_path)
    text, _ = decode(bib_path, original)
    nl = _newline(text.text)
    key = values["key"]
    b = load_bib(bib_path, original)
    for r in b.references:
        if r.key.lower() == key.lower():
            what = "exists" if r.key == key else f"differs only in case from '{r.key}'"
            raise Refused(
                "refused: the key exists",
                [
                    make(
                        r.pos,
                        "B002",
                        f"citation key '{key}' {what}",
                        f"cite '{r.key}', or give the new entry its own key, e.g. '{key}b'",
                    )
                ],
            )
    entry = reference_text(values, nl)
    if not original:
        sep = ""
    elif original.endswith(b"\n\n") or original.endswith(b"\r\n\r\n"):
        sep = ""
    elif original.endswith(b"\n"):
        sep = nl
    else:
        sep = nl + nl
    inserted = (sep + entry).encode("utf-8")
    new = original + inserted
    first = original.count(b"\n") + 1 + sep.count("\n")
    last = first + entry.count("\n") - 1
    check_new = load_bib(bib_path, new)
    if [r.key for r in check_new.references] != [*(r.key for r in b.references), key]:
        raise Refused(
            f"the entry could not be appended to {bib_path} as one new reference; check the end of the file",
            [d for d in check_new.diagnostics if d.line >= first - 1],
        )
    before = check_bytes(claims_path, claims, bib_path, original, today)

    def check(data: bytes) -> Result:
        return check_bytes(claims_path, claims, bib_path, data, today)

    return _finish(bib_path, first, entry, original, new, check, before, (first, last), dry_run)


def _finish(
    path: str,
    line: int,
    entry: str,
    original: bytes,
    new: bytes,
    check: Callable[[bytes], Result],
    before: Result,
    lines: tuple[int, int],
    dry_run: bool,
) -> Outcome:
    """Refuse an entry that brings new errors; otherwise write it (unless a dry run) and report."""
    first, last = lines
    if dry_run:
        errors, warnings = _new_problems(before, check(new), path, first, last)
        if errors:
            raise Refused("the new entry has errors", errors)
        return Outcome(path, line, entry, warnings)
    warnings = _commit(path, original, new, check, before, first, last)
    return Outcome(path, line, entry, warnings)
