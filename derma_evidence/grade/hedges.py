"""A small sentence-level analyser: how certain does a hand-written sentence sound?

A word search cannot tell "it clearly increases the count ... you may see results" (an unhedged,
intensified claim next to a stray "may") from "it may increase the count", nor the hedge "may"
from the month "May". This module reads text as sentences and clauses and finds, in each:

- **effect assertions**: an effect verb about the treatment ("increases", "regrows", "works", "results
  in", "is effective", "does not work") and the certainty its own wording implies: bare present tense
  or "will"/"does" = high; "probably"/"likely"/"is likely to" = moderate; "may"/"might"/"could"/"can"/
  "possibly" = low. An assertion embedded under "whether", "if", "uncertain", "unknown" or a report of
  what a source found ("found that", "reported that") is not an assertion of ours and implies nothing.
- **hedges** by the GRADE level they mark (Santesso 2020, see `derma_evidence.plain`): moderate
  "probably"/"likely", low "may"/"might", very low "very uncertain". "May" counts only in lower case,
  or capitalised at the start of a sentence or clause when a word (not a number) follows; "more
  likely" and "less likely" speak of frequency, not of certainty, and do not count.
- **certainty intensifiers** ("clearly", "proven", "definitely", "significantly improves", ...),
  which only high certainty can carry, unless negated ("not clearly").
- **absence phrases** ("no trial", "we found no", "not been tested"): a plain statement that nothing
  tested it.

The analysis is deterministic and only reads text; judging it against a certainty is `problems`.
Known limits (documented, tested as such): a plural subject followed by a bare verb ("the two
treatments increase") is not recognised as an assertion, and past tenses ("increased") are read as
reports of what a study found, not as our claim.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast

from derma_evidence.contract.vocab import CERTAINTY_SCORE as SCORE
from derma_evidence.contract.vocab import CERTAINTY_WORDS as LEVEL_WORDS
from derma_evidence.grade.wording import (
    ABSENCE,
    ADJECTIVES,
    ADVERBS,
    EFFECT_VERBS,
    EMBEDDING,
    HEDGES,
    INTENSIFIERS,
    MODALS,
    NEEDS_PARTICLE,
    NOT_AFTER_VERB,
    NOT_BEFORE_VERB,
    NOT_EFFECT_PARTICLES,
    NOUN_TOO,
    REPORTED,
    SIZE_WORDS,
    SKIP_ADVERBS,
    STUDY_NOUNS,
)

_NEGATORS = {"not", "no", "nor", "never", "n't", "without"}
_MONTH_FOLLOWERS = re.compile(r"\d")

_ABBREV = {"e.g", "i.e", "vs", "et al", "al", "approx", "dr", "no", "fig", "cf", "ca", "etc", "mr", "ms", "st"}
_SENTENCE_END = re.compile(r"[.!?](?:[\"')\]]*)\s+(?=[\"'(\[]?[A-Z0-9])")
_CLAUSE_SPLIT = re.compile(
    r";\s*|:\s+|\s+[-\u2013\u2014]\s+"
    r"|,\s+(?=(?:and|but|although|though|while|whereas|so|yet|however|because)\b)"
    r"|\s+(?=(?:but|although|though|whereas|however)\b)",
    re.I,
)
_WORD = re.compile(r"[A-Za-z]+(?:[-'][A-Za-z]+)*|\d+(?:[.,]\d+)*|n't")


# --- the analysis -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()


@dataclass(frozen=True, slots=True)
class Assertion:
    """An effect claimed in our own voice, and the certainty its wording implies."""

    words: str
    level: str
    start: int


@dataclass(frozen=True, slots=True)
class Hit:
    """A phrase found in a clause: what it is (a level, or '') and where."""

    phrase: str
    level: str
    start: int


@dataclass(frozen=True, slots=True)
class Clause:
    text: str
    start: int
    hedges: tuple[Hit, ...] = ()
    assertions: tuple[Assertion, ...] = ()
    intensifiers: tuple[Hit, ...] = ()
    absences: tuple[Hit, ...] = ()


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int
    clauses: tuple[Clause, ...] = field(default_factory=tuple)

    @property
    def assertions(self) -> tuple[Assertion, ...]:
        return tuple(a for c in self.clauses for a in c.assertions)

    @property
    def absences(self) -> tuple[Hit, ...]:
        return tuple(h for c in self.clauses for h in c.absences)


def sentences(text: str) -> Iterator[tuple[str, int]]:
    """Split `text` into sentences with their offsets; abbreviations ("e.g.", "vs.", "et al.") do not end one."""
    start = 0
    for m in _SENTENCE_END.finditer(text):
        before = text[start : m.start()].rstrip()
        last = before.rsplit(None, 1)[-1].lower() if before else ""
        last = last.lstrip("(\"'")
        if last in _ABBREV or re.fullmatch(r"[a-z]", last) or last.endswith(("e.g", "i.e")):
            continue
        if before.lower().endswith("et al"):
            continue
        piece = text[start : m.end()].strip()
        if piece:
            yield piece, start + (len(text[start : m.end()]) - len(text[start : m.end()].lstrip()))
        start = m.end()
    tail = text[start:]
    if tail.strip():
        yield tail.strip(), start + (len(tail) - len(tail.lstrip()))


def clauses(sentence: str) -> Iterator[tuple[str, int]]:
    """Split a sentence into clauses at semicolons, colons, dashes and clause-joining conjunctions."""
    start = 0
    for m in _CLAUSE_SPLIT.finditer(sentence):
        piece = sentence[start : m.start()]
        if piece.strip():
            yield piece.strip(), start + (len(piece) - len(piece.lstrip()))
        start = m.end()
    piece = sentence[start:]
    if piece.strip():
        yield piece.strip(), start + (len(piece) - len(piece.lstrip()))


def _tokens(text: str) -> list[Token]:
    return [Token(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]


def _phrase_at(toks: list[Token], i: int, phrase: str) -> bool:
    parts = phrase.split()
    if i + len(parts) > len(toks):
        return False
    return all(toks[i + k].low == p for k, p in enumerate(parts))


def _third_person(lemma: str) -> str:
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return lemma + "es"
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return lemma[:-1] + "ies"
    return lemma + "s"


_FINITE = {_third_person(v): v for v in EFFECT_VERBS}
_BASE = {v: v for v in EFFECT_VERBS}


def _is_may_hedge(toks: list[Token], i: int) -> bool:
    """'may' in lower case is the hedge; 'May' only at a clause start with a word (not a number) after it."""
    t = toks[i]
    if t.text == "may":
        return True
    if t.text != "May" or i != 0:
        return False
    nxt = toks[i + 1].text if i + 1 < len(toks) else ""
    return bool(nxt) and not _MONTH_FOLLOWERS.match(nxt) and nxt[:1].islower()


def _hedges(toks: list[Token]) -> list[Hit]:
    hits: list[Hit] = []
    for i, t in enumerate(toks):
        low = t.low
        if low == "may" or low == "might":
            if low == "might" or _is_may_hedge(toks, i):
                hits.append(Hit(low, "low", t.start))
        elif low == "probably":
            hits.append(Hit(low, "moderate", t.start))
        elif low == "likely":
            prev = toks[i - 1].low if i else ""
            if prev not in ("more", "less", "most", "least", "as", "equally"):
                hits.append(Hit(low, "moderate", t.start))
        elif low == "very" and i + 1 < len(toks) and toks[i + 1].low == "uncertain":
            hits.append(Hit("very uncertain", "very-low", t.start))
    return hits


def _negated(toks: list[Token], i: int) -> bool:
    return any(toks[j].low in _NEGATORS for j in range(max(0, i - 2), i))


def _intensifiers(toks: list[Token]) -> list[Hit]:
    hits: list[Hit] = []
    for i, t in enumerate(toks):
        for phrase in INTENSIFIERS:
            if _phrase_at(toks, i, phrase) and not _negated(toks, i):
                hits.append(Hit(phrase, "high", t.start))
        if t.low == "significantly" and i + 1 < len(toks):
            nxt = toks[i + 1].low
            if (nxt in _FINITE or nxt in _BASE) and not _negated(toks, i):
                hits.append(Hit(f"significantly {nxt}", "high", t.start))
    return hits


def _absences(toks: list[Token]) -> list[Hit]:
    return [Hit(p, "", t.start) for i, t in enumerate(toks) for p in ABSENCE if _phrase_at(toks, i, p)]


def _embedded(toks: list[Token], i: int) -> bool:
    return any(_phrase_at(toks, j, m) for j in range(i) for m in EMBEDDING)


def _level_before(toks: list[Token], i: int, finite: bool) -> str | None:
    """The level the words before the verb at `i` give it; 'high' when nothing hedges it; None: not ours."""
    j = i - 1
    while j >= 0 and toks[j].low in SKIP_ADVERBS:
        j -= 1
    word = toks[j].low if j >= 0 else ""
    if word in ADVERBS:
        k = j - 1
        while k >= 0 and toks[k].low in SKIP_ADVERBS:
            k -= 1
        if not finite and k >= 0 and toks[k].low in MODALS:
            modal = MODALS[toks[k].low]
            if modal is None:
                return None
            return max(ADVERBS[word], modal, key=SCORE.__getitem__) if modal != "high" else ADVERBS[word]
        return ADVERBS[word]
    if finite:
        if word == "to":
            return None
        return "high"
    if word in MODALS:
        if word == "may" and not _is_may_hedge(toks, j):
            return None
        lvl = MODALS[word]
        k = j - 1
        while k >= 0 and toks[k].low in SKIP_ADVERBS:
            k -= 1
        if lvl is not None and k >= 0 and toks[k].low in ADVERBS:
            return ADVERBS[toks[k].low]
        return lvl
    if word == "to" and j >= 2 and toks[j - 1].low in ("likely", "unlikely", "expected"):
        return "moderate"
    return None  # infinitive, imperative or plural subject: not read as an assertion (documented limit)


def _copula_level(toks: list[Token], i: int) -> str | None:
    """The level of 'is/are (adverbs) ADJ' at the adjective `i`, or 'may be ADJ'; None when not a predicate."""
    j = i - 1
    adverb: str | None = None
    while j >= 0 and (toks[j].low in SKIP_ADVERBS or toks[j].low in ADVERBS):
        if toks[j].low in ADVERBS:
            adverb = ADVERBS[toks[j].low]
        j -= 1
    if j < 0:
        return None
    verb = toks[j].low
    if verb in ("is", "are", "isn't", "aren't"):
        return adverb or "high"
    if verb == "be" and j >= 1:
        k = j - 1
        while k >= 0 and toks[k].low in SKIP_ADVERBS:
            k -= 1
        if k >= 0 and toks[k].low in MODALS:
            if toks[k].low == "may" and not _is_may_hedge(toks, k):
                return None
            return adverb or MODALS[toks[k].low]
        if k >= 1 and toks[k].low == "to" and toks[k - 1].low in ("likely", "unlikely", "expected"):
            return "moderate"
    return None


def _assertions(toks: list[Token]) -> list[Assertion]:
    out: list[Assertion] = []
    for i, t in enumerate(toks):
        low = t.low
        lemma: str | None = None
        finite = False
        if low in _FINITE:
            lemma, finite = _FINITE[low], True
        elif low in _BASE:
            lemma = low
        elif low in ADJECTIVES:
            lvl = _copula_level(toks, i)
            if lvl is not None and not _embedded(toks, i):
                out.append(Assertion(" ".join(x.text for x in toks[max(0, i - 2) : i + 1]), lvl, t.start))
            continue
        if lemma is None:
            continue
        particle = NEEDS_PARTICLE.get(lemma)
        nxt = toks[i + 1].low if i + 1 < len(toks) else ""
        if particle and nxt != particle:
            continue
        if nxt in NOT_EFFECT_PARTICLES.get(lemma, ()):
            continue  # "arm sizes do not add up", "it worked out": not an effect
        if finite and low in NOUN_TOO:
            prev = toks[i - 1].low if i else ""
            if not prev or prev in NOT_BEFORE_VERB or prev.endswith("ed") or nxt in NOT_AFTER_VERB or not nxt:
                continue
        lvl = _level_before(toks, i, finite)
        if lvl is None or _embedded(toks, i):
            continue
        out.append(Assertion(" ".join(x.text for x in toks[max(0, i - 2) : i + 2]), lvl, t.start))
    return out


_MEMO: dict[object, tuple[object, ...]] | None = None
"""While `memo()` is open: each text's analysis and problems, computed once (None: nothing is kept)."""


@contextlib.contextmanager
def memo(store: dict[object, tuple[object, ...]] | None = None) -> Iterator[None]:
    """Within the block, each text is analysed once: the rules A011, A043-A046, A050 and A051 read the
    same answers and findings. What is kept is bounded by the texts read inside the block (one check's
    answers and findings) and dropped when it closes; outside a block nothing is kept. With `store`, the
    block reads and fills that dict instead: a caller keeping it (the site under `mkdocs serve`, one check
    per edit) has each text analysed once per session; an inner block without one shares it."""
    global _MEMO
    outer = _MEMO
    _MEMO = store if store is not None else outer if outer is not None else {}
    try:
        yield
    finally:
        _MEMO = outer


def analyse(text: str) -> tuple[Sentence, ...]:
    """Read `text` into sentences and clauses, each with its hedges, assertions, intensifiers and absences."""
    if _MEMO is None:
        return _analyse(text)
    got = _MEMO.get(text)
    if got is None:
        got = _MEMO[text] = _analyse(text)
    return cast("tuple[Sentence, ...]", got)


def _analyse(text: str) -> tuple[Sentence, ...]:
    out: list[Sentence] = []
    for stext, sstart in sentences(text):
        cls: list[Clause] = []
        for ctext, cstart in clauses(stext):
            toks = _tokens(ctext)
            base = sstart + cstart

            def shift(hits: list[Hit], base: int = base) -> tuple[Hit, ...]:
                return tuple(Hit(h.phrase, h.level, h.start + base) for h in hits)

            cls.append(
                Clause(
                    ctext,
                    base,
                    hedges=shift(_hedges(toks)),
                    assertions=tuple(Assertion(a.words, a.level, a.start + base) for a in _assertions(toks)),
                    intensifiers=shift(_intensifiers(toks)),
                    absences=shift(_absences(toks)),
                )
            )
        out.append(Sentence(stext, sstart, tuple(cls)))
    return tuple(out)


def hedges_in(text: str) -> dict[str, list[str]]:
    """The hedge words present in `text`, by the level they mark (the month "May" is not one)."""
    found: dict[str, list[str]] = {}
    for s in analyse(text):
        for c in s.clauses:
            for h in c.hedges:
                if h.phrase not in found.setdefault(h.level, []):
                    found[h.level].append(h.phrase)
    return found


def implied_level(text: str) -> str | None:
    """The most certain level any effect assertion in `text` implies, or None when it asserts no effect."""
    levels = [a.level for s in analyse(text) for a in s.assertions]
    return max(levels, key=SCORE.__getitem__) if levels else None


# --- judging text against a certainty -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One way a text says more than its certainty allows. `kind` selects the rule that reports it."""

    kind: str  # "hedge" | "assertion" | "intensifier" | "absence"
    message: str
    start: int


def problems(text: str, certainty: str) -> list[Problem]:
    """Everything in `text` that reads as more certain than `certainty`, in text order (see `_problems`)."""
    if _MEMO is None:
        return list(_problems(text, certainty))
    key = (text, certainty)
    got = _MEMO.get(key)
    if got is None:
        got = _MEMO[key] = _problems(text, certainty)
    return list(cast("tuple[Problem, ...]", got))


def _problems(text: str, certainty: str) -> tuple[Problem, ...]:
    """Everything in `text` that reads as more certain than `certainty` (a GRADE level), in text order.

    - "hedge": a hedge of a more certain level ("probably" at low), or the level's own hedge missing
      (at very low an absence phrase also counts).
    - "assertion": an effect claimed with wording more certain than the level ("it increases" at low).
    - "intensifier": a certainty word ("clearly", "proven") below high certainty.
    - "absence": an unhedged effect claim in the same sentence as a statement that nothing tested it.
    """
    if certainty not in SCORE:
        return ()
    cap = SCORE[certainty]
    out: list[Problem] = []
    own = False
    for s in analyse(text):
        for c in s.clauses:
            for h in c.hedges:
                if h.level == certainty:
                    own = True
                elif SCORE[h.level] > cap:
                    out.append(
                        Problem("hedge", f"'{h.phrase}' is the hedge of {LEVEL_WORDS[h.level]} certainty", h.start)
                    )
            if c.absences and certainty == "very-low":
                own = True
            worded = any(SCORE[h.level] > cap for h in c.hedges)
            for a in c.assertions:
                if SCORE[a.level] > cap and (a.level == "high" or not worded):
                    how = "states it without a hedge" if a.level == "high" else f"reads as {LEVEL_WORDS[a.level]}"
                    out.append(Problem("assertion", f"'{a.words}' {how}", a.start))
            if cap < SCORE["high"]:
                for h in c.intensifiers:
                    out.append(Problem("intensifier", f"'{h.phrase}' claims high certainty", h.start))
        if s.absences:
            for a in s.assertions:
                if a.level == "high":
                    out.append(
                        Problem("absence", f"'{a.words}' claims an effect beside '{s.absences[0].phrase}'", a.start)
                    )
    beside = {p.start for p in out if p.kind == "absence"}
    out = [p for p in out if not (p.kind == "assertion" and p.start in beside)]
    if certainty != "high" and not own:
        wanted = " or ".join(f"'{w}'" for w in HEDGES[certainty])
        out.append(Problem("hedge", f"no {wanted}", 0))
    return tuple(sorted(out, key=lambda p: (p.start, p.kind)))


# --- size words ------------------------------------------------------------------------------------------

_SIZE_OF = {w: size for size, words in SIZE_WORDS.items() for w in words}


def size_claims(text: str) -> list[Hit]:
    """Size words used in our own voice (not negated, not inside a report of what a source found)."""
    out: list[Hit] = []
    for s in analyse(text):
        for c in s.clauses:
            toks = _tokens(c.text)
            for i, t in enumerate(toks):
                size = _SIZE_OF.get(t.low)
                if size is None or _negated(toks, i) or _embedded(toks, i):
                    continue
                nxt = toks[i + 1].low if i + 1 < len(toks) else ""
                if any(toks[j].low in REPORTED for j in range(i)):
                    continue  # "a trial found a large difference": a report, not our claim
                if nxt in STUDY_NOUNS or (i and toks[i - 1].low in ("how", "as", "so")):
                    continue  # "small trials", "how large": the size of a study, or a question
                out.append(Hit(t.low, size, c.start + t.start))
    return out
