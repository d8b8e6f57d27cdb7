"""The `legalprompt check` command: exit codes, JSON shape and offsets."""

from __future__ import annotations

import json

from tests.cli.helpers import invoke


def test_exit_0_when_nothing_inconsistent(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Aplica-se a Súmula 7/STJ e o art. 5º do CDC.", encoding="utf-8")
    rc, out, _ = invoke("check", str(f))
    assert rc == 0
    assert "[Súmula 7/STJ]{1:NÃO VERIFICADA}" in out
    assert "[art. 5º do CDC]{2:VERIFICADA}" in out


def test_exit_1_and_reasons(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Nos termos do art. 11 da Lei n. 11.555/2002.", encoding="utf-8")
    rc, out, _ = invoke("check", str(f))
    assert rc == 1
    assert "IMPOSSÍVEL" in out and "NUMBER_OUT_OF_YEAR_RANGE" in out and "2007" in out
    assert "1 impossíveis" in out  # the summary line uses the verdict word of labels.py
    assert "inconsistente" not in out.lower()


def test_exit_2_on_bad_input(tmp_path):
    rc, _, err = invoke("check", str(tmp_path / "missing.txt"))
    assert rc == 2 and err.startswith("erro: ")
    rc, _, err = invoke("check", str(tmp_path))
    assert rc == 2
    f = tmp_path / "a.txt"
    f.write_text("x", encoding="utf-8")
    rc, _, err = invoke("check", str(f), "--today", "ontem")
    assert rc == 2


def test_json_shape_and_offsets_latin1(tmp_path):
    text = "Texto: o art. 300 da CF/88 e a Súmula nº 7 do STJ, ação nº 0060465-92.2010.8.02.0001.\n"
    f = tmp_path / "a.txt"
    f.write_bytes(text.encode("latin-1"))
    rc, out, _ = invoke("check", str(f), "--json")
    assert rc == 1
    data = json.loads(out)
    assert list(data) == ["citations", "quotes"]
    cits = data["citations"]
    assert [c["kind"] for c in cits] == ["legislation", "sumula", "cnj"]
    for c in cits:
        assert set(c) == {"kind", "text", "start", "end", "verdict", "in_sources", "checks", "reasons"}
        assert text[c["start"]:c["end"]] == c["text"]
    assert cits[0]["verdict"] == "INCONSISTENT"
    assert cits[0]["reasons"][0]["code"] == "ARTICLE_OUT_OF_RANGE"


def test_stdin_and_sources(tmp_path):
    src = tmp_path / "fonte.txt"
    src.write_text("A decisão aplicou a Súmula 7/STJ.", encoding="utf-8")
    rc, out, _ = invoke("check", "-", "--json", "--sources", str(src), stdin="Súmula 7/STJ e Súmula 83/STJ")
    assert rc == 0
    cits = json.loads(out)["citations"]
    assert [c["in_sources"] for c in cits] == [True, False]
    assert [c["verdict"] for c in cits] == ["VERIFIED", "UNVERIFIED"]


def test_today_flag(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("(REsp 1.000/SP, julgado em 10/10/2025)", encoding="utf-8")
    assert invoke("check", str(f), "--today", "2025-01-01")[0] == 1
    assert invoke("check", str(f), "--today", "2026-01-01")[0] == 0


def test_quotes_not_in_the_sources_are_reported(tmp_path):
    src = tmp_path / "fonte.txt"
    src.write_text("O fornecedor responde, independentemente da existência de culpa, pelos danos.", encoding="utf-8")
    f = tmp_path / "a.txt"
    f.write_text('Diz a fonte: "o fornecedor responde independentemente da existência de culpa" e '
                 '"o fornecedor responde sempre por tudo".', encoding="utf-8")
    rc, out, _ = invoke("check", str(f), "--sources", str(src))
    assert "CITAÇÃO LITERAL NÃO ENCONTRADA" in out and "sempre por tudo" in out
    assert "independentemente" not in out.split("CITAÇÃO LITERAL NÃO ENCONTRADA", 1)[1]
    assert "1 trecho(s) entre aspas não encontrado(s)" in out
    rc, out, _ = invoke("check", str(f), "--json", "--sources", str(src))
    assert [q["found"] for q in json.loads(out)["quotes"]] == [True, False]
