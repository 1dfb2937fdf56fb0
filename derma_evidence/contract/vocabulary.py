"""What the schema cannot say about a knowledge base's own `vocabulary:` (S004, S005, S006).

The schema gives each entry's form; these checks read the section as a whole: a measure, unit or trial
field declared twice (S006, at the second declaration), a unit factor that is not above 0 and a trial
field named like a built-in one (S004), a search-synonym pattern RE2 cannot compile, or too long, or one
synonym too many (S005, `contract.patterns` holds the limits). Without them the later declaration
silently wins and a claim far away gets the error, a negative factor flips every comparison, and a bad
pattern is dropped without a word (or, with a backtracking engine, hangs the build).
"""

from __future__ import annotations

import math

from derma_evidence.contract.patterns import MAX_SYNONYMS, pattern_problem
from derma_evidence.contract.schema import TRIAL_FIXED, invalid_value
from derma_evidence.diagnostics import Diagnostic, Pos, declare, make
from derma_evidence.load.yamlpos import Map, Node, Scalar, Seq


@declare("S005", "bad-synonym-pattern", phase="schema")
def bad_pattern(pos: Pos, message: str) -> Diagnostic:
    """A search-synonym pattern (`vocabulary: search_synonyms`) cannot be used.

    Why: the patterns run over every claim and answer at each build. A pattern RE2 cannot compile
    (a backreference, a lookaround, a syntax error) would otherwise be dropped without a word, and
    there are limits: at most 2,000 synonym groups, a pattern at most 500 characters and 1 MiB of
    compiled program. RE2 matches in time linear in the text, so no pattern can hang the build.

    Example: `pattern: '(?<=side )effects?'` (a lookbehind), or `pattern: '(a+'`.

    Fix: rewrite the pattern in RE2 syntax (Python's without backreferences and lookaround), e.g.
    `pattern: 'side effects?'`; split a very long alternation into several groups.
    """
    return make(pos, "S005", message, "write it in RE2 syntax: no backreferences, no lookaround")


@declare("S006", "duplicate-vocabulary-id", phase="schema")
def duplicate_vocabulary_id(pos: Pos, what: str, value: str, first: int) -> Diagnostic:
    """A measure, unit or trial field is declared twice in `vocabulary:`.

    Why: the second declaration would silently replace the first, and a claim using what only the first
    allowed would be reported far from the cause. The problem is reported at the second declaration.

    Example: two entries `- id: dose` under `vocabulary: measures`.

    Fix: keep one declaration; merge their units.
    """
    return make(pos, "S006", f"{what} '{value}' is declared twice (first on line {first})", "keep one declaration")


def _items(section: Map, key: str) -> list[Map]:
    v = section.get(key)
    return [x for x in v.items if isinstance(x, Map)] if isinstance(v, Seq) else []


def _text(v: Node | None) -> Scalar | None:
    return v if isinstance(v, Scalar) and v.kind in ("str", "int") and v.value else None


def check(path: str, root: Node | None) -> list[Diagnostic]:
    """The `vocabulary:` problems of ``root`` (a claims file's tree); empty without the section."""
    section = root.get("vocabulary") if isinstance(root, Map) else None
    if not isinstance(section, Map):
        return []
    out: list[Diagnostic] = []
    for key, what in (("measures", "measure"), ("units", "unit"), ("trial_fields", "trial field")):
        seen: dict[str, int] = {}
        for m in _items(section, key):
            ident = _text(m.get("id"))
            if ident is None:
                continue
            if ident.value in seen:
                out.append(
                    duplicate_vocabulary_id(Pos(path, ident.line, ident.col), what, ident.value, seen[ident.value])
                )
            else:
                seen[ident.value] = ident.line
            if key == "trial_fields" and ident.value in TRIAL_FIXED:
                out.append(
                    invalid_value(
                        Pos(path, ident.line, ident.col),
                        f"trial field '{ident.value}' is a built-in field of trials[]",
                        "choose another id; built-in fields: " + ", ".join(sorted(TRIAL_FIXED)),
                    )
                )
            factor = m.get("factor")
            if key == "units" and isinstance(factor, Scalar) and factor.kind in ("int", "float"):
                value = factor.python()
                if isinstance(value, (int, float)) and not (value > 0 and math.isfinite(value)):
                    out.append(
                        invalid_value(
                            Pos(path, factor.line, factor.col),
                            f"unit factor {factor.value} of '{ident.value}' must be a finite number above 0",
                            "the factor converts to the measure's base unit: a positive number, e.g. 1000",
                        )
                    )
    synonyms = _items(section, "search_synonyms")
    for i, m in enumerate(synonyms):
        if i == MAX_SYNONYMS:
            out.append(bad_pattern(Pos(path, m.line, m.col), f"more than {MAX_SYNONYMS} search synonyms"))
            break
        pattern = m.get("pattern")
        if isinstance(pattern, Scalar) and pattern.kind == "str" and pattern.value:
            problem = pattern_problem(pattern.value)
            if problem:
                out.append(bad_pattern(Pos(path, pattern.line, pattern.col), f"search synonym: {problem}"))
    return out
