"""`legalprompt limar`: output, levels, JSON with the model's token counts, errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from legalprompt.techniques.limar import limar
from tests.cli.helpers import DOCS, REPO, assert_clean_error, invoke


def test_prints_compressed_text():
    rc, out, _ = invoke("limar", str(DOCS / "cp1252.txt"))
    assert rc == 0
    text = (DOCS / "cp1252.txt").read_bytes().decode("cp1252").replace("\r\n", "\n")
    assert out == limar(text, "medium").text + "\n"
    assert "R$ 15.000,00 (quinze mil reais)" in out and "11/09/1990" in out


def test_levels_and_pt_aliases():
    sizes = []
    for level in ("leve", "medium", "forte"):
        rc, out, _ = invoke("limar", str(DOCS / "acordao.pdf"), "--level", level)
        assert rc == 0
        sizes.append(len(out))
    assert sizes[0] > sizes[1] > sizes[2]


def test_stdin():
    rc, out, _ = invoke("limar", "-", "-l", "strong", stdin="O réu não foi citado. Com efeito, nada mais.".encode("cp1252"))
    assert rc == 0 and "não foi citado" in out


class _FakeEngine:
    """Counts one token per character, so the expected numbers are known."""

    class ref:
        name = "fake"

    def tokenize(self, text, add_bos=False, special=False):
        return list(range(len(text)))


def test_json_counts_with_the_engine_tokenizer(monkeypatch):
    import legalprompt.commands._engine as eng

    monkeypatch.setattr(eng, "engine_from_args", lambda args, quiet=False: _FakeEngine())
    rc, out, _ = invoke("limar", str(DOCS / "latin1.txt"), "--json", "--level", "strong")
    assert rc == 0
    data = json.loads(out)
    assert set(data) >= {"text", "chars_before", "chars_after", "tokens_before", "tokens_after", "kept_citations"}
    assert data["tokens_before"] == data["chars_before"] and data["tokens_after"] == data["chars_after"]
    assert data["chars_after"] == len(data["text"]) < data["chars_before"]
    assert "art. 5º, X, da CF" in data["kept_citations"]


@pytest.mark.model
def test_json_with_the_bundled_model():
    rc, out, _ = invoke("limar", str(DOCS / "latin1.txt"), "--json")
    assert rc == 0
    data = json.loads(out)
    assert 0 < data["tokens_after"] < data["tokens_before"]


@pytest.mark.parametrize("path,message", [
    ("nao-existe.txt", "não encontrado"),
    (str(DOCS / "digitalizado.pdf"), "OCR"),
    (str(DOCS / "vazio.txt"), "vazio"),
    (str(DOCS / "binario.dat"), "não é texto"),
])
def test_errors_are_one_pt_line_and_exit_2(path, message):
    assert_clean_error(invoke("limar", path), 2, message)


def test_bad_level_is_refused():
    assert_clean_error(invoke("limar", str(DOCS / "latin1.txt"), "--level", "extremo"), 2, "extremo")


def test_module_imports_nothing_heavy():
    code = ("import sys, legalprompt.commands.limar; "
            "heavy = [m for m in ('llama_cpp', 'pypdf', 'docx', 'bs4', 'legalprompt.techniques.limar', "
            "'legalprompt.citations.extract') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert out.strip() == "[]"
