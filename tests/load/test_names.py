"""Author names as BibTeX reads them (bibtexparser's splitter), and one LaTeX decoder (the loader's)."""

from __future__ import annotations

import pytest

from derma_evidence import citations
from derma_evidence.load.bib import decode_latex


@pytest.mark.parametrize(
    "value,expected",
    [
        ("Ludwig van Beethoven", {"family": "van Beethoven", "given": "Ludwig"}),
        ("van Beethoven, Ludwig", {"family": "van Beethoven", "given": "Ludwig"}),
        ("Jean de la Fontaine", {"family": "de la Fontaine", "given": "Jean"}),
        ("de la Fontaine, Jean", {"family": "de la Fontaine", "given": "Jean"}),
        ("John von Neumann", {"family": "von Neumann", "given": "John"}),
        ("von Neumann, Jr., John", {"family": "von Neumann", "given": "John", "suffix": "Jr."}),
        ("Dunkin, C. S. J.", {"family": "Dunkin", "given": "C. S. J."}),
        ("Rachita Dhurat", {"family": "Dhurat", "given": "Rachita"}),
        ("{World Health Organization}", {"literal": "World Health Organization"}),
        ('M{\\"u}ller, Hans', {"family": "M\u00fcller", "given": "Hans"}),
    ],
)
def test_names_with_particles(value: str, expected: dict[str, str]) -> None:
    assert citations.names(value) == [expected]


def test_names_are_split_on_and_outside_braces() -> None:
    got = citations.names("Dhurat, R and {Sukesh and Co} and Ludwig van Beethoven")
    assert got == [
        {"family": "Dhurat", "given": "R"},
        {"literal": "Sukesh and Co"},
        {"family": "van Beethoven", "given": "Ludwig"},
    ]


def test_clean_decodes_latex_with_the_loaders_decoder() -> None:
    for raw in ("Caf{\\'e} \\& bar", "100\\% \\_x", "{\\O}rsted"):
        assert citations.clean(raw) == " ".join(decode_latex(raw).replace("{", "").replace("}", "").split())
    assert citations.clean("pages 12--15, a---b") == "pages 12-15, a\u2014b"
