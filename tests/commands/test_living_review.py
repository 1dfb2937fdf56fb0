"""The living review end to end on recorded responses: `derma search run`, `derma screen`, `derma retractions check`.

No network: the commands' transport is a `Replay` of tests/fetch/recorded/ (each file says where its
service documents the format); the clock never waits. Records are synthetic.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from derma_evidence import render
from derma_evidence.commands import cli, search
from derma_evidence.pipeline import check_files
from derma_evidence.render.charts.prisma import flow
from tests._replay import Replay, Sleeps
from tests.conftest import DATA_TODAY, ROOT

VALID = ROOT / "tests" / "cases" / "_valid"
STRATEGIES = """
strategies:
  - id: pubmed-main
    database: pubmed
    query: synthetic
    topics: [needle-depth]
  - id: europepmc-main
    database: europepmc
    query: synthetic
    topics: [needle-depth]
  - id: ctgov-main
    database: ctgov
    query: synthetic
    topics: [needle-depth]
"""
KNOWN = """
@article{synthetic2,
  author = {Example, B.},
  title = {Synthetic record 2},
  journal = {Synthetic Journal of Examples},
  year = {2022},
  doi = {10.5555/synthetic.2},
  design = {narrative-review},
}
"""
SEARCHES = ["pubmed/esearch-three.json", "pubmed/esummary-three.json", "europepmc/page-1.json",
            "europepmc/page-2.json", "ctgov/page-1.json", "ctgov/page-2.json"]  # fmt: skip


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "claims.yaml").write_text((VALID / "claims.yaml").read_text("utf-8") + STRATEGIES, "utf-8")
    (tmp_path / "references.bib").write_text((VALID / "references.bib").read_text("utf-8") + KNOWN, "utf-8")
    monkeypatch.chdir(tmp_path)
    sleeps = Sleeps()
    monkeypatch.setattr(search, "CLIENT_OPTIONS", {"sleep": sleeps.sleep, "clock": sleeps.clock})
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    return tmp_path


def replay(monkeypatch: pytest.MonkeyPatch, *names: str) -> Replay:
    r = Replay(*names)
    monkeypatch.setattr(search, "TRANSPORT", [r])
    return r


def derma(*args: str) -> int:
    return cli.main([*args])


def test_search_run_queues_new_records_and_drops_duplicates(
    kb: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    r = replay(monkeypatch, *SEARCHES)
    assert derma("search", "run", "--today", DATA_TODAY.isoformat()) == 0
    assert not r.queue, "every recorded response was asked for"
    out = capsys.readouterr().out
    assert "2026-12-07-pubmed-main: 3 records, 1 already known, 2 new to screen" in out
    assert "2026-12-07-europepmc-main: 3 records, 1 already known, 2 new to screen" in out
    assert "2026-12-07-ctgov-main: 2 records, 0 already known, 2 new to screen" in out
    result = check_files("data/claims.yaml", "references.bib", DATA_TODAY)
    assert not result.errors, result.errors
    queue = result.kb.screening
    assert [c.id for c in queue] == [
        "nct:NCT99000001",
        "nct:NCT99000002",
        "doi:10.5555/synthetic.4",
        "title:synthetic-record-5",
        "doi:10.5555/synthetic.1",
        "pmid:90000003",
    ]  # sorted by search id (dated), then record id: a later run's records come after
    first = next(c for c in queue if c.id == "doi:10.5555/synthetic.1")
    assert first.ids == ("doi:10.5555/synthetic.1", "pmid:90000001", "pmcid:PMC9900001")
    assert first.title == "Synthetic record 1" and first.year == 2021 and first.awaiting
    logged = {s.id: s for s in result.kb.searches}
    pubmed_run = logged["2026-12-07-pubmed-main"]
    assert (pubmed_run.database, pubmed_run.query, pubmed_run.records_found, pubmed_run.duplicates) == (
        "pubmed",
        "synthetic",
        3,
        1,
    )
    assert pubmed_run.limits == "none beyond the query" and [t.id for t in pubmed_run.topics] == ["needle-depth"]


def test_a_second_run_finds_only_duplicates_and_is_stable(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    replay(monkeypatch, *SEARCHES)
    assert derma("search", "run", "--today", DATA_TODAY.isoformat()) == 0
    first = (kb / "data" / "claims.yaml").read_text("utf-8")
    replay(monkeypatch, *SEARCHES)
    assert derma("search", "run", "--today", DATA_TODAY.isoformat()) == 0
    second = (kb / "data" / "claims.yaml").read_text("utf-8")
    result = check_files("data/claims.yaml", "references.bib", DATA_TODAY)
    assert not result.errors, result.errors
    assert len(result.kb.screening) == 6  # nothing new: all known from the first run
    again = [s for s in result.kb.searches if s.id and s.id.endswith("-2")]
    assert [(s.id, s.records_found, s.duplicates) for s in again] == [
        ("2026-12-07-pubmed-main-2", 3, 3),
        ("2026-12-07-europepmc-main-2", 3, 3),
        ("2026-12-07-ctgov-main-2", 2, 2),
    ]
    assert second.split("\nscreening:")[1] == first.split("\nscreening:")[1]  # the queue's bytes did not move


def test_a_failing_service_exits_2_and_writes_nothing(
    kb: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (kb / "data" / "claims.yaml").read_bytes()
    replay(monkeypatch, "pubmed/esearch-three.json", "pubmed/esummary-three.json", *["pubmed/500.json"] * 4)
    monkeypatch.setattr(search, "SEARCHERS", {**search.SEARCHERS, "europepmc": search.SEARCHERS["pubmed"]})
    assert derma("search", "run", "--today", DATA_TODAY.isoformat()) == 2
    err = capsys.readouterr().err
    assert "derma: error: pubmed: HTTP 500: Internal Server Error" in err and "nothing was written" in err
    assert "\x1b" not in err
    assert (kb / "data" / "claims.yaml").read_bytes() == before


def test_screening_decisions_drive_the_prisma_numbers(
    kb: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    replay(monkeypatch, *SEARCHES)
    assert derma("search", "run", "--today", DATA_TODAY.isoformat()) == 0
    assert derma("screen", "pmid:90000003", "--exclude") == 2  # an exclusion needs a reason
    assert derma("screen", "pmid:90000003", "--exclude", "--reason", "not the intervention") == 0
    assert derma("screen", "pmid:90000001", "--include", "--key", "dunkin2007") == 0  # found by any of its ids
    assert derma("screen", "pmid:99999999", "--include") == 1
    capsys.readouterr()
    assert derma("screen") == 0
    listed = capsys.readouterr().out
    assert "4 of 6 records await screening" in listed and "pmid:90000003" not in listed
    result = check_files("data/claims.yaml", "references.bib", DATA_TODAY)
    assert not result.errors, result.errors
    rows = {box: n for _, box, n in flow(result.kb.searches, result.kb.screening).rows}
    assert rows["Records identified from 3 searches"] == "8"
    assert rows["Duplicates removed before screening"] == "2"
    assert rows["Records screened"] == "2"
    assert rows["Records excluded, with reasons"] == "1"
    assert rows["Records included (1 distinct study)"] == "1"
    assert rows["Records awaiting screening (not yet counted above)"] == "4"
    pages = {p.path: p.content for p in render.render_site(result.kb)}
    assert "Found by the searches, awaiting screening" in pages["whats-new.md"]
    assert "Synthetic record 4" in pages["whats-new.md"] and "Synthetic record 1" not in pages["whats-new.md"]
    topic = pages["topics/needle-depth.md"]
    assert "Last searched: <strong>2026&#45;12&#45;07</strong>" in topic and "#topic-needle-depth" in topic


def test_the_checker_validates_a_hand_edited_queue(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    replay(monkeypatch, *SEARCHES)
    assert derma("search", "run", "--today", DATA_TODAY.isoformat()) == 0
    path = kb / "data" / "claims.yaml"
    text = path.read_text("utf-8").replace(
        '    title: "Synthetic record 4"', '    title: "Synthetic record 4"\n    decision: exclude', 1
    )
    path.write_text(text, "utf-8")
    result = check_files("data/claims.yaml", "references.bib", DATA_TODAY)
    assert [d.code for d in result.errors] == ["L015"]


RETRACTION_BIB = """
@article{synthetic1,
  author = {Example, A.},
  title = {Synthetic record 1},
  journal = {Synthetic Journal of Examples},
  year = {2021},
  doi = {10.5555/synthetic.1},
  design = {narrative-review},
}

@article{synthetic1copy,
  author = {Example, A.},
  title = {Synthetic record 1},
  journal = {Synthetic Journal of Examples},
  year = {2021},
  doi = {10.5555/SYNTHETIC.1},
  design = {narrative-review},
}

@article{synthetic3,
  author = {Example, C.},
  title = {Synthetic record 3},
  journal = {Synthetic Journal of Examples},
  year = {2023},
  doi = {10.5555/synthetic.3},
  design = {narrative-review},
}
"""


def test_retractions_check_flags_every_copy_from_crossref(
    kb: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = kb / "references.bib"
    bib.write_text(bib.read_text("utf-8") + RETRACTION_BIB, "utf-8")
    r = replay(
        monkeypatch,
        "crossref/corrected.json",
        "crossref/retracted.json",
        "crossref/clean.json",
        "crossref/404.json",  # dunkin2007's DOI: not in Crossref here
    )
    assert derma("retractions", "check", "--today", DATA_TODAY.isoformat()) == 0
    assert not r.queue
    out = capsys.readouterr().out
    text = bib.read_text("utf-8")
    for key in ("synthetic1", "synthetic1copy"):
        entry = text.split(f"@article{{{key},", 1)[1].split("\n}", 1)[0]
        assert "status = {retracted}" in entry and "status_doi = {10.5555/synthetic.1.notice}" in entry
        assert "status_date = {2026-10-01}" in entry
    corrected = text.split("@article{synthetic2,", 1)[1].split("\n}", 1)[0]
    assert "status = {corrected}" in corrected and "status_date" not in corrected  # Crossref gave 2025-06 only
    assert "gives only 2025-06 as its date" in out and "1 DOIs are not in Crossref" in out
    result = check_files("data/claims.yaml", "references.bib", DATA_TODAY)
    assert [d.code for d in result.errors] == []
    assert "L014" not in {d.code for d in result.diagnostics}  # both copies flagged alike


def test_retractions_check_failure_writes_nothing(
    kb: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (kb / "references.bib").read_bytes()
    replay(monkeypatch, "crossref/malformed.json")
    assert derma("retractions", "check", "--today", DATA_TODAY.isoformat()) == 2
    assert "crossref: the response is not a work message" in capsys.readouterr().err
    assert (kb / "references.bib").read_bytes() == before
