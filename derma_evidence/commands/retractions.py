"""`derma import-retractions CSV`: set `status`, `status_doi`, `status_date` from a Retraction Watch CSV, offline.

The CSV uses Retraction Watch's column names (Record ID, Title, Journal, Author, RetractionDate,
RetractionDOI, RetractionPubMedID, OriginalPaperDOI, OriginalPaperPubMedID, RetractionNature,
Reason, ...). A row matches a reference whose `doi` equals OriginalPaperDOI (case-insensitive) or
whose `pmid` equals OriginalPaperPubMedID. The fields are inserted before the entry's closing brace
with the byte-preserving writer of `derma new` (every other byte kept; the file is re-read and
must hold the same entries plus the new fields). A field already set to another value is never
overwritten: it is reported.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
from dataclasses import dataclass

from derma_evidence.commands.write import Refused, _locked, _newline, _write
from derma_evidence.load.bib import RawReference, load_bib
from derma_evidence.load.text import read_bytes

NATURE = {"retraction": "retracted", "correction": "corrected", "expression of concern": "expression-of-concern"}
"""Retraction Watch's RetractionNature values, as our `status` values (others, e.g. Reinstatement, are skipped)."""
_DATE_RES = (
    (re.compile(r"\A(\d{4})-(\d{1,2})-(\d{1,2})"), (1, 2, 3)),
    (re.compile(r"\A(\d{1,2})/(\d{1,2})/(\d{4})"), (3, 1, 2)),  # Retraction Watch writes M/D/YYYY [H:MM]
)
_MISSING = {"", "unavailable", "none", "na", "n/a", "0"}


@dataclass(frozen=True, slots=True)
class Update:
    key: str
    fields: tuple[tuple[str, str], ...]  # fields to insert, in order
    record: str


def iso(value: str) -> str | None:
    """A Retraction Watch date (`1/15/2020 0:00` or `2020-01-15`) as YYYY-MM-DD, or None."""
    for pattern, (y, m, d) in _DATE_RES:
        match = pattern.match(value.strip())
        if match:
            try:
                return dt.date(int(match.group(y)), int(match.group(m)), int(match.group(d))).isoformat()
            except ValueError:
                return None
    return None


def _clean(value: str | None) -> str:
    v = (value or "").strip()
    return "" if v.lower() in _MISSING else v


def _doi(value: str | None) -> str:
    v = _clean(value).lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        v = v.removeprefix(prefix)
    return v


def plan(refs: list[RawReference], csv_text: str) -> tuple[list[Update], list[str]]:
    """The updates the CSV asks for, and report lines (conflicts, skipped rows)."""
    by_doi = {_doi(r.fields.get("doi")): r for r in refs if _doi(r.fields.get("doi"))}
    by_pmid = {_clean(r.fields.get("pmid")): r for r in refs if _clean(r.fields.get("pmid"))}
    updates: dict[str, Update] = {}
    notes: list[str] = []
    for row in csv.DictReader(io.StringIO(csv_text)):
        record = _clean(row.get("Record ID")) or "?"
        ref = by_doi.get(_doi(row.get("OriginalPaperDOI"))) or by_pmid.get(_clean(row.get("OriginalPaperPubMedID")))
        if ref is None:
            continue
        nature = _clean(row.get("RetractionNature")).lower()
        status = NATURE.get(nature)
        if status is None:
            notes.append(f"{ref.key}: record {record}: nature '{nature}' is not imported")
            continue
        wanted = [("status", status)]
        if _doi(row.get("RetractionDOI")):
            wanted.append(("status_doi", _doi(row.get("RetractionDOI"))))
        day = iso(row.get("RetractionDate") or "")
        if day:
            wanted.append(("status_date", day))
        if ref.key in updates and status != "retracted":
            continue  # a retraction wins over a later correction row of the same paper
        have_status = (ref.fields.get("status") or "").strip().lower()
        if have_status and have_status != status:
            notes.append(f"{ref.key}: status is '{have_status}', record {record} says '{status}'; left as is")
            continue
        new = []
        for name, value in wanted:
            have = (ref.fields.get(name) or "").strip()
            if have == value:
                continue
            if have:
                notes.append(f"{ref.key}: {name} is '{have}', record {record} says '{value}'; left as is")
                continue
            new.append((name, value))
        if new:
            updates[ref.key] = Update(ref.key, tuple(new), record)
    return sorted(updates.values(), key=lambda u: u.key), notes


def insert(data: bytes, refs: list[RawReference], updates: list[Update]) -> bytes:
    """`data` with each update's fields inserted before its entry's closing brace; every other byte kept."""
    nl = _newline(data).encode()
    starts = [0] + [m.end() for m in re.finditer(rb"\r\n|\r|\n", data)]
    by_key = {r.key: r for r in refs}
    cuts: list[tuple[int, bytes]] = []
    for u in updates:
        ref = by_key[u.key]
        if ref.end is None:
            raise Refused(f"{u.key}: the entry has no closing brace; nothing was written")
        line_start = starts[ref.end.line - 1]
        line = data[line_start:].split(b"\n", 1)[0].decode("utf-8")
        brace = line_start + len(line[: ref.end.col - 1].encode("utf-8"))
        first = min(ref.field_pos.values(), key=lambda p: (p.line, p.col), default=None)
        indent = " " * ((first.col - 1) if first else 2)
        before = data[:brace].rstrip()
        text = b"".join(f"{indent}{name} = {{{value}}},".encode() + nl for name, value in u.fields)
        comma = b"" if before.endswith((b",", b"{", b"(")) else b","
        head_end = len(before)
        if b"\n" in data[head_end:brace] or b"\r" in data[head_end:brace]:  # the brace is on its own line
            cuts.append((head_end, comma))
            cuts.append((line_start, text))
        else:  # the closing brace shares a line with the last field
            cuts.append((head_end, comma + nl + text))
    out = data
    for offset, piece in sorted(cuts, reverse=True):
        out = out[:offset] + piece + out[offset:]
    return out


def _verify(path: str, before: bytes, after_data: bytes, updates: list[Update]) -> None:
    """Refuse unless the new bytes read as the same entries plus exactly the new fields, with no new problem."""
    old_result, after = load_bib(path, before), load_bib(path, after_data)
    added = {u.key: dict(u.fields) for u in updates}
    old = [(r.key, {**r.fields, **added.get(r.key, {})}) for r in old_result.references]
    new = [(r.key, dict(r.fields)) for r in after.references]
    if old != new or len(after.diagnostics) > len(old_result.diagnostics):
        raise Refused(f"{path} would not read back as the same entries plus the new fields; nothing was written")


def run(args: argparse.Namespace) -> int:
    try:
        csv_text = read_bytes(args.csv).decode("utf-8-sig")
        data = read_bytes(args.bib)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"derma: error: cannot read the input: {exc}", file=sys.stderr)
        return 2
    try:
        with _locked(args.bib, args.dry_run):
            data = read_bytes(args.bib)
            refs = load_bib(args.bib, data).references
            updates, notes = plan(refs, csv_text)
            for n in notes:
                print(f"derma: note: {n}")
            if not updates:
                print("derma: no reference needs a status change")
                return 0
            new = insert(data, refs, updates)
            _verify(args.bib, data, new, updates)
            for u in updates:
                fields = ", ".join(f"{k} = {v}" for k, v in u.fields)
                print(f"{args.bib}: {u.key}: {fields} (Retraction Watch record {u.record})")
            if args.dry_run:
                print("derma: dry run, nothing was written")
                return 0
            _write(args.bib, data, new)
    except Refused as exc:
        print(f"derma: error: {exc}", file=sys.stderr)
        return 1
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "import-retractions",
        help="set status fields from a Retraction Watch CSV (offline)",
        description="Set `status`, `status_doi` and `status_date` on references whose DOI or PMID a "
        "Retraction Watch CSV lists (RetractionNature: Retraction, Correction, Expression of concern).",
    )
    p.add_argument("csv", metavar="CSV", help="a CSV with Retraction Watch's column names")
    p.add_argument("--bib", default="references.bib", help="the BibTeX file (default: references.bib)")
    p.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
