"""`legalprompt limar`: output, levels, JSON with the model's token counts, errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from legalprompt.cli import main
from legalprompt.techniques.limar import limar

DOCS = Path(__file__).resolve().parent / "fixtures" / "docs"
REPO = Path(__file__).resolve().parent.parent


def test_prints_compressed_text(capsys):
    assert main(["limar", str(DOCS / "cp1252.txt")]) == 0
    out = capsys.readouterr().out
    text = (DOCS / "cp1252.txt").read_bytes().decode("cp1252").replace("\r\n", "\n")
    assert out == limar(text, "medium").text + "\n"
    assert "R$ 15.000,00 (quinze mil reais)" in out and "11/09/1990" in out


def test_levels_and_pt_aliases(capsys):
    sizes = []
    for level in ("leve", "medium", "forte"):
        assert main(["limar", str(DOCS / "acordao.pdf"), "--level", level]) == 0
        sizes.append(len(capsys.readouterr().out))
    assert sizes[0] > sizes[1] > sizes[2]


def test_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("O réu não foi citado. Com efeito, nada mais.".encode("cp1252"))))
    assert main(["limar", "-", "-l", "strong"]) == 0
    assert "não foi citado" in capsys.readouterr().out


class _FakeEngine:
    """Counts one token per character, so the expected numbers are known."""

    class ref:
        name = "fake"

    def tokenize(self, text, add_bos=False, special=False):
        return list(range(len(text)))


def test_json_counts_with_the_engine_tokenizer(monkeypatch, capsys):
    import legalprompt.commands._engine as eng

    monkeypatch.setattr(eng, "engine_from_args", lambda args, quiet=False: _FakeEngine())
    assert main(["limar", str(DOCS / "latin1.txt"), "--json", "--level", "strong"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"text", "chars_before", "chars_after", "tokens_before", "tokens_after", "kept_citations"}
    assert data["tokens_before"] == data["chars_before"] and data["tokens_after"] == data["chars_after"]
    assert data["chars_after"] == len(data["text"]) < data["chars_before"]
    assert "art. 5º, X, da CF" in data["kept_citations"]


@pytest.mark.model
def test_json_with_the_bundled_model(capsys):
    assert main(["limar", str(DOCS / "latin1.txt"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert 0 < data["tokens_after"] < data["tokens_before"]


@pytest.mark.parametrize("path,message", [
    ("nao-existe.txt", "não encontrado"),
    (str(DOCS / "digitalizado.pdf"), "OCR"),
    (str(DOCS / "vazio.txt"), "vazio"),
    (str(DOCS / "binario.dat"), "não é texto"),
])
def test_errors_are_one_pt_line_and_exit_2(path, message, capsys):
    assert main(["limar", path]) == 2
    err = capsys.readouterr().err
    assert err.startswith("erro: ") and message in err and "Traceback" not in err


def test_bad_level_is_refused(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["limar", str(DOCS / "latin1.txt"), "--level", "extremo"])
    assert exc.value.code == 2


def test_module_imports_nothing_heavy():
    code = ("import sys, legalprompt.commands.limar; "
            "heavy = [m for m in ('llama_cpp', 'pypdf', 'docx', 'bs4', 'legalprompt.techniques.limar', "
            "'legalprompt.citations.extract') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert out.strip() == "[]"
