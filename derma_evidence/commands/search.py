"""`derma search run`: run the saved strategies, drop what is already known, queue the rest for screening.

For each strategy under `strategies:` (database `pubmed`, `europepmc` or `ctgov`, its exact query),
the service is asked (through `fetch`, one HTTP seam with bounded timeouts and retries); each record
is a duplicate when one of its identifiers (DOI, PMID, PMCID, NCT id; a record with none is known by
its title) is in references.bib, in the screening queue of earlier runs, or was found earlier in
this run. Each run is logged under `searches:` (date, database, query, limits, records found,
duplicates) and the new records join `screening:`, sorted by search and id. Any service failure
exits 2 with the service's message and writes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import derma_evidence
from derma_evidence.commands.errors import HANDLED, fail
from derma_evidence.commands.living_write import Sections, edit, plain
from derma_evidence.commands.write import _locked, _write
from derma_evidence.fetch import ctgov, europepmc, pubmed
from derma_evidence.fetch.http import Client, Transport, urllib_transport, user_agent
from derma_evidence.fetch.records import Found, Record
from derma_evidence.fetch.records import doi as norm_doi
from derma_evidence.fetch.records import nct as norm_nct
from derma_evidence.fetch.records import pmcid as norm_pmcid
from derma_evidence.fetch.records import pmid as norm_pmid
from derma_evidence.load.bib import RawReference, load_bib
from derma_evidence.load.settings import read_config
from derma_evidence.load.text import read_bytes
from derma_evidence.model.living import DATABASES, Candidate, Strategy, screening, strategies
from derma_evidence.model.project import Project
from derma_evidence.report import clean

SEARCHERS: dict[str, Callable[[Client, str], Found]] = {
    "pubmed": pubmed.search,
    "europepmc": europepmc.search,
    "ctgov": ctgov.search,
}
NCT_IN_TEXT = re.compile(r"\bNCT\d{8}\b", re.IGNORECASE)
_SLUG = re.compile(r"[^a-z0-9]+")
TITLE_ID_CHARS = 80
"""Characters of a normalised title used as the id of a record that has no identifier."""


def title_id(title: str) -> str:
    return "title:" + _SLUG.sub("-", title.lower()).strip("-")[:TITLE_ID_CHARS]


def record_ids(r: Record) -> tuple[str, ...]:
    return r.ids or (title_id(r.title),)


def reference_ids(refs: Iterable[RawReference]) -> set[str]:
    """The identifiers references.bib already holds: DOIs, PMIDs, PMCIDs, NCT ids (in any field), titles."""
    known: set[str] = set()
    for r in refs:
        f = r.fields
        for kind, norm, name in (("doi", norm_doi, "doi"), ("pmid", norm_pmid, "pmid"), ("pmcid", norm_pmcid, "pmcid")):
            value = norm(f.get(name)) if f.get(name) else None
            if value:
                known.add(f"{kind}:{value}")
        for text in (f.get("url"), f.get("howpublished"), f.get("eprint"), r.key):
            for m in NCT_IN_TEXT.findall(text or ""):
                value = norm_nct(m)
                if value:
                    known.add(f"nct:{value}")
        if f.get("title"):
            known.add(title_id(f["title"]))
    return known


@dataclass(frozen=True, slots=True)
class Run:
    searches: list[dict[str, Any]]  # new `searches:` entries
    records: list[dict[str, Any]]  # new `screening:` entries
    lines: list[str]  # what to tell the user


def run_strategies(client: Client, plan: list[Strategy], known: set[str], taken: set[str], today: dt.date) -> Run:
    """Run each strategy; raise FetchError at the first failure (the caller writes nothing then)."""
    searches: list[dict[str, Any]] = []
    new_records: list[dict[str, Any]] = []
    lines: list[str] = []
    for s in plan:
        assert s.id and s.database and s.query
        found = SEARCHERS[s.database](client, s.query)
        sid = f"{today.isoformat()}-{s.id}"
        n = 2
        while sid in taken:
            sid, n = f"{today.isoformat()}-{s.id}-{n}", n + 1
        taken.add(sid)
        fresh = []
        for r in found.records:
            ids = record_ids(r)
            if any(i in known for i in ids):
                continue
            known.update(ids)
            fresh.append(r)
        searches.append(
            {
                "id": sid,
                "strategy": s.id,
                "date": today.isoformat(),
                "database": s.database,
                "query": s.query,
                "limits": s.limits or "none beyond the query",
                "records_found": len(found.records),
                "duplicates": len(found.records) - len(fresh),
                "topics": [t.id for t in s.topics],
            }
        )
        for r in fresh:
            new_records.append(
                {
                    "id": record_ids(r)[0],
                    "search": sid,
                    "title": r.title,
                    "authors": list(r.authors),
                    "journal": r.journal,
                    "year": r.year,
                    "ids": list(record_ids(r)),
                }
            )
        lines.append(
            f"{sid}: {len(found.records)} records, {len(found.records) - len(fresh)} already known, "
            f"{len(fresh)} new to screen"
        )
        lines.extend(f"  new: {r['id']}  {r['title']}" for r in new_records[-len(fresh) :] if fresh)
    return Run(searches, new_records, lines)


def queue_entry(c: Candidate) -> dict[str, Any]:
    return {
        "id": c.id,
        "search": c.search.id if c.search else None,
        "title": c.title,
        "authors": list(c.authors),
        "journal": c.journal,
        "year": c.year,
        "ids": list(c.ids),
        "decision": c.decision,
        "reason": c.reason,
        "key": c.key.id if c.key else None,
    }


def sort_queue(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The queue's canonical order: by search id (dated, so runs follow each other), then record id."""
    return sorted(entries, key=lambda e: (str(e.get("search") or ""), str(e.get("id") or "")))


def project_name(mkdocs: str = "mkdocs.yml") -> str:
    """The project's name for the User-Agent: mkdocs.yml's `site_name` (read as the site build reads it),
    else 'derma-evidence knowledge base'."""
    config = read_config(os.path.dirname(mkdocs) or ".", os.path.basename(mkdocs))
    return (
        Project.from_config(config).name
        if isinstance(config.get("site_name"), str)
        else "derma-evidence knowledge base"
    )


def contact() -> str | None:
    """An e-mail address for the services' polite pools: $DERMA_CONTACT, when set."""
    return os.environ.get("DERMA_CONTACT") or None


def make_client(transport: Transport | None = None) -> Client:
    keys = {"pubmed": os.environ["NCBI_API_KEY"]} if os.environ.get("NCBI_API_KEY") else {}
    return Client(
        transport or TRANSPORT[0],
        user_agent=user_agent(project_name(), derma_evidence.__version__, contact()),
        api_keys=keys,
        **CLIENT_OPTIONS,
    )


TRANSPORT: list[Transport] = [urllib_transport]
"""The transport commands use (tests put a recorded one here)."""
CLIENT_OPTIONS: dict[str, Any] = {}
"""Extra `Client` options (tests give a clock that never waits)."""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], data_arguments: Callable[..., None]) -> None:
    p = sub.add_parser(
        "search",
        help="run the saved search strategies; queue new records for screening",
        description="`derma search run` runs each strategy under `strategies:` against its database (PubMed, "
        "Europe PMC, ClinicalTrials.gov), logs each run under `searches:` and adds the records not yet known "
        "(by DOI, PMID, PMCID, NCT id; against references.bib and earlier runs) to `screening:`. Environment: "
        "NCBI_API_KEY (PubMed: 10 requests a second instead of 3), DERMA_CONTACT (an e-mail address for the "
        "services' polite pools). A failing service exits 2 and nothing is written.",
    )
    p.add_argument("action", choices=("run",), help="run: run the strategies")
    data_arguments(p, "the date logged for the runs (default: today)")
    p.add_argument("--only", action="append", metavar="ID", help="run only this strategy (repeatable)")
    p.add_argument("--dry-run", action="store_true", help="run the searches and report; write nothing")


def run(args: argparse.Namespace) -> int:
    today = args.today or dt.date.today()
    try:
        with _locked(args.claims, args.dry_run):
            data = read_bytes(args.claims)
            sections = Sections(args.claims, data)
            plan = [s for s in strategies(sections.root, args.claims) if not args.only or s.id in args.only]
            bad = [s for s in plan if not (s.id and s.query and s.database in DATABASES)]
            if bad:
                print(
                    f"derma: error: strategy at line {bad[0].pos.line} needs an id, a query and a database "
                    f"({', '.join(DATABASES)}); run `derma check`",
                    file=sys.stderr,
                )
                return 2
            if not plan:
                print("derma: no search strategy under `strategies:`; nothing to run")
                return 0
            refs = load_bib(args.bib, read_bytes(args.bib)).references
            old_queue = screening(sections.root, args.claims)
            known = reference_ids(refs) | {i for c in old_queue for i in (c.ids or ((c.id,) if c.id else ()))}
            taken = {str(s.get("id")) for s in plain(sections.node("searches")) or [] if isinstance(s, dict)}
            result = run_strategies(make_client(), plan, known, taken, today)
            for line in result.lines:
                print(clean(line))
            entries = sort_queue([queue_entry(c) for c in old_queue] + result.records)
            new = edit(args.claims, data, {"searches": result.searches}, {"screening": entries})
            if args.dry_run:
                print("derma: dry run, nothing was written")
                return 0
            _write(args.claims, data, new)
            print(
                f"{clean(args.claims)}: {len(result.searches)} searches logged, "
                f"{len(result.records)} records added to the screening queue"
            )
    except HANDLED as exc:
        return fail(exc, args.claims)
    return 0
