"""The site's rendering: view-models (plain data) and Jinja templates, giving Markdown page sources.

No mkdocs import: `render_site(kb)` returns page sources that any Markdown site engine (or a folder
on disk) can take. The modules, by reason to change:

- `escape`: data values to inert HTML, safe ids, URL helpers, the Jinja environment;
- `words`: labels, ranges with units, short citations;
- `html`: reading our generated HTML (table of contents, anchor ids, the lean copy search indexes);
- `context`: paths and links, claim and reference view-models, the per-build `Context`;
- `references`: the bibliography page;
- `figures`: chart view-models (all geometry) and the figures page;
- `methodology`: the rule and schema references generated from code;
- `pages`: every other page builder, the marker fragments, `render_site`;
- `answers`: the answers layer (questions, GRADE summaries of findings, forest plots, risk of bias),
  imported last: it registers its pages and sections with `pages`;
- `living`: the living review (search log and PRISMA diagram, What's new, the Atom feed, JSON-LD,
  "last searched", "cite this"), registered the same way.

This module re-exports the names other modules and the tests use (`render.text`, `render.Context`, ...).
"""

import derma_evidence.render.answers as answers  # registers its pages, sections and the `questions` marker
import derma_evidence.render.glossary as glossary  # registers the glossary page
import derma_evidence.render.living as living  # registers the search log, What's new, topic and claim lines
from derma_evidence.render.context import (
    DOWNLOAD_DIR,
    DOWNLOADS,
    PAGES,
    REF_ANCHOR,
    TOPIC_DIR,
    TOPICS_NAV,
    ClaimRow,
    ClaimVM,
    Context,
    Linker,
    Page,
    RefLink,
    RefVM,
    SourceVM,
    make_page,
    page_url,
    ref_anchor,
    reference_links,
    topic_path,
    yaml_quoted,
)
from derma_evidence.render.escape import (
    attr,
    clean_title,
    doi_url,
    environment,
    http_url,
    neutralise,
    pmc_url,
    pubmed_url,
    render_template,
    safe_id,
    text,
    word,
)
from derma_evidence.render.figures import ProtocolChart, Tick, Timeline, protocol_chart, timeline, timeline_topic
from derma_evidence.render.html import anchor_ids, search_html, toc_tokens
from derma_evidence.render.pages import (
    EXTRA_PAGES,
    FRAGMENTS,
    TOPIC_SECTIONS,
    TRIALS_SECTIONS,
    MarkerError,
    fill_markers,
    load_schema,
    marker_problems,
    render_site,
)
from derma_evidence.render.words import design_label, format_range, label, plural, short_cite

__all__ = [
    "answers",
    "living",
    "glossary",
    "anchor_ids",
    "search_html",
    "toc_tokens",
    "EXTRA_PAGES",
    "TOPIC_SECTIONS",
    "TRIALS_SECTIONS",
    "Tick",
    "DOWNLOADS",
    "DOWNLOAD_DIR",
    "FRAGMENTS",
    "PAGES",
    "REF_ANCHOR",
    "TOPICS_NAV",
    "TOPIC_DIR",
    "ClaimRow",
    "ClaimVM",
    "Context",
    "Linker",
    "MarkerError",
    "Page",
    "ProtocolChart",
    "RefLink",
    "RefVM",
    "SourceVM",
    "Timeline",
    "attr",
    "clean_title",
    "design_label",
    "doi_url",
    "environment",
    "fill_markers",
    "format_range",
    "http_url",
    "label",
    "load_schema",
    "make_page",
    "marker_problems",
    "neutralise",
    "page_url",
    "plural",
    "pmc_url",
    "protocol_chart",
    "pubmed_url",
    "ref_anchor",
    "reference_links",
    "render_site",
    "render_template",
    "safe_id",
    "short_cite",
    "text",
    "timeline",
    "timeline_topic",
    "topic_path",
    "word",
    "yaml_quoted",
]
