"""Fixtures for the drafting core's tests: a small template and the fake decoder in place of a model load."""

from __future__ import annotations

import pytest

from legalprompt.engine.fake import FakeDecoder

MINI = """---
name: mini
description: resumo curtíssimo (testes)
inputs:
  documento: {type: text, required: true}
prefill: "Resumo:"
sampling: {temperature: 0.3, max_tokens: 40, stop: ["FIM"]}
check: {named: nonempty}
---
Resuma:
{{ documento }}
"""
DOC = "O recurso foi provido com base no art. 5º da CF/1988. Custas pelo vencido."
ANSWER = " provido, nos termos do art. 5º da CF/1988. FIM texto que não aparece"


@pytest.fixture(autouse=True)
def mini_template(isolated_dirs):
    d = isolated_dirs["config"] / "templates"
    d.mkdir(exist_ok=True)
    (d / "mini.j2").write_text(MINI, encoding="utf-8")


@pytest.fixture
def fake_model(monkeypatch) -> FakeDecoder:
    """Every command that loads a model gets this fake instead (no GGUF is read)."""
    fake = FakeDecoder(ANSWER)
    monkeypatch.setattr("legalprompt.engine.loader.load_engine", lambda settings, *a, **kw: fake)
    return fake
