"""`legalprompt lint`: exit codes 0/1/2, JSON shape, stdin, --sources."""

from __future__ import annotations

import json

from tests.cli.helpers import REPO, invoke

FIX = REPO / "tests" / "fixtures" / "ementas"


def test_clean_ementa_exits_0():
    rc, out, _ = invoke("lint", str(FIX / "ok" / "03-tributario-tese.txt"))
    assert rc == 0 and "nada a apontar" in out


def test_findings_exit_1_with_json():
    rc, out, _ = invoke("lint", str(FIX / "broken" / "08-trata-se.txt"), "--json")
    data = json.loads(out)
    assert rc == 1 and data["ok"] is False
    assert data["findings"] == [{"code": "TRATA_SE", "message": data["findings"][0]["message"], "line": 3}]
    assert "Trata-se" in data["findings"][0]["message"]


def test_stdin_and_sources():
    text = (FIX / "broken" / "14-precedente-fora-das-fontes.txt").read_bytes()
    rc, out, _ = invoke("lint", "-", "--sources", str(REPO / "examples" / "acordao-rhc-115078.txt"), stdin=text)
    assert rc == 1 and "REsp nº 1.234.567/SP" in out and "[CITATION_NOT_IN_SOURCES]" in out
    assert "HC nº 109.436" not in out  # that one is in the acórdão


def test_old_form_says_so(tmp_path):
    f = tmp_path / "e.txt"
    f.write_text("EMENTA: DIREITO CIVIL. LOCAÇÃO. DESPEJO. RECURSO DESPROVIDO. 1. Texto. 2. Texto.", encoding="utf-8")
    rc, out, _ = invoke("lint", str(f))
    assert rc == 1 and "formato tradicional" in out and "[OLD_FORM]" in out


def test_bad_input_exits_2(tmp_path):
    rc, _, err = invoke("lint", str(tmp_path / "nao-existe.txt"))
    assert rc == 2 and err.startswith("erro: ") and "não encontrado" in err
    empty = tmp_path / "vazio.txt"
    empty.write_text("   \n", encoding="utf-8")
    rc, _, err = invoke("lint", str(empty))
    assert rc == 2 and "vazi" in err and "Traceback" not in err
