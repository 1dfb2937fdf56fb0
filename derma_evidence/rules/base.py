"""What every rule shares: the `Hit` a rule body yields and the `@rule` decorator that gives it its code.

A rule is one function from the knowledge base to hits; the decorator writes its code and severity
once, so no body can emit another rule's code. Which rules run is written out in `rules/__init__.py`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from derma_evidence.diagnostics import Diagnostic, Pos, Severity, declare, make
from derma_evidence.model.answers import Effect, Outcome
from derma_evidence.model.kb import KnowledgeBase


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule body yields: where and what; the `@rule` decorator adds the code and the severity."""

    pos: Pos
    message: str
    help: str | None = None


Check = Callable[[KnowledgeBase], Iterator[Hit]]
Rule = Callable[[KnowledgeBase], Iterator[Diagnostic]]


def rule(code: str, name: str, severity: Severity = Severity.ERROR) -> Callable[[Check], Rule]:
    """Declare `code` for the decorated check; its hits become diagnostics of that code.

    The code is written once, here: rule bodies yield `Hit(pos, message, help)` (as yamllint's rules
    yield problems without their rule id), so no body can emit another rule's code. Declaring does not
    register: `rules/__init__.py` lists the rules that run.
    """

    def wrap(check: Check) -> Rule:
        declare(code, name, severity)(check)

        @functools.wraps(check)
        def run(kb: KnowledgeBase) -> Iterator[Diagnostic]:
            for hit in check(kb):
                yield make(hit.pos, code, hit.message, hit.help, severity)

        run.code = code  # type: ignore[attr-defined]
        run.declared = check.declared  # type: ignore[attr-defined]
        return run

    return wrap


def at(obj: Any, field: str) -> Pos:
    """Where `field` of a claim, reference, quantity or living-review item is, else where the object is."""
    pos: Pos = obj.at.get(field, obj.pos)
    return pos


def each_outcome(kb: KnowledgeBase) -> Iterator[Outcome]:
    """Every outcome row of every comparison, in file order."""
    for c in kb.comparisons:
        yield from c.outcomes


def each_effect(kb: KnowledgeBase) -> Iterator[tuple[Outcome, Effect]]:
    """Every effect with its outcome row, in file order."""
    for o in each_outcome(kb):
        for e in o.effects:
            yield o, e


def effect_where(o: Outcome, e: Effect) -> str:
    """How a message names an effect: its label and its row."""
    return f"effect '{e.label}' of '{o.full_id}'"
