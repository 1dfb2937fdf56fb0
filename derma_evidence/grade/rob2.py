"""RoB 2 from its signalling questions: answers -> domain judgement -> overall judgement.

Pure functions on vocabulary words (no knowledge-base types, no I/O), so the rules (which report)
and the renderer (which explains) derive a judgement one way only.

Source: Sterne JAC, Savović J, Page MJ, et al. RoB 2: a revised tool for assessing risk of bias in
randomised trials. BMJ 2019;366:l4898 (doi:10.1136/bmj.l4898), and its full guidance document:
Higgins JPT, Savović J, Page MJ, Sterne JAC (editors). Revised Cochrane risk-of-bias tool for
randomized trials (RoB 2), version of 22 August 2019 (riskofbias.info); Cochrane Handbook version 6,
chapter 8. The questions, their response options and the domain algorithms below follow that
guidance for an individually randomised parallel-group trial, as the official tool's algorithms do.
What we could and could not see (searched 2026-12-07 with the `search` tool): the Handbook chapter 8
key points (an algorithm proposes each domain judgement from the answers; the overall judgement is
the least favourable across domains; both may be overridden with justification), the criteria table
for domain 1 (Table 2 of doi:10.1186/s13643-021-01722-5, PMC8191126) and the questions and options
of domain 4 (the guidance's Box 10). The decision figures of the other domains were not visible on
any page we could read; they are implemented from the published guidance as we know it and should
be re-read against the official tool. One third-party implementation we read treats "no
information" at 4.2 like "no" (a path to low); we follow the guidance, where "no information" at
4.2 can give some concerns at best.

Answers: Y (yes), PY (probably yes), PN (probably no), N (no), NI (no information), and NA (not
applicable) where the tool offers it: for a question the algorithm skips, or one marked "if
applicable". Question 3.2 offers no NI.

Overall (guidance, section 1.3): low when every domain is low; high when any domain is high;
otherwise some concerns. The guidance also allows "high" when some concerns in several domains
"substantially lower confidence in the result"; that is a judgement, so here it is an override
with a written reason (`ALLOWED_OVERALL` says which overrides stay within the guidance).

The YAML shape (data/claims.yaml, `trials:`; proposed for the contract in phase 2)::

    trials:
      - key: smith2020
        design: rct
        rob:
          outcome: pain score at week 12      # the result assessed (RoB 2 is result-specific)
          effect: assignment                  # or adhering (the per-protocol variant of domain 2)
          results: [drug-vs-placebo--pain-score]   # the outcome rows this assessment is for
          randomisation:
            judgement: some-concerns          # must equal what the algorithm derives from `answers`
            reason: "..."
            answers: PY NI NI                 # 1.1 1.2 1.3, in the tool's order, NA where skipped
            override: {judgement: high, reason: "..."}   # optional: a departure, shown as one
          deviations: {judgement: high, reason: "...", answers: Y Y NI NA NA NI NI}
          missing_data: {judgement: high, reason: "...", answers: NI N NI NI}
          measurement: {judgement: some-concerns, reason: "...", answers: N PN NI PY PN}
          selection: {judgement: some-concerns, reason: "...", answers: NI PN NI}
          overall: high                       # the algorithm from the final domain judgements
          override: {judgement: high, reason: "..."}     # optional, for the overall judgement
      - key: jones2021
        design: controlled-trial
        rob_tool: {tool: not-assessed, reason: "..."}    # not randomised: ROBINS-I, or not assessed

Answers are a space-separated string, not a YAML list: plain `Y` and `N` are YAML 1.1 booleans.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from derma_evidence.contract.vocab import ROB_ANSWER_WORDS, ROB_ANSWERS, ROB_DOMAINS, ROB_EFFECTS, ROB_JUDGEMENTS

ANSWERS = ROB_ANSWERS
ANSWER_WORDS = ROB_ANSWER_WORDS
JUDGEMENTS = ROB_JUDGEMENTS
DOMAINS = ROB_DOMAINS
EFFECTS = ROB_EFFECTS

ABSTRACT_NOTE = (
    'Our RoB 2 assessments rest on the abstracts and trial records we could read: an answer of "no '
    "information\" records what a report does not say, and RoB 2's algorithm turns missing information into "
    "some concerns or high risk. A high judgement here says the report does not show the trial was protected "
    "from bias, not that bias was shown."
)
"""The sentence for the trials page: what our judgements rest on."""

YES = frozenset({"Y", "PY"})
NO = frozenset({"N", "PN"})
_ALL = frozenset({"Y", "PY", "PN", "N", "NI"})
_COND = _ALL | {"NA"}


@dataclass(frozen=True, slots=True)
class Question:
    number: str
    text: str
    options: frozenset[str]
    """The answers the tool offers for this question."""
    na_when_asked: bool = False
    """True for the questions the tool marks "if applicable": NA is a valid answer even when reached."""


def _q(number: str, text: str, options: frozenset[str] = _ALL, na_when_asked: bool = False) -> Question:
    return Question(number, text, options, na_when_asked)


QUESTIONS: dict[str, tuple[Question, ...]] = {
    "randomisation": (
        _q("1.1", "Was the allocation sequence random?"),
        _q(
            "1.2",
            "Was the allocation sequence concealed until participants were enrolled and assigned to interventions?",
        ),
        _q(
            "1.3",
            "Did baseline differences between intervention groups suggest a problem with the randomization process?",
        ),
    ),
    "deviations": (
        _q("2.1", "Were participants aware of their assigned intervention during the trial?"),
        _q("2.2", "Were carers and people delivering the interventions aware of participants' assigned intervention?"),
        _q(
            "2.3",
            "Were there deviations from the intended intervention that arose because of the trial context?",
            _COND,
        ),
        _q("2.4", "Were these deviations likely to have affected the outcome?", _COND),
        _q("2.5", "Were these deviations from intended intervention balanced between groups?", _COND),
        _q("2.6", "Was an appropriate analysis used to estimate the effect of assignment to intervention?"),
        _q(
            "2.7",
            "Was there potential for a substantial impact (on the result) of the failure to analyse participants "
            "in the group to which they were randomized?",
            _COND,
        ),
    ),
    "missing_data": (
        _q("3.1", "Were data for this outcome available for all, or nearly all, participants randomized?"),
        _q("3.2", "Is there evidence that the result was not biased by missing outcome data?", _COND - {"NI"}),
        _q("3.3", "Could missingness in the outcome depend on its true value?", _COND),
        _q("3.4", "Is it likely that missingness in the outcome depended on its true value?", _COND),
    ),
    "measurement": (
        _q("4.1", "Was the method of measuring the outcome inappropriate?"),
        _q("4.2", "Could measurement or ascertainment of the outcome have differed between intervention groups?"),
        _q("4.3", "Were outcome assessors aware of the intervention received by study participants?", _COND),
        _q("4.4", "Could assessment of the outcome have been influenced by knowledge of intervention received?", _COND),
        _q(
            "4.5",
            "Is it likely that assessment of the outcome was influenced by knowledge of intervention received?",
            _COND,
        ),
    ),
    "selection": (
        _q(
            "5.1",
            "Were the data that produced this result analysed in accordance with a pre-specified analysis plan "
            "that was finalized before unblinded outcome data were available for analysis?",
        ),
        _q(
            "5.2",
            "Is the numerical result being assessed likely to have been selected, on the basis of the results, "
            "from multiple eligible outcome measurements (e.g. scales, definitions, time points) within the "
            "outcome domain?",
        ),
        _q(
            "5.3",
            "Is the numerical result being assessed likely to have been selected, on the basis of the results, "
            "from multiple eligible analyses of the data?",
        ),
    ),
}
"""The signalling questions per domain, in the tool's order (domain 2: effect of assignment)."""

DEVIATIONS_ADHERING: tuple[Question, ...] = (
    _q("2.1", "Were participants aware of their assigned intervention during the trial?"),
    _q("2.2", "Were carers and people delivering the interventions aware of participants' assigned intervention?"),
    _q("2.3", "Were important non-protocol interventions balanced across intervention groups?", _COND, True),
    _q(
        "2.4",
        "Were there failures in implementing the intervention that could have affected the outcome?",
        _COND,
        True,
    ),
    _q(
        "2.5",
        "Was there non-adherence to the assigned intervention regimen that could have affected participants' outcomes?",
        _COND,
        True,
    ),
    _q("2.6", "Was an appropriate analysis used to estimate the effect of adhering to the intervention?", _COND),
)
"""Domain 2 when the effect of interest is that of adhering to intervention (the per-protocol effect)."""


def questions(domain: str, effect: str = "assignment") -> tuple[Question, ...]:
    """The signalling questions of a domain, in order, for the effect of interest."""
    if domain == "deviations" and effect == "adhering":
        return DEVIATIONS_ADHERING
    return QUESTIONS[domain]


@dataclass(frozen=True, slots=True)
class Derivation:
    """What the algorithm makes of one domain's answers.

    `judgement` is None when the answers do not allow a judgement (a question on the path is
    unanswered, or answered with an option the tool does not offer); `problems` says why, and also
    lists answers the tool would not accept (NA on a question the path asks, an answer other than NA
    on a question the path skips). `path` lists the questions the algorithm asked, in order.
    """

    judgement: str | None
    path: tuple[str, ...]
    problems: tuple[str, ...] = ()
    trace: tuple[str, ...] = field(default=())


class _Incomplete(Exception):
    pass


class _Walk:
    def __init__(self, qs: Sequence[Question], answers: Mapping[str, str]) -> None:
        self.qs = {q.number: q for q in qs}
        self.answers = answers
        self.path: list[str] = []
        self.problems: list[str] = []
        self.trace: list[str] = []

    def ask(self, number: str) -> str:
        q = self.qs[number]
        if number not in self.path:
            self.path.append(number)
        a = self.answers.get(number)
        if a is None:
            self.problems.append(f"{number} is not answered")
            raise _Incomplete
        if a not in q.options:
            self.problems.append(f"{number} does not offer '{a}'")
            raise _Incomplete
        if a == "NA" and not q.na_when_asked:
            self.problems.append(f"{number} is answered NA but the algorithm asks it here")
            raise _Incomplete
        self.trace.append(f"{number} {a}")
        return a

    def done(self, judgement: str) -> Derivation:
        for number, q in self.qs.items():
            a = self.answers.get(number)
            if number in self.path or a is None:
                continue
            if a not in q.options:
                self.problems.append(f"{number} does not offer '{a}'")
            elif a != "NA":
                self.problems.append(f"{number} is answered {a} but the algorithm skips it here: answer NA")
        return Derivation(judgement, tuple(self.path), tuple(self.problems), tuple(self.trace))


def _randomisation(w: _Walk) -> str:
    """Domain 1. 1.2 N/PN: high. 1.2 NI: high if 1.3 Y/PY, else some concerns. 1.2 Y/PY: low if 1.1 is
    Y/PY/NI and 1.3 N/PN/NI, else some concerns."""
    concealed = w.ask("1.2")
    if concealed in NO:
        w.ask("1.1")
        w.ask("1.3")
        return "high"
    random = w.ask("1.1")
    baseline = w.ask("1.3")
    if concealed == "NI":
        return "high" if baseline in YES else "some-concerns"
    if random in NO or baseline in YES:
        return "some-concerns"
    return "low"


def _deviations_assignment(w: _Walk) -> str:
    """Domain 2, effect of assignment. Part 1 (2.1-2.5): low if neither participants nor carers were
    aware (N/PN to both); otherwise 2.3 N/PN low, NI some concerns, Y/PY -> 2.4: N/PN some concerns,
    Y/PY/NI -> 2.5: Y/PY some concerns, N/PN/NI high. Part 2 (2.6-2.7): 2.6 Y/PY low; otherwise 2.7
    N/PN some concerns, Y/PY/NI high. The domain: low if both parts are low, high if either is high,
    else some concerns."""
    aware = (w.ask("2.1"), w.ask("2.2"))
    if all(a in NO for a in aware):
        part1 = "low"
    else:
        trial_context = w.ask("2.3")
        if trial_context in NO:
            part1 = "low"
        elif trial_context == "NI":
            part1 = "some-concerns"
        elif w.ask("2.4") in NO:
            part1 = "some-concerns"
        else:
            part1 = "some-concerns" if w.ask("2.5") in YES else "high"
    if w.ask("2.6") in YES:
        part2 = "low"
    else:
        part2 = "some-concerns" if w.ask("2.7") in NO else "high"
    return _worst((part1, part2))


def _deviations_adhering(w: _Walk) -> str:
    """Domain 2, effect of adhering. Low if (nobody aware, or 2.3 Y/PY/NA) and 2.4 and 2.5 are N/PN/NA;
    otherwise 2.6 decides: Y/PY some concerns, N/PN/NI high."""
    aware = (w.ask("2.1"), w.ask("2.2"))
    balanced = "Y" if all(a in NO for a in aware) else w.ask("2.3")
    failures, nonadherence = w.ask("2.4"), w.ask("2.5")
    ok = balanced in YES | {"NA"} and failures in NO | {"NA"} and nonadherence in NO | {"NA"}
    if ok:
        return "low"
    return "some-concerns" if w.ask("2.6") in YES else "high"


def _missing_data(w: _Walk) -> str:
    """Domain 3. 3.1 Y/PY: low. Else 3.2 Y/PY: low. Else 3.3 N/PN: low. Else 3.4: N/PN some
    concerns, Y/PY/NI high."""
    if w.ask("3.1") in YES:
        return "low"
    if w.ask("3.2") in YES:
        return "low"
    if w.ask("3.3") in NO:
        return "low"
    return "some-concerns" if w.ask("3.4") in NO else "high"


def _measurement(w: _Walk) -> str:
    """Domain 4 (4.1 and 4.2 are always asked). 4.1 or 4.2 Y/PY: high. Then 4.3 N/PN, or 4.4 N/PN:
    low (some concerns when 4.2 is NI); 4.5 N/PN: some concerns; 4.5 Y/PY/NI: high."""
    inappropriate, differ = w.ask("4.1"), w.ask("4.2")
    if inappropriate in YES or differ in YES:
        return "high"
    best = "low" if differ in NO else "some-concerns"
    if w.ask("4.3") in NO:
        return best
    if w.ask("4.4") in NO:
        return best
    return "some-concerns" if w.ask("4.5") in NO else "high"


def _selection(w: _Walk) -> str:
    """Domain 5. 5.2 or 5.3 Y/PY: high. Both N/PN: 5.1 Y/PY low, else some concerns. Otherwise (an NI
    and no Y/PY): some concerns."""
    plan, outcomes, analyses = w.ask("5.1"), w.ask("5.2"), w.ask("5.3")
    if outcomes in YES or analyses in YES:
        return "high"
    if outcomes in NO and analyses in NO:
        return "low" if plan in YES else "some-concerns"
    return "some-concerns"


def parse_answers(text: str) -> list[str]:
    """`"PY NI NI"` -> `["PY", "NI", "NI"]` (answers in the tool's order, separated by spaces)."""
    return text.split()


def derive(domain: str, answers: Sequence[str], effect: str = "assignment") -> Derivation:
    """The judgement RoB 2's algorithm proposes for one domain from its answers, in question order.

    Fewer or more answers than the domain has questions is a problem (no judgement); so is an
    answer the question does not offer. The algorithm's path is returned for the reader.
    """
    qs = questions(domain, effect)
    if len(answers) != len(qs):
        return Derivation(
            None, (), (f"{len(answers)} answers for the {len(qs)} questions {qs[0].number}-{qs[-1].number}",)
        )
    walk = _Walk(qs, {q.number: a for q, a in zip(qs, answers, strict=True)})
    algorithm = {
        "randomisation": _randomisation,
        "deviations": _deviations_adhering if effect == "adhering" else _deviations_assignment,
        "missing_data": _missing_data,
        "measurement": _measurement,
        "selection": _selection,
    }[domain]
    try:
        judgement = algorithm(walk)
    except _Incomplete:
        return Derivation(None, tuple(walk.path), tuple(walk.problems), tuple(walk.trace))
    return walk.done(judgement)


def _worst(judgements: Sequence[str]) -> str:
    return max(judgements, key=JUDGEMENTS.index)


def overall(judgements: Sequence[str]) -> str:
    """RoB 2's overall judgement: low if every domain is low, high if any is high, else some concerns."""
    return _worst(judgements) if judgements else "low"


def allowed_overall(judgements: Sequence[str]) -> tuple[str, ...]:
    """The overall judgements the guidance allows: the algorithm's, plus "high" when two or more
    domains have some concerns (a judgement that needs a written reason)."""
    base = overall(judgements)
    if base == "some-concerns" and sum(j == "some-concerns" for j in judgements) >= 2:
        return ("some-concerns", "high")
    return (base,)


def describe(derivation: Derivation) -> str:
    """The algorithm's path in words for a help line or a footnote: `1.2 NI, 1.1 PY, 1.3 NI -> some concerns`."""
    steps = ", ".join(derivation.trace)
    result = (derivation.judgement or "no judgement").replace("-", " ")
    return f"{steps} -> {result}" if steps else result
