"""`unverified = {author, title}`: required fields no page showed (B005 accepts them, B016 polices the list),
said plainly on the site, left out of CSL-JSON."""

from __future__ import annotations

from derma_evidence import citations, render
from derma_evidence.pipeline import check_bytes
from tests.conftest import CASES, TODAY

CASE = CASES / "B005" / "claims.yaml"

PARTIAL = b"""@article{dunkin2007,
  journal = {Plastic and Reconstructive Surgery},
  year = {2007},
  doi = {10.1097/01.prs.0000258829.07399.f0},
  design = {human-experimental},
  unverified = {author, title},
  note = {Seen on a copy of the PubMed record; no page showed the authors or the title},
}
"""


def _codes(bib: bytes) -> list[str]:
    result = check_bytes(str(CASE), CASE.read_bytes(), "references.bib", bib, TODAY)
    return [d.code for d in result.diagnostics]


def test_b005_accepts_missing_fields_listed_as_unverified() -> None:
    assert "B005" not in _codes(PARTIAL) and "B016" not in _codes(PARTIAL)


def test_b005_still_reports_a_missing_field_not_listed() -> None:
    only_author = PARTIAL.replace(b"{author, title}", b"{author}")
    assert _codes(only_author).count("B005") == 1
    no_journal = PARTIAL.replace(b"  journal = {Plastic and Reconstructive Surgery},\n", b"")
    result = check_bytes(str(CASE), CASE.read_bytes(), "references.bib", no_journal, TODAY)
    (b005,) = [d for d in result.diagnostics if d.code == "B005"]
    assert "journal" in b005.message and "author" not in b005.message


def test_unverified_fields_are_said_plainly_and_left_out_of_csl() -> None:
    result = check_bytes(str(CASE), CASE.read_bytes(), "references.bib", PARTIAL, TODAY)
    assert result.errors == []
    pages = {p.path: p.content for p in render.render_site(result.kb)}
    said = "Authors and title not verified."
    assert f'<strong class="derma-unverified">{said}</strong>' in pages["references.md"]
    topic = pages["topics/needle-depth.md"]
    claim = topic.split('id="dunkin-threshold"', 1)[1].split("</section>", 1)[0]
    assert f'<span class="derma-unverified">({said})</span>' in claim
    item = citations.to_csl(result.kb.references[0])
    assert "author" not in item and "title" not in item and "unverified" not in str(item)
    assert item["container-title"] == "Plastic and Reconstructive Surgery"


def test_entry_without_author_and_title_does_not_start_with_punctuation() -> None:
    result = check_bytes(str(CASE), CASE.read_bytes(), "references.bib", PARTIAL, TODAY)
    entry = citations.format_bibliography(result.kb.references)["dunkin2007"]
    assert entry.startswith("Plastic and Reconstructive Surgery"), entry
