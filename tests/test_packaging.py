"""Packaging and a second knowledge base: metadata, the checker's dependencies, `derma init`, the wheel in a
fresh venv, the pre-commit hook (`try-repo`) and the composite GitHub Action.

The tests marked `packaging` build a wheel and install it (package index or pip's cache) or run
pre-commit; deselect them with `-m "not packaging"` (`make test-fast` does).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

import derma_evidence
from derma_evidence.commands import init as scaffold
from derma_evidence.commands.cli import main
from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
SITE_MODULES = ("mkdocs", "material", "jinja2", "markupsafe", "citeproc", "markdown", "pymdownx")
TITLE = "Evidence-based practice"

# A second claim for `derma new claim`, on the scaffold's example source; the quote is one sentence of
# the 1996 editorial's text (as read on a copy of its full text), the statement is in our own words.
NEW_CLAIM = [
    "--id",
    "ebm-clinical-expertise-defined",
    "--topic",
    "evidence-based-practice",
    "--statement",
    "The same editorial describes individual clinical expertise as the proficiency and judgment that clinicians "
    "gain through clinical experience and practice.",
    "--verdict",
    "supported",
    "--certainty",
    "low",
    "--key",
    "sackett1996",
    "--stance",
    "supports",
    "--locator",
    "Second paragraph",
    "--quote",
    "By individual clinical expertise we mean the proficiency and judgment that individual clinicians acquire "
    "through clinical experience and clinical practice.",
    "--reviewed",
    "2026-12-01",
]


# --- metadata ---------------------------------------------------------------------------------


def test_licence_is_an_spdx_string_with_a_licence_file() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "MIT"  # a string, not the deprecated {text = ...} table
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text("utf-8")
    assert "MIT License" in text and "Permission is hereby granted" in text
    assert "CC BY 4.0" in text or "CC-BY-4.0" in text


def test_the_checker_depends_only_on_its_parsers_and_the_site_is_an_extra() -> None:
    project = PYPROJECT["project"]
    names = [re.split(r"[=<>!~ ;\[]", d)[0].lower() for d in project["dependencies"]]
    assert names == ["pyyaml", "bibtexparser", "pylatexenc", "google-re2"]  # RE2: the users' patterns in linear time
    site = [re.split(r"[=<>!~ ;\[]", d)[0].lower() for d in project["optional-dependencies"]["site"]]
    assert sorted(site) == ["citeproc-py", "jinja2", "mkdocs", "mkdocs-material"]


def test_setup_installs_the_site_and_test_extras() -> None:
    assert "-e '.[site,test]'" in (ROOT / "scripts" / "setup-env.sh").read_text("utf-8")


def test_the_lock_pins_every_direct_dependency() -> None:
    lock = {
        ln.split("==")[0].lower().replace("_", "-"): ln.split("==")[1]
        for ln in (ROOT / "requirements.lock").read_text("utf-8").splitlines()
        if "==" in ln
    }
    project = PYPROJECT["project"]
    reqs = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    for req in reqs:
        name = re.split(r"[=<>!~ ;\[]", req)[0].lower().replace("_", "-")
        assert name in lock, f"{name} is not pinned in requirements.lock"


def test_version_is_one_number_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    assert PYPROJECT["project"]["version"] == derma_evidence.__version__
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"derma {derma_evidence.__version__}"


def test_python_dash_m_runs_the_cli() -> None:
    proc = subprocess.run([sys.executable, "-m", "derma_evidence", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == f"derma {derma_evidence.__version__}"


def test_package_data_covers_types_and_the_scaffold() -> None:
    data = PYPROJECT["tool"]["setuptools"]["package-data"]["derma_evidence"]
    assert "py.typed" in data and (ROOT / "derma_evidence" / "py.typed").is_file()
    assert "skeleton/**/*" in data


# --- the checker imports no site library ------------------------------------------------------


def test_check_new_and_init_import_no_site_library(tmp_path: Path) -> None:
    """In a fresh interpreter: `derma check`, `derma new --dry-run` and `derma init` leave mkdocs,
    Jinja2 and citeproc out of sys.modules (the checker needs only PyYAML and bibtexparser)."""
    code = f"""
import contextlib, io, sys
from derma_evidence.commands.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
    rcs = [
        main(["check", "--claims", {str(ROOT / "data" / "claims.yaml")!r}, "--bib", {str(ROOT / "references.bib")!r},
              "--format", "sarif"]),
        main(["init", {str(tmp_path / "kb")!r}]),
        main(["check", "--claims", {str(tmp_path / "kb" / "data" / "claims.yaml")!r},
              "--bib", {str(tmp_path / "kb" / "references.bib")!r}, "--strict"]),
        main(["new", "claim", "--claims", {str(tmp_path / "kb" / "data" / "claims.yaml")!r},
              "--bib", {str(tmp_path / "kb" / "references.bib")!r}, "--dry-run", *{NEW_CLAIM!r}]),
    ]
bad = sorted({{m.split(".")[0] for m in sys.modules}} & set({SITE_MODULES!r}))
print(rcs, bad)
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[0, 0, 0, 0] []"


# --- derma init ---------------------------------------------------------------------------------


def test_init_scaffolds_a_knowledge_base_that_checks_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = tmp_path / "kb"
    assert main(["init", str(kb), "--title", TITLE]) == 0
    files = sorted(str(p.relative_to(kb)) for p in kb.rglob("*") if p.is_file())
    assert files == [
        ".github/workflows/check.yml",
        ".github/workflows/living-review.yml",
        ".gitignore",
        ".pre-commit-config.yaml",
        "README.md",
        "content/index.md",
        "data/claims.yaml",
        "mkdocs.yml",
        "references.bib",
    ]
    capsys.readouterr()
    monkeypatch.chdir(kb)
    assert main(["check", "--strict"]) == 0, capsys.readouterr().out
    mk = yaml.safe_load((kb / "mkdocs.yml").read_text("utf-8"))
    assert mk["site_name"] == TITLE
    assert mk["plugins"] == ["search", {"derma": {"claims": "data/claims.yaml", "bib": "references.bib"}}]
    pc = yaml.safe_load((kb / ".pre-commit-config.yaml").read_text("utf-8"))
    assert pc["repos"][0]["rev"] == f"v{derma_evidence.__version__}"
    assert pc["repos"][0]["hooks"][0]["id"] == "derma-check"
    assert "{{" not in "".join(p.read_text("utf-8") for p in kb.rglob("*") if p.is_file() and p.suffix != ".yml")


def test_init_refuses_a_non_empty_folder_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine", "utf-8")
    assert main(["init", str(tmp_path)]) == 1
    assert "not empty" in capsys.readouterr().err
    assert not (tmp_path / "mkdocs.yml").exists()
    assert main(["init", str(tmp_path), "--force"]) == 0
    assert (tmp_path / "mkdocs.yml").is_file() and (tmp_path / "notes.txt").read_text("utf-8") == "mine"


def test_init_titles_are_escaped_into_yaml(tmp_path: Path) -> None:
    scaffold.init(str(tmp_path / "a"), 'Say "no" to: #things')
    assert yaml.safe_load((tmp_path / "a" / "mkdocs.yml").read_text("utf-8"))["site_name"] == 'Say "no" to: #things'
    with pytest.raises(ValueError):
        scaffold.init(str(tmp_path / "b"), "two\nlines")


def test_init_is_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["init", "--help"])
    assert "usage: derma init" in capsys.readouterr().out


def test_the_scaffold_names_no_topic_of_ours() -> None:
    text = "".join(scaffold.skeleton(TITLE).values()).lower()
    for word in ("microneedl", "hair", "alopecia", "minoxidil", "scalp", "derma-evidence.github.io"):
        assert word not in text, word


# --- GitHub Action, workflows, pre-commit hook manifest ---------------------------------------


def _check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_action_yml_matches_the_github_actions_schema() -> None:
    proc = _check_jsonschema("vendor.github-actions", ROOT / "action.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    action = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    assert action["runs"]["using"] == "composite"
    runs = " ".join(s.get("run", "") for s in action["runs"]["steps"])
    assert "pip install" in runs and '"$GITHUB_ACTION_PATH"' in runs
    assert "derma check --format github" in runs


def test_the_action_schema_check_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "action.yml"
    broken.write_text("name: x\ndescription: y\nruns:\n  using: composite\n  stepz: []\n", "utf-8")
    assert _check_jsonschema("vendor.github-actions", broken).returncode == 1


def test_the_scaffold_workflow_matches_the_github_workflow_schema(tmp_path: Path) -> None:
    scaffold.init(str(tmp_path / "kb"), TITLE)
    proc = _check_jsonschema("vendor.github-workflows", tmp_path / "kb" / ".github" / "workflows" / "check.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pre_commit_hooks_manifest() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "derma-check"
    assert hook["entry"] == "derma check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    for path in ("data/claims.yaml", "references.bib", "x/other.yml"):
        assert files.search(path), path
    assert not files.search("content/index.md")


# --- the wheel in a fresh venv (slow: marked `packaging`) --------------------------------------


@dataclass(frozen=True)
class Venv:
    python: Path
    wheel: Path

    @property
    def bin(self) -> Path:
        return self.python.parent

    def run(self, *args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "GITHUB_ACTIONS")}
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env["NO_MKDOCS_2_WARNING"] = "1"
        proc = subprocess.run(
            list(args), cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600
        )
        if check:
            assert proc.returncode == 0, f"{args}: {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        return proc

    def pip(self, *args: str, cwd: Path) -> None:
        lock = str(ROOT / "requirements.lock")
        self.run(
            str(self.python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-c", lock, *args, cwd=cwd
        )


def _source_copy(dest: Path) -> Path:
    """The working tree without caches and environments: the wheel is built from what would be committed."""
    anywhere = shutil.ignore_patterns("*.egg-info", "__pycache__", ".*_cache", ".hypothesis")
    at_root = {".git", ".venv", "site", "build", "dist", "bench-out"}  # outputs at the root only

    def ignore(folder: str, names: list[str]) -> set[str]:
        return set(anywhere(folder, names)) | (at_root & set(names) if Path(folder) == ROOT else set())

    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


@pytest.fixture(scope="session")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Venv]:
    """One wheel and one fresh venv per session, with the package only (no extras)."""
    base = tmp_path_factory.mktemp("wheel")
    src = _source_copy(base / "src")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "--disable-pip-version-check",
            "-w",
            str(base),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (wheel,) = base.glob("derma_evidence-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(base / "venv")], check=True, timeout=300)
    venv = Venv(base / "venv" / "bin" / "python", wheel)
    venv.pip(str(wheel), cwd=base)
    yield venv


@pytest.mark.packaging
def test_wheel_installs_and_runs_init_check_new_without_the_site_stack(fresh_venv: Venv, tmp_path: Path) -> None:
    v = fresh_venv
    assert v.run("derma", "--version", cwd=tmp_path).stdout.strip() == f"derma {derma_evidence.__version__}"
    assert v.run(str(v.python), "-m", "derma_evidence", "--version", cwd=tmp_path).stdout.strip().startswith("derma ")
    missing = v.run(
        str(v.python),
        "-c",
        "import importlib.util as u; print([m for m in ('mkdocs', 'jinja2', 'citeproc') if u.find_spec(m)])",
        cwd=tmp_path,
    )
    assert missing.stdout.strip() == "[]", "the core install pulled in the site stack"
    typed = v.run(
        str(v.python), "-c", "import derma_evidence, os; print(os.path.dirname(derma_evidence.__file__))", cwd=tmp_path
    )
    assert (Path(typed.stdout.strip()) / "py.typed").is_file()

    v.run("derma", "init", "kb", "--title", TITLE, cwd=tmp_path)
    kb = tmp_path / "kb"
    assert "All checks passed." in v.run("derma", "check", "--strict", cwd=kb).stdout
    assert v.run("derma", "init", "kb", cwd=tmp_path, check=False).returncode == 1
    added = v.run("derma", "new", "claim", *NEW_CLAIM, cwd=kb)
    assert "added claim 'ebm-clinical-expertise-defined'" in added.stdout
    assert "All checks passed." in v.run("derma", "check", "--strict", cwd=kb).stdout
    sarif = json.loads(v.run("derma", "check", "--format", "sarif", cwd=kb).stdout)
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] == []


@pytest.mark.packaging
def test_wheel_builds_the_scaffolded_site(fresh_venv: Venv, tmp_path: Path) -> None:
    v = fresh_venv
    eps = v.run(
        str(v.python),
        "-c",
        "from importlib.metadata import distribution as d;"
        "print([e.name for e in d('derma-evidence').entry_points if e.group == 'mkdocs.plugins'])",
        cwd=tmp_path,
    )
    assert "'derma'" in eps.stdout, eps.stdout  # the plugin is registered in the wheel
    v.pip(f"{v.wheel}[site]", cwd=tmp_path)
    v.run("derma", "init", "kb", "--title", TITLE, cwd=tmp_path)
    kb = tmp_path / "kb"
    v.run("derma", "new", "claim", *NEW_CLAIM, cwd=kb)
    v.run("mkdocs", "build", "--strict", cwd=kb)
    assert (kb / "site" / "index.html").is_file()


# --- pre-commit try-repo on the hook (slow: marked `packaging`) --------------------------------


@pytest.mark.packaging
def test_pre_commit_try_repo_runs_the_hook(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "kb"
    scaffold.init(str(repo), TITLE)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "GITHUB_ACTIONS")}
    env.update(
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.org",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.org",
        GIT_CONFIG_GLOBAL=os.devnull,
    )

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, timeout=60)

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "derma-check", "--all-files", "--verbose"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    git("init", "-q")
    git("add", "-A")
    ok = try_repo()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert re.search(r"derma check.*Passed", ok.stdout), ok.stdout

    claims = repo / "data" / "claims.yaml"
    claims.write_text(claims.read_text("utf-8").replace("key: sackett1996", "key: sackett1969"), "utf-8")
    git("add", "-A")
    bad = try_repo()
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "C005" in bad.stdout and "Failed" in bad.stdout


# --- the README --------------------------------------------------------------------------------


def test_readme_sections_come_in_order_and_list_every_module() -> None:
    text = (ROOT / "README.md").read_text("utf-8")
    heads = re.findall(r"^## (.+)$", text, re.M)
    assert heads[:3] == ["Two commands", "Testing", "Contributing"]
    assert "https://derma-evidence.github.io/derma-evidence/" in text
    assert "make test-fast" in text
    modules = sorted(p.name for p in (ROOT / "derma_evidence").rglob("*.py") if p.name != "__init__.py")
    missing = [m for m in modules if m not in text]
    assert not missing, f"modules missing from the README's module list: {missing}"
