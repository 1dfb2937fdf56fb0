"""Every vocabulary, label and format of the data, defined once; model, grade, rules, render and commands import it.

The claim vocabularies (verdicts, certainty levels, designs, stances, measures, units) and their labels are
read from claims.schema.json; the GRADE and RoB 2 vocabularies, the effect measures, the reference statuses
and the identifier formats are written here, once. A knowledge base's own measures and units are
`KnowledgeBase.vocab` (its `vocabulary:`); these are the defaults.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from derma_evidence.contract.schema import default_vocab, schema

_DEFS: Mapping[str, Any] = schema()["definitions"]
"""The vocabularies are defined once, in claims.schema.json; these names are read from it."""


def vocabulary(name: str) -> tuple[str, ...]:
    """The allowed values of the schema definition `name` (its `enum`), in schema order."""
    return tuple(str(v) for v in _DEFS[name]["enum"])


# --- claims and references (from the schema) -------------------------------------------------------

DESIGNS = vocabulary("design")
BIB_FIELDS = tuple(str(v) for v in _DEFS["check"]["properties"]["fields"]["items"]["enum"])
"""The BibTeX field names a verification check may confirm (and an entry's `unverified` may name)."""
VERDICTS = vocabulary("verdict")
CERTAINTIES = vocabulary("certainty")
"""Certainty levels, highest first (schema order)."""
STANCES = vocabulary("stance")
MEASURES = vocabulary("measure")
UNITS = vocabulary("unit")
"""The default measures and units; a knowledge base's own are `KnowledgeBase.vocab` (its `vocabulary:`)."""

UNITS_FOR_MEASURE: dict[str, tuple[str, ...]] = default_vocab().units_for_measure
"""Which units each default measure may use (`x-units` of the schema's `measure`)."""

LABELS: dict[str, dict[str, str]] = {name: dict(d["x-labels"]) for name, d in _DEFS.items() if "x-labels" in d}
"""Each vocabulary's values in words on the site, by definition name (`x-labels` in the schema)."""

TO_BASE: dict[str, float] = default_vocab().factors
"""Factor to a common base per dimension (mm, days, percent) for comparing ranges (`x-factors` of `unit`)."""

UNIT_WORDS = LABELS["unit"]
"""A default unit as printed after a value ("2 weeks"); the schema's `x-labels` of `unit`."""

# --- certainty (GRADE) -----------------------------------------------------------------------------

CERTAINTY_LEVELS = ("very-low", "low", "moderate", "high")
"""GRADE certainty levels, lowest first (the schema's `certainty`, reversed)."""
CERTAINTY_SCORE = {"very-low": 1, "low": 2, "moderate": 3, "high": 4}
CERTAINTY_RANK = {c: i for i, c in enumerate(reversed(CERTAINTIES))}
"""Certainty levels by rank, lowest 0 (the schema lists them highest first)."""
CERTAINTY_WORDS = {"high": "high", "moderate": "moderate", "low": "low", "very-low": "very low"}
"""A level in running text ("of low certainty")."""
CERTAINTY_TITLES = {
    "high": "High certainty",
    "moderate": "Moderate certainty",
    "low": "Low certainty",
    "very-low": "Very low certainty",
}
"""Certainty as words; always of the evidence, never the direction of the effect."""
CERTAINTY_SYMBOLS = {
    "high": "\u2295\u2295\u2295\u2295",
    "moderate": "\u2295\u2295\u2295\u25ef",
    "low": "\u2295\u2295\u25ef\u25ef",
    "very-low": "\u2295\u25ef\u25ef\u25ef",
}
"""GRADE's circles: filled per level, as in GRADEpro's summary-of-findings tables."""

GRADE_START = {"randomised": 4, "observational": 2}
"""GRADE's start level by design: randomised evidence starts high, observational evidence low."""
GRADE_DOWNGRADE = {"not-serious": 0, "serious": 1, "very-serious": 2}
"""GRADE domain judgements (GRADEpro's words) and the levels each takes off."""
GRADE_DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
GRADE_DOMAIN_WORDS = {
    "risk_of_bias": "risk of bias",
    "inconsistency": "inconsistency",
    "indirectness": "indirectness",
    "imprecision": "imprecision",
    "publication_bias": "publication bias",
}
JUDGEMENT_WORDS = {"serious": "serious", "very-serious": "very serious"}
"""The judgements that lower the certainty, in words."""

# --- the computed bottom line and overlap (issue 18) -----------------------------------------------

DIRECTIONS = vocabulary("direction")
"""What the best estimate shows (increase, decrease, little or no difference)."""
EFFECT_SIZES = vocabulary("effect_size")
"""Size of effect in words, smallest first, then 'not-estimable'."""
SIZE_RULES = vocabulary("size_rule")
"""The rules of thumb a size judgement may name ('judgement': none)."""
PUBLICATION_BIAS_STATUSES = vocabulary("publication_bias_status")
"""Publication bias in GRADE's words, plus 'not-assessed'."""
OVERLAP_ROLES = tuple(str(v) for v in _DEFS["overlap"]["properties"]["role"]["enum"])
"""An effect's role among estimates that pool the same trials."""
NO_EVIDENCE = tuple(str(v) for v in _DEFS["outcome"]["properties"]["evidence"]["enum"])
"""The values of an outcome's `evidence` ('none': a "No studies found" row)."""

CERTAINTY_TABLE = (
    ("high", "at least two backing sources that are meta-analyses, systematic reviews or RCTs"),
    ("moderate", "at least one backing meta-analysis, systematic review, RCT or other controlled trial"),
    (
        "low",
        "at least one backing source of any design (animal, in-vitro, narrative-review, expert-opinion, "
        "textbook, case-report, case-series, cohort or human-experimental sources alone stop here)",
    ),
    ("very-low", "always allowed"),
)
"""The most a claim's certainty may be, by the designs of its backing sources (enforced by C010)."""
STRONG_DESIGNS = frozenset({"meta-analysis", "systematic-review", "rct"})
CONTROLLED_DESIGNS = STRONG_DESIGNS | {"controlled-trial"}

# --- risk of bias (RoB 2) --------------------------------------------------------------------------

ROB_DOMAINS = ("randomisation", "deviations", "missing_data", "measurement", "selection")
ROB_JUDGEMENTS = ("low", "some-concerns", "high")
ROB_WORDS = {"low": "Low", "some-concerns": "Some concerns", "high": "High"}
ROB_DOMAIN_WORDS = {
    "randomisation": "Randomisation process",
    "deviations": "Deviations from intended interventions",
    "missing_data": "Missing outcome data",
    "measurement": "Measurement of the outcome",
    "selection": "Selection of the reported result",
}

ROB_ANSWERS = ("Y", "PY", "PN", "N", "NI", "NA")
"""Response options of RoB 2's signalling questions (NA only where the tool offers it)."""
ROB_ANSWER_WORDS = {
    "Y": "yes",
    "PY": "probably yes",
    "PN": "probably no",
    "N": "no",
    "NI": "no information",
    "NA": "not applicable",
}
ROB_EFFECTS = ("assignment", "adhering")
"""RoB 2's effect of interest: of assignment to intervention (intention to treat, the default) or of adhering."""
ROB_TOOLS = tuple(str(v) for v in _DEFS["rob_tool"]["properties"]["tool"]["enum"])
"""Risk-of-bias tools (or none) for studies that are not randomised trials (a trial's `rob_tool:`)."""
ROB_TOOL_WORDS = dict(_DEFS["rob_tool"]["properties"]["tool"]["x-labels"])
RANDOMISED_DESIGNS = frozenset({"rct"})
"""Designs RoB 2 and a randomised GRADE start apply to."""
UPGRADE_MAX = {"large-effect": 2, "dose-response": 1, "plausible-confounding": 1}
"""GRADE's upgrade bounds: +1 for a large (+2 for a very large) effect, +1 dose-response, +1 plausible confounding."""
UPGRADE_TOTAL_MAX = 2
"""Observational evidence starts low: two levels up reach high."""
COUNTS = ("participants", "studies")
"""The counts an outcome row records, or names in `not_reported:`."""

# --- effect measures -------------------------------------------------------------------------------

MEASURE_WORDS = {
    "MD": "mean difference",
    "SMD": "standardised mean difference",
    "RR": "risk ratio",
    "OR": "odds ratio",
    "RD": "risk difference",
}
RATIO_MEASURES = ("RR", "OR")
"""Measures drawn on a log scale, whose line of no effect is 1."""

# --- references: formats, entry types, statuses ----------------------------------------------------

# Anchored with \A...\Z (a `$` would let a trailing newline through), ASCII digits only.
ID_RE = re.compile(r"\A[a-z0-9]+(-[a-z0-9]+)*\Z", re.ASCII)
DOI_RE = re.compile(r"\A10\.[0-9]{4,9}/[!-~]+\Z", re.ASCII)  # the suffix: printable ASCII, no space
PMID_RE = re.compile(r"\A[1-9][0-9]{0,8}\Z", re.ASCII)
DATE_RE = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z", re.ASCII)

ENTRY_TYPES = frozenset(
    "article book booklet inbook incollection inproceedings conference manual mastersthesis phdthesis "
    "misc techreport unpublished online report thesis".split()
)

STATUSES = ("retracted", "corrected", "expression-of-concern")
"""Values of a reference's BibTeX field `status` (the notice: `status_doi`, `status_date`)."""
STATUS_LABELS = {"retracted": "Retracted", "corrected": "Corrected", "expression-of-concern": "Expression of concern"}

# --- hand-written pages ----------------------------------------------------------------------------

MARKERS = ("certainty-table", "key-numbers", "questions")
"""The `<!-- derma:NAME -->` markers a hand-written page may hold (the site map fills each; P001 checks)."""


CLAIM_TITLE_MAX = 64
"""The longest short title of a claim (characters), for tables of contents and links: a claim's own `title` over it
is refused (rule C018); the title derived from the statement is cut to it."""
