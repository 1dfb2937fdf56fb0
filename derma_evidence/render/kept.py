"""Claim view-models kept from one build to the next under `mkdocs serve` (`Site.keep_views`).

A view-model is reused only when everything it is made from is as it was: the claim (every field but
its positions in the file, `claim_value`), the title of its topic, each reference it cites (entry type
and every field: short citation, design, unverified fields, notice badge) and what every claim shares
(`shared_key`: vocabulary, change log, version date, project, URL style, site URL, date, site map). A
changed reference drops the view-models of the claims citing it, a changed shared value all of them
(`KeptClaims.check`). A reused view-model's `model` is the claim of an earlier build: equal but for
its positions in the file, which no page shows. A claim line added to `SiteMap.claim_extras` reading
anything else must add it to the key (tests/render/test_kept_claims.py: a kept render equals a fresh
one, byte for byte).
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from derma_evidence.model.claims import Claim, Quantity, Reference, Source

if TYPE_CHECKING:
    from derma_evidence.render.context import ClaimVM, Context


def _fields_but_positions(cls: type) -> Callable[[Any], Any]:
    names = [f.name for f in dataclasses.fields(cls) if f.name not in ("pos", "at", "sources", "quantity")]
    return operator.attrgetter(*names)


_CLAIM = _fields_but_positions(Claim)
_QUANTITY = _fields_but_positions(Quantity)
_SOURCE = _fields_but_positions(Source)


def claim_value(c: Claim) -> tuple[object, ...]:
    """A claim's value without its positions in the file (what its view-model shows does not depend on them)."""
    return (
        _CLAIM(c),
        _QUANTITY(c.quantity) if c.quantity is not None else None,
        tuple(_SOURCE(s) for s in c.sources),
    )


def shared_key(ctx: Context) -> tuple[object, ...]:
    """What every claim view-model may read besides its claim, its topic's title and its references."""
    from derma_evidence.render.permalinks import version_date

    kb = ctx.kb
    return (
        kb.vocab,
        kb.today,
        kb.changes,  # the change log: each claim's last change, the version date
        ctx.memo("version", version_date),
        ctx.project,
        ctx.use_directory_urls,
        ctx.site_url,
        ctx.download_dir,
        ctx.timeline_topic,
        ctx.site_map,
    )


@dataclass(slots=True)
class KeptClaims:
    """The kept view-models, by claim id, with what each was made from."""

    shared: tuple[object, ...] | None = None
    refs: dict[str, tuple[str, Mapping[str, str]]] = field(default_factory=dict)  # key -> (entry type, fields)
    by_id: dict[str | None, tuple[tuple[object, ...], frozenset[str], ClaimVM]] = field(default_factory=dict)
    """Claim id -> (what its view-model was made from, the keys it cites, the view-model)."""
    made: int = 0  # view-models built (not reused) since the store was made: the tests count them
    _checked: object = None  # the build (`Context`) the store was last checked for

    def check(self, shared: tuple[object, ...], refs: Mapping[str, Reference]) -> None:
        """Drop what a new build's shared values and references make stale (once per build, before any reuse)."""
        now = {k: (r.entry_type, r.fields) for k, r in refs.items()}
        if shared != self.shared:
            self.by_id.clear()
        elif now != self.refs:
            changed = {k for k in now.keys() | self.refs.keys() if now.get(k) != self.refs.get(k)}
            for cid in [cid for cid, (_, cited, _) in self.by_id.items() if not changed.isdisjoint(cited)]:
                del self.by_id[cid]
        self.shared, self.refs = shared, now

    def view(self, ctx: Context, c: Claim) -> ClaimVM:
        """The kept view-model of `c` when what it is made from is as it was, else a new one (then kept)."""
        if self._checked is not ctx:
            self._checked = ctx
            self.check(shared_key(ctx), ctx.refs)
        key = (claim_value(c), ctx.topic_titles.get(c.topic or ""))
        hit = self.by_id.get(c.id)
        if hit is not None and hit[0] == key:
            return hit[2]
        vm = ctx._claim_vm(c)
        self.by_id[c.id] = (key, frozenset(s.key or "" for s in c.sources), vm)
        self.made += 1
        return vm
