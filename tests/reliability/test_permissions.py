"""Issue 19, finding 8: other accounts cannot read client documents. The data folder is 0700; the
history (with -wal and -shm), batch outputs, the manifest, compare reports and TUI exports are 0600,
whatever the umask (tests run with the common 022)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.reliability.fakes import serve
from tests.cli.helpers import assert_ok, invoke


@pytest.fixture(autouse=True)
def common_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_history_and_data_folder_are_private(isolated_dirs, tmp_path, monkeypatch):
    data = tmp_path / "novo-data"  # created by legalprompt itself
    monkeypatch.setenv("LEGALPROMPT_DATA_DIR", str(data))
    from legalprompt.store.history import History

    h = History()
    h.start_run(command="run", template="resumo", prompt="segredo do cliente", params={}, seed=0,
                model_name="m", model_sha256="0" * 64)
    files = [p for p in data.iterdir() if p.name.startswith("history.sqlite3")]
    assert {p.name for p in files} >= {"history.sqlite3", "history.sqlite3-wal", "history.sqlite3-shm"}
    assert mode(data) == 0o700
    for p in files:
        assert mode(p) == 0o600, (p.name, oct(mode(p)))
    h.close()


def test_existing_data_folder_and_history_are_tightened(isolated_dirs):
    data = isolated_dirs["data"]
    os.chmod(data, 0o755)
    db = data / "history.sqlite3"
    db.touch(mode=0o644)
    os.chmod(db, 0o644)
    from legalprompt.store.history import History

    History().close()
    assert mode(data) == 0o700 and mode(db) == 0o600


def test_batch_outputs_and_manifest_are_private(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Contrato sigiloso.", encoding="utf-8")
    out = tmp_path / "saida"
    with serve() as (url, _):
        assert_ok(invoke("batch", src, "--out", out, "--endpoint", url, "-q"))
    assert mode(out) == 0o700
    files = list(out.iterdir())
    assert {p.name for p in files} == {"a.md", "manifest.jsonl"}
    for p in files:
        assert mode(p) == 0o600, (p.name, oct(mode(p)))


def test_batch_does_not_change_an_existing_folder_it_did_not_create(tmp_path):
    out = tmp_path / "pasta-do-advogado"
    out.mkdir(mode=0o755)
    os.chmod(out, 0o755)
    (out / "a.txt").write_text("Contrato.", encoding="utf-8")
    with serve() as (url, _):
        assert_ok(invoke("batch", out, "--out", out, "--endpoint", url, "-q"))
    assert mode(out) == 0o755  # the lawyer's folder keeps its mode; the files written in it are 0600
    assert mode(out / "a.md") == 0o600 and mode(out / "manifest.jsonl") == 0o600


def test_compare_report_and_tui_exports_are_private(tmp_path):
    from legalprompt.compare.report import write_report
    from legalprompt.tui.app import LastAnswer
    from legalprompt.tui.export import write_docx, write_markdown

    ans = LastAnswer(text="Resposta sigilosa.", prefill="", template="resumo", model="m", seed=1, run_id=None,
                     status="ok", citations=[])
    for p in (write_markdown(tmp_path / "r.md", ans), write_docx(tmp_path / "r.docx", ans)):
        assert mode(p) == 0o600, p
    from tests.compare.test_report import _doc  # a DocumentComparison built by the report tests

    for name in ("rel.md", "rel.html"):
        assert mode(write_report(_doc(), tmp_path / name)) == 0o600
