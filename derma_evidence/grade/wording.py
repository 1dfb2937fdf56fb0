"""The words the sentence analyser (`grade.hedges`) reads: effect verbs, hedges, intensifiers, absences, sizes.

Kept apart from the analysis so that a reviewer can read and dispute the word lists on their own. Every
list is lower case; the analyser compares lower-cased tokens, except for "May" (see `grade.hedges`).
"""

from __future__ import annotations

EFFECT_VERBS = (
    "accelerate", "add", "benefit", "boost", "cause", "cure", "damage", "decrease", "double", "enhance",
    "grow", "harm", "heal", "help", "improve", "increase", "induce", "lead", "lower", "outperform", "prevent",
    "promote", "raise", "reduce", "regrow", "restore", "result", "reverse", "scar", "speed", "stimulate",
    "stop", "thicken", "treat", "trigger", "triple", "work", "worsen",
)  # fmt: skip
"""Verbs that state what a treatment does (lemmas). "result" and "lead" count only with "in"/"to"."""

NEEDS_PARTICLE = {"result": "in", "lead": "to"}
NOT_EFFECT_PARTICLES = {"add": ("up",), "work": ("out",), "stop": ("short",)}
NOUN_TOO = {
    "benefits",
    "harms",
    "scars",
    "causes",
    "increases",
    "decreases",
    "results",
    "leads",
    "works",
    "treats",
    "stops",
    "doubles",
    "triples",
    "aids",
    "speeds",
    "adds",
    "helps",
    "damages",
    "boosts",
}
"""Third-person forms that are also plural nouns ("rare harms such as ..."): verbs only in a verb's place."""
NOT_BEFORE_VERB = {
    "a", "an", "the", "its", "their", "his", "her", "our", "your", "any", "no", "some", "such", "these",
    "those", "this", "that", "of", "in", "on", "for", "with", "by", "from", "and", "or", "to", "larger",
    "greater", "smaller", "bigger", "mean", "percentage", "rare", "persistent", "serious", "mild", "side",
    "small", "large", "similar", "other", "reported", "possible", "potential", "known", "long-term",
    "short-term", "main", "modest", "further", "significant", "important", "few", "many", "more", "less",
}  # fmt: skip
NOT_AFTER_VERB = {"of", "such", "and", "or", "were", "was", "are", "is", "have", "had", "from", "reported", "seen"}
ADJECTIVES = ("effective", "ineffective", "safe", "unsafe", "superior", "inferior", "beneficial", "harmful",
              "useful", "useless", "better", "worse", "efficacious")  # fmt: skip
"""Predicates that assert an effect after "is"/"are" ("is effective", "is safe")."""

HEDGES: dict[str, tuple[str, ...]] = {
    "moderate": ("probably", "likely"),
    "low": ("may", "might"),
    "very-low": ("very uncertain",),
}
"""The words that mark each GRADE level in a statement; high has none."""

MODALS = {"may": "low", "might": "low", "could": "low", "can": "low", "would": "low",
          "will": "high", "does": "high", "do": "high", "did": None, "shall": "high"}  # fmt: skip
"""The level a modal gives the verb it governs ("did" reports the past: no claim of ours)."""
ADVERBS = {"probably": "moderate", "likely": "moderate", "possibly": "low", "perhaps": "low",
           "maybe": "low", "presumably": "moderate"}  # fmt: skip
"""Adverbs that hedge a finite verb directly ("probably increases")."""
SKIP_ADVERBS = {"also", "still", "further", "slightly", "only", "clearly", "significantly", "substantially",
                 "markedly", "greatly", "really", "truly", "definitely", "certainly", "actually", "not", "n't",
                 "often", "usually", "always", "generally", "reliably", "consistently", "strongly", "even",
                 "indeed", "undoubtedly", "dramatically", "both", "each", "then", "mostly", "largely", "barely",
                 "hardly", "never", "no", "longer", "noticeably", "visibly"}  # fmt: skip

EMBEDDING = (
    "whether", "if", "uncertain", "unclear", "unknown", "not known", "no one knows", "do not know",
    "does not know", "found that", "find that", "reported that", "reports that", "report that", "concluded that",
    "concludes that", "conclude that", "claim that", "claims that", "claimed that", "said that", "says that",
    "suggested that", "suggests that", "suggest that", "stated that", "states that", "noted that", "argue that",
    "argues that", "hypothesise that", "hypothesize that", "tested whether", "asked whether", "set out to",
    "aimed to", "to test", "to see",
)  # fmt: skip
"""Markers before a verb in its clause that make the verb a report or a question, not our assertion."""

INTENSIFIERS = (
    "clearly", "clear evidence", "proven", "proves", "proved", "definitely", "definitively", "certainly",
    "undoubtedly", "unquestionably", "conclusively", "without doubt", "without a doubt", "beyond doubt",
    "guaranteed", "guarantees", "well established", "well-established", "strong evidence", "robust evidence",
    "dramatically", "always works", "there is no doubt",
)  # fmt: skip
"""Words that claim high certainty; "significantly" counts when it qualifies a present-tense effect verb."""

ABSENCE = (
    "no trial", "no trials", "no study", "no studies", "no randomised", "no randomized", "not been tested",
    "never been tested", "not been studied", "we found no", "we found none", "no controlled", "untested",
)  # fmt: skip
"""Plain statements that nothing tested it."""


SIZE_WORDS = {
    "large": (
        "large", "substantial", "substantially", "dramatic", "dramatically", "marked", "markedly", "huge",
        "considerable", "considerably", "major", "big", "striking", "strikingly", "greatly", "massive", "remarkable",
        "remarkably", "sizeable", "sizable",
    ),
    "small": ("slight", "slightly", "small", "modest", "modestly"),
}  # fmt: skip
"""Words that state the size of an effect in our own voice."""
STUDY_NOUNS = {
    "trial", "trials", "study", "studies", "sample", "samples", "series", "number", "numbers", "group", "groups",
    "review", "reviews", "cohort", "cohorts", "body", "amount", "population", "populations", "area", "areas",
}  # fmt: skip
REPORTED = {"found", "reported", "showed", "observed", "described", "noted", "ranked", "reports", "report"}
