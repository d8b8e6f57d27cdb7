"""Issue 19: batch never overwrites a file it did not create, drops no input silently, reads only
regular files inside the input folder, and reports identical documents as duplicates (findings 2, 4,
6, 12 and the low 'odd names' one). Runs against a loopback fake endpoint: no model is loaded."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.reliability.fakes import serve
from tests.cli.helpers import assert_ok, invoke


def _manifest(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def _batch(url, *args):
    return invoke("batch", *map(str, args), "--endpoint", url)


def test_input_and_output_in_the_same_folder_overwrites_nothing(tmp_path):
    same = tmp_path / "same"
    same.mkdir()
    (same / "contrato.txt").write_text("Contrato de locação entre as partes.", encoding="utf-8")
    mine = "# Minha minuta do contrato\n\nTexto que o advogado escreveu.\n"
    (same / "contrato.md").write_text(mine, encoding="utf-8")
    with serve() as (url, seen):
        r = _batch(url, same, "--out", same, "-q")
        assert_ok(r)
        assert (same / "contrato.md").read_text(encoding="utf-8") == mine
        entries = _manifest(same)
        assert sorted(Path(e["path"]).name for e in entries if e["status"] == "ok") == ["contrato.md", "contrato.txt"]
        outs = {e["output_file"] for e in entries}
        assert len(outs) == 2 and not outs & {str(same / "contrato.md"), str(same / "contrato.txt")}
        # run again: nothing is redone, the outputs are not taken for inputs, the lawyer's file is intact
        r2 = _batch(url, same, "--out", same, "--json")
        assert_ok(r2)
        summary = json.loads(r2.out[r2.out.index('{\n  "event": "summary"'):])
        assert summary["ok"] == 0 and summary["resumed"] == 2 and summary["total"] == 2
        assert (same / "contrato.md").read_text(encoding="utf-8") == mine


def test_existing_file_in_out_folder_is_not_overwritten(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    (src / "parecer.txt").write_text("Parecer sobre o recurso.", encoding="utf-8")
    (out / "parecer.md").write_text("arquivo do advogado", encoding="utf-8")
    with serve() as (url, _):
        assert_ok(_batch(url, src, "--out", out, "-q"))
    assert (out / "parecer.md").read_text(encoding="utf-8") == "arquivo do advogado"
    [e] = _manifest(out)
    assert e["status"] == "ok" and Path(e["output_file"]).parent == out.resolve()
    assert Path(e["output_file"]).name != "parecer.md"


def test_three_identical_documents_are_one_summary_and_two_duplicates(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for n in ("a", "b", "c"):
        (src / f"{n}.txt").write_text("Mesmo acórdão, três cópias.", encoding="utf-8")
    with serve() as (url, seen):
        r = _batch(url, src, "--out", tmp_path / "out", "--json")
    assert_ok(r)
    statuses = sorted(e["status"] for e in _manifest(tmp_path / "out"))
    assert statuses == ["ok", "skipped", "skipped"]


def test_symlink_leaving_the_folder_is_skipped_with_a_warning(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Documento legítimo.", encoding="utf-8")
    secret = tmp_path / "fora" / "segredo.txt"
    secret.parent.mkdir()
    secret.write_text("SEGREDO-FORA-DA-PASTA", encoding="utf-8")
    os.symlink(secret, src / "segredo.txt")
    os.symlink("/etc/passwd", src / "passwd.txt")
    os.symlink(src / "a.txt", src / "atalho.txt")  # inside the folder: fine (same content: a duplicate)
    with serve() as (url, seen):
        r = _batch(url, src, "--out", tmp_path / "out", "-q")
        assert_ok(r)
        sent = "".join(s["body"] or "" for s in seen)
    assert "SEGREDO-FORA-DA-PASTA" not in sent and "root:" not in sent
    assert "segredo.txt" in r.err and "passwd.txt" in r.err and "fora da pasta" in r.err


def test_fifo_and_device_links_do_not_hang_and_are_reported(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Documento legítimo.", encoding="utf-8")
    os.mkfifo(src / "fila.txt")
    os.symlink("/dev/zero", src / "zero.txt")
    with serve() as (url, seen):
        r = _batch(url, src, "--out", tmp_path / "out", "-q")  # hung forever before the fix
    assert_ok(r)
    assert "fila.txt" in r.err and "não é um arquivo comum" in r.err
    assert "zero.txt" in r.err
    assert [e["status"] for e in _manifest(tmp_path / "out")] == ["ok"]


def test_fifo_named_directly_is_a_clear_error(tmp_path):
    os.mkfifo(tmp_path / "fila.txt")
    r = invoke("check", str(tmp_path / "fila.txt"))
    assert "Traceback" not in r.err and r.code != 0 and "não é um arquivo comum" in r.err


def test_odd_names_are_never_dropped_silently_and_printed_escaped(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "..\\..\\evil.txt").write_text("Documento com nome estranho.", encoding="utf-8")
    (src / "linha\nquebrada.txt").write_text("Outro documento, outro texto.", encoding="utf-8")
    out = tmp_path / "out"
    with serve() as (url, seen):
        r = _batch(url, src, "--out", out)
    assert_ok(r)
    entries = _manifest(out)
    assert [e["status"] for e in entries] == ["ok"]
    assert Path(entries[0]["output_file"]).parent == out.resolve()
    # a hidden name (it starts with '.') is not read, but it is said, with what to do
    assert "evil.txt" in r.err and "oculto" in r.err and "renomeie" in r.err
    assert "linha\nquebrada" not in r.out + r.err  # the name's newline is not printed raw
    assert "linha\\nquebrada" in r.err  # but shown, escaped
    assert not (tmp_path / "evil.md").exists()
