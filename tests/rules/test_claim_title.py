"""A claim's own short title: used in links and tables of contents, at most CLAIM_TITLE_MAX characters (C018)."""

from __future__ import annotations

import dataclasses

from derma_evidence.contract.vocab import CLAIM_TITLE_MAX
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.pipeline import check_files
from derma_evidence.render import Context
from derma_evidence.rules import claims
from tests.conftest import FIXTURE


def _kb_with_title(title: str | None) -> KnowledgeBase:
    r = check_files(str(FIXTURE / "claims.yaml"), str(FIXTURE / "references.bib"))
    assert r.diagnostics == [], r.diagnostics
    first = dataclasses.replace(r.kb.claims[0], title=title)
    return dataclasses.replace(r.kb, claims=(first, *r.kb.claims[1:]))


def test_a_title_at_the_limit_passes_and_one_past_it_is_refused() -> None:
    assert list(claims.title_too_long(_kb_with_title("t" * CLAIM_TITLE_MAX))) == []
    (hit,) = list(claims.title_too_long(_kb_with_title("t" * (CLAIM_TITLE_MAX + 1))))
    assert f"{CLAIM_TITLE_MAX + 1} characters, over {CLAIM_TITLE_MAX}" in hit.message


def test_links_use_the_title_and_fall_back_to_the_derived_one() -> None:
    kb = _kb_with_title("Short own title")
    assert Context.of(kb).claim_title(kb.claims[0].id) == "Short own title"
    plain = _kb_with_title(None)
    derived = Context.of(plain).claim_title(plain.claims[0].id)
    assert derived and derived != "Short own title" and len(derived) <= CLAIM_TITLE_MAX
