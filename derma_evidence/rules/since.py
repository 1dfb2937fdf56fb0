"""L007 (`derma check --since FILE`): a verdict or certainty that moved since the previous export needs a change entry.

Not a registered rule: it compares the knowledge base with a previous claims.json export, read here
with its nesting bounded and its shape checked (a malformed file is one ValueError, never a crash).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from derma_evidence.diagnostics import Diagnostic, declare, make
from derma_evidence.load import jsondoc
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.model.living import iso_date
from derma_evidence.rules.base import at as _at


def previous_date(previous: Mapping[str, Any]) -> dt.date | None:
    """The version date of a previous export: its latest change date, else its latest `reviewed` date."""
    days = [iso_date(str(c.get("date"))) for c in previous.get("changes") or [] if isinstance(c, dict)]
    if not any(days):
        days = [iso_date(str(c.get("reviewed"))) for c in previous.get("claims") or [] if isinstance(c, dict)]
    known = [d for d in days if d is not None]
    return max(known) if known else None


def load_previous(data: bytes) -> dict[str, Any]:
    """A previous claims.json export, checked to be one; ValueError saying what is wrong (never another error).

    Kept: `claims` (a list of objects whose `id` is a string), and `changes` when present (a list of
    objects); a document nested deeper than `load.jsondoc.MAX_DEPTH` is refused before parsing.
    """
    value = jsondoc.parse(data)
    if not isinstance(value, dict) or not isinstance(value.get("claims"), list):
        raise ValueError("not a claims.json export (no `claims` list)")
    for i, c in enumerate(value["claims"]):
        if not isinstance(c, dict) or not isinstance(c.get("id"), str):
            raise ValueError(f"claims[{i}] is not an object with a string `id`")
        for name in ("verdict", "certainty", "reviewed"):
            if c.get(name) is not None and not isinstance(c[name], str):
                raise ValueError(f"claims[{i}].{name} is not a string")
    changes = value.get("changes", [])
    if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
        raise ValueError("`changes` is not a list of objects")
    return value


def _change_key(date: object, kind: object, what: object) -> tuple[str, str, str]:
    return (str(date), str(kind), " ".join(str(what).split()))


@declare("L007", "change-not-logged")
def since(kb: KnowledgeBase, previous: Mapping[str, Any]) -> list[Diagnostic]:
    """A claim's verdict or certainty differs from the previous export but no change entry says so.

    Why: readers of the feed and of each claim's "last change" line must learn when a verdict or a
    certainty moved, and why. Checked by `derma check --since claims.json` against the export of the
    previous release.

    Example: the previous claims.json has `dunkin-depth` with `certainty: low`; data/claims.yaml now
    says `moderate`, and no entry under `changes:` names `dunkin-depth`.

    Fix: add a change entry naming the claim, dated after the previous release (its latest change
    date), with `kind: verdict-changed`, `certainty-changed` or `corrected` and the reason.
    """
    old = {c["id"]: c for c in previous.get("claims") or [] if isinstance(c, dict) and isinstance(c.get("id"), str)}
    after = previous_date(previous)
    released = {
        _change_key(c.get("date"), c.get("kind"), c.get("what"))
        for c in previous.get("changes") or []
        if isinstance(c, dict)
    }
    fresh_ids: set[str] = set()
    for ch in kb.changes:
        day = ch.day
        if day is None or ch.kind not in ("verdict-changed", "certainty-changed", "corrected", "new-study"):
            continue
        if released:  # the previous export lists its changes: new means not among them, whatever the date
            new = _change_key(ch.date, ch.kind, ch.what) not in released
        else:  # else by date: after the previous version's day (an entry of that day was part of it)
            new = after is None or day > after
        if new:
            fresh_ids.update(r.id for r in ch.claims)
    out = []
    for c in kb.claims:
        was = old.get(c.id or "")
        if not c.id or was is None:
            continue
        fresh = c.id in fresh_ids
        for name in ("verdict", "certainty"):
            now = getattr(c, name)
            if now is not None and was.get(name) != now and not fresh:
                since_text = f" dated after {after}" if after else ""
                out.append(
                    make(
                        _at(c, name),
                        "L007",
                        f"{name} of '{c.id}' changed from '{was.get(name)}' to '{now}'"
                        f" with no change entry{since_text}",
                        f"add a change entry naming '{c.id}' (kind: {name}-changed) with the reason",
                    )
                )
    return out
