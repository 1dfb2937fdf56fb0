"""B019: a reference `url` (the link readers follow) is https, has a host name and is not a copy site."""

from __future__ import annotations

import pytest

from derma_evidence.pipeline import check_bytes
from tests.conftest import CASES, TODAY

CASE = CASES / "B019"
BIB = (CASE / "references.bib").read_text("utf-8")


def _b019(url: str) -> list[str]:
    bib = BIB.replace("http://47.251.13.51:8081/17440346", url).encode()
    result = check_bytes(str(CASE / "claims.yaml"), (CASE / "claims.yaml").read_bytes(), "references.bib", bib, TODAY)
    return [d.message for d in result.diagnostics if d.code == "B019"]


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://www.ijtrichology.com/article.asp?x=1", "plain http://"),
        ("https://47.251.13.51:8081/40056230", "bare IP address"),
        ("https://www.scribd.com/document/694732176/s13555-021-00653-2", "scribd.com is a document-sharing"),
        ("https://fr.studylib.net/doc/1/x", "studylib.net"),
        ("https://www.researchgate.net/publication/1_x/links/2/x.pdf", "researchgate.net"),
        ("https://vdocuments.us/a-randomized-controlled.html", "vdocuments.us"),
    ],
)
def test_untrusted_hosts_are_refused(url: str, why: str) -> None:
    (message,) = _b019(url)
    assert why in message


def test_http_on_a_bare_ip_gives_one_diagnostic_with_both_reasons() -> None:
    (message,) = _b019("http://47.251.13.51:8081/17440346")
    assert "plain http://" in message and "bare IP address" in message


@pytest.mark.parametrize(
    "url",
    [
        "https://doi.org/10.1097/01.prs.0000258829.07399.f0",
        "https://pubmed.ncbi.nlm.nih.gov/17440346/",
        "https://www.notscribd.com/article",  # a look-alike name is not a subdomain
        "https://journals.lww.com/plasreconsurg/x",
    ],
)
def test_canonical_links_pass(url: str) -> None:
    assert _b019(url) == []
