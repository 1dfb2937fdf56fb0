"""The formatted bibliography kept between builds (`citations.BibliographyCache`): the same result, never trusted."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from derma_evidence import citations
from derma_evidence.pipeline import Result
from tests._sitebuild import FIXTURE

BIB = FIXTURE / "references.bib"


def _formatted(result: Result, folder: Path, bib: bytes | None = None) -> citations.Bibliography:
    data = BIB.read_bytes() if bib is None else bib
    return citations.format_in_background(str(BIB), data, str(folder))(result.kb.references)


def _no_formatting(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(items: object) -> dict[str, str]:
        raise AssertionError("formatted again although the cache holds this bibliography")

    monkeypatch.setattr(citations, "_format", refuse)


def test_a_second_build_reuses_the_bibliography_unchanged(
    result: Result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _formatted(result, tmp_path)
    assert first == citations.bibliography(result.kb.references)
    assert (tmp_path / citations.CACHE_FILE).is_file()
    _no_formatting(monkeypatch)
    again = _formatted(result, tmp_path)
    assert again == first and list(again.csl) == list(first.csl)  # the same entries, in the same order


def test_another_bibtex_or_other_code_is_formatted_again(
    result: Result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _formatted(result, tmp_path)
    calls = []
    real = citations._format
    monkeypatch.setattr(citations, "_format", lambda items: calls.append(1) or real(items))
    _formatted(result, tmp_path, BIB.read_bytes() + b"\n% an edit\n")  # other bytes: another key
    assert calls == [1]
    monkeypatch.setattr(citations, "_code_digest", lambda: "another version of the code")
    _formatted(result, tmp_path)
    assert calls == [1, 1]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'{"key": "wrong"}',
        b"[" * 100_000,  # deeper than the JSON reader goes
        "KEY-BUT-WRONG-TYPES",
        "KEY-WITH-FOREIGN-ENTRY",
    ],
)
def test_a_damaged_or_foreign_cache_file_reads_as_no_cache(
    result: Result, tmp_path: Path, content: bytes | str
) -> None:
    key = citations.BibliographyCache(str(tmp_path), BIB.read_bytes()).key
    if content == "KEY-BUT-WRONG-TYPES":
        content = json.dumps({"key": key, "csl": {"a": 1}, "formatted": {"a": 2}}).encode()
    elif content == "KEY-WITH-FOREIGN-ENTRY":  # the right items, an entry for a key that is not one of them
        csl = dict(citations.bibliography(result.kb.references).csl)
        content = json.dumps({"key": key, "csl": csl, "formatted": {"x": "<script>"}}).encode()
    assert isinstance(content, bytes)
    (tmp_path / citations.CACHE_FILE).write_bytes(content)
    assert _formatted(result, tmp_path) == citations.bibliography(result.kb.references)
    assert json.loads((tmp_path / citations.CACHE_FILE).read_text("utf-8"))["key"] == key  # written again, whole


def test_a_cache_file_at_and_past_its_size_limit(
    result: Result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _formatted(result, tmp_path)
    size = (tmp_path / citations.CACHE_FILE).stat().st_size
    monkeypatch.setattr(citations, "MAX_CACHE_BYTES", size)  # at the limit: read
    assert citations.BibliographyCache(str(tmp_path), BIB.read_bytes()).load() is not None
    monkeypatch.setattr(citations, "MAX_CACHE_BYTES", size - 1)  # past it: ignored, and not written again
    os.remove(tmp_path / citations.CACHE_FILE)
    assert _formatted(result, tmp_path) == citations.bibliography(result.kb.references)
    assert not (tmp_path / citations.CACHE_FILE).exists()


def test_a_folder_that_cannot_be_written_only_costs_the_formatting(result: Result, tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x", "utf-8")  # the cache folder's place is taken by a file: nothing can be written
    assert _formatted(result, blocked) == citations.bibliography(result.kb.references)
    assert blocked.read_text("utf-8") == "x" and not list(tmp_path.glob("**/.bibliography-*"))


@pytest.mark.parametrize("damage", ["entry-missing", "no-entries", "bidi-control"])
def test_a_cache_file_with_the_right_key_but_not_every_entry_reads_as_no_cache(
    result: Result, tmp_path: Path, damage: str
) -> None:
    """Every reference has its entry (as `bibliography` makes it), and an entry holds no character a data file may
    not hold: a truncated or tampered file with the right key would otherwise publish references without entries."""
    key = citations.BibliographyCache(str(tmp_path), BIB.read_bytes()).key
    fresh = citations.bibliography(result.kb.references)
    csl, formatted = dict(fresh.csl), dict(fresh.formatted)
    first = next(iter(formatted))
    if damage == "entry-missing":
        del formatted[first]
    elif damage == "no-entries":
        formatted = {}
    else:
        formatted[first] = "\u202e" + formatted[first]
    (tmp_path / citations.CACHE_FILE).write_text(json.dumps({"key": key, "csl": csl, "formatted": formatted}), "utf-8")
    assert _formatted(result, tmp_path) == fresh
