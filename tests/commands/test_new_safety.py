"""`derma new` under concurrency, edits, links, permissions, signals and odd line ends (issue 10)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from derma_evidence.commands import cli
from derma_evidence.commands import write as new_write
from derma_evidence.load.yamlpos import Map, Seq, load_yaml
from derma_evidence.pipeline import check_files
from tests.commands.test_new import BIB, CLAIM_ARGS, CLAIMS
from tests.conftest import ROOT, TODAY


def _kb(folder: Path, claims: bytes | None = None) -> tuple[Path, Path]:
    c, b = folder / "claims.yaml", folder / "references.bib"
    c.write_bytes(claims if claims is not None else CLAIMS.encode())
    b.write_bytes(BIB.encode())
    return c, b


def _add(c: Path, b: Path, claim_id: str) -> int:
    return cli.main(
        ["new", "claim", "--id", claim_id, "--statement", "S.", *CLAIM_ARGS, "--claims", str(c), "--bib", str(b)]
    )


def _ids(c: Path) -> list[str]:
    root = load_yaml(str(c), c.read_bytes()).root
    assert isinstance(root, Map)
    claims = root.get("claims")
    assert isinstance(claims, Seq)
    return [str(m.get("id").value) for m in claims.items if isinstance(m, Map) and m.get("id") is not None]  # type: ignore[union-attr]


def test_two_runs_at_once_keep_both_entries(tmp_path: Path) -> None:
    c, b = _kb(tmp_path)
    cmd = [sys.executable, "-m", "derma_evidence.commands.cli", "new", "claim", "--statement", "S.", *CLAIM_ARGS]
    procs = [
        subprocess.Popen(
            [*cmd, "--id", f"run-{i}", "--claims", str(c), "--bib", str(b)], cwd=ROOT, stdout=subprocess.PIPE
        )
        for i in range(4)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    assert sorted(_ids(c)[1:]) == ["run-0", "run-1", "run-2", "run-3"]
    assert not check_files(str(c), str(b), TODAY).errors


def test_an_edit_saved_meanwhile_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    c, b = _kb(tmp_path)
    real = new_write.check_loaded

    def editor_saves(*args: object, **kw: object) -> object:
        c.write_bytes(CLAIMS.encode() + b"# saved by an editor\n")
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr("derma_evidence.commands.write.check_loaded", editor_saves)
    assert _add(c, b, "x") == 1
    assert c.read_bytes() == CLAIMS.encode() + b"# saved by an editor\n"
    assert "was changed while" in capsys.readouterr().err


def test_symlink_is_written_through(tmp_path: Path) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target, b = _kb(real_dir)
    link = tmp_path / "claims.yaml"
    link.symlink_to(target)
    assert _add(link, b, "via-link") == 0
    assert link.is_symlink()
    assert _ids(target)[-1] == "via-link"


def test_hard_links_are_preserved(tmp_path: Path) -> None:
    c, b = _kb(tmp_path)
    other = tmp_path / "other.yaml"
    os.link(c, other)
    assert _add(c, b, "linked") == 0
    assert os.stat(c).st_ino == os.stat(other).st_ino
    assert _ids(other)[-1] == "linked"


def test_read_only_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c, b = _kb(tmp_path)
    c.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        assert _add(c, b, "x") == 1
        assert c.read_bytes() == CLAIMS.encode()
        assert "read-only" in capsys.readouterr().err
    finally:
        c.chmod(0o644)


def test_temp_file_of_a_killed_run_is_cleaned(tmp_path: Path) -> None:
    c, b = _kb(tmp_path)
    stale = tmp_path / f"{new_write.TMP_PREFIX}12345-1.tmp"
    stale.write_bytes(b"half-written")
    assert _add(c, b, "x") == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.yaml", "references.bib"]


def test_sigkill_during_write_leaves_nothing_after_the_next_run(tmp_path: Path) -> None:
    c, b = _kb(tmp_path)
    code = (
        "import os, signal, derma_evidence.commands.write as w\n"
        "real = os.replace\n"
        "def die(a, b): os.kill(os.getpid(), signal.SIGKILL)\n"
        "os.replace = die\n"
        "from derma_evidence.commands import cli\n"
        f"cli.main(['new', 'claim', '--id', 'killed', '--statement', 'S.', *{CLAIM_ARGS!r}, "
        f"'--claims', {str(c)!r}, '--bib', {str(b)!r}])\n"
    )
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, timeout=120)
    assert p.returncode == -9
    assert c.read_bytes() == CLAIMS.encode()
    assert _add(c, b, "after") == 0
    assert sorted(x.name for x in tmp_path.iterdir()) == ["claims.yaml", "references.bib"]


def test_ctrl_c_exits_130_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    c, b = _kb(tmp_path)

    def interrupt(*args: object, **kw: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr("derma_evidence.commands.write.check_loaded", interrupt)
    assert _add(c, b, "x") == 130
    err = capsys.readouterr().err
    assert "interrupted" in err and "Traceback" not in err
    assert c.read_bytes() == CLAIMS.encode()


@pytest.mark.parametrize("nl", [b"\r", b"\r\n"])
def test_cr_only_and_crlf_files_work(tmp_path: Path, nl: bytes) -> None:
    data = CLAIMS.encode().replace(b"\n", nl)
    c, b = _kb(tmp_path, data)
    assert _add(c, b, "cr-claim") == 0
    new = c.read_bytes()
    assert new.startswith(data.split(b"# --- trials")[0].rstrip(nl + b" ")[:200])
    assert b"\n" not in new if nl == b"\r" else new.count(b"\r\n") == new.count(b"\n")
    assert _ids(c)[-1] == "cr-claim"
    assert not check_files(str(c), str(b), TODAY).errors


def test_huge_number_option_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c, b = _kb(tmp_path)
    args = ["new", "claim", "--id", "x", "--statement", "S.", *CLAIM_ARGS, "--measure", "depth", "--unit", "mm"]
    assert cli.main([*args, "--min", "1e5000", "--claims", str(c), "--bib", str(b)]) == 2
    assert "out of range" in capsys.readouterr().err
    assert c.read_bytes() == CLAIMS.encode()


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("0." + "0" * 397 + "1", True),  # 400 characters: the loader's limit (MAX_NUMBER_CHARS)
        ("0." + "0" * 398 + "1", False),  # 401 as typed
        ("1e-398", True),  # 400 written out
        ("1e-399", False),  # 401 written out
        ("1e-99999999", False),  # 100 million digits written out: refused before any is written
        ("1e-999999999", False),
    ],
)
def test_number_option_length_is_bounded_before_writing_it_out(value: str, ok: bool) -> None:
    import tracemalloc

    from derma_evidence.commands.entries import UsageError, yaml_number
    from derma_evidence.load.yamlpos import MAX_NUMBER_CHARS

    tracemalloc.start()
    try:
        if ok:
            assert len(yaml_number("min", value)) == MAX_NUMBER_CHARS
        else:
            with pytest.raises(UsageError, match=f"at most {MAX_NUMBER_CHARS}|longer than {MAX_NUMBER_CHARS}"):
                yaml_number("min", value)
        assert tracemalloc.get_traced_memory()[1] < 1 << 20  # never the number written out (402 MB before)
    finally:
        tracemalloc.stop()
