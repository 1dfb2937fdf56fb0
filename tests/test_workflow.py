"""The CI workflow and the pre-commit hooks: valid, and running the same commands as the README."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
PRE_COMMIT = ROOT / ".pre-commit-config.yaml"
README = ROOT / "README.md"


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _runs(workflow: dict[str, Any]) -> list[str]:
    return [step["run"] for job in workflow["jobs"].values() for step in job.get("steps", []) if "run" in step]


def _readme_commands() -> list[str]:
    """Command lines in the README's code blocks and inline code."""
    text = README.read_text("utf-8")
    blocks = re.findall(r"```[^\n]*\n(.*?)```", text, re.S)
    lines = [re.sub(r"\s#.*", "", ln).strip().lstrip("$ ").strip() for b in blocks for ln in b.splitlines()]
    lines += re.findall(r"`([^`\n]+)`", text)
    return [ln for ln in lines if ln]


def test_workflow_matches_the_github_workflow_schema() -> None:
    """check-jsonschema ships the schemastore workflow schema: no network needed."""
    proc = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_schema_check_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "ci.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    stepz: []\n", "utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1


def test_workflow_runs_the_readme_test_command() -> None:
    runs = _runs(_load(WORKFLOW))
    assert "make test" in _readme_commands(), "the README should give `make test` as the test command"
    assert any(re.search(r"(^|\s)make test(\s|$)", r) for r in runs)
    assert any(re.search(r"(^|\s)make build(\s|$)", r) for r in runs)


def test_workflow_runs_the_readme_checker_strictly_with_annotations() -> None:
    runs = _runs(_load(WORKFLOW))
    readme = [c for c in _readme_commands() if re.search(r"scripts/check\.py|derma check", c)]
    assert readme, "the README should show the checker command"
    program = "scripts/check.py" if "scripts/check.py" in readme[0] else "derma check"
    assert any(program in r and "--format github" in r and "--strict" in r for r in runs)


def test_workflow_installs_chromium_and_deploys_pages_from_main_only() -> None:
    wf = _load(WORKFLOW)
    assert any("apt-get install" in r and "chromium" in r for r in _runs(wf))
    deploy = wf["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "refs/heads/main" in deploy["if"] and "push" in deploy["if"]
    assert set(deploy["needs"]) == {"check", "test", "build"}
    uses = [s.get("uses", "") for job in wf["jobs"].values() for s in job.get("steps", [])]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)


def test_pre_commit_runs_the_same_checks_as_ci() -> None:
    pc = _load(PRE_COMMIT)
    hooks = {h["id"]: (repo, h) for repo in pc["repos"] for h in repo["hooks"]}
    _, local = hooks["derma-check"]
    assert local["entry"] == "python scripts/check.py --strict"
    assert local["pass_filenames"] is False
    assert re.match(local["files"], "data/claims.yaml") and re.match(local["files"], "references.bib")
    assert not re.match(local["files"], "data/claims.yaml.bak")
    repo, cj = hooks["check-jsonschema"]
    assert repo["repo"] == "https://github.com/python-jsonschema/check-jsonschema"
    assert re.fullmatch(r"0\.39\.\d+", repo["rev"])
    assert cj["args"] == ["--schemafile", "derma_evidence/contract/claims.schema.json"]
    runs = " ".join(_runs(_load(WORKFLOW)))
    assert "check-jsonschema --schemafile derma_evidence/contract/claims.schema.json data/claims.yaml" in runs


@pytest.mark.parametrize("path", [".vscode/settings.json", ".vscode/extensions.json"])
def test_editor_settings_exist(path: str) -> None:
    assert (ROOT / path).is_file()


def test_data_file_starts_with_the_schema_modeline() -> None:
    first = (ROOT / "data" / "claims.yaml").read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../derma_evidence/contract/claims.schema.json"
    assert (ROOT / "data" / "../derma_evidence/contract/claims.schema.json").resolve().is_file()


# --- the living review's scheduled workflow (issue 23) ---------------------------------------------------

LIVING = ROOT / ".github" / "workflows" / "living-review.yml"
LIVING_SKELETON = ROOT / "derma_evidence" / "skeleton" / "dot-github" / "workflows" / "living-review.yml"


def _schema_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("which", ["repository", "skeleton"])
def test_living_review_workflow_matches_the_schema_and_runs_weekly(which: str, tmp_path: Path) -> None:
    path = LIVING
    if which == "skeleton":  # as `derma init` writes it: the version filled in
        path = tmp_path / "living-review.yml"
        path.write_text(LIVING_SKELETON.read_text("utf-8").replace("{{ version }}", "0.1.0"), "utf-8")
    proc = _schema_check(path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    wf = _load(path)
    on = wf[True] if True in wf else wf["on"]  # PyYAML reads the key `on` as True
    assert set(on) == {"schedule", "workflow_dispatch"}
    minute, hour, day, month, weekday = on["schedule"][0]["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit()  # once a week
    runs = _runs(wf)
    assert any(re.search(r"derma search run$", r) for r in runs)
    assert any(re.search(r"derma retractions check$", r) for r in runs)
    steps = [s for job in wf["jobs"].values() for s in job["steps"]]
    pr = [s for s in steps if s.get("uses", "").startswith("peter-evans/create-pull-request@")]
    assert len(pr) == 1 and re.fullmatch(r"peter-evans/create-pull-request@v\d+\.\d+\.\d+", pr[0]["uses"])
    assert set(pr[0]["with"]["add-paths"].split()) == {"data/claims.yaml", "references.bib"}
    assert wf["permissions"] == {"contents": "write", "pull-requests": "write"}
    search = next(s for s in steps if "derma search run" in s.get("run", ""))
    assert search["env"]["NCBI_API_KEY"] == "${{ secrets.NCBI_API_KEY }}"
    assert all(job.get("timeout-minutes") for job in wf["jobs"].values())


def test_the_two_living_review_workflows_run_the_same_commands() -> None:
    def commands(path: Path) -> list[str]:
        return [re.sub(r"^(\.venv/bin/)", "", r) for r in _runs(_load(path)) if "derma " in r]

    assert commands(LIVING) == commands(LIVING_SKELETON)
