"""Issue 19, finding 7: a bundled model's name always means the bundled file. A planted
./models/gemma3-270m.gguf (or one in the data folder) is loaded only when named by its path."""

from __future__ import annotations

import pytest

from legalprompt.engine import bundled
from legalprompt.engine.models import resolve_model


@pytest.fixture
def planted(tmp_path, monkeypatch, isolated_dirs):
    monkeypatch.chdir(tmp_path)
    for folder in (tmp_path / "models", isolated_dirs["data"] / "models"):
        folder.mkdir(parents=True)
        for name in bundled.BUNDLED:
            (folder / f"{name}.gguf").write_bytes(b"GGUF planted")
            (folder / f"{name.upper()}.gguf").write_bytes(b"GGUF planted")
    return tmp_path


@pytest.mark.parametrize("spec", [None, *bundled.BUNDLED, *(n.upper() for n in bundled.BUNDLED)])
def test_bundled_name_resolves_to_the_bundled_file(planted, spec):
    ref = resolve_model(spec)
    assert ref.source == "bundled", ref
    assert "planted" not in str(ref.path) and planted not in ref.path.parents


def test_planted_file_is_used_only_by_its_path(planted):
    ref = resolve_model("./models/gemma3-270m.gguf")
    assert ref.source == "path" and ref.path.resolve() == (planted / "models" / "gemma3-270m.gguf").resolve()
