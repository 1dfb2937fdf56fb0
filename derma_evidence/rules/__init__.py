"""The checker's rules, one module per family, and the catalogue of every diagnostic code.

Nothing is registered by importing a module (as yamllint's `rules/__init__.py`): the tuples below
are the rules that run, in this order, and `CODES` is every code the engine can report (the loaders',
the schema's, the rules' and the site's), read from the functions that declare them. `derma rules`,
the rule reference page and SARIF's rule list all read `CODES`, so they list the same codes whatever
extras are installed. A new rule is one function in its family's module and one line here.
"""

from __future__ import annotations

from collections.abc import Callable

from derma_evidence.contract import markers, schema, vocabulary
from derma_evidence.diagnostics import Code, Diagnostic, catalogue
from derma_evidence.grade import hedges
from derma_evidence.load import bib as load_bib
from derma_evidence.load import text as load_text
from derma_evidence.load import yamlcodes as load_yaml
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.rules import (
    answers,
    bib,
    bottomline,
    claims,
    design,
    footnotes,
    living,
    noevidence,
    numbers,
    overlap,
    rob,
    since,
    verification,
    wording,
)
from derma_evidence.rules.base import Rule

CLAIMS: tuple[Rule, ...] = (
    claims.duplicate_id,
    claims.bad_id_format,
    claims.unknown_topic,
    claims.claim_without_sources,
    claims.unknown_citation_key,
    claims.invalid_range,
    claims.unit_not_allowed,
    claims.quote_too_long,
    claims.bad_review_date,
    claims.certainty_too_high,
    claims.verdict_without_backing,
    claims.source_without_locator,
    claims.stale_review,
    claims.contradictory_ranges,
    claims.unknown_statement,
    claims.statement_without_claim,
    claims.quantity_out_of_range,
    claims.title_too_long,
)
"""Claims and topics (C codes)."""

BIB: tuple[Rule, ...] = (
    bib.unknown_entry_type,
    bib.missing_bibtex_field,
    bib.bad_unverified_field,
    bib.bad_design,
    bib.malformed_doi,
    bib.malformed_pmid,
    bib.uncited_reference,
    bib.article_without_identifier,
    bib.unsafe_url,
    bib.untrusted_reference_host,
)
"""References as the knowledge base uses them (B004-B019)."""

ANSWERS: tuple[Rule, ...] = (
    answers.unknown_outcome,
    answers.unknown_claim,
    answers.unknown_trial,
    answers.unknown_answer_citation,
    answers.unknown_answer_topic,
    answers.duplicate_answer_id,
    answers.answer_more_certain_than_evidence,
    answers.certainty_not_grade_arithmetic,
    answers.downgrade_without_reason,
    answers.upgrade_on_randomised,
    wording.hedge_mismatch,
    answers.rob_overall_inconsistent,
    answers.rob_judgement_without_reason,
    answers.effect_outside_ci,
    answers.effect_shape_mismatch,
    numbers.effect_number_not_in_quote,
    answers.nothing_to_rest_on,
)
"""The answers layer (A codes): questions, summaries of findings, GRADE, risk of bias, effects."""

NUMBERS: tuple[Rule, ...] = (
    numbers.number_not_finite,
    numbers.number_out_of_range,
    numbers.number_in_arm_label,
    numbers.direction_on_null_interval,
    numbers.studies_not_held_to_trials,
    numbers.participants_not_held_to_trials,
    numbers.row_counts_not_recorded,
    numbers.pooled_without_review,
    numbers.pooled_from_unknown_review,
    numbers.review_count_below_listed,
)
"""Typed numbers and the counts of each row (A018-A027)."""

DESIGN: tuple[Rule, ...] = (
    design.randomised_start_non_randomised,
    design.high_risk_trial_not_serious,
    design.upgrade_beyond_bounds,
    design.upgrade_despite_limitations,
    design.rob2_on_non_randomised,
    design.non_randomised_without_tool,
    design.effect_cites_retracted,
)
"""Design, risk of bias and GRADE held to each other (A028-A034)."""

ROB: tuple[Rule, ...] = (
    rob.rob_answers_invalid,
    rob.rob_judgement_not_from_answers,
    rob.rob_answers_missing,
    rob.rob_override_not_shown,
    rob.rob_not_for_this_result,
)
"""RoB 2 from its signalling questions (A035-A039)."""

FINDINGS: tuple[Rule, ...] = (
    bottomline.bottom_line_missing,
    bottomline.size_not_by_rule,
    bottomline.direction_against_estimate,
    wording.certainty_intensifier,
    wording.effect_beside_absence,
    wording.unhedged_effect_claim,
    wording.size_word_above_judgement,
    noevidence.answer_above_its_claims,
    noevidence.rating_on_no_evidence,
    noevidence.rated_row_incomplete,
    noevidence.absent_evidence_unsaid,
    noevidence.absence_without_row,
    footnotes.publication_bias_status,
    footnotes.judgement_without_footnote,
    overlap.overlap_unresolved,
)
"""What the answers layer says (A040-A059): computed bottom lines, wording held to them, absent evidence as
rows, every judgement footnoted, overlapping reviews resolved."""

VERIFICATION: tuple[Rule, ...] = (
    verification.unverified_reference,
    verification.verification_unknown_key,
    verification.verification_bad_date,
    verification.verification_without_fields,
    verification.duplicate_verification,
    verification.verification_before_publication,
    verification.verification_confirms_unverified,
)
"""Reference verification records (B020-B029)."""

LIVING: tuple[Rule, ...] = (
    living.screened_exceeds_found,
    living.counts_do_not_add_up,
    living.unknown_included_key,
    living.bad_living_date,
    living.change_names_unknown_id,
    living.change_names_nothing,
    living.retracted_source_supports,
    living.unknown_status,
    living.status_without_notice,
    living.bad_status_notice,
    living.concern_source_supports,
    living.removed_claim_still_exists,
    living.status_differs_between_copies,
    living.exclusion_without_reason,
    living.unknown_screening_search,
    living.duplicate_screening_record,
    living.search_not_reproducible,
    living.screening_key_unknown,
)
"""The living review (L codes); L007 (`since.since`) runs only with `derma check --since FILE`."""

RULES: tuple[Rule, ...] = (*CLAIMS, *BIB, *ANSWERS, *NUMBERS, *DESIGN, *ROB, *FINDINGS, *VERIFICATION, *LIVING)
"""Every rule `run` applies to a knowledge base."""

LOADER_CHECKS: tuple[Callable[..., object], ...] = (
    load_text.decode,
    load_text.find_forbidden,
    load_text.too_large,
    load_yaml.empty,
    load_yaml.syntax_error,
    load_yaml.duplicate_key,
    load_yaml.anchor,
    load_yaml.explicit_tag,
    load_yaml.multiple_documents,
    load_yaml.number_out_of_range,
    load_yaml.comment_cuts_text,
    load_bib.parse_failure,
    load_bib.duplicate_bib_key,
    load_bib.undefined_macro,
    load_bib.commented_out,
    load_bib.bad_key,
    load_bib.missing_comma,
    load_bib.duplicate_field,
    load_bib.stray_brace,
    load_bib.expansion_limit,
    load_bib.crossref,
)
"""The loaders' codes (Y, B001-B003, B011-B018, B027): declared by the loader steps that detect them."""

SCHEMA_CHECKS: tuple[Callable[..., object], ...] = (
    schema.unknown_field,
    schema.wrong_type,
    schema.missing_field,
    schema.invalid_value,
    vocabulary.bad_pattern,
    vocabulary.duplicate_vocabulary_id,
)
"""The schema's codes (S)."""

CODES: dict[str, Code] = catalogue((*LOADER_CHECKS, *SCHEMA_CHECKS, *RULES, since.since, markers.marker_problems))
"""Every code, sorted: the catalogue (code, name, severity, phase, reference entry)."""


def run(kb: KnowledgeBase) -> list[Diagnostic]:
    """Every rule's diagnostics on `kb`, unsorted."""
    out: list[Diagnostic] = []
    with hedges.memo():  # the wording rules read the same texts: each is analysed once per run
        for r in RULES:
            out.extend(r(kb))
    return out
