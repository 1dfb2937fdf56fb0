"""Imports point one way: each module imports only modules before it in the pipeline."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "derma_evidence"

ORDER = [
    "diagnostics",
    "load.text",
    "load.yamlpos",
    "load.bib",
    "schema",
    "model",
    "rules",
    "pipeline",
    "report",
    "citations",
    "render",
    "exports",
    "new",
    "scaffold",
    "cli",
    "__main__",
    "mkdocs_hooks",
]


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG).with_suffix("")
    return ".".join(rel.parts)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "derma_evidence":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("derma_evidence."):
                found.add(node.module.removeprefix("derma_evidence."))
            elif node.module.split(".")[0] == "mkdocs":
                found.add("<mkdocs>")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("derma_evidence."):
                    found.add(alias.name.removeprefix("derma_evidence."))
                elif alias.name.split(".")[0] == "mkdocs":
                    found.add("<mkdocs>")
    return found


def _modules() -> list[Path]:
    return [p for p in PKG.rglob("*.py") if p.name != "__init__.py"]


def test_every_module_has_a_place_in_the_order() -> None:
    assert sorted(_module_name(p) for p in _modules()) == sorted(ORDER)


def test_imports_point_one_way() -> None:
    for path in _modules():
        name = _module_name(path)
        for dep in _imports(path) - {"<mkdocs>"}:
            assert dep in ORDER, f"{name} imports unknown module {dep}"
            assert ORDER.index(dep) < ORDER.index(name), f"{name} imports {dep}, which comes after it"


def test_only_the_mkdocs_glue_imports_mkdocs() -> None:
    users = sorted(_module_name(p) for p in _modules() if "<mkdocs>" in _imports(p))
    assert users == ["mkdocs_hooks"]
