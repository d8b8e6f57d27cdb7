"""Test isolation: every test gets its own config and data folders (never the user's real ones).

The bundled models' reassembly cache (LEGALPROMPT_CACHE_DIR) is left shared on purpose, so the
250 MB Gemma file is reassembled once per machine, not once per test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    cfg = tmp_path / "config"
    data = tmp_path / "data"
    cfg.mkdir()
    data.mkdir()
    monkeypatch.setenv("LEGALPROMPT_CONFIG_DIR", str(cfg))
    monkeypatch.setenv("LEGALPROMPT_DATA_DIR", str(data))
    for var in list(__import__("os").environ):
        if var.startswith("LEGALPROMPT_") and var not in {
            "LEGALPROMPT_CONFIG_DIR", "LEGALPROMPT_DATA_DIR", "LEGALPROMPT_CACHE_DIR"}:
            monkeypatch.delenv(var, raising=False)
    return {"config": cfg, "data": data}


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data folder missing: {SHARED_DATA} (tests expect ../shared/data beside the repo)")
    return SHARED_DATA


@pytest.fixture
def examples_dir() -> Path:
    return REPO / "examples"


# Fixtures that load a real GGUF model (here and in the packages' conftest files): a test that asks for one
# is a `model` test, so `pytest -m "not model"` stays the fast suite without a mark on every test.
MODEL_FIXTURES = {"gemma", "smol", "engine", "llama_server", "two_llama_servers", "drafter"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())) and not item.get_closest_marker("model"):
            item.add_marker(pytest.mark.model)
