import json

import pytest

from legalprompt.config import load_settings
from legalprompt.errors import UserInputError


def test_precedence_and_provenance(isolated_dirs, monkeypatch):
    (isolated_dirs["config"] / "config.toml").write_text('n_ctx = 2048\nseed = 9\nmodel = "smollm2-135m"\n')
    monkeypatch.setenv("LEGALPROMPT_SEED", "10")
    monkeypatch.setenv("LEGALPROMPT_GPU_LAYERS", "0")
    s, prov = load_settings({"model": "gemma3-270m", "temperature": None})
    assert (s.n_ctx, prov["n_ctx"].source) == (2048, "arquivo")
    assert (s.seed, prov["seed"].source) == (10, "ambiente")
    assert (s.model, prov["model"].source) == ("gemma3-270m", "opção")
    assert (s.gpu_layers, prov["gpu_layers"].source) == (0, "ambiente")  # typed: parsed once, in the settings
    assert (s.n_batch, prov["n_batch"].source) == (None, "padrão")


def test_corrupt_and_unknown_config(isolated_dirs):
    cfg = isolated_dirs["config"] / "config.toml"
    cfg.write_text("n_ctx = [[[")
    with pytest.raises(UserInputError, match="config.toml"):
        load_settings({})
    cfg.write_text("contexto = 3\n")
    with pytest.raises(UserInputError, match="contexto"):
        load_settings({})
    cfg.write_text('n_ctx = "muito"\n')
    with pytest.raises(UserInputError, match="n_ctx"):
        load_settings({})


def test_config_command_json(isolated_dirs, monkeypatch, capsys):
    from legalprompt.cli import main

    monkeypatch.setenv("LEGALPROMPT_N_CTX", "1024")
    assert main(["config", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["settings"]["n_ctx"] == {"value": 1024, "source": "ambiente"}
    assert data["paths"]["data_dir"] == str(isolated_dirs["data"])


def test_help_is_fast_and_does_not_import_llama():
    import subprocess
    import sys

    code = ("import sys, io, contextlib\nfrom legalprompt.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n        main(['--help'])\n    except SystemExit:\n        pass\n"
            "bad = [m for m in ('llama_cpp', 'textual', 'numpy', 'jinja2', 'pydantic') if m in sys.modules]\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
