"""`derma retractions check` (Crossref) and `derma import-retractions CSV` (offline): set a reference's `status`.

Both set `status`, `status_doi` and `status_date`.

`derma retractions check` asks Crossref (`fetch.crossref`) about every cited DOI and reads the
notices that update it (`updated-by`: retractions, corrections, expressions of concern, from the
publisher or from Retraction Watch, whose data Crossref carries); a failing service exits 2 and
writes nothing. Both commands propose fields the same way (`propose`): a retraction wins over an
expression of concern, which wins over a correction; a notice DOI that is not a DOI, or a date that
is not a date or lies in the future, is not written (reported instead); every copy of a paper listed
twice (same DOI or PMID under two keys) gets the same fields.

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
from collections.abc import Callable
from dataclasses import dataclass

from derma_evidence.commands.errors import HANDLED, fail
from derma_evidence.commands.write import Refused, _locked, _newline, _write
from derma_evidence.fetch import crossref
from derma_evidence.fetch.http import Client
from derma_evidence.fetch.records import Notice
from derma_evidence.load.bib import RawReference, load_bib
from derma_evidence.load.text import read_bytes
from derma_evidence.report import clean

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


REQUIRED_COLUMNS = ("Record ID", "OriginalPaperDOI", "OriginalPaperPubMedID", "RetractionNature")
"""Columns a Retraction Watch CSV must have; a file without them is refused, never read as 'nothing to do'."""
MAX_CELL = 131_072
"""Characters one CSV cell may hold (Python's csv default); a longer cell refuses the file with its line."""
STRENGTH = {"retracted": 3, "expression-of-concern": 2, "corrected": 1}
DOI_RE = re.compile(r"\A10\.\d{4,9}/\S+\Z")


class BadInput(Exception):
    """The input cannot be read as what it should be: exit 2, nothing written."""


def copies(refs: list[RawReference]) -> tuple[dict[str, list[RawReference]], dict[str, list[RawReference]]]:
    """References by DOI and by PMID; a paper listed twice has two entries in one list."""
    by_doi: dict[str, list[RawReference]] = {}
    by_pmid: dict[str, list[RawReference]] = {}
    for r in refs:
        if _doi(r.fields.get("doi")):
            by_doi.setdefault(_doi(r.fields.get("doi")), []).append(r)
        if _clean(r.fields.get("pmid")):
            by_pmid.setdefault(_clean(r.fields.get("pmid")), []).append(r)
    return by_doi, by_pmid


def propose(
    ref: RawReference, status: str, notice_doi: str, day: str | None, record: str, today: dt.date, notes: list[str]
) -> Update | None:
    """The fields `ref` should get for one notice; conflicts and unusable values are reported in `notes`."""
    wanted = [("status", status)]
    if notice_doi:
        if DOI_RE.match(notice_doi):
            wanted.append(("status_doi", notice_doi))
        else:
            notes.append(f"{ref.key}: {record}: notice DOI '{notice_doi}' is not a DOI; status_doi not set")
    try:
        when = dt.date.fromisoformat(day) if day else None
    except ValueError:
        notes.append(f"{ref.key}: {record}: notice date '{day}' is not a date; status_date not set")
        when = None
    if day and when is not None:
        if when > today:
            notes.append(f"{ref.key}: {record}: notice date {day} is in the future; status_date not set")
        else:
            wanted.append(("status_date", day))
    have_status = (ref.fields.get("status") or "").strip().lower()
    if have_status and have_status != status:
        notes.append(f"{ref.key}: status is '{have_status}', {record} says '{status}'; left as is")
        return None
    new = []
    for name, value in wanted:
        have = (ref.fields.get(name) or "").strip()
        if have == value:
            continue
        if have:
            notes.append(f"{ref.key}: {name} is '{have}', {record} says '{value}'; left as is")
            continue
        new.append((name, value))
    return Update(ref.key, tuple(new), record) if new else None


def _merge(updates: dict[str, tuple[int, Update]], update: Update | None, status: str) -> None:
    """Keep, per reference, the update of the strongest notice (a retraction over a later correction)."""
    if update is None:
        return
    have = updates.get(update.key)
    if have is None or STRENGTH[status] > have[0]:
        updates[update.key] = (STRENGTH[status], update)


def read_csv(csv_text: str) -> list[dict[str, str]]:
    """The rows of a Retraction Watch CSV; BadInput when it lacks the columns or a cell is too long."""
    reader = csv.DictReader(io.StringIO(csv_text))
    try:
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            hint = ""
            first = ",".join(header)
            if ";" in first or "\t" in first:
                hint = " (the header looks separated by ';' or tabs: Retraction Watch's CSV uses commas)"
            raise BadInput(f"not a Retraction Watch CSV: no column {', '.join(missing)}{hint}")
        rows = []
        for row in reader:
            if any(len(v or "") > MAX_CELL for v in row.values() if isinstance(v, str)):
                raise BadInput(f"line {reader.line_num}: a cell is longer than {MAX_CELL} characters")
            rows.append({k: v for k, v in row.items() if isinstance(k, str) and isinstance(v, str)})
        return rows
    except csv.Error as exc:
        raise BadInput(f"line {reader.line_num}: {exc}") from None


def plan(refs: list[RawReference], csv_text: str, today: dt.date | None = None) -> tuple[list[Update], list[str]]:
    """The updates the CSV asks for, and report lines (conflicts, skipped rows)."""
    today = today or dt.date.today()
    by_doi, by_pmid = copies(refs)
    updates: dict[str, tuple[int, Update]] = {}
    notes: list[str] = []
    for row in read_csv(csv_text):
        record = "Retraction Watch record " + (_clean(row.get("Record ID")) or "?")
        matched = by_doi.get(_doi(row.get("OriginalPaperDOI")), []) + by_pmid.get(
            _clean(row.get("OriginalPaperPubMedID")), []
        )
        seen: set[str] = set()
        for ref in matched:
            if ref.key in seen:
                continue
            seen.add(ref.key)
            nature = _clean(row.get("RetractionNature")).lower()
            status = NATURE.get(nature)
            if status is None:
                notes.append(f"{ref.key}: {record}: nature '{nature}' is not imported")
                continue
            day = iso(row.get("RetractionDate") or "")
            _merge(updates, propose(ref, status, _doi(row.get("RetractionDOI")), day, record, today, notes), status)
    return sorted((u for _, u in updates.values()), key=lambda u: u.key), notes


def plan_crossref(
    refs: list[RawReference], notices: dict[str, tuple[Notice, ...]], today: dt.date
) -> tuple[list[Update], list[str]]:
    """The updates Crossref's notices ask for (`notices` by the works' DOIs), and report lines."""
    by_doi, _ = copies(refs)
    updates: dict[str, tuple[int, Update]] = {}
    notes: list[str] = []
    for work, found in sorted(notices.items()):
        for n in found:
            status = n.status
            if status is None:
                notes.append(f"{work}: Crossref notice of type '{n.kind}' is not imported")
                continue
            day = n.date if n.date and len(n.date) == 10 else None
            if n.date and day is None:
                notes.append(f"{work}: the {n.kind} notice gives only {n.date} as its date; status_date not set")
            record = "Crossref" + (f" ({n.source})" if n.source else "")
            for ref in by_doi.get(work, []):
                _merge(updates, propose(ref, status, n.notice_doi or "", day, record, today, notes), status)
    return sorted((u for _, u in updates.values()), key=lambda u: u.key), notes


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


def _apply(
    args: argparse.Namespace, data: bytes, refs: list[RawReference], updates: list[Update], notes: list[str]
) -> int:
    for n in notes:
        print(f"derma: note: {clean(n)}")
    if not updates:
        print("derma: no reference needs a status change")
        return 0
    new = insert(data, refs, updates)
    _verify(args.bib, data, new, updates)
    for u in updates:
        fields = ", ".join(f"{k} = {v}" for k, v in u.fields)
        print(clean(f"{args.bib}: {u.key}: {fields} ({u.record})"))
    if args.dry_run:
        print("derma: dry run, nothing was written")
        return 0
    _write(args.bib, data, new)
    return 0


def run(args: argparse.Namespace) -> int:
    """`derma import-retractions CSV`."""
    try:
        csv_text = read_bytes(args.csv).decode("utf-8-sig")
        read_bytes(args.bib)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"derma: error: cannot read the input: {clean(str(exc))}", file=sys.stderr)
        return 2
    return _guarded(args, lambda refs: plan(refs, csv_text, getattr(args, "today", None)))


def run_check(args: argparse.Namespace, client: Client) -> int:
    """`derma retractions check`: every cited DOI against Crossref."""
    today = args.today or dt.date.today()

    def crossref_plan(refs: list[RawReference]) -> tuple[list[Update], list[str]]:
        notices: dict[str, tuple[Notice, ...]] = {}
        unknown = []
        for work in sorted({_doi(r.fields.get("doi")) for r in refs if _doi(r.fields.get("doi"))}):
            if not DOI_RE.match(work):
                continue
            found = crossref.notices(client, work, getattr(args, "contact", None))
            if found is None:
                unknown.append(work)
            elif found:
                notices[work] = found
        updates, notes = plan_crossref(refs, notices, today)
        if unknown:
            notes.append(f"{len(unknown)} DOIs are not in Crossref (registered elsewhere): " + ", ".join(unknown))
        return updates, notes

    return _guarded(args, crossref_plan)


def _guarded(
    args: argparse.Namespace, make_plan: Callable[[list[RawReference]], tuple[list[Update], list[str]]]
) -> int:
    """Plan and write under the lock; every failure is one message and an exit code, nothing half-written."""
    try:
        with _locked(args.bib, args.dry_run):
            data = read_bytes(args.bib)
            refs = load_bib(args.bib, data).references
            updates, notes = make_plan(refs)
            return _apply(args, data, refs, updates, notes)
    except BadInput as exc:
        print(f"derma: error: {clean(args.csv)}: {clean(str(exc))}; nothing was written", file=sys.stderr)
        return 2
    except HANDLED as exc:
        return fail(exc, args.bib)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "import-retractions",
        help="set status fields from a Retraction Watch CSV (offline)",
        description="Set `status`, `status_doi` and `status_date` on references whose DOI or PMID a "
        "Retraction Watch CSV lists (RetractionNature: Retraction, Correction, Expression of concern).",
    )
    p.add_argument("csv", metavar="CSV", help="a CSV with Retraction Watch's column names")
    p.add_argument("--bib", default="references.bib", help="the BibTeX file (default: references.bib)")
    p.add_argument("--today", type=_day, default=None, metavar="DATE", help="a notice after this day is not written")
    p.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    c = sub.add_parser(
        "retractions",
        help="check every cited DOI with Crossref for retractions, corrections, expressions of concern",
        description="`derma retractions check` asks Crossref about each DOI in references.bib and sets "
        "`status`, `status_doi`, `status_date` from the notices that update it (the publisher's and Retraction "
        "Watch's, which Crossref carries), as `derma import-retractions` does from a CSV. DERMA_CONTACT (an "
        "e-mail address) is sent as Crossref asks. A failing service exits 2 and nothing is written.",
    )
    c.add_argument("action", choices=("check",), help="check: look up every cited DOI")
    c.add_argument("--bib", default="references.bib", help="the BibTeX file (default: references.bib)")
    c.add_argument("--today", type=_day, default=None, metavar="DATE", help="a notice after this day is not written")
    c.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: '{value}'") from None
