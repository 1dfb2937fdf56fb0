"""Issue 21 on the living review: each kind of failure at and past its limit (a message, never a traceback).

`--since` with a malformed export; `import-retractions` on an oversized cell, a full disk, a `;`-separated
file, a notice DOI that is not one, a notice dated in the future, a paper listed twice and a Record ID with
control characters; U+FFFE in the data and in the feed; L005's suggestions built once per kind.
"""

from __future__ import annotations

import errno
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from derma_evidence import render
from derma_evidence.commands import cli, retractions
from derma_evidence.commands import write as write_mod
from derma_evidence.diagnostics import Suggester
from derma_evidence.load import jsondoc
from derma_evidence.pipeline import check_bytes
from derma_evidence.render import feed
from derma_evidence.rules import living
from tests.conftest import ROOT, TODAY

CASES = ROOT / "tests" / "cases"
HERE = ROOT / "tests" / "living"
HEADER = (
    "Record ID,Title,Journal,RetractionDate,RetractionDOI,OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature\n"
)


# --- `derma check --since FILE` ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"claims": [{"id": ["unhashable"]}]}', "claims[0] is not an object with a string `id`"),
        (b'{"claims": [{"id": "x", "verdict": {"a": 1}}]}', "claims[0].verdict is not a string"),
        (b'{"claims": [], "changes": {"not": "a list"}}', "`changes` is not a list of objects"),
        (b'{"claims": [], "changes": [1, 2]}', "`changes` is not a list of objects"),
        (b"[" * 100_000 + b"]" * 100_000, "nests deeper than 64 levels"),
        (b'{"claims": [', "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[]", "not a claims.json export"),
    ],
)
def test_since_with_a_malformed_export_is_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: bytes, message: str
) -> None:
    prev = tmp_path / "previous.json"
    prev.write_bytes(body)
    case = CASES / "L007"
    args = ["check", "--claims", str(case / "claims.yaml"), "--bib", str(case / "references.bib")]
    assert cli.main([*args, "--since", str(prev)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_json_depth_at_and_past_the_limit() -> None:
    at = b"[" * jsondoc.MAX_DEPTH + b"]" * jsondoc.MAX_DEPTH
    assert jsondoc.parse(at) is not None
    with pytest.raises(ValueError, match="nests deeper"):
        jsondoc.parse(b"[" + at + b"]")


def _since(claims_changes: str, previous_changes: str) -> list[str]:
    """L007 codes for the L007 case with extra change entries, against its export with a `changes` list."""
    previous = (CASES / "L007" / "previous.json").read_text("utf-8")
    previous = previous.replace('"changes": [', '"changes": [' + previous_changes)
    text = (CASES / "L007" / "claims.yaml").read_text("utf-8") + claims_changes
    bib = (CASES / "L007" / "references.bib").read_bytes()

    result = check_bytes("claims.yaml", text.encode(), "references.bib", bib, TODAY)
    from derma_evidence.rules.since import load_previous, since

    return [d.code for d in since(result.kb, load_previous(previous.encode()))]


SAME_DAY = """  - date: 2026-10-15
    kind: certainty-changed
    claims: [dunkin-threshold]
    what: Certainty moved.
    why: Test.
"""


def test_a_change_of_the_release_day_counts_only_if_the_release_did_not_hold_it() -> None:
    released = '{"date": "2026-10-15", "kind": "certainty-changed", "what": "Certainty moved."}, '
    assert _since(SAME_DAY, released) == ["L007", "L007"]  # part of the previous release: not new
    assert _since(SAME_DAY, "") == []  # logged the same day, after the export: new


# --- import-retractions ----------------------------------------------------------------------------------


def _bib(tmp_path: Path) -> Path:
    bib = tmp_path / "references.bib"
    shutil.copy(HERE / "references.bib", bib)
    return bib


def _import(tmp_path: Path, csv_text: str, *extra: str) -> tuple[int, Path]:
    bib = _bib(tmp_path)
    path = tmp_path / "rw.csv"
    path.write_text(csv_text, "utf-8")
    return cli.main(["import-retractions", str(path), "--bib", str(bib), *extra]), bib


def test_a_cell_at_the_limit_is_read_and_past_it_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    row = "1,{title},J,3/14/2026,10.9999/n.1,10.9999/fake.retracted,0,Retraction\n"
    rc, _ = _import(tmp_path, HEADER + row.format(title="x" * retractions.MAX_CELL))
    assert rc == 0
    before = (HERE / "references.bib").read_bytes()
    rc, bib = _import(tmp_path, HEADER + row.format(title="x" * 200_000))
    err = capsys.readouterr().err
    assert rc == 2 and "line" in err and "131072" in err and "nothing was written" in err
    assert bib.read_bytes() == before


def test_a_semicolon_separated_file_is_refused_not_read_as_nothing_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, bib = _import(
        tmp_path, HEADER.replace(",", ";") + "1;T;J;3/14/2026;10.9999/n;10.9999/fake.retracted;0;Retraction\n"
    )
    err = capsys.readouterr().err
    assert rc == 2 and "not a Retraction Watch CSV" in err and "';'" in err
    assert bib.read_bytes() == (HERE / "references.bib").read_bytes()


def test_a_notice_doi_that_is_not_a_doi_is_not_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, bib = _import(tmp_path, HEADER + "1,T,J,3/14/2026,see the journal,10.9999/fake.retracted,0,Retraction\n")
    out = capsys.readouterr().out
    assert rc == 0 and "status_doi not set" in out
    assert "status = {retracted}" in bib.read_text("utf-8") and "see the journal" not in bib.read_text("utf-8")


def test_a_notice_dated_in_the_future_is_not_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    row = "1,T,J,{day},10.9999/n.1,10.9999/fake.retracted,0,Retraction\n"
    rc, bib = _import(tmp_path, HEADER + row.format(day="12/8/2026"), "--today", "2026-12-07")
    assert rc == 0 and "notice date 2026-12-08 is in the future" in capsys.readouterr().out
    assert "status_date" not in bib.read_text("utf-8").split("fixture2020,", 1)[1].split("}\n\n", 1)[0]
    rc, bib = _import(tmp_path, HEADER + row.format(day="12/7/2026"), "--today", "2026-12-07")  # at the limit
    assert rc == 0 and "status_date = {2026-12-07}" in bib.read_text("utf-8")


def test_a_paper_listed_twice_gets_both_copies_flagged(tmp_path: Path) -> None:
    bib = _bib(tmp_path)
    bib.write_text(
        bib.read_text("utf-8")
        + "\n@article{fixture2020copy,\n  author = {Fixture, A.},\n  title = {Made-up paper one},\n"
        "  journal = {Journal of Fixtures},\n  year = {2020},\n  doi = {10.9999/FAKE.RETRACTED},\n"
        "  design = {rct},\n}\n",
        "utf-8",
    )
    path = tmp_path / "rw.csv"
    path.write_text(HEADER + "1,T,J,3/14/2026,10.9999/n.1,10.9999/fake.retracted,0,Retraction\n", "utf-8")
    assert cli.main(["import-retractions", str(path), "--bib", str(bib)]) == 0
    text = bib.read_text("utf-8")
    assert text.count("status = {retracted}") == 2


def test_control_characters_from_the_csv_never_reach_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = "1\x1b[2K\rdata/claims.yaml:1:1: C005 forged"
    rc, _ = _import(tmp_path, HEADER + f'"{record}",T,J,3/14/2026,10.9999/n.1,10.9999/fake.retracted,0,Retraction\n')
    out = capsys.readouterr().out
    assert rc == 0 and "\x1b" not in out and "\r" not in out
    assert "\\x1b" in out or "\\u001b" in out or "^[" in out or "forged" in out


def test_a_full_disk_leaves_the_file_whole_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(write_mod.os, "fsync", full)
    rc, bib = _import(tmp_path, HEADER + "1,T,J,3/14/2026,10.9999/n.1,10.9999/fake.retracted,0,Retraction\n")
    err = capsys.readouterr().err
    assert rc == 2 and "No space left on device" in err and "nothing was written" in err
    assert bib.read_bytes() == (HERE / "references.bib").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["references.bib", "rw.csv"]


# --- U+FFFE and the feed -------------------------------------------------------------------------------------

BASE = (CASES / "_valid" / "claims.yaml").read_text("utf-8")
BIB = (CASES / "_valid" / "references.bib").read_bytes()


@pytest.mark.parametrize("escape", ["\\uFFFE", "\\uFFFF", "\\U0010FFFF", "\\uFDD0"])
def test_a_noncharacter_escape_is_refused_at_load(escape: str) -> None:
    text = BASE + f'changes:\n  - date: 2026-11-02\n    kind: added\n    what: "a{escape}b"\n    why: test\n'
    result = check_bytes("claims.yaml", text.encode(), "references.bib", BIB)
    assert [d.code for d in result.errors] == ["Y010"] or any(d.code.startswith("Y") for d in result.errors)


def test_the_feed_stays_well_formed_xml_whatever_the_text() -> None:
    assert feed.xml_text("a\ufffeb\uffffc\x00d\x1be\ud800f") == "abcdef"
    text = BASE + "changes:\n  - date: 2026-11-02\n    kind: added\n    what: Fine.\n    why: test\n"
    kb = check_bytes("claims.yaml", text.encode(), "references.bib", BIB).kb
    ctx = render.Context.of(kb)
    root = ET.fromstring(feed.feed(ctx))
    assert root.tag.endswith("feed")


def test_feed_entries_of_one_day_have_their_own_updated_time() -> None:
    entries = "".join(
        f"  - date: 2026-11-02\n    kind: added\n    what: Entry {i}.\n    why: test\n" for i in range(1, 4)
    )
    kb = check_bytes("claims.yaml", (BASE + "changes:\n" + entries).encode(), "references.bib", BIB).kb
    root = ET.fromstring(feed.feed(render.Context.of(kb)))
    ns = "{http://www.w3.org/2005/Atom}"
    stamps = [e.findtext(ns + "updated") for e in root.findall(ns + "entry")]
    assert stamps == ["2026-11-02T00:00:02Z", "2026-11-02T00:00:01Z", "2026-11-02T00:00:00Z"]
    assert root.findtext(ns + "updated") == "2026-11-02T00:00:02Z"


def test_every_page_links_the_feed_for_autodiscovery() -> None:
    kb = check_bytes("claims.yaml", BASE.encode(), "references.bib", BIB).kb
    ctx = render.Context.of(kb)
    link = feed.head_link(ctx, "topics/needle-depth.md")
    assert link.startswith('<link rel="alternate" type="application/atom+xml"')
    assert 'href="../../downloads/feed.atom"' in link


# --- L005: linear in changes and claims (measured by scripts/bench_living.py; counted here) -------------------


def test_l005_builds_one_suggester_per_kind_not_one_per_change(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []
    original = Suggester.__init__

    def counting(self: Suggester, *args: object, **kwargs: object) -> None:
        built.append(1)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    entries = "".join(
        f"  - date: 2026-11-02\n    kind: corrected\n    claims: [dunkin-threshold, gone-{i}]\n"
        f"    references: [gone{i}]\n    what: Entry {i}.\n    why: test\n"
        for i in range(200)
    )
    kb = check_bytes("claims.yaml", (BASE + "changes:\n" + entries).encode(), "references.bib", BIB).kb
    monkeypatch.setattr(Suggester, "__init__", counting)
    hits = list(living.change_names_unknown_id(kb))
    assert len(hits) == 400 and len(built) == 2  # one for claims, one for citation keys
