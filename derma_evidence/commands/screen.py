"""`derma screen`: list the records awaiting screening, or record a decision on one (include or exclude, why).

`derma screen` lists what awaits; `derma screen ID --exclude --reason TEXT` or `derma screen ID
--include [--key KEY]` records a decision (ID is any of the record's identifiers, e.g. `pmid:12345`).
The same can be done by editing `screening:` in data/claims.yaml; the checker validates it either
way, and the PRISMA flow diagram counts these decisions.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from derma_evidence.commands.errors import HANDLED, fail
from derma_evidence.commands.living_write import Sections, edit
from derma_evidence.commands.search import queue_entry, sort_queue
from derma_evidence.commands.write import _locked, _write
from derma_evidence.load.text import read_bytes
from derma_evidence.model.living import screening
from derma_evidence.report import clean

MAX_REASON = 500
"""Characters a reason may have."""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], data_arguments: Callable[..., None]) -> None:
    p = sub.add_parser(
        "screen",
        help="list the records awaiting screening, or record a decision on one",
        description="Without ID: list the records of `screening:` that await a decision. With ID (any of the "
        "record's identifiers, e.g. pmid:12345): record --include (with --key once the reference is in "
        "references.bib) or --exclude --reason TEXT. Editing `screening:` by hand does the same.",
    )
    p.add_argument("id", nargs="?", metavar="ID", help="the record: doi:..., pmid:..., pmcid:..., nct:... or its id")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--include", action="store_true", help="the record fits the review")
    group.add_argument("--exclude", action="store_true", help="the record does not fit (give --reason)")
    p.add_argument("--reason", default=None, help=f"why (required with --exclude; at most {MAX_REASON} characters)")
    p.add_argument("--key", default=None, help="the citation key of an included record in references.bib")
    data_arguments(p, "not used by screen")
    p.add_argument("--dry-run", action="store_true", help="report the decision; write nothing")


def run(args: argparse.Namespace) -> int:
    try:
        with _locked(args.claims, args.dry_run or not args.id):
            data = read_bytes(args.claims)
            sections = Sections(args.claims, data)
            records = screening(sections.root, args.claims)
            if not args.id:
                waiting = [c for c in records if c.awaiting]
                for c in waiting:
                    found_by = c.search.id if c.search else "?"
                    print(clean(f"{c.id}  [{found_by}]  {c.title or ''} ({c.year or 'year not given'})"))
                print(f"derma: {len(waiting)} of {len(records)} records await screening")
                return 0
            decision = "include" if args.include else "exclude" if args.exclude else None
            if decision is None:
                print("derma: error: say --include or --exclude", file=sys.stderr)
                return 2
            reason = " ".join((args.reason or "").split())
            if decision == "exclude" and not reason:
                print("derma: error: an exclusion needs --reason (why the record does not fit)", file=sys.stderr)
                return 2
            if len(reason) > MAX_REASON or not reason.isprintable():
                print(
                    f"derma: error: the reason must be printable text of at most {MAX_REASON} characters",
                    file=sys.stderr,
                )
                return 2
            matches = [c for c in records if args.id == c.id or args.id in c.ids]
            if len(matches) != 1:
                what = "no record" if not matches else f"{len(matches)} records"
                print(f"derma: error: {what} in the screening queue with id {clean(args.id)}", file=sys.stderr)
                return 1
            target = matches[0]
            entries = []
            for c in records:
                e = queue_entry(c)
                if c is target:
                    e.update(decision=decision, reason=reason or None, key=args.key or e.get("key"))
                entries.append(e)
            new = edit(args.claims, data, {}, {"screening": sort_queue(entries)})
            print(clean(f"{args.claims}: {target.id}: {decision}" + (f" ({reason})" if reason else "")))
            if args.dry_run:
                print("derma: dry run, nothing was written")
                return 0
            _write(args.claims, data, new)
    except HANDLED as exc:
        return fail(exc, args.claims)
    return 0
