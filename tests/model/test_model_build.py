"""The generic model builder: a new claim field is one line in the schema, the dataclass and a template.

The test copies the package, makes exactly those three edits (claims.schema.json, `Claim` in
model/claims.py, templates/_claim.html.j2) and checks that the checker accepts the field, the model
holds it, the topic page shows it (escaped) and claims.json exports it: no builder, exporter or
view-model changes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from derma_evidence.load.yamlpos import Map, load_yaml
from derma_evidence.model.answers import Effect
from derma_evidence.model.build import build, plan
from derma_evidence.model.claims import Claim, Trial
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "site_fixture"

EDITS = {
    "contract/claims.schema.json": (
        '        "reviewed": {\n          "description": "The date the claim was last checked',
        '        "funding": {\n          "description": "Who paid for the studies, as they say.",\n'
        '          "$ref": "#/definitions/text"\n        },\n'
        '        "reviewed": {\n          "description": "The date the claim was last checked',
    ),
    "model/claims.py": (
        "    at: Mapping[str, Pos] = field(default_factory=dict)\n\n    @property\n    def reviewed_date",
        "    at: Mapping[str, Pos] = field(default_factory=dict)\n    funding: str | None = None\n\n"
        "    @property\n    def reviewed_date",
    ),
    "templates/_claim.html.j2": (
        "{% if c.note %}\n",
        '{% if c.model.funding %}<p class="derma-funding">Funding: {{ c.model.funding }}</p>{% endif %}\n'
        "{% if c.note %}\n",
    ),
}
"""The three edits: (file in the package, text found once, its replacement)."""

SCRIPT = """
import json, sys
from derma_evidence.pipeline import check_files
from derma_evidence import render
from derma_evidence.export import files
r = check_files(sys.argv[1], sys.argv[2])
c = r.kb.claims[0]
pages = {p.path: p.html for p in render.render_site(r.kb)}
print(json.dumps({
    "codes": [d.code for d in r.diagnostics],
    "funding": c.funding,
    "page": pages["topics/" + c.topic + ".md"],
    "export": json.loads(files.claims_json(r.kb))["claims"][0].get("funding"),
}))
"""


def test_a_claim_field_is_three_lines_in_three_files(tmp_path: Path) -> None:
    pkg = tmp_path / "derma_evidence"
    shutil.copytree(ROOT / "derma_evidence", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    for rel, (old, new) in EDITS.items():
        path = pkg / rel
        text = path.read_text("utf-8")
        assert text.count(old) == 1, rel
        path.write_text(text.replace(old, new), "utf-8")
    claims = FIXTURE.joinpath("claims.yaml").read_text("utf-8")
    first = claims.index("\n    reviewed:", claims.index("\nclaims:"))
    data = tmp_path / "claims.yaml"
    data.write_text(claims[:first] + '\n    funding: "Grant <b>&</b> co."' + claims[first:], "utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(data), str(FIXTURE / "references.bib")],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["codes"] == []
    assert out["funding"] == out["export"] == "Grant <b>&</b> co."
    assert '<p class="derma-funding">Funding: Grant &lt;b&gt;&amp;&lt;/b&gt; co.</p>' in out["page"]


def _node(text: str) -> Map:
    result = load_yaml("x.yaml", text.encode())
    assert isinstance(result.root, Map), result.diagnostics
    return result.root


def test_fields_are_read_by_their_type() -> None:
    node = _node(
        "label: A\npooled: true\nmeasure: MD\nvalue: 1.10\nci_low: -1\nstudies: 3\np: '< 0.05'\n"
        "source: {key: k, locator: Table 2}\narms: [{label: x, value: 2, n: 10}]\n"
    )
    e = build(Effect, node, "x.yaml")
    assert (e.label, e.pooled, e.measure, e.value, e.ci_low, e.ci_high, e.studies, e.p) == (
        "A",
        True,
        "MD",
        1.1,
        -1.0,
        None,
        3,
        "< 0.05",
    )
    assert e.source is not None and (e.source.key, e.source.locator) == ("k", "Table 2")
    assert [(a.label, a.value, a.n, a.literals) for a in e.arms] == [("x", 2.0, 10, {"value": "2", "n": "10"})]
    assert e.literals == {"value": "1.10", "ci_low": "-1", "studies": "3"}
    assert (e.pos.line, e.at["value"].line) == (1, 4)


def test_wrong_types_read_as_absent_and_unreadable_fields_must_be_passed() -> None:
    c = build(Claim, _node("id: 3\nstatement: [x]\narticle: [1, a, 2]\nreviewed: 2026-01-02\n"), "x.yaml")
    assert (c.id, c.statement, c.article, c.reviewed) == (None, None, (1, 2), "2026-01-02")
    assert [name for name, _how, reader, _ in plan(Trial) if reader is None] == ["protocol", "pos", "at", "rob"]
    with pytest.raises(TypeError, match="protocol"):
        build(Trial, _node("key: k\n"), "x.yaml")
    t = build(Trial, _node("key: k\nn: 12\ninterval: {measure: interval, min: 1, unit: wk}\n"), "x.yaml", protocol={})
    assert (t.key, t.n, t.rob, t.interval and t.interval.min) == ("k", 12, None, 1.0)
