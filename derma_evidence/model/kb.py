"""The knowledge base: every object of claims.yaml and references.bib, and `build`, which makes it from the nodes.

The builder is lenient: it takes every value whose type is right and leaves out the rest
(the schema has already reported it), so the rules can run on whatever survived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from derma_evidence.contract.schema import Vocab, default_vocab, vocabulary_of
from derma_evidence.load.bib import RawReference
from derma_evidence.load.yamlpos import Map, Node
from derma_evidence.model.answers import (
    Comparison,
    Outcome,
    Question,
    Review,
    Verification,
    _comparison,
    _question,
    _review,
    _rob,
    _verification,
)
from derma_evidence.model.build import build as from_node
from derma_evidence.model.claims import Claim, Reference, Statement, Topic, Trial, _quantity
from derma_evidence.model.living import Candidate, Change, Search, Strategy, changes, screening, searches, strategies
from derma_evidence.model.nodes import Ref as Ref  # re-exported: the answers layer's lists use it
from derma_evidence.model.nodes import fields as _fields
from derma_evidence.model.nodes import maps as _maps
from derma_evidence.model.nodes import text as _text


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    claims_path: str
    bib_path: str
    topics: tuple[Topic, ...]
    claims: tuple[Claim, ...]
    trials: tuple[Trial, ...]
    statements: tuple[Statement, ...]
    references: tuple[Reference, ...]
    today: dt.date
    questions: tuple[Question, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    reviews: tuple[Review, ...] = ()
    verification: tuple[Verification, ...] = ()
    searches: tuple[Search, ...] = ()  # the living review (model/living.py)
    changes: tuple[Change, ...] = ()
    vocab: Vocab = field(default_factory=default_vocab)
    """The measures and units: the schema's defaults merged with the file's `vocabulary:`."""
    source_article: Mapping[str, str] = field(default_factory=dict)
    """The `source_article:` the statements come from (title, author, where, description), if given."""
    strategies: tuple[Strategy, ...] = ()  # the saved searches `derma search run` runs
    screening: tuple[Candidate, ...] = ()  # the screening queue

    def answer_keys(self) -> set[str]:
        """Citation keys the answers layer cites: effect sources, reviews, their included trials, outcome trials."""
        outcomes = [o for c in self.comparisons for o in c.outcomes]
        keys = {e.source.key for o in outcomes for e in o.effects if e.source and e.source.key}
        keys.update(t.id for o in outcomes for t in o.trials)
        keys.update(r.key for r in self.reviews if r.key)
        keys.update(i.id for r in self.reviews for i in r.included)
        return keys

    def outcome_map(self) -> dict[str, Outcome]:
        """Outcomes by full id (`comparison-id--outcome-id`)."""
        return {o.full_id: o for c in self.comparisons for o in c.outcomes if o.full_id}

    def reference_map(self) -> dict[str, Reference]:
        return {r.key: r for r in self.references}


def build(
    claims_path: str, root: Node | None, bib_path: str, refs: list[RawReference], today: dt.date
) -> KnowledgeBase:
    """The knowledge base from a (possibly invalid) node tree and the parsed references."""
    topics: list[Topic] = []
    claims: list[Claim] = []
    trials: list[Trial] = []
    statements: list[Statement] = []
    p = claims_path
    vocab = vocabulary_of(root)
    if isinstance(root, Map):
        topics = [from_node(Topic, m, p) for m in _maps(root.get("topics"))]
        claims = [from_node(Claim, m, p) for m in _maps(root.get("claims"))]
        for m in _maps(root.get("trials")):
            f = {k.value: v for k, v in m.items}
            protocol = {k: q for k, _, _ in vocab.trial_fields if (q := _quantity(f.get(k), p)) is not None}
            trials.append(from_node(Trial, m, p, protocol=protocol, rob=_rob(f.get("rob"), p)))
        statements = [from_node(Statement, m, p) for m in _maps(root.get("statements"))]
    references = tuple(Reference(r.key, r.entry_type, r.fields, r.pos, r.field_pos, r.end) for r in refs)
    root_map = root if isinstance(root, Map) else None
    return KnowledgeBase(
        claims_path,
        bib_path,
        tuple(topics),
        tuple(claims),
        tuple(trials),
        tuple(statements),
        references,
        today,
        tuple(_question(m, p) for m in _maps(root_map.get("questions") if root_map else None)),
        tuple(_comparison(m, p) for m in _maps(root_map.get("comparisons") if root_map else None)),
        tuple(_review(m, p) for m in _maps(root_map.get("reviews") if root_map else None)),
        tuple(_verification(m, p) for m in _maps(root_map.get("verification") if root_map else None)),
        searches(root_map, p),
        changes(root_map, p),
        vocab,
        _source_article(root_map),
        strategies(root_map, p),
        screening(root_map, p),
    )


def _source_article(root: Map | None) -> dict[str, str]:
    node = root.get("source_article") if root is not None else None
    if not isinstance(node, Map):
        return {}
    f, _ = _fields(node, "")
    return {k: t for k in ("title", "author", "where", "description") if (t := _text(f.get(k))) is not None}
