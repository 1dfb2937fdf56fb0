"""The site's rendering: view-models (plain data) and Jinja templates, giving the generated pages.

No mkdocs import: `render_site(kb)` returns page sources that any Markdown site engine (or a folder
on disk) can take. The modules, by reason to change:

- `escape`: data values to inert HTML, safe ids, URL helpers, the Jinja environment;
- `words`: labels, ranges with units, short citations;
- `html`: reading our generated HTML (table of contents, anchor ids, description, hidden search words);
- `context`: paths and links, claim and reference view-models, the per-build `Context`, the `SiteMap` type;
- `pages/`: one module per page family (topics, trials, article, references, figures, downloads,
  methodology, glossary, answers, findings, searches, what's new) and the marker fragments;
- `charts/`: chart geometry (`scale`: the shared size and tick pickers; figures, forest, rob, prisma);
- `permalinks`, `feed`, `jsonld`: published URLs and "cite this", the Atom feed, schema.org JSON-LD;
- `sitemap`: `SITE_MAP`, the one value listing every page, section, claim line and marker; `render_site`.

This module re-exports the names other modules and the tests use (`render.text`, `render.Context`, ...).
"""

from derma_evidence.contract.markers import marker_problems
from derma_evidence.render.charts.figures import ProtocolChart, Tick, Timeline, protocol_chart, timeline, timeline_topic
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
    SiteMap,
    SourceVM,
    make_page,
    page_url,
    ref_anchor,
    reference_links,
    topic_path,
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
    yaml_quoted,
)
from derma_evidence.render.html import anchor_ids, toc_tokens
from derma_evidence.render.pages.methodology import load_schema
from derma_evidence.render.sitemap import SITE_MAP, MarkerError, fill_markers, render_site
from derma_evidence.render.words import design_label, format_range, label, plural, short_cite

__all__ = [
    "anchor_ids",
    "toc_tokens",
    "Tick",
    "DOWNLOADS",
    "DOWNLOAD_DIR",
    "PAGES",
    "SITE_MAP",
    "SiteMap",
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
