"""Words and numbers as the site prints them: labels of vocabularies, ranges with units, short citations."""

from __future__ import annotations

import re
from collections.abc import Iterable

from derma_evidence import citations
from derma_evidence.contract import vocab
from derma_evidence.contract.patterns import compile_synonyms
from derma_evidence.contract.schema import Vocab
from derma_evidence.contract.vocab import CERTAINTY_TITLES, CLAIM_TITLE_MAX, UNIT_WORDS
from derma_evidence.model.answers import Arm, Effect, Outcome
from derma_evidence.model.claims import Claim, Quantity, Reference
from derma_evidence.model.kb import KnowledgeBase

LABELS: dict[str, str] = {
    value: words for name in ("verdict", "certainty", "stance") for value, words in vocab.LABELS[name].items()
}
"""Verdicts, certainties and stances in words, from the schema's `x-labels`."""


BADGE_WORDS = {
    "supported": "supported by its sources",
    "partly-supported": "partly supported by its sources",
    "insufficient": "sources too weak to decide",
    "contradicted": "contradicted by its sources",
}
"""A verdict as a badge says it: a verdict on the statement against its sources, never a recommendation."""


def label(value: str | None) -> str:
    if value is None:
        return "unknown"
    return LABELS.get(value, value)


DESIGN_LABELS = vocab.LABELS["design"]
UNIT_SINGULAR = {"d": "day", "wk": "week", "mo": "month"}
"""Unit words for a single value of exactly 1 ("1 week"); otherwise `vocab.UNIT_WORDS` ("2 weeks", "1–2 weeks")."""


def design_label(design: str | None) -> str:
    """A study design as words: "rct" -> "RCT", "case-series" -> "case series"."""
    if not design:
        return ""
    return DESIGN_LABELS.get(design, design.replace("-", " "))


def number(x: float) -> str:
    return f"{x:g}"


def plural(n: int, word: str, words: str | None = None) -> str:
    """A count with its noun: 1 claim, 2 claims."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def unit_words(unit: str | None, single: bool, vocab: Vocab | None = None) -> str:
    """The unit as printed after a value: singular only for a single value of exactly 1.

    The words come from ``vocab`` (the knowledge base's `vocabulary:` over the defaults) when given.
    """
    words = vocab.unit_labels if vocab is not None else UNIT_WORDS
    if single and unit in UNIT_SINGULAR and words.get(unit) == UNIT_WORDS.get(unit):
        return UNIT_SINGULAR[unit]
    return words.get(unit or "", unit or "")


def format_range(q: Quantity | None, with_measure: bool = False, vocab: Vocab | None = None) -> str:
    """A quantity as words: "1–3 days", "1 week", "0.56 mm"; optionally prefixed "Duration: "."""
    if q is None or q.min is None:
        return ""
    value = number(q.min)
    single = q.max is None or q.max == q.min
    if not single:
        assert q.max is not None
        value += "\u2013" + number(q.max)
    unit = unit_words(q.unit, single and q.min == 1, vocab)
    text = f"{value} {unit}".strip() if unit != "%" else f"{value}%"
    if with_measure and q.measure:
        name = vocab.measure_labels.get(q.measure, q.measure) if vocab is not None else q.measure
        text = f"{name[:1].upper()}{name[1:]}: {text}"
    return text


def short_cite(ref: Reference | None, key: str) -> str:
    """A record's name for readers: first author's surname and year ("Dunkin 2007", "Dhurat et al. 2013").

    Never the citation key. A record whose authors were not verified is named by what was: its journal
    ("Cureus 2022"; a journal name longer than SHORT_JOURNAL_CHARS only when there is no PMID), else its PMID
    ("PMID 32516497, 2020"), else the start of its title in quotes, else its design ("RCT, 2025"); the key only
    when the reference is not in the bibliography at all.
    """
    if ref is None:
        return key
    names = citations.surnames(ref)
    year = citations.clean(ref.get("year") or "")
    if names:
        who = names[0] + (" et al." if len(names) > 1 else "")
        return f"{who} {year}".strip()
    journal = citations.clean(ref.get("journal") or "")
    pmid = citations.clean(ref.get("pmid") or "")
    if journal and (len(journal) <= SHORT_JOURNAL_CHARS or not pmid):
        return f"{journal} {year}".strip()
    if pmid:
        return f"PMID {pmid}" + (f", {year}" if year else "")
    title = citations.clean(ref.get("title") or "")
    if title:
        words = title.split()
        head = " ".join(words[:SHORT_TITLE_WORDS]) + ("\u2026" if len(words) > SHORT_TITLE_WORDS else "")
        return f"\u201c{head}\u201d" + (f", {year}" if year else "")
    design = design_label(ref.get("design"))
    return f"{design}, {year}" if design and year else design or year or "Unnamed record"


_CLAUSE_END_RE = re.compile(
    r"[.;:,\s](?:(?<=[.;:])(?<!\bal.)(?<!\be\.g.)(?<!\bi\.e.)(?<!\bvs.)(?=\s)|(?<=\s)(?:[-\u2013\u2014]\s|\()"
    r"|(?<=,)\s(?:and|but|so|while|which|although|whereas)\s)"
)
r"""Where a clause ends: a stop `[.;:]` before a space (not "al.", "e.g.", "i.e.", "vs."), a dash between spaces, a
space before "(", or ", and" (", but", ...). Written to start with the one set of characters every end starts
with, and each look-behind after what it qualifies, so the engine skips to those characters and tests the rest
there only. The same matches as the plain pattern
`(?<!\bal)(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)[.;:](?=\s)|\s[-\u2013\u2014]\s|\s\(|,\s(?:and|...)\s`
(tests/render/test_render_equivalence.py compares them), six times faster."""


def claim_title(statement: str | None, limit: int = CLAIM_TITLE_MAX) -> str:
    """A claim's short title when it gives no `title` of its own, derived from its statement: its first clause,
    cut at a word within `limit`.

    The first clause ends at the first full stop, semicolon or colon followed by a space (not "et al." or
    "e.g."), a dash between spaces, an opening bracket, or ", and"/", but"/...; a clause shorter than 24
    characters (a lead-in such as "Popular belief:") runs on to the next end. A longer clause is cut at the last
    word that fits and ends with an ellipsis. Tables of contents and links show it; the heading keeps the statement.
    """
    text = " ".join((statement or "").split())
    head = text
    for m in _CLAUSE_END_RE.finditer(text):
        if m.start() >= 24:
            head = text[: m.start()]
            break
    head = head.rstrip(" .,;:")
    if len(head) <= limit:
        return head
    return head[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "\u2026"


def claim_titles(claims: Iterable[Claim]) -> dict[int, str]:
    """Each claim's `title`, else `claim_title` of its statement, by claim object (`id(claim)`)."""
    return {id(c): c.title or claim_title(c.statement) for c in claims}


SHORT_JOURNAL_CHARS = 20
"""A longer journal name does not name a record in tables and charts when a PMID can (two records of one
journal would read alike once a chart shortens them)."""
SHORT_TITLE_WORDS = 4
"""How many words of a title name a record whose authors, journal and PMID are all unknown."""


_UNVERIFIED_WORDS = {"author": "authors", "editor": "editors", "pages": "pages", "journal": "journal"}


def unverified_words(ref: Reference | None) -> str:
    """The fields no page showed, as the site says it: "Authors and title not verified." ("" if none)."""
    names = [_UNVERIFIED_WORDS.get(n, n) for n in (ref.unverified if ref is not None else ())]
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{listed[0].upper()}{listed[1:]} not verified."


# --- the glossary ------------------------------------------------------------------------------

GLOSSARY_VOCABULARIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "verdict",
        "Verdicts",
        "A verdict judges a claim's statement against its sources. It is never a recommendation: "
        "a statement such as \u201cno trial has tested daily rolling\u201d can be supported.",
        ("verdict",),
    ),
    (
        "certainty",
        "Certainty of the evidence",
        "How sure the evidence is (GRADE), never which way it points: low certainty that a treatment "
        "may help is not evidence that it does not.",
        ("certainty",),
    ),
    ("stance", "Stances of a source", "How one source bears on a claim's statement.", ("stance",)),
    ("design", "Study designs", "The kind of study a reference reports.", ("design",)),
    (
        "grade-domain",
        "GRADE domains",
        "The five reasons GRADE gives for lowering the certainty of a body of evidence.",
        ("grade",),
    ),
    (
        "grade-judgement",
        "GRADE domain judgements",
        "How serious a concern in one GRADE domain is (GRADEpro's words); the judgements are {publisher}'s.",
        ("judgement", "properties", "judgement"),
    ),
    (
        "rob-domain",
        "RoB 2 domains",
        "The five domains of the Cochrane risk-of-bias tool for randomised trials (RoB 2).",
        ("rob",),
    ),
    (
        "rob-judgement",
        "RoB 2 judgements",
        "How likely a trial's result is to be biased, per domain and overall; the judgements are {publisher}'s.",
        ("rob_judgement", "properties", "judgement"),
    ),
)
"""The glossary's vocabularies: (anchor prefix, heading, introduction, path of the schema node below
`definitions` holding `x-definitions`, keyed by the vocabulary's values)."""


def glossary_anchor(vocab: str, value: str | None) -> str:
    """The glossary anchor of one term: `verdict-supported`, `grade-domain-risk-of-bias`."""
    return f"{vocab}-{(value or '').replace('_', '-')}"


# --- search: what people type ------------------------------------------------------------------


def search_keywords(synonyms: tuple[tuple[str, str], ...], *texts: str | None) -> str:
    """The hidden search words of a section: the synonym groups its text triggers, in table order.

    ``synonyms`` are the knowledge base's (`vocabulary: search_synonyms` in data/claims.yaml): (trigger,
    words); a claim or answer whose text matches a trigger (RE2 regular expression, case-insensitive) carries
    the words, hidden, in the search index, so "how often" or "side effects" find it. The engine ships none.
    The patterns are compiled once per set and matched in linear time (`contract.patterns`).
    """
    blob = " ".join(t for t in texts if t)
    return compile_synonyms(synonyms).words_for(blob)


CLINICAL_DESIGNS = frozenset(
    {"meta-analysis", "systematic-review", "rct", "controlled-trial", "cohort", "case-series", "case-report"}
)
"""Designs that study people treated (clinical studies); the others are background for a reader."""


def topic_search_boost(designs: list[str]) -> float:
    """A topic page's search boost: 3 when most of its cited sources are clinical studies, else 1.

    Answers (boost 4) rank first, then clinical topics (3), then mechanism and background pages (glossary 2,
    references 1, trials and article 0.5, rule and schema references 0.3)."""
    clinical = sum(d in CLINICAL_DESIGNS for d in designs)
    return 3.0 if designs and clinical * 2 > len(designs) else 1.0


# --- the project -------------------------------------------------------------------------------

ISSUE_TITLE_MAX = 120


_CORRECTION_BODY = (
    "Claim: `",
    "`\n\n> ",
    "\n\nWhat should change, and the source (page, table or figure) that shows it:\n\n",
)
"""The issue's body around the claim's id and statement."""


def correction_url(issues_url: str, claim_id: str | None, statement: str | None) -> str:
    """A prefilled new-issue URL (GitHub's query form) to suggest a correction to one claim (id and statement in
    it); `issues_url` is the knowledge base's own (`Project.issues_url`); "" (no repository) gives no link.

    The query `urlencode` gives for the title, the body and the label, quoted part by part (`quote_plus`): the
    fixed words of the body once, the id and the statement for each claim."""
    if not issues_url:
        return ""
    cid = claim_id or ""
    title = f"Correction to claim {cid}"[:ISSUE_TITLE_MAX]
    head, middle, tail = _QUOTED_BODY
    return (
        f"{issues_url}?title={quote_plus(title)}&body={head}{quote_plus(cid)}{middle}"
        f"{quote_plus(statement or '')}{tail}&labels=correction"
    )


_UNSAFE_RUN_RE = re.compile(r"[^A-Za-z0-9_.~ -]+")


def quote_plus(value: str) -> str:
    """`urllib.parse.quote_plus(value)`: UTF-8, "+" for a space, "%XX" for every other byte but letters, digits and
    `_.-~`. One regular expression finds the few runs to encode, where urllib maps every byte in Python (a
    statement's quoting was a fifth of its claim's view-model)."""
    return _UNSAFE_RUN_RE.sub(_percent, value).replace(" ", "+")


def _percent(m: re.Match[str]) -> str:
    return "".join(f"%{b:02X}" for b in m.group().encode("utf-8"))


_QUOTED_BODY = tuple(quote_plus(part) for part in _CORRECTION_BODY)


UNNAMED = "not named in the data"
NOT_RECORDED = "not recorded"
"""A count or date the data leaves out (searches, the change log)."""


def source_article(kb: KnowledgeBase) -> dict[str, str]:
    """The article the knowledge base started from (`source_article:` in data/claims.yaml), each part in words.

    It is the starting point, checked statement by statement, and never a source: no claim cites it."""
    a = kb.source_article
    return {
        "title": a.get("title", "the source article"),
        "author": a.get("author", UNNAMED),
        "where": a.get("where", UNNAMED),
        "description": a.get("description", "the article the statements come from"),
    }


# --- the answers layer: certainty, effects as reported -----------------------------------------


def judgements_note(publisher: str) -> str:
    """Whose the judgements are: the knowledge base's publisher (`Project.publisher`), never the sources' authors."""
    return (
        f"The judgements (GRADE downgrades, risk of bias) are {publisher}'s, not the sources' authors'; "
        "every number is as the source reports it, never computed, converted or imputed."
    )


def certainty_words(value: str | None) -> str:
    return CERTAINTY_TITLES.get(value or "", "Certainty not stated")


def effect_number(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def outcome_anchor(o: Outcome) -> str:
    return o.full_id or ""


def effect_text(e: Effect) -> str:
    """An effect as its source reports it: "SMD 1.2 (95% CI 0.8 to 1.6); I² 40%; 3 studies; p < 0.05"."""
    parts: list[str] = []
    if e.measure == "arms":
        valued = any(a.value is not None for a in e.arms)

        def arm(a: Arm) -> str:
            text = a.label or "arm"
            if a.value is not None:
                text += f": {effect_number(a.value)}"
            elif valued:
                text += ": not reported"
            return text + (f" (n = {a.n})" if a.n else "")

        arms = " vs ".join(arm(a) for a in e.arms)
        if valued:
            parts.append(arms + (f" {e.unit}" if e.unit else ""))
        else:
            parts.append(arms + " (arm values not reported)")
    elif e.measure:
        head = f"{e.measure} {effect_number(e.value)}"
        if e.unit:
            head += f" {e.unit}"
        if e.ci_low is not None and e.ci_high is not None:
            head += f" (95% CI {effect_number(e.ci_low)} to {effect_number(e.ci_high)})"
        parts.append(head)
    if e.i2 is not None:
        parts.append(f"I\u00b2 {effect_number(e.i2)}%")
    if e.studies is not None:
        parts.append(plural(e.studies, "study", "studies"))
    if e.participants is not None:
        parts.append(plural(e.participants, "participant"))
    if e.p:
        parts.append(f"p {e.p}" if e.p[:1] in "<>=\u2264\u2265" else f"p = {e.p}")
    return "; ".join(parts)
