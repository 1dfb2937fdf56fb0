"""The `derma` command: `check`, `rules`, `new`, `init`, `search`, `screen`, `retractions`, `import-retractions`.

Exit codes: 0 clean, 1 problems found, 2 the tool itself could not run.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import derma_evidence
from derma_evidence import report
from derma_evidence.commands import init as scaffold
from derma_evidence.commands import new, retractions, screen, search
from derma_evidence.diagnostics import docs_base, sort_diagnostics
from derma_evidence.load.settings import read_config
from derma_evidence.load.text import read_bytes
from derma_evidence.model.project import Project
from derma_evidence.pipeline import CODES, check_files, check_since, known_code_prefix, select

DEFAULT_CLAIMS = "data/claims.yaml"
DEFAULT_BIB = "references.bib"


def _codes(value: str) -> list[str]:
    codes = [c.strip().upper() for c in value.split(",") if c.strip()]
    for c in codes:
        if not known_code_prefix(c):
            raise argparse.ArgumentTypeError(f"unknown code or prefix '{c}' (see `derma rules`)")
    return codes


def add_check_arguments(p: argparse.ArgumentParser) -> None:
    new.add_data_arguments(p, "date to check review dates against (default: today)")
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="output format (default: text); auto: github inside GitHub Actions, else text",
    )
    p.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    p.add_argument(
        "--select",
        type=_codes,
        default=[],
        metavar="CODES",
        help="only these codes or prefixes, comma-separated (e.g. C,B005)",
    )
    p.add_argument("--ignore", type=_codes, default=[], metavar="CODES", help="skip these codes or prefixes")
    p.add_argument(
        "--since",
        default=None,
        metavar="FILE",
        help="a previous claims.json export: a changed verdict or certainty needs a change entry (L007)",
    )
    add_output_arguments(p)


FORMATS = ("text", "json", "github", "sarif", "auto")


def add_output_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text output (default: auto, on a terminal only and never with NO_COLOR set)",
    )
    p.add_argument(
        "--docs-url",
        default=None,
        metavar="URL",
        help="rule reference page the diagnostics link to (default: $DERMA_DOCS_URL, else the knowledge base's own "
        "from mkdocs.yml in the current folder (the derma plugin's rules_url, or site_url's rule page), "
        "else the engine's reference)",
    )


def docs_url(given: str | None = None, folder: str = ".") -> str:
    """The rule reference diagnostics link to: `--docs-url`, else $DERMA_DOCS_URL, else the knowledge base's own
    (its mkdocs.yml in `folder`, read as the site build reads it: `Project.rules_url`), else the engine's."""
    own = given or os.environ.get("DERMA_DOCS_URL") or Project.from_config(read_config(folder)).rules_url
    return docs_base(own or None)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="derma",
        description="Derma Evidence tools: check the knowledge base, list the rules, add entries, start a new one, "
        "run the saved searches, screen what they found, check references for retractions.",
    )
    parser.add_argument("--version", action="version", version=f"derma {derma_evidence.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser(
        "check",
        help="check data/claims.yaml and references.bib",
        description="Check the claims and references; print compiler-style diagnostics.",
    )
    add_check_arguments(check)
    rules = sub.add_parser("rules", help="list every diagnostic code with its summary")
    rules.add_argument("--docs-url", default=None, metavar="URL", help="rule reference named at the end (stderr)")
    new.add_parser(sub)
    scaffold.add_parser(sub)
    retractions.add_parser(sub)
    search.add_parser(sub, new.add_data_arguments)
    screen.add_parser(sub, new.add_data_arguments)
    return parser


def run_check(args: argparse.Namespace) -> int:
    try:
        result = check_files(args.claims, args.bib, args.today)
    except OSError as exc:
        print(f"derma: error: cannot read {report.os_failure(exc, 'input')}", file=sys.stderr)
        return 2
    diags = result.diagnostics
    if getattr(args, "since", None):
        try:
            changed = check_since(result.kb, read_bytes(args.since))
        except (OSError, ValueError) as exc:
            print(f"derma: error: cannot read the previous export {report.clean(args.since)}: {exc}", file=sys.stderr)
            return 2
        diags = sort_diagnostics([*diags, *changed])
    diags = select(diags, args.select, args.ignore)
    fmt = report.resolve_format(args.format)
    formatters = {"text": report.text, "json": report.as_json, "github": report.github, "sarif": report.sarif}
    out = formatters[fmt](diags, docs_url(getattr(args, "docs_url", None)))
    if fmt == "text" and report.use_colour(sys.stdout, getattr(args, "color", "auto")):
        out = report.colour(out)
    sys.stdout.write(out)
    failed = any(d.severity.value == "error" for d in diags) or (args.strict and bool(diags))
    return 1 if failed else 0


def run_rules(given_url: str | None = None) -> int:
    for code in CODES.values():  # the catalogue (rules/__init__.py): the same codes whatever extras are installed
        print(f"{code.code}  {code.severity.value:<7}  {code.name:<28} {code.summary}")
    print(f"each code's reference: {docs_url(given_url)}#<code>", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv = ["check", *argv]
    args = parser.parse_args(argv)
    if args.command == "rules":
        return run_rules(args.docs_url)
    if args.command == "check":
        return run_check(args)
    if args.command == "new":
        return new.run(args)
    if args.command == "import-retractions":
        return retractions.run(args)
    if args.command == "retractions":
        args.contact = search.contact()
        return retractions.run_check(args, search.make_client())
    if args.command == "search":
        return search.run(args)
    if args.command == "screen":
        return screen.run(args)
    if args.command == "init":
        return scaffold.run(args)
    parser.print_help()
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
