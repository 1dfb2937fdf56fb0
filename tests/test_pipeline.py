"""Pipeline behaviour beyond single rules: acknowledged warnings, determinism."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from derma_evidence.pipeline import check_bytes

CASES = Path(__file__).parent / "cases"
TODAY = dt.date(2026, 11, 25)


def _codes(yaml_bytes: bytes, bib: bytes) -> list[str]:
    r = check_bytes("c.yaml", yaml_bytes, "r.bib", bib, TODAY)
    return [d.code for d in r.diagnostics]


def test_an_entry_can_acknowledge_its_own_warning() -> None:
    y = (CASES / "B010" / "claims.yaml").read_bytes()
    bib = (CASES / "B010" / "references.bib").read_bytes()
    assert _codes(y, bib) == ["B010"]
    acked = bib.replace(
        b"design = {human-experimental},", b"design = {human-experimental},\n  checker-ignore = {B010},"
    )
    assert _codes(y, acked) == []


def test_errors_cannot_be_acknowledged() -> None:
    y = (CASES / "B007" / "claims.yaml").read_bytes()
    bib = (CASES / "B007" / "references.bib").read_bytes()
    acked = bib.replace(
        b"design = {human-experimental},", b"design = {human-experimental},\n  checker-ignore = {B007},"
    )
    assert _codes(y, acked) == ["B007"]


def test_acknowledgement_is_per_entry() -> None:
    y = (CASES / "B010" / "claims.yaml").read_bytes()
    bib = (CASES / "B010" / "references.bib").read_bytes()
    other = bib.replace(b"dunkin2007", b"other2001").replace(
        b"design = {human-experimental},", b"design = {human-experimental},\n  checker-ignore = {B010},"
    )
    codes = _codes(y, bib + b"\n" + other)
    assert codes.count("B010") == 1


def test_output_is_deterministic() -> None:
    root = Path(__file__).resolve().parent.parent
    y, b = (root / "data" / "claims.yaml").read_bytes(), (root / "references.bib").read_bytes()
    broken = y.replace(b"verdict: supported", b"verdict: proven", 3)
    today = max(TODAY, dt.date(2026, 12, 1))  # the real data holds claims reviewed on 2026-12-01 (issue 9)
    a = check_bytes("c.yaml", broken, "r.bib", b, today).diagnostics
    c = check_bytes("c.yaml", broken, "r.bib", b, today).diagnostics
    assert a == c and len(a) == 3
