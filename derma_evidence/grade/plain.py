"""The computed bottom line: GRADE's plain-language statement from certainty, direction and size of effect.

Source: Santesso N, Glenton C, Dahm P, et al. GRADE guidelines 26: informative statements to communicate
the findings of systematic reviews of interventions. J Clin Epidemiol. 2020;119:126-135.
doi:10.1016/j.jclinepi.2019.10.014, PMID 31711912. Its PubMed abstract (seen with the search tool,
pubmed.ncbi.nlm.nih.gov/31711912) gives the key guidance for a large effect at high, moderate and low
certainty as "x results in a large reduction...", "x likely results in a large reduction..." and "x may
result in a large reduction...", and says statements should combine size of effect and certainty. The
rest of the template (moderate and small effects, "little to no difference" for a trivial or no effect,
and at very low certainty, whatever the size, "the evidence is very uncertain about the effect of x on
y") is the paper's table as other pages reproduce it; we did not see the full text, so those wordings
are cited from the paper but verified only at second hand.

Size of effect in words is a judgement, recorded with its reason. For a standardised mean difference the
rule of thumb is named: Cohen's (0.2 small, 0.5 moderate, 0.8 large; below 0.2 trivial). For a ratio,
GRADE's large effect: "at least a two-fold reduction or increase in risk" (Guyatt GH, et al. GRADE
guidelines: 9. Rating up the quality of evidence. J Clin Epidemiol. 2011;64(12):1311-1316, PMID 21802902,
abstract seen with the search tool); it defines no smaller size, so below two-fold the words are ours. Where no
estimate on a common scale exists (arm values in different units) the size is "not estimable" and the
statement says so instead of guessing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from derma_evidence.contract.vocab import CERTAINTY_LEVELS as LEVELS
from derma_evidence.contract.vocab import DIRECTIONS as DIRECTIONS
from derma_evidence.contract.vocab import EFFECT_SIZES as SIZES
from derma_evidence.contract.vocab import PUBLICATION_BIAS_STATUSES, SIZE_RULES
from derma_evidence.contract.vocab import RATIO_MEASURES as RATIO_MEASURES

SIZE_ORDER = {"trivial": 0, "small": 1, "moderate": 2, "large": 3}

RULES: dict[str, tuple[str, tuple[tuple[float, str], ...]]] = {
    "cohen-d": (
        "Cohen's rule of thumb for a standardised mean difference: 0.2 small, 0.5 moderate, 0.8 large",
        ((0.8, "large"), (0.5, "moderate"), (0.2, "small"), (0.0, "trivial")),
    ),
}
"""Rules of thumb that turn an estimate into a size word: (description, thresholds on |estimate|, largest first)."""
RULE_MEASURES = {"cohen-d": ("SMD",), "grade-ratio": ("RR", "OR", "HR")}
"""The measures each rule of thumb applies to."""
GRADE_RATIO = (
    "GRADE's large effect for a ratio: at least a two-fold increase or reduction (RR >= 2 or <= 0.5), very large at "
    "five-fold (Guyatt 2011, GRADE guidelines 9, PMID 21802902); it names no smaller sizes"
)
RULE_WORDS = {"cohen-d": RULES["cohen-d"][0], "grade-ratio": GRADE_RATIO}
JUDGEMENT_ONLY = "judgement"
"""The 'rule' of a size judged without a numeric rule of thumb (its reason must say why)."""

NO_STUDIES = "No studies found"
"""What a summary-of-findings row without evidence says, in place of an estimate and a rating."""


def size_by_rule(rule: str, measure: str | None, value: float | None) -> str | None:
    """The size word a rule of thumb gives an estimate, or None when the rule does not apply to it."""
    if rule not in RULES or value is None or math.isnan(value) or measure not in RULE_MEASURES.get(rule, ()):
        return None
    for threshold, word in RULES[rule][1]:
        if abs(value) >= threshold:
            return word
    return "trivial"


def allowed_sizes(rule: str, measure: str | None, value: float | None) -> tuple[str, ...] | None:
    """The size words a rule of thumb allows for an estimate, or None when the rule does not apply to it.

    Cohen's rule gives one word; GRADE's ratio rule only separates large (at least two-fold) from the rest.
    """
    if rule == "grade-ratio":
        if value is None or math.isnan(value) or value <= 0 or measure not in RULE_MEASURES[rule]:
            return None
        return ("large",) if value >= 2 or value <= 0.5 else ("trivial", "small", "moderate")
    size = size_by_rule(rule, measure, value)
    return None if size is None else (size,)


def rule_reason(rule: str, measure: str | None, value: float | None) -> str:
    """One sentence naming the rule and how the estimate falls under it (the size footnote's default)."""
    sizes = allowed_sizes(rule, measure, value)
    if sizes is None or value is None:
        return "not estimable on a common scale"
    words = " or ".join(sizes)
    return f"{measure} {value:g} is {words} by {RULE_WORDS[rule]}"


def null_of(measure: str | None) -> float:
    """The value of no effect: 1 for ratio measures, 0 for differences."""
    return 1.0 if measure in RATIO_MEASURES else 0.0


def direction_of(measure: str | None, value: float | None, lo: float | None, hi: float | None) -> str | None:
    """'increase' or 'decrease' when the CI excludes no effect, 'crosses-null' when it includes it, else None."""
    if value is None or lo is None or hi is None or any(math.isnan(x) for x in (value, lo, hi)):
        return None
    null = null_of(measure)
    if lo > null:
        return "increase"
    if hi < null:
        return "decrease"
    return "crosses-null"


def _lower_first(text: str) -> str:
    """'Pain score' -> 'pain score'; acronyms ('PRP', 'SMD') and names kept."""
    words = text.strip().split(" ", 1)
    head = words[0]
    if len(head) > 1 and (head[1:2].isupper() or any(ch.isdigit() for ch in head)):
        return text.strip()
    return head[:1].lower() + head[1:] + (" " + words[1] if len(words) > 1 else "")


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True, slots=True)
class Line:
    """A computed bottom line: the sentence and the inputs it came from (for footnotes and tests)."""

    text: str
    certainty: str
    direction: str | None
    size: str | None


_VERB = {"increase": ("increases", "increase", "increase"), "decrease": ("reduces", "reduce", "reduction")}
"""direction -> (third person, base form, noun)."""


def statement(
    certainty: str,
    direction: str,
    size: str,
    intervention: str,
    outcome: str,
    comparator: str | None = None,
) -> Line:
    """GRADE's informative statement (Santesso 2020) for one outcome.

    very low, any size: "The evidence is very uncertain about the effect of X on Y."
    little or no difference (or a trivial size): "X results in / probably results in / may result in
    little to no difference in Y". Otherwise by size: large "X results in a large increase in Y"
    (moderate "likely results in", low "may result in"); moderate "X increases Y" ("probably
    increases", "may increase"); small the same with "slightly"; not estimable the same as moderate
    plus "; the size of the effect could not be estimated".
    """
    if certainty not in LEVELS:
        raise ValueError(f"unknown certainty {certainty!r}")
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}")
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}")
    x, y = _lower_first(intervention), _lower_first(outcome)
    versus = f" compared with {_lower_first(comparator)}" if comparator else ""
    if certainty == "very-low":
        return Line(
            f"The evidence is very uncertain about the effect of {x} on {y}{versus}.", certainty, direction, size
        )
    results_in = {"high": "results in", "moderate": "likely results in", "low": "may result in"}[certainty]
    if direction == "little-or-no-difference" or size == "trivial":
        return Line(
            _upper_first(f"{x} {results_in} little to no difference in {y}{versus}."), certainty, direction, size
        )
    third, base, noun = _VERB[direction]
    if size == "large":
        text = f"{x} {results_in} a large {noun} in {y}{versus}."
    else:
        verb = {"high": third, "moderate": f"probably {third}", "low": f"may {base}"}[certainty]
        slightly = " slightly" if size == "small" else ""
        tail = "; the size of the effect could not be estimated" if size == "not-estimable" else ""
        text = f"{x} {verb} {y}{slightly}{versus}{tail}."
    return Line(_upper_first(text), certainty, direction, size)


def no_studies(outcome: str, intervention: str | None = None) -> str:
    """The sentence of a row without evidence: it says what was looked for and that nothing was found."""
    of = f" of {_lower_first(intervention)}" if intervention else ""
    return f"{NO_STUDIES}: we found no study that measured the effect{of} on {_lower_first(outcome)}."


# --- checks the rules report (pure: words and numbers in, a problem sentence or None out) -------------


def size_problem(rule: str, size: str, measure: str | None, value: float | None) -> str | None:
    """What is wrong with a recorded size judgement under its named rule, or None.

    'judgement' (no numeric rule) is always accepted here (its reason is checked elsewhere); a numeric
    rule must apply to the best estimate's measure and give the recorded size.
    """
    if rule == JUDGEMENT_ONLY or size not in SIZES:
        return None
    if rule not in RULE_WORDS:
        return f"unknown rule of thumb '{rule}'"
    if size == "not-estimable":
        return f"size 'not-estimable' names a rule of thumb ({rule}); use `rule: {JUDGEMENT_ONLY}`"
    sizes = allowed_sizes(rule, measure, value)
    if sizes is None:
        shown = f"{measure} {value:g}" if measure and value is not None else "no estimate"
        return f"rule '{rule}' does not apply to the best estimate ({shown})"
    if size not in sizes:
        return f"size '{size}' but {rule_reason(rule, measure, value)}"
    return None


def direction_problem(
    direction: str, measure: str | None, value: float | None, lo: float | None, hi: float | None
) -> str | None:
    """What is wrong with a recorded direction given the best estimate and its CI, or None.

    An increase or a reduction cannot rest on a CI that crosses no effect or lies on the other side.
    """
    shown = direction_of(measure, value, lo, hi)
    if shown is None or direction not in DIRECTIONS:
        return None
    ci = f"{measure} {value:g} (95% CI {lo:g} to {hi:g})"
    if direction in ("increase", "decrease") and shown == "crosses-null":
        return f"direction '{direction}' but the best estimate {ci} crosses no effect ({null_of(measure):g})"
    if direction in ("increase", "decrease") and shown != direction:
        return f"direction '{direction}' but the best estimate {ci} shows a{'n' if shown == 'increase' else ''} {shown}"
    return None


PUBLICATION_BIAS = {
    "undetected": "not-serious",
    "not-assessed": "not-serious",
    "strongly-suspected": "serious",
    "very-strongly-suspected": "very-serious",
}
"""GRADE's words for publication bias (GRADEpro: undetected, strongly suspected) plus 'not assessed', and the
domain judgement each goes with."""
PUBLICATION_BIAS_WORDS = {k: k.replace("-", " ") for k in PUBLICATION_BIAS}
assert tuple(PUBLICATION_BIAS) == PUBLICATION_BIAS_STATUSES, "the schema's statuses and their judgements differ"
assert set(RULE_WORDS) | {JUDGEMENT_ONLY} == set(SIZE_RULES), "the schema's size rules and the rules here differ"


def publication_bias_problem(status: str | None, judgement: str | None) -> str | None:
    """What is wrong with a publication-bias status beside its judgement, or None."""
    if status is None:
        return "publication bias has no status (undetected, not assessed, strongly suspected)"
    want = PUBLICATION_BIAS.get(status)
    if want is None or judgement is None or judgement == want:
        return None
    return f"publication bias '{PUBLICATION_BIAS_WORDS[status]}' goes with judgement '{want}', not '{judgement}'"


def computed_line(
    certainty: str | None,
    direction: str | None,
    size: str | None,
    intervention: str,
    outcome: str,
    no_evidence: bool = False,
) -> str:
    """A row's computed bottom line: "No studies found ..." for a row without evidence, GRADE's statement
    when its inputs are there (at very low certainty only the certainty is needed), else ''."""
    if no_evidence:
        return no_studies(outcome)  # the comparison heads the table; its intervention is not repeated
    if certainty == "very-low":
        return statement(certainty, "increase", "not-estimable", intervention, outcome).text
    if certainty in LEVELS and direction in DIRECTIONS and size in SIZES:
        return statement(certainty, direction or "", size or "", intervention, outcome).text
    return ""
