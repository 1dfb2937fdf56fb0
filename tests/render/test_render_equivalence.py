"""The rendering's fast paths give what the plain ways give, byte for byte, and its cost stays linear.

Each fast path replaced a plain one (issue 22): Jinja's code generator, `str.translate` with the escaping
table, the clause-end pattern of claim titles, `urllib.parse.urlencode` of the correction link, the CSV cell.
The plain ones are kept here as the reference, and compared on the real data, a synthetic knowledge base
and generated strings heavy in the characters each one treats specially. No time is measured: the growth
check counts calls (tests/_growth.py).
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Callable, Iterator
from urllib.parse import quote_plus, urlencode

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from derma_evidence import citations, render
from derma_evidence.export import files as exports
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.model.project import Project
from derma_evidence.pipeline import check_bytes, check_files
from derma_evidence.render import escape, words
from tests._growth import assert_grows
from tests.conftest import FIXTURE, ROOT, TODAY

sys.path.insert(0, str(ROOT / "scripts"))
from synthetic import generate  # noqa: E402

PROJECT = Project(name="Derma Evidence", site_url="https://example.org/kb/", repo_url="https://github.com/o/r")


def _synthetic(n_claims: int, n_refs: int = 60, n_topics: int = 7) -> KnowledgeBase:
    claims, bib = generate(n_claims, n_refs, n_topics=n_topics, n_questions=20, n_comparisons=10, n_changes=20)
    r = check_bytes("claims.yaml", claims.encode(), "references.bib", bib.encode(), TODAY)
    assert not r.errors, r.errors[:3]
    return r.kb


@pytest.fixture(scope="module")
def bases() -> dict[str, KnowledgeBase]:
    real = check_files(str(ROOT / "data" / "claims.yaml"), str(ROOT / "references.bib"))
    fixture = check_files(str(FIXTURE / "claims.yaml"), str(FIXTURE / "references.bib"))
    return {"real": real.kb, "fixture": fixture.kb, "synthetic": _synthetic(300)}


def _pages(kb: KnowledgeBase) -> dict[str, str]:
    ctx = render.Context.of(kb, project=PROJECT)
    return {p.path: p.content for p in render.render_site(kb, ctx=ctx)}


def _strings(alphabet: str, n: int = 20_000, seed: int = 22) -> Iterator[str]:
    rnd = random.Random(seed)
    for _ in range(n):
        yield "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 24)))


HOSTILE = "{{ 7*7 }} <script>&amp; &#35; #x \r\n\t' \" \u2028 \x0b é 😀 `a` [x](y) --8<-- {: .c } | ~ ^ $ @ ! = + :"


# --- Jinja's code generator --------------------------------------------------------------------------------


def test_templates_print_what_jinjas_own_code_generator_prints(
    bases: dict[str, KnowledgeBase], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page of three knowledge bases, rendered with `escape._CodeGenerator` and with Jinja's own."""
    ours = {name: _pages(kb) for name, kb in bases.items()}
    template = escape._template
    monkeypatch.setattr(escape, "_template", lambda name, stock=False: template(name, True))
    for name, kb in bases.items():
        assert _pages(kb) == ours[name], name


@pytest.mark.parametrize("source", ["{{ x }}", "{{ x ~ y }}", "{% autoescape flag %}{{ x }}{% endautoescape %}"])
def test_code_generator_escapes_as_jinja_does(source: str) -> None:
    values = {"x": HOSTILE, "y": render.text(HOSTILE), "flag": False}
    out = escape.environment().from_string(source).render(values)
    assert out == escape.environment(stock=True).from_string(source).render(values)
    assert "<script" not in out


# --- escaping ----------------------------------------------------------------------------------------------


def test_neutralise_is_the_translation_by_the_table() -> None:
    specials = "".join(map(chr, escape._NEUTRAL))
    for value in [HOSTILE, "", "plain words", *_strings(specials + "ab &#;\u00e9\U0001f600")]:
        assert render.neutralise(value) == value.translate(escape._NEUTRAL), value
        assert render.text(value) == value.translate(escape._NEUTRAL)


# --- claim titles ------------------------------------------------------------------------------------------

PLAIN_CLAUSE_END = re.compile(
    r"(?<!\bal)(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)[.;:](?=\s)|\s[-\u2013\u2014]\s|\s\(|"
    r",\s(?:and|but|so|while|which|although|whereas)\s"
)
"""The clause ends as first written: `words._CLAUSE_END_RE` must find the same matches."""


def test_clause_end_pattern_matches_the_plain_one(bases: dict[str, KnowledgeBase]) -> None:
    statements = [" ".join((c.statement or "").split()) for kb in bases.values() for c in kb.claims]
    pieces = list("al e.g i.e vs .;: ,-\u2013\u2014()\n\tabc\u00a0\u2003")
    pieces += [", and ", ", but ", ", whereas ", " al.", "e.g. ", "i.e. ", "vs. ", " - ", " (", ",\u2003so\t"]
    rnd = random.Random(5)
    fuzz = ["".join(rnd.choice(pieces) for _ in range(rnd.randrange(0, 30))) for _ in range(30_000)]
    for s in statements + fuzz:
        ours = [(m.start(), m.end()) for m in words._CLAUSE_END_RE.finditer(s)]
        assert ours == [(m.start(), m.end()) for m in PLAIN_CLAUSE_END.finditer(s)], s


# --- the correction link -----------------------------------------------------------------------------------


def _plain_correction_url(issues_url: str, claim_id: str | None, statement: str | None) -> str:
    if not issues_url:
        return ""
    cid = claim_id or ""
    body = (
        f"Claim: `{cid}`\n\n> {statement or ''}\n\n"
        "What should change, and the source (page, table or figure) that shows it:\n\n"
    )
    title = f"Correction to claim {cid}"[: words.ISSUE_TITLE_MAX]
    return f"{issues_url}?" + urlencode({"title": title, "body": body, "labels": "correction"})


def test_quote_plus_and_the_correction_link_match_urllib(bases: dict[str, KnowledgeBase]) -> None:
    rnd = random.Random(3)
    ranges = [(0, 128), (128, 0x3000), (0x10000, 0x10400)]
    values = [
        "".join(chr(rnd.randrange(*rnd.choice(ranges))) for _ in range(rnd.randrange(0, 60))) for _ in range(10_000)
    ]
    values += [HOSTILE, "", " ", "a b", "-_.~"]
    for value in values:
        assert words.quote_plus(value) == quote_plus(value), value
    claims = [(c.id, c.statement) for kb in bases.values() for c in kb.claims]
    claims += [(values[i], values[-i - 1]) for i in range(2000)] + [(None, None), ("x" * 200, None)]
    for url in ("https://github.com/o/r/issues/new", ""):
        for cid, statement in claims:
            assert words.correction_url(url, cid, statement) == _plain_correction_url(url, cid, statement)


# --- the CSV cell ------------------------------------------------------------------------------------------


def _plain_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return exports._number(float(value)) if isinstance(value, float) else str(value)
    text = exports.LINE_BREAKS.sub(" ", str(value))
    return "'" + text if text.lstrip(" ")[:1] in exports.FORMULA_START and text.lstrip(" ") else text


def test_csv_cell_matches_the_plain_one() -> None:
    alphabet = " =+-@\t\r\n\v\f\x1c\x1d\x1e\x1f\x85\u2028\u2029\u00a0ab1\u00e9"
    others: list[object] = [None, True, False, 0, -3, 2.5, -0.5, 3.0, float("nan"), float("inf"), 2.0**60]
    for value in [*_strings(alphabet), *others, HOSTILE]:
        assert exports._cell(value) == _plain_cell(value), repr(value)


# --- growth ------------------------------------------------------------------------------------------------


def _build(kb: KnowledgeBase) -> Callable[[], object]:
    bib = citations.bibliography(kb.references)  # formatted outside: citeproc's cost is its own

    def run() -> object:
        ctx = render.Context.of(kb, bib=bib, project=PROJECT)
        return render.render_site(kb, ctx=ctx), exports.all_exports(kb, b"", ctx.bib.csl, PROJECT)

    return run


def test_render_and_exports_are_linear_in_the_claims() -> None:
    """Per-build memos (claim titles, links, sources, notice badges) are made once, not once per claim: eight
    times the claims and references on the same topics cost about eight times the calls, not sixty-four."""
    small, big = _synthetic(150, 40), _synthetic(1200, 320)
    _build(small)()  # templates compiled and caches warm before counting
    assert_grows(_build(small), _build(big), 8)


_ID_PARTS = st.sampled_from(['id="', ' id="', '\tid="', '\nid="', "xid=", '"', "a", " ", "\u00a0", "\u2028", 'id="b"'])


@settings(max_examples=400, deadline=None)
@given(st.lists(_ID_PARTS, max_size=30).map("".join))
@example('xid="a id="b"')  # a candidate refused (no space before it) must not hide the next one
def test_anchor_ids_finds_what_the_pattern_finds(html: str) -> None:
    """`anchor_ids` jumps from `id="` to `id="`; `ID_ATTR_RE` (`\\sid="..."`) is what it must find."""
    from derma_evidence.render.html import ID_ATTR_RE, anchor_ids

    assert anchor_ids(html) == set(ID_ATTR_RE.findall(html))


def test_anchor_ids_of_every_generated_page(bases: dict[str, KnowledgeBase]) -> None:
    from derma_evidence.render.html import ID_ATTR_RE, anchor_ids

    for kb in bases.values():
        for path, html in _pages(kb).items():
            assert anchor_ids(html) == set(ID_ATTR_RE.findall(html)), path
