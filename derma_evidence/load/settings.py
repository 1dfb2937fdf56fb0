"""mkdocs.yml as plain data, for the command line: the knowledge base's identity lives there (`model.project`).

MkDocs files carry tags PyYAML's safe loader refuses (`!ENV`, `!relative`, `!!python/name:...`);
here every tag reads as its plain value (a scalar's text, a list, a mapping), which is enough for
the few string settings the commands need. A missing or unreadable file is an empty mapping.
"""

from __future__ import annotations

import os
from typing import Any

import yaml

CONFIG = "mkdocs.yml"


class _Loader(yaml.SafeLoader):
    """The safe loader, reading any unknown tag as its untagged value."""


def _untagged(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_multi_constructor("", _untagged)


def read_config(folder: str = ".", name: str = CONFIG) -> dict[str, Any]:
    """The parsed `folder/name` (mkdocs.yml), or `{}` when it is missing, unreadable or not a mapping."""
    try:
        with open(os.path.join(folder, name), encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}
