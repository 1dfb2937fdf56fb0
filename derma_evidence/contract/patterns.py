"""The user's regular expressions (`vocabulary: search_synonyms`): compiled once, matched in linear time.

A pattern is compiled by RE2 (google-re2), whose matching time grows linearly with the text whatever
the pattern: `(a+)+$` costs what `a+$` costs, where Python's backtracking `re` never finishes. RE2 has
no backreferences and no lookaround; a pattern using them, or invalid, is refused by the checker
(S005, `contract.vocabulary`) with its line, never dropped silently.

Limits (docs: the schema's `vocabulary_synonyms`, the rule reference of S005):
- at most `MAX_SYNONYMS` synonym groups;
- a pattern at most `MAX_PATTERN` characters;
- a compiled pattern at most `MAX_MEM` bytes of RE2 program (past it RE2 refuses to compile it);
- time: each pattern is compiled once per set (`compile_synonyms` is cached), and matching one text
  costs O(patterns x text length): no time limit is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import re2  # type: ignore[import-untyped]

MAX_SYNONYMS = 2_000
MAX_PATTERN = 500
MAX_MEM = 1 << 20


def _options() -> Any:
    o = re2.Options()
    o.case_sensitive = False
    o.log_errors = False
    o.max_mem = MAX_MEM
    return o


@lru_cache(maxsize=4096)
def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be a search-synonym trigger, or None."""
    if not pattern:
        return "the pattern is empty"
    if len(pattern) > MAX_PATTERN:
        return f"the pattern is {len(pattern)} characters long, over {MAX_PATTERN}"
    try:
        re2.compile(pattern, _options())
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        return f"not a valid RE2 regular expression: {reason}"
    return None


@dataclass(frozen=True, slots=True)
class Synonyms:
    """Compiled synonym groups: `words_for(text)` gives the words of every trigger ``text`` matches, in order."""

    compiled: tuple[tuple[Any, str], ...]

    def words_for(self, text: str) -> str:
        return " ".join(words for pattern, words in self.compiled if pattern.search(text) is not None)


@lru_cache(maxsize=16)
def compile_synonyms(synonyms: tuple[tuple[str, str], ...]) -> Synonyms:
    """The (pattern, words) pairs compiled once; a pattern the checker would refuse is left out (never raises)."""
    out = []
    for pattern, words in synonyms[:MAX_SYNONYMS]:
        if pattern_problem(pattern) is None:
            out.append((re2.compile(pattern, _options()), words))
    return Synonyms(tuple(out))
