"""`legalprompt lint`: exit codes 0/1/2, JSON shape, stdin, --sources."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from legalprompt.cli import main

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "ementas"


def _run(argv, capsys):
    rc = main(argv)
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_clean_ementa_exits_0(capsys):
    rc, out, _ = _run(["lint", str(FIX / "ok" / "03-tributario-tese.txt")], capsys)
    assert rc == 0 and "nada a apontar" in out


def test_findings_exit_1_with_json(capsys):
    rc, out, _ = _run(["lint", str(FIX / "broken" / "08-trata-se.txt"), "--json"], capsys)
    data = json.loads(out)
    assert rc == 1 and data["ok"] is False
    assert data["findings"] == [{"code": "TRATA_SE", "message": data["findings"][0]["message"], "line": 3}]
    assert "Trata-se" in data["findings"][0]["message"]


def test_stdin_and_sources(capsys, monkeypatch):
    text = (FIX / "broken" / "14-precedente-fora-das-fontes.txt").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text), encoding="utf-8"))
    rc, out, _ = _run(["lint", "-", "--sources", str(FIX.parents[2] / "examples" / "acordao-rhc-115078.txt")], capsys)
    assert rc == 1 and "REsp nº 1.234.567/SP" in out and "[CITATION_NOT_IN_SOURCES]" in out
    assert "HC nº 109.436" not in out  # that one is in the acórdão


def test_old_form_says_so(tmp_path, capsys):
    f = tmp_path / "e.txt"
    f.write_text("EMENTA: DIREITO CIVIL. LOCAÇÃO. DESPEJO. RECURSO DESPROVIDO. 1. Texto. 2. Texto.", encoding="utf-8")
    rc, out, _ = _run(["lint", str(f)], capsys)
    assert rc == 1 and "formato tradicional" in out and "[OLD_FORM]" in out


def test_bad_input_exits_2(tmp_path, capsys):
    rc, _, err = _run(["lint", str(tmp_path / "nao-existe.txt")], capsys)
    assert rc == 2 and err.startswith("erro: ") and "não encontrado" in err
    empty = tmp_path / "vazio.txt"
    empty.write_text("   \n", encoding="utf-8")
    rc, _, err = _run(["lint", str(empty)], capsys)
    assert rc == 2 and "vazi" in err and "Traceback" not in err
