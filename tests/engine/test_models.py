import json
import shutil

import pytest

from legalprompt.engine import models
from legalprompt.engine.bundled import bundled_path
from legalprompt.errors import ModelError


@pytest.fixture
def models_dir(tmp_path, monkeypatch):
    d = tmp_path / "models"
    d.mkdir()
    monkeypatch.setattr(models, "project_models_dir", lambda: d)
    return d


def test_resolution_order(models_dir, tmp_path):
    # bundled by name
    ref = models.resolve_model("smollm2-135m")
    assert ref.source == "bundled" and ref.prompt_format == "chat"
    assert models.resolve_model(None).name == "gemma3-270m"
    # a file in models/ never takes a bundled model's name (issue 19): it is used by its path
    shutil.copy(bundled_path("smollm2-135m"), models_dir / "smollm2-135m.gguf")
    assert models.resolve_model("smollm2-135m").source == "bundled"
    assert models.resolve_model(str(models_dir / "smollm2-135m.gguf")).source == "path"
    # unique partial name
    shutil.copy(bundled_path("smollm2-135m"), models_dir / "meu-llama-8b.gguf")
    assert models.resolve_model("llama-8b").path.name == "meu-llama-8b.gguf"
    # explicit path
    assert models.resolve_model(str(models_dir / "meu-llama-8b.gguf")).source == "path"


def test_unknown_and_missing(models_dir):
    with pytest.raises(ModelError, match="modelo desconhecido.*gemma3-270m"):
        models.resolve_model("gpt-5")
    with pytest.raises(ModelError, match="não encontrado"):
        models.resolve_model("./nao/existe.gguf")


def test_sha256_cached_once(tmp_path, monkeypatch):
    p = tmp_path / "x.gguf"
    p.write_bytes(b"abc")
    first = models.sha256_cached(p)
    assert first == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    calls = []
    monkeypatch.setattr(models.hashlib, "sha256", lambda: calls.append(1))
    assert models.sha256_cached(p) == first  # from the cache: sha256 not called again
    assert calls == []


def test_models_json_cli(models_dir, capsys):
    from legalprompt.cli import main

    shutil.copy(bundled_path("smollm2-135m"), models_dir / "copia.gguf")
    (models_dir / "quebrado.gguf").write_bytes(b"GGUF\x03\x00\x00\x00")
    assert main(["models", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_name = {m["name"]: m for m in data["models"]}
    assert {"gemma3-270m", "smollm2-135m", "copia", "quebrado"} <= set(by_name)
    g = by_name["gemma3-270m"]
    assert g["architecture"] == "gemma3" and g["quantization"] == "Q4_K_M" and g["chat_template"] is False
    assert g["sha256"] == "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
    assert by_name["smollm2-135m"]["chat_template"] is True
    assert by_name["quebrado"]["error"] and "truncado" in by_name["quebrado"]["error"]
