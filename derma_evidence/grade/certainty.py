"""GRADE and RoB 2 as pure functions on vocabulary words: the arithmetic, the algorithm, the hedges.

No knowledge-base types and no I/O: the rules (which report) and the renderer (which explains)
both call these, so a certainty can never be computed two ways.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from derma_evidence.contract.vocab import CERTAINTY_LEVELS as LEVELS
from derma_evidence.contract.vocab import CERTAINTY_SCORE as SCORE
from derma_evidence.contract.vocab import CERTAINTY_WORDS as LEVEL_WORDS
from derma_evidence.contract.vocab import GRADE_DOMAIN_WORDS as DOMAIN_WORDS
from derma_evidence.contract.vocab import GRADE_DOWNGRADE as DOWNGRADE
from derma_evidence.contract.vocab import GRADE_START as START
from derma_evidence.contract.vocab import ROB_JUDGEMENTS as ROB_JUDGEMENTS
from derma_evidence.grade import hedges


def level(score: int) -> str:
    """The certainty level of a score, floored at very low and capped at high."""
    return LEVELS[min(max(score, 1), 4) - 1]


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """The result of GRADE's arithmetic, with the sum spelled out for a help line or a footnote."""

    certainty: str
    score: int
    sum: str


def arithmetic(start: str, judgements: Iterable[tuple[str, str]], upgrades: Iterable[int] = ()) -> Arithmetic:
    """Certainty = start - 1 per serious - 2 per very serious (+ upgrades, observational only), floored at very low.

    `judgements` are (domain, judgement) pairs; unknown judgements count 0. Upgrades on
    randomised evidence are ignored here (a rule reports them).
    """
    score = START[start]
    parts = [f"start {LEVEL_WORDS[level(score)]} ({start}) {score}"]
    for domain, j in judgements:
        down = DOWNGRADE.get(j, 0)
        if down:
            score -= down
            parts.append(f"- {down} {DOMAIN_WORDS.get(domain, domain)} ({j.replace('-', ' ')})")
    if start == "observational":
        for up in upgrades:
            if up > 0:
                score += up
                parts.append(f"+ {up} upgrade")
    result = level(score)
    floor = " (floored at very low)" if score < 1 else ""
    return Arithmetic(result, score, " ".join(parts) + f" = {score}{floor}: {LEVEL_WORDS[result]}")


def lowest(certainties: Iterable[str]) -> str | None:
    """The lowest of some certainty levels (unknown words ignored), or None when there is none."""
    known = [c for c in certainties if c in SCORE]
    return min(known, key=SCORE.__getitem__) if known else None


# --- RoB 2 --------------------------------------------------------------------------------------


def rob_overall(judgements: Iterable[str]) -> tuple[str, ...]:
    """The overall judgements RoB 2's algorithm allows for the given domain judgements.

    Low only if every domain is low; high if any domain is high; otherwise some concerns, except
    that some concerns in several (two or more) domains may be judged high overall.
    """
    js = list(judgements)
    if any(j == "high" for j in js):
        return ("high",)
    concerns = sum(j == "some-concerns" for j in js)
    if concerns == 0:
        return ("low",)
    if concerns >= 2:
        return ("some-concerns", "high")
    return ("some-concerns",)


# --- hedges (GRADE plain-language statements, Santesso 2020) ------------------------------------
# Santesso N, et al. GRADE guidelines 26: informative statements to communicate the findings of systematic
# reviews of interventions. J Clin Epidemiol. 2020;119:126-135. doi:10.1016/j.jclinepi.2019.10.014,
# PMID 31711912 (verified on its PubMed page): high "results in", moderate "likely", low "may". The
# statements themselves are computed in `grade.plain`; text is read by `grade.hedges`.

EXAMPLE = {
    "high": "X increases ... (no hedge)",
    "moderate": "X probably increases ...",
    "low": "X may increase ...",
    "very-low": "it is very uncertain whether X increases ...",
}


def hedge_problem(text: str, certainty: str) -> str | None:
    """What is wrong with the hedge of `text` at `certainty`, or None when it reads right.

    Read by the sentence analyser (`grade.hedges`): the level's own hedge must be present (at very
    low, a plain "no trial/no study has tested" statement also counts) and no hedge of a more
    certain level may be. Understating (a weaker hedge beside the right one) is not saying more.
    """
    for p in hedges.problems(text, certainty):
        if p.kind == "hedge":
            return p.message
    return None


def expected_phrase(certainty: str) -> str:
    """The help line's wording for a certainty level."""
    words = f"{LEVEL_WORDS.get(certainty, certainty)} certainty: write '{EXAMPLE.get(certainty, '...')}'"
    if certainty == "very-low":
        words += ", or state plainly that no trial has tested it"
    return words
