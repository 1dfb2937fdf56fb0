"""Rules on references.bib as the knowledge base uses it (B004-B019): entry types, fields, identifiers, links.

The BibTeX syntax itself (B001-B003, B011-B014, B017, B018) is checked by the loader, `load/bib.py`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from derma_evidence.contract.vocab import BIB_FIELDS, DESIGNS, DOI_RE, ENTRY_TYPES, PMID_RE
from derma_evidence.diagnostics import Severity, did_you_mean
from derma_evidence.model.claims import Reference
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.rules.base import Hit, rule

# --- references --------------------------------------------------------------------------------


def _cited(kb: KnowledgeBase) -> set[str]:
    keys = {s.key for c in kb.claims for s in c.sources if s.key}
    keys.update(t.key for t in kb.trials if t.key)
    keys.update(kb.answer_keys())  # effects, reviews (the answers layer)
    return keys


@rule("B004", "unknown-entry-type")
def unknown_entry_type(kb: KnowledgeBase) -> Iterator[Hit]:
    """A BibTeX entry has a type that BibTeX and the formatters do not know.

    Why: an unknown type such as `@artcle` is formatted as nothing or as a bare title.

    Example: `@artcle{dhurat2013, ...}`.

    Fix: use a standard type: article, book, incollection, inproceedings, misc, phdthesis, ...
    """
    for r in kb.references:
        if r.entry_type not in ENTRY_TYPES:
            yield Hit(
                r.pos,
                f"unknown entry type '@{r.entry_type}' for '{r.key}'",
                did_you_mean(r.entry_type, ENTRY_TYPES) or "use a standard type such as article or book",
            )


UNVERIFIED_FIELD = "unverified"
"""BibTeX field naming the required fields no page showed, e.g. `unverified = {author, title}`."""


def _missing_fields(r: Reference) -> list[tuple[str, str]]:
    """The required fields an entry lacks, as (field name, how the message names it)."""
    missing = []
    if not (r.get("author") or r.get("editor")):
        missing.append(("author", "author (or editor)"))
    for name in ("title", "year"):
        if not r.get(name):
            missing.append((name, name))
    if r.entry_type == "article" and not r.get("journal"):
        missing.append(("journal", "journal"))
    return missing


@rule("B005", "missing-bibtex-field")
def missing_bibtex_field(kb: KnowledgeBase) -> Iterator[Hit]:
    """A BibTeX entry lacks a required field: author or editor, title, year; journal for articles.

    Why: a reference without them cannot be formatted or found, and cannot be verified. A real
    source whose pages never showed a field may say so in `unverified = {author, title}`: a field
    listed there may be missing (the site then says "authors and title not verified"); one that is
    missing and not listed is still an error. Guessing the field is never the fix.

    Example: `@article{x, title = {...}, year = {2013}}` without author and journal.

    Fix: add the missing fields, verified against PubMed or the journal's page; or, if no page you
    saw shows them, list them in `unverified` and say in the `note` where the entry was seen.
    """
    for r in kb.references:
        excused = set(r.unverified)
        missing = [label for name, label in _missing_fields(r) if name not in excused]
        if missing:
            yield Hit(
                r.pos,
                f"entry '{r.key}' is missing " + ", ".join(missing),
                "add the fields as shown on the PubMed or journal page, or, if no page showed them, "
                "list them in `unverified = {...}`",
            )


@rule("B016", "bad-unverified-field")
def bad_unverified_field(kb: KnowledgeBase) -> Iterator[Hit]:
    """An entry's `unverified` names a field that is present, or a name that is not a BibTeX field.

    Why: `unverified` tells readers which fields no page showed (the site prints "authors not
    verified"); listing a field the entry has contradicts the entry, and an unknown or misspelt
    name would silently excuse nothing (or the wrong thing).

    Example: `unverified = {author, titel}` on an entry that has an `author`.

    Fix: list only fields the entry leaves out, by their BibTeX names (author, title, journal,
    year, ...), or remove `unverified` once the fields are verified and added.
    """
    for r in kb.references:
        if r.get(UNVERIFIED_FIELD) is None:
            continue
        pos = r.at.get(UNVERIFIED_FIELD, r.pos)
        names = r.unverified
        if not names:
            yield Hit(pos, f"`unverified` of '{r.key}' names no field", "list the fields, or remove `unverified`")
        for name in names:
            if name not in BIB_FIELDS:
                yield Hit(
                    pos,
                    f"`unverified` of '{r.key}' names '{name}', which is not a BibTeX field name",
                    did_you_mean(name, BIB_FIELDS) or "allowed: " + ", ".join(BIB_FIELDS),
                )
            elif r.get(name):
                yield Hit(
                    pos,
                    f"`unverified` of '{r.key}' names '{name}', but the entry has it",
                    f"remove '{name}' from `unverified` (or remove the field if no page showed it)",
                )


@rule("B006", "bad-design")
def bad_design(kb: KnowledgeBase) -> Iterator[Hit]:
    """A cited BibTeX entry has no `design` field, or one outside the vocabulary.

    Why: certainty is capped by study design (rule C010), and the site labels every source with
    its design; both need a known value.

    Example: `design = {RCT}` or no design at all.

    Fix: add `design = {rct}` using one of: meta-analysis, systematic-review, rct,
    controlled-trial, cohort, case-series, case-report, human-experimental, animal, in-vitro,
    narrative-review, expert-opinion, textbook.
    """
    cited = _cited(kb)
    for r in kb.references:
        d = r.design
        if d is None:
            if r.key in cited:
                yield Hit(
                    r.pos,
                    f"cited entry '{r.key}' has no design field",
                    "add e.g. `design = {rct}`; see the design vocabulary",
                )
        elif d not in DESIGNS:
            yield Hit(
                r.at.get("design", r.pos),
                f"unknown design '{d}' in '{r.key}'",
                did_you_mean(d, DESIGNS) or "allowed: " + ", ".join(DESIGNS),
            )


@rule("B007", "malformed-doi")
def malformed_doi(kb: KnowledgeBase) -> Iterator[Hit]:
    """A DOI is not of the form `10.NNNN/suffix`.

    Why: the site links every DOI; a URL prefix or a typo gives a dead link.

    Example: `doi = {https://doi.org/10.4103/0974-7753.114700}` or `doi = {10.4103}`.

    Fix: write the bare DOI, e.g. `10.4103/0974-7753.114700`.
    """
    for r in kb.references:
        doi = r.get("doi")
        if doi is not None and not DOI_RE.fullmatch(doi):
            bare = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi.strip(), flags=re.I)
            hint = (
                f"write the bare DOI: '{bare}'"
                if bare != doi and DOI_RE.fullmatch(bare)
                else "a DOI looks like 10.1234/suffix"
            )
            yield Hit(r.at.get("doi", r.pos), f"malformed DOI '{doi}' in '{r.key}'", hint)


@rule("B008", "malformed-pmid")
def malformed_pmid(kb: KnowledgeBase) -> Iterator[Hit]:
    """A PMID is not a positive whole number of at most nine digits.

    Why: the site links every PMID to PubMed; anything else is a dead link.

    Example: `pmid = {PMID: 23960389}`.

    Fix: write the digits only, e.g. `pmid = {23960389}`.
    """
    for r in kb.references:
        pmid = r.get("pmid")
        if pmid is not None and not PMID_RE.fullmatch(pmid):
            yield Hit(
                r.at.get("pmid", r.pos),
                f"malformed PMID '{pmid}' in '{r.key}'",
                "write the digits only, as PubMed shows them",
            )


@rule("B009", "uncited-reference", Severity.WARNING)
def uncited_reference(kb: KnowledgeBase) -> Iterator[Hit]:
    """A reference is never cited by a claim or trial.

    Why: an uncited reference is unverified clutter in the bibliography, or a sign that a
    claim lost its source.

    Example: `@article{oldpaper2001, ...}` that no claim names.

    Fix: cite it from the claim it supports, or delete it.
    """
    if not kb.claims:
        return  # nothing could cite anything: an empty or unreadable claims file is reported already
    cited = _cited(kb)
    for r in kb.references:
        if r.key not in cited:
            yield Hit(r.pos, f"reference '{r.key}' is never cited", "cite it from a claim or remove it")


@rule("B010", "article-without-identifier", Severity.WARNING)
def article_without_identifier(kb: KnowledgeBase) -> Iterator[Hit]:
    """A journal article has neither a DOI nor a PMID.

    Why: without an identifier readers (and the checker's reviewers) cannot find the exact
    record to verify it.

    Example: `@article{...}` with journal and pages but no `doi` or `pmid`.

    Fix: add the DOI and PMID shown on the PubMed record.
    """
    for r in kb.references:
        if r.entry_type == "article" and not r.get("doi") and not r.get("pmid"):
            yield Hit(
                r.pos,
                f"article '{r.key}' has neither DOI nor PMID",
                "add `doi` and `pmid` from the PubMed record",
            )


# --- links ---------------------------------------------------------------------------------------


URL_RE = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?", re.ASCII)
"""What a reference `url` may be: an http(s) link with a host name, printable ASCII only."""


@rule("B015", "unsafe-url")
def unsafe_url(kb: KnowledgeBase) -> Iterator[Hit]:
    """A reference's `url` is not a plain `https://` or `http://` link.

    Why: the url is published as a link on the site and in every export (claims.json,
    CSL-JSON). A `javascript:` or `data:` URL runs code in the reader's browser, `file:` and other
    schemes point nowhere useful, and user names, spaces or control characters in a URL hide where
    it goes. This rule is about safety only; B019 then refuses `http://`, bare IP hosts and
    document-sharing sites as reader-facing links.

    Example: `url = {javascript:alert(1)}`, `url = {data:text/html,...}` or `url = {https://user@host/}`.

    Fix: link the article's page with `https://...`, or remove the url (the DOI and PMID are linked anyway).
    """
    for r in kb.references:
        url = r.get("url")
        if url is None or URL_RE.fullmatch(url):
            continue
        scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
        why = (
            f"the scheme '{scheme}:' is not allowed"
            if scheme and scheme not in ("http", "https")
            else "it holds characters or a host a link may not have"
        )
        shown = url if len(url) <= 60 else url[:57] + "..."
        yield Hit(
            r.at.get("url", r.pos),
            f"url '{shown}' of '{r.key}' is refused: {why}",
            "link the article's page with https://..., or remove the url",
        )


COPY_HOSTS = (
    "scribd.com",
    "studylib.net",
    "studylib.es",
    "studylib.fr",
    "researchgate.net",
    "academia.edu",
    "docplayer.net",
    "docplayer.org",
    "docplayer.es",
    "docplayer.fr",
    "docplayer.com.br",
    "pdfcoffee.com",
    "vdocuments.us",
    "vdocuments.net",
    "vdocuments.mx",
    "fdocuments.in",
    "fdocuments.net",
    "dokumen.pub",
    "dokumen.tips",
    "documents.pub",
    "pdfslide.net",
    "idoc.pub",
    "slideshare.net",
    "issuu.com",
    "yumpu.com",
    "coursehero.com",
    "readkong.com",
    "zlibrary.to",
    "sci-hub.se",
)
"""Document-sharing and copy sites (and their subdomains): uploads of articles, not the publisher's record.

Their copies may be altered, incomplete or infringing, and they disappear; a reader-facing link goes to the
DOI, PubMed, PMC or the publisher instead. A copy that was useful for verifying a field belongs in the
entry's verification record (`mirror: true`), never in its `url`. Extend the list when a new one turns up.
"""


def _copy_host(host: str) -> str | None:
    host = host.lower().rstrip(".")
    return next((h for h in COPY_HOSTS if host == h or host.endswith("." + h)), None)


def _bare_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@rule("B019", "untrusted-reference-host")
def untrusted_reference_host(kb: KnowledgeBase) -> Iterator[Hit]:
    """A reference's `url` is plain `http://`, a bare IP address or a document-sharing site.

    Why: the `url` is the link a reader follows to the source. Plain HTTP can be altered on the way
    and is flagged by browsers; a bare IP address (often a private mirror of PubMed) names nobody
    responsible for the page; a document-sharing or copy site (scribd, studylib, ResearchGate
    uploads, academia.edu, docplayer, pdfcoffee, vdocuments, ...: the list `COPY_HOSTS`) holds
    copies that may be altered, incomplete or unlicensed. Such pages may still serve to verify a
    field: they belong in the reference's verification record, named as a mirror.

    Example: `url = {http://47.251.13.51:8081/40056230}` or `url = {https://www.scribd.com/document/694732176/x}`.

    Fix: link the canonical record instead, in this order: the DOI (`https://doi.org/...`), PubMed,
    PubMed Central, the publisher's page (all `https://`); or remove the url (DOI, PMID and PMCID are
    linked anyway). Record the copy as a check with `mirror: true` in `verification:`.
    """
    for r in kb.references:
        url = (r.get("url") or "").strip()
        if not url or not URL_RE.fullmatch(url):
            continue  # no url, or one B015 refuses already
        scheme, _, rest = url.partition("://")
        host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit(":", 1)[0]
        reasons = []
        if scheme.lower() == "http":
            reasons.append("it is plain http://")
        if _bare_ip(host):
            reasons.append(f"its host {host} is a bare IP address")
        copy = _copy_host(host)
        if copy:
            reasons.append(f"{copy} is a document-sharing or copy site")
        if reasons:
            shown = url if len(url) <= 60 else url[:57] + "..."
            yield Hit(
                r.at.get("url", r.pos),
                f"url '{shown}' of '{r.key}' is not a trustworthy reader-facing link: " + "; ".join(reasons),
                "link the DOI, PubMed, PMC or the publisher's https:// page (or remove the url); "
                "keep the copy as a verification check with `mirror: true`",
            )
