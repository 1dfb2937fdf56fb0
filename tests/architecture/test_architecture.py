"""The house: a package per stage, imports pointing one way between them, no feature-prefixed modules."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PKG = ROOT / "derma_evidence"

LAYERS: dict[str, float] = {
    "diagnostics": 0,
    "safefs": 0,  # the one safe-write helper (no symbolic link followed, nothing outside the target)
    "load": 1,
    "contract": 2,
    "model": 3,
    "grade": 4,
    "rules": 5,
    "pipeline": 6,
    "report": 7,
    "citations": 7,
    "fetch": 7.5,  # after the model, before the commands; never render, export or publish (issue 23)
    "render": 8,
    "export": 8,
    "publish": 9,
    "commands": 10,
    "__main__": 11,
}
"""Each stage of the pipeline (a package, or a top-level module) and its layer: a stage imports only from
stages of a lower layer (and from itself). Stages of one layer do not import each other."""

NEVER_IMPORT_RULES = ("render", "export", "commands")
"""Rendering, exports and the command line take what they need from `contract.vocab` and `pipeline`."""


def _module_name(path: Path) -> str:
    """`render/pages/topics.py` -> `render.pages.topics`; a package's `__init__.py` is the package."""
    rel = path.relative_to(PKG).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _stage(module: str) -> str:
    return module.split(".")[0]


def _imports(path: Path) -> set[str]:
    """Every derma_evidence module `path` imports (function-level imports too), and `<mkdocs>` for mkdocs."""
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
    """Every module but the top-level `__init__.py` (version only)."""
    return [p for p in sorted(PKG.rglob("*.py")) if p != PKG / "__init__.py"]


def test_every_stage_has_a_layer() -> None:
    stages = {_stage(_module_name(p)) for p in _modules()}
    assert stages <= set(LAYERS), f"stages without a layer: {sorted(stages - set(LAYERS))}"


def test_stages_import_one_way() -> None:
    for path in _modules():
        name = _module_name(path)
        own = _stage(name)
        for dep in _imports(path) - {"<mkdocs>"}:
            other = _stage(dep)
            assert other in LAYERS, f"{name} imports unknown stage {dep}"
            if other != own:
                assert LAYERS[other] < LAYERS[own], f"{name} ({own}) imports {dep} ({other}): against the pipeline"


def test_render_export_and_commands_never_import_rules() -> None:
    for path in _modules():
        name = _module_name(path)
        if _stage(name) in NEVER_IMPORT_RULES:
            rules = sorted(d for d in _imports(path) if _stage(d) == "rules")
            assert not rules, f"{name} imports {rules}; take vocabularies from contract.vocab, codes from pipeline"


def test_fetch_never_imports_render_export_or_publish() -> None:
    for path in _modules():
        name = _module_name(path)
        if _stage(name) == "fetch":
            bad = sorted(d for d in _imports(path) if _stage(d) in ("render", "export", "publish", "commands"))
            assert not bad, f"{name} imports {bad}"


TOP_LEVEL_MODULES = {"__main__", "diagnostics", "pipeline", "report", "citations", "safefs"}
"""The only modules directly in derma_evidence/: every other one lives in its stage's package."""


def test_no_feature_prefixed_modules() -> None:
    """A feature is a module inside each stage's package (`model/living.py`), never `model_living.py`."""
    top = {p.stem for p in PKG.glob("*.py")} - {"__init__"}
    assert top <= TOP_LEVEL_MODULES, f"top-level modules outside a stage package: {sorted(top - TOP_LEVEL_MODULES)}"
    prefixes = tuple(f"{s}_" for s in LAYERS if not s.startswith("_")) + ("new_",)
    for path in _modules():
        assert not path.stem.startswith(prefixes), f"{path.relative_to(PKG)}: a feature prefix; use a package"


def test_only_the_mkdocs_glue_imports_mkdocs() -> None:
    users = sorted(_module_name(p) for p in _modules() if "<mkdocs>" in _imports(p))
    assert users == ["publish.plugin"]


MAX_LINES = 500
LONG_FOR_A_REASON = {"load.bib", "rules.claims"}
"""Modules allowed past MAX_LINES; each says why in its docstring ("Over 500 lines: ...")."""


def test_every_module_says_what_it_is_in_its_first_line() -> None:
    for path in PKG.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        doc = ast.get_docstring(tree)
        if path.name == "__init__.py" and not tree.body:
            continue
        assert doc and doc.splitlines()[0].strip(), f"{path.relative_to(PKG)} has no one-line docstring"
        assert path.read_text("utf-8").startswith('"""'), f"{path.relative_to(PKG)}: the docstring is not line 1"


def test_no_module_is_over_the_size_limit_without_a_reason() -> None:
    for path in _modules():
        name = _module_name(path)
        n = len(path.read_text("utf-8").splitlines())
        if name in LONG_FOR_A_REASON:
            doc = ast.get_docstring(ast.parse(path.read_text("utf-8"))) or ""
            assert f"Over {MAX_LINES} lines:" in doc, f"{name} has {n} lines and gives no reason at its top"
            continue
        assert n <= MAX_LINES, f"{name} has {n} lines (limit {MAX_LINES})"


def _codes(path: Path) -> tuple[set[str], set[str]]:
    """(codes declared in the module by @declare/@rule, codes passed as literals to make())."""
    declared: set[str] = set()
    emitted: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            literal = [a.value for a in node.args[:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id in ("declare", "rule") and literal:
                declared.add(literal[0])
            elif node.func.id == "make" and literal:
                emitted.add(literal[0])
    return declared, emitted


KNOWN_FOREIGN_EMITTERS = {
    "load.yamlcodes": {"Y006", "Y009"},  # declared in load.text (the raw text scan), reported again by the loader
    "commands.new": {"C001", "B002", "S003"},  # new.py is being split in another branch (issue 11, its own helper)
}
"""Modules that still emit a code declared elsewhere; the list may only shrink."""


def test_one_place_declares_and_emits_each_code() -> None:
    for path in _modules():
        name = _module_name(path)
        declared, emitted = _codes(path)
        foreign = emitted - declared
        assert foreign <= KNOWN_FOREIGN_EMITTERS.get(name, set()), f"{name} emits codes declared elsewhere: {foreign}"


def test_every_declared_code_is_in_the_catalogue() -> None:
    """The catalogue (`rules.CODES`) is written out; a code declared but not listed there would never be documented."""
    from derma_evidence.rules import CODES

    declared = set().union(*(_codes(p)[0] for p in _modules()))
    assert declared == set(CODES)


def test_the_site_map_fills_every_marker() -> None:
    from derma_evidence.contract.vocab import MARKERS
    from derma_evidence.render import SITE_MAP

    assert set(SITE_MAP.markers) == set(MARKERS)
