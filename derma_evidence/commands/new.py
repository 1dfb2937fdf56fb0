"""`derma new claim` and `derma new reference`: the command line.

The entry is built from options (or asked for, when stdin is a terminal) by `entries`, and
inserted by `write`, which keeps every other byte of the file and writes safely (locked,
refusing a file changed meanwhile, through symlinks and hard links, never into read-only files).

Exit codes: 0 added (or printed with --dry-run), 1 refused (duplicate, checker errors, a file
the entry cannot be inserted into safely), 2 the tool could not run (bad or missing options,
an unreadable file), 130 interrupted (Ctrl-C; nothing is written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from derma_evidence import report
from derma_evidence.commands.entries import UsageError
from derma_evidence.commands.write import Refused, add_claim, add_reference
from derma_evidence.contract.schema import Vocab, default_vocab, vocabulary_of
from derma_evidence.contract.vocab import CERTAINTIES, DESIGNS, ENTRY_TYPES, STANCES, VERDICTS
from derma_evidence.diagnostics import did_you_mean
from derma_evidence.load.text import read_bytes
from derma_evidence.load.yamlpos import load_yaml

DEFAULT_CLAIMS = "data/claims.yaml"
DEFAULT_BIB = "references.bib"

MEASURES = default_vocab().measures
UNITS = default_vocab().units
"""The default choices; a claims file with its own `vocabulary:` offers its measures and units instead."""

Ask = Callable[[str], str]


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
            kwargs: dict[str, object] = {
                "dest": f.name,
                "default": None,
                "metavar": f.name.upper(),
                "action": _TextValue,
            }
            text = f.prompt
            if f.choices:
                text += " [" + ", ".join(f.choices) + "]"
            if f.default:
                text += f" (default on a terminal: {f.default})"
            p.add_argument(_opt(f), help=text.replace("%", "%%"), **kwargs)  # type: ignore[arg-type]
        add_data_arguments(p, "today's date (default: today)")
        p.add_argument("--dry-run", action="store_true", help="print the entry and check it; write nothing")


class _TextValue(argparse.Action):
    """Keep a value of exactly "--" (`--statement=--`): argparse drops "--" from option values (bpo-14364)
    and hands the action an empty list instead."""

    def __call__(
        self, parser: argparse.ArgumentParser, ns: argparse.Namespace, values: object, option: object = None
    ) -> None:
        setattr(ns, self.dest, "--" if values == [] else values)


def add_data_arguments(p: argparse.ArgumentParser, today_help: str) -> None:
    """The options `derma check` and `derma new` share: the two data files and today's date."""
    p.add_argument("--claims", default=DEFAULT_CLAIMS, metavar="PATH", help="claims file (default: %(default)s)")
    p.add_argument("--bib", default=DEFAULT_BIB, metavar="PATH", help="BibTeX file (default: %(default)s)")
    p.add_argument("--today", type=_date, default=None, metavar="DATE", help=today_help)


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
    fields = claim_fields(file_vocab(args.claims)) if kind == "claim" else REFERENCE_FIELDS
    try:
        values = collect(fields, vars(args), ask or input, interactive, today)
        if kind == "claim":
            outcome = add_claim(args.claims, args.bib, values, today, args.dry_run)
        else:
            outcome = add_reference(args.claims, args.bib, values, today, args.dry_run)
    except KeyboardInterrupt:
        print(f"\nderma new {kind}: interrupted; nothing was written", file=sys.stderr)
        return 130
    except UsageError as exc:
        print(f"derma new {kind}: error: {report.clean(str(exc))}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"derma new {kind}: error: cannot read or write {report.os_failure(exc, 'a file')}", file=sys.stderr)
        return 2
    except Refused as exc:
        if exc.diagnostics:
            sys.stdout.write(report.text(exc.diagnostics))
        print(f"derma new {kind}: {report.clean(str(exc))}", file=sys.stderr)
        return 1
    if args.dry_run:
        sys.stdout.write(outcome.entry)
    else:
        added = report.clean(values["id" if kind == "claim" else "key"])
        print(f"{report.clean(outcome.path)}:{outcome.line}: added {kind} '{added}'")
    if outcome.warnings:
        sys.stdout.write(report.text(outcome.warnings))
    return 0


def file_vocab(claims_path: str) -> Vocab:
    """The measures and units of the claims file (its `vocabulary:` over the defaults); the defaults if unreadable."""
    try:
        return vocabulary_of(load_yaml(claims_path, read_bytes(claims_path)).root)
    except OSError:
        return default_vocab()  # reported when the entry is added


def claim_fields(vocab: Vocab) -> tuple[Field, ...]:
    """The claim's fields, the measure and unit choices taken from ``vocab``."""
    choices = {"measure": vocab.measures, "unit": vocab.units}
    return tuple(replace(f, choices=choices[f.name]) if f.name in choices else f for f in CLAIM_FIELDS)


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
