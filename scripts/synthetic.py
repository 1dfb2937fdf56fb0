"""Synthetic knowledge bases for benchmarks: valid, deterministic, realistic in shape."""

from __future__ import annotations

import json
import random

TOPICS = ["trials-efficacy", "frequency", "needle-depth", "mechanisms", "drug-delivery", "wound-healing", "safety"]
DESIGNS = ["rct", "meta-analysis", "systematic-review", "controlled-trial", "case-series", "animal", "narrative-review"]
WORDS = (
    "microneedling minoxidil scalp follicle collagen wound dermal needle hair density count trial weekly "
    "growth factor androgenetic alopecia randomised placebo biopsy remodelling inflammation"
).split()


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def topic_ids(n_topics: int) -> list[str]:
    """The first seven are the real topic ids (mkdocs.yml's timeline topic exists), then topic-0007, ..."""
    return TOPICS[:n_topics] + [f"topic-{i:04d}" for i in range(len(TOPICS), n_topics)]


def generate(
    n_claims: int,
    n_refs: int,
    seed: int = 7,
    n_topics: int = len(TOPICS),
    n_questions: int = 0,
    n_comparisons: int = 0,
    n_changes: int = 0,
) -> tuple[str, str]:
    """YAML text of `n_claims` claims on `n_topics` topics citing `n_refs` references, and the BibTeX text.

    With the answers layer and the change log: `n_comparisons` comparisons of one outcome each (GRADE
    judgements, one effect), `n_questions` questions each resting on one outcome and one claim, and
    `n_changes` change-log entries, each naming two claims and one reference.
    """
    rng = random.Random(seed)
    topics = topic_ids(n_topics)
    keys = [f"author{i:05d}{2000 + i % 25}" for i in range(n_refs)]
    bib = []
    for i, key in enumerate(keys):
        bib.append(
            f"@article{{{key},\n"
            f"  author = {{Surname{i}, Alex and Other{i}, Blair B. and Third, Casey}},\n"
            f"  title = {{{_words(rng, 10).capitalize()}}},\n"
            f"  journal = {{Journal of Synthetic Dermatology}},\n"
            f"  year = {{{2000 + i % 25}}},\n  volume = {{{1 + i % 40}}},\n  number = {{{1 + i % 6}}},\n"
            f"  pages = {{{100 + i}--{110 + i}}},\n  doi = {{10.1000/synthetic.{i}}},\n  pmid = {{{10000000 + i}}},\n"
            f"  design = {{{DESIGNS[i % len(DESIGNS)]}}},\n}}\n"
        )
    out = ["# yaml-language-server: $schema=../derma_evidence/contract/claims.schema.json", "topics:"]
    for t in topics:
        out += [f"  - id: {t}", f"    title: {t.replace('-', ' ').capitalize()}", f"    summary: {_words(rng, 30)}"]
    if n_questions:
        assert n_comparisons and n_claims, "questions rest on outcomes and claims"
        out.append("questions:")
    for i in range(n_questions):
        out += [
            f"  - id: question-{i:06d}",
            f"    question: {json.dumps(_words(rng, 8).capitalize() + '?')}",
            f"    short: {json.dumps('Microneedling may ' + _words(rng, 12) + '.')}",
            f"    answer: {json.dumps('Microneedling may ' + _words(rng, 40) + '.')}",
            "    certainty: low",
            "    rests_on:",
            f"      outcomes: [comparison-{i % n_comparisons:06d}--outcome]",
            f"      claims: [claim-{i % n_claims:06d}]",
            f"    topic: {topics[i % len(topics)]}",
        ]
    if n_comparisons:
        out.append("comparisons:")
    for i in range(n_comparisons):
        key = keys[(i * 7) % n_refs]
        treated, control = rng.randint(10, 90), rng.randint(1, 9)
        quote = f"Mean change was {treated} against {control}."
        out += [
            f"  - id: comparison-{i:06d}",
            f"    title: {json.dumps(_words(rng, 6).capitalize())}",
            "    population: Adults with androgenetic alopecia",
            f"    intervention: {json.dumps(_words(rng, 4))}",
            f"    comparator: {json.dumps(_words(rng, 3))}",
            f"    topic: {topics[i % len(topics)]}",
            "    outcomes:",
            "      - id: outcome",
            "        name: Hair count (change from baseline)",
            "        time_point: 12 weeks",
            "        not_reported: [participants, studies]",
            "        effects:",
            f"          - source: {{key: {key}, locator: Abstract, quote: {json.dumps(quote)}}}",
            f"            label: Synthetic {i}",
            "            measure: arms",
            "            arms:",
            f"              - {{label: Treatment, value: {treated}}}",
            f"              - {{label: Control, value: {control}}}",
            "            unit: hairs/cm2",
            "        certainty: low",
            "        grade:",
            "          start: randomised",
            "          risk_of_bias: {judgement: serious, reason: Allocation not described.}",
            "          inconsistency: {judgement: not-serious, reason: One trial.}",
            "          indirectness: {judgement: not-serious, reason: The question asked.}",
            "          imprecision: {judgement: serious, reason: One small trial.}",
            "          publication_bias: {judgement: not-serious, status: not-assessed, reason: Too few studies.}",
            f"        finding: {json.dumps('Microneedling may ' + _words(rng, 14) + '.')}",
            "        bottom_line: {direction: increase, size: not-estimable, rule: judgement, reason: Arms only.}",
        ]
    out.append("claims:")
    for i in range(n_claims):
        topic = topics[i % len(topics)]
        out += [
            f"  - id: claim-{i:06d}",
            f"    topic: {topic}",
            f"    statement: {json.dumps(_words(rng, 25).capitalize() + '.')}",
            "    quantity:",
            f"      about: synthetic measure {i}",
            "      measure: depth",
            f"      min: {rng.randint(1, 20) / 10}",
            f"      max: {rng.randint(21, 40) / 10}",
            "      unit: mm",
            "    verdict: supported",
            "    certainty: low",
            "    sources:",
        ]
        for j in range(2):
            key = keys[(i * 2 + j) % n_refs]
            out += [
                f"      - key: {key}",
                "        stance: supports",
                f"        locator: Table {1 + j}",
                f"        quote: {json.dumps(_words(rng, 15).capitalize() + '.')}",
            ]
        out += [f"    note: {json.dumps(_words(rng, 20))}", "    reviewed: 2026-11-01", ""]
    if n_changes:
        assert n_claims, "changes name claims"
        out.append("changes:")
    for i in range(n_changes):
        out += [
            f"  - date: 2026-{1 + i % 10:02d}-{1 + i % 28:02d}",
            "    kind: corrected",
            f"    claims: [claim-{i % n_claims:06d}, claim-{(i * 3 + 1) % n_claims:06d}]",
            f"    references: [{keys[i % n_refs]}]",
            f"    what: {json.dumps(_words(rng, 12).capitalize() + '.')}",
            f"    why: {json.dumps(_words(rng, 12).capitalize() + '.')}",
        ]
    return "\n".join(out) + "\n", "\n".join(bib)
