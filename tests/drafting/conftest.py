"""Fixtures for the drafting core's tests: a small template and the fake decoder in place of a model load."""

from __future__ import annotations

import pytest

from legalprompt.engine.fake import FakeDecoder
from tests.drafting.mini_template import install_mini

DOC = "O recurso foi provido com base no art. 5º da CF/1988. Custas pelo vencido."
ANSWER = " provido, nos termos do art. 5º da CF/1988. FIM texto que não aparece"


@pytest.fixture(autouse=True)
def mini_template(isolated_dirs):
    install_mini(isolated_dirs["config"], max_tokens=40, stop=("FIM",))


@pytest.fixture
def fake_model(monkeypatch) -> FakeDecoder:
    """Every command that loads a model gets this fake instead (no GGUF is read)."""
    fake = FakeDecoder(ANSWER)
    monkeypatch.setattr("legalprompt.engine.loader.load_engine", lambda settings, *a, **kw: fake)
    return fake
