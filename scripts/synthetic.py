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


def generate(n_claims: int, n_refs: int, seed: int = 7, n_topics: int = len(TOPICS)) -> tuple[str, str]:
    """YAML text of `n_claims` claims on `n_topics` topics citing `n_refs` references, and the BibTeX text."""
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
    return "\n".join(out) + "\n", "\n".join(bib)
