"""The knowledge base's identity: its name, publisher, repository, site and licence, read from its configuration.

One `Project` value per build, made from mkdocs.yml (`site_name`, `site_url`, `repo_url`) and the
`derma` plugin's options (`publisher`, `licence`, `licence_url`, `rules_url`); nothing here is a
constant of this project. A knowledge base made with `derma init` publishes its own name, and
without a `repo_url` it shows no "suggest a correction" link (there is nowhere to send one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

DEFAULT_NAME = "Evidence knowledge base"
"""The name of a knowledge base whose mkdocs.yml has no `site_name`."""
CC_BY = "CC BY 4.0"
CC_BY_URL = "https://creativecommons.org/licenses/by/4.0/"
RULES_PAGE = "methodology/rules/"
"""The rule reference's URL below the site root (the generated page `methodology/rules.md`)."""


@dataclass(frozen=True, slots=True)
class Project:
    """Who publishes the knowledge base and where: every page, feed, JSON-LD object and download reads it here."""

    name: str = DEFAULT_NAME
    site_url: str = ""  # the published site's root URL, ending in "/" ("" when unknown)
    repo_url: str = ""  # the repository (corrections go to its issues); "" when none
    publisher: str = ""  # who makes the judgements; defaults to `name`
    licence: str = CC_BY  # the data's and text's licence, as words
    licence_url: str = CC_BY_URL
    rules_url: str = ""  # the rule reference diagnostics link to; defaults to the site's own

    def __post_init__(self) -> None:
        site = self.site_url.strip()
        object.__setattr__(self, "site_url", site.rstrip("/") + "/" if site else "")
        object.__setattr__(self, "repo_url", self.repo_url.strip().rstrip("/"))
        object.__setattr__(self, "publisher", self.publisher.strip() or self.name)
        if not self.rules_url and self.site_url:
            object.__setattr__(self, "rules_url", self.site_url + RULES_PAGE)

    @property
    def issues_url(self) -> str:
        """Where a reader files a new issue (a correction): the repository's, or "" without a repository."""
        return f"{self.repo_url}/issues/new" if self.repo_url else ""

    @property
    def host(self) -> str:
        """The site's host name (the Atom feed's tag URIs), else the repository's, else "localhost"."""
        for url in (self.site_url, self.repo_url):
            host = urlsplit(url).hostname
            if host:
                return host
        return "localhost"

    @classmethod
    def from_config(cls, config: Mapping[str, Any], options: Mapping[str, Any] | None = None) -> Project:
        """The identity in a parsed mkdocs.yml (`config`) and the `derma` plugin's options (`options`).

        `options` defaults to the plugin entry found in `config["plugins"]` (a list of names or one-key
        mappings, as mkdocs.yml writes them). Values that are not strings count as absent.
        """
        if options is None:
            options = plugin_options(config)

        def s(mapping: Mapping[str, Any], key: str) -> str:
            value = mapping.get(key)
            return value.strip() if isinstance(value, str) else ""

        return cls(
            name=s(config, "site_name") or DEFAULT_NAME,
            site_url=s(config, "site_url"),
            repo_url=s(config, "repo_url"),
            publisher=s(options, "publisher"),
            licence=s(options, "licence") or CC_BY,
            licence_url=s(options, "licence_url") or (CC_BY_URL if not s(options, "licence") else ""),
            rules_url=s(options, "rules_url"),
        )


PLUGIN = "derma"


def plugin_options(config: Mapping[str, Any]) -> Mapping[str, Any]:
    """The `derma` plugin's options in a parsed mkdocs.yml (`{}` when it lists the plugin without options)."""
    plugins = config.get("plugins")
    entries = plugins.items() if isinstance(plugins, Mapping) else plugins if isinstance(plugins, list) else []
    for entry in entries:
        if isinstance(entry, tuple) and entry[0] == PLUGIN:
            return entry[1] if isinstance(entry[1], Mapping) else {}
        if isinstance(entry, Mapping) and PLUGIN in entry:
            value = entry[PLUGIN]
            return value if isinstance(value, Mapping) else {}
    return {}
