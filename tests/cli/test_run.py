"""`legalprompt run` end to end on the bundled default model."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from legalprompt.engine.bundled import bundled_path
from legalprompt.store.history import History

from .helpers import REPO, assert_clean_error, cli, invoke

DOC = str(REPO / "examples" / "peticao-curta.txt")


@pytest.mark.model
def test_run_json_has_output_usage_timings_and_history():
    p = cli("run", DOC, "--template", "ementa-tradicional", "--max-tokens", "12", "--seed", "3", "--json",
            "--input", "area=DIREITO DO CONSUMIDOR")
    assert p.code == 0, p.err
    data = json.loads(p.out)
    assert data["output"].startswith("EMENTA: DIREITO DO CONSUMIDOR.")
    assert data["prefill"] == "EMENTA: DIREITO DO CONSUMIDOR."
    assert data["template"] == "ementa-tradicional" and data["model"] == "gemma3-270m"
    assert 0 < data["usage"]["completion_tokens"] <= 12 and data["usage"]["prompt_tokens"] > 50
    for k in ("load_s", "time_to_first_token_s", "prompt_tokens_per_s", "generation_tokens_per_s", "threads"):
        assert data["timings"][k] > 0
    rec = History().get(data["run_id"])
    assert rec.status == "ok" and rec.output == data["output"] and rec.seed == 3
    assert rec.prompt and "peticao" not in rec.prompt and "Maria da Silva" in rec.prompt
    assert rec.model_sha256 == "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
    # The history knows which file, exactly, and what it said: a rerun can tell another document apart.
    import hashlib
    from pathlib import Path

    from legalprompt.documents import read_document

    assert rec.document_path == str(Path(DOC).resolve()) and rec.inputs == {"area": "DIREITO DO CONSUMIDOR"}
    assert rec.document_sha256 == hashlib.sha256(read_document(Path(DOC)).text.encode()).hexdigest()


@pytest.mark.model
def test_same_seed_same_bytes_across_processes():
    args = ("run", DOC, "--max-tokens", "16", "--seed", "5", "--temperature", "0.9", "--no-check")
    a, b = cli(*args), cli(*args)
    assert a.code == b.code == 0
    assert a.out == b.out and len(a.out) > len("EMENTA: DIREITO.")


@pytest.mark.model
def test_no_prefill_and_custom_prefill():
    p = cli("run", DOC, "--max-tokens", "6", "--seed", "1", "--prefill", "Resumo do caso:", "--json")
    assert json.loads(p.out)["output"].startswith("Resumo do caso:")
    p = cli("run", DOC, "--max-tokens", "6", "--seed", "1", "--no-prefill", "--json")
    assert json.loads(p.out)["prefill"] == ""


@pytest.mark.model
def test_stdin_document():
    p = cli("run", "-", "--max-tokens", "4", "--json", input=open(DOC, encoding="utf-8").read())
    assert p.code == 0, p.err
    data = json.loads(p.out)  # the default template, ementa (CNJ 154): header from the document's branch
    assert data["output"].startswith("DIREITO CIVIL. RECURSO.") and data["shape"]["form"] in ("cnj154", "outra")


@pytest.fixture
def bad_models(tmp_path):
    d = tmp_path / "modelos ruins"
    d.mkdir()
    (d / "vazio.gguf").write_bytes(b"")
    (d / "texto.gguf").write_text("não sou um modelo\n")
    src = bundled_path("smollm2-135m")
    with src.open("rb") as f, (d / "cortado.gguf").open("wb") as out:
        out.write(f.read(30_000_000))
    return d


@pytest.mark.parametrize("case,args,match", [
    ("missing model file", ["--model", "/nao/existe/modelo.gguf"], "não encontrado"),
    ("unknown model name", ["--model", "gpt-9"], "modelo desconhecido"),
    ("unknown template", ["--template", "nao-existe"], "template desconhecido"),
    ("max tokens 0", ["--max-tokens", "0"], "--max-tokens"),
    ("gpu layers banana", ["--gpu-layers", "banana"], "--gpu-layers"),
    ("negative temperature", ["--temperature", "-1"], "--temperature"),
    ("top_p out of range", ["--top-p", "2"], "--top-p"),
    ("context too small for prompt", ["--n-ctx", "128"], "contexto"),
])
def test_bad_flags(case, args, match):
    assert_clean_error(cli("run", DOC, *args), 2, match)


@pytest.mark.parametrize("name,match", [("vazio.gguf", "vazio"), ("texto.gguf", "não é um modelo GGUF"),
                                        ("cortado.gguf", "truncado")])
def test_bad_model_files(bad_models, name, match):
    assert_clean_error(cli("run", DOC, "--model", str(bad_models / name)), 2, match)


def test_bad_documents(tmp_path):
    empty = tmp_path / "vazio.txt"
    empty.write_text("")
    assert_clean_error(cli("run", str(empty)), 2, "vazio")
    assert_clean_error(cli("run", str(tmp_path / "nao-existe.txt")), 2)
    assert_clean_error(cli("run", str(tmp_path)), 2)


def test_prompt_longer_than_context_is_refused_with_numbers(tmp_path):
    long_doc = tmp_path / "longo.txt"
    long_doc.write_text("O recurso especial não foi conhecido por falta de prequestionamento. " * 600)
    p = cli("run", str(long_doc), "--max-tokens", "100")
    assert_clean_error(p, 2, "contexto é de 4096 tokens")
    assert "--max-tokens" in p.err and "limar" in p.err


@pytest.mark.model
def test_ctrl_c_keeps_partial_answer_as_cancelled(isolated_dirs):
    tdir = isolated_dirs["config"] / "templates"
    tdir.mkdir()
    (tdir / "longo.j2").write_text(
        "---\nname: longo\ndescription: texto longo\nprefill: 'Era uma vez'\n"
        "sampling: {max_tokens: 1500, temperature: 0.0}\n---\nConte uma longa história sobre {{ documento }}\n",
        encoding="utf-8")
    # As a terminal would: Ctrl+C reaches the program. (A test run started in the background, as `cmd &` in a
    # script, inherits SIGINT ignored, and Python then keeps it ignored.)
    proc = subprocess.Popen([sys.executable, "-m", "legalprompt", "run", DOC, "--template", "longo", "--n-ctx", "2048"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, env=os.environ.copy(),
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    seen = b""
    deadline = time.monotonic() + 180
    while len(seen) < len("Era uma vez") + 20 and time.monotonic() < deadline:
        chunk = os.read(proc.stdout.fileno(), 64)
        if not chunk:
            break
        seen += chunk
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert b"Traceback" not in err
    runs = History().search()
    assert len(runs) == 1
    rec = runs[0]
    assert rec.status == "cancelled"
    assert rec.output.startswith("Era uma vez") and len(rec.output) >= len(seen.decode(errors="ignore")) - 4
    assert len(rec.output) > len("Era uma vez")


@pytest.mark.model
def test_every_run_is_recorded_and_searchable():
    cli("run", DOC, "--max-tokens", "3", "--seed", "1", "--no-check")
    cli("run", DOC, "--template", "resumo", "--max-tokens", "3", "--seed", "2", "--no-check")
    p = cli("history", "--json")
    runs = json.loads(p.out)["runs"]
    assert [r["template"] for r in runs] == ["resumo", "ementa"]
    assert all(r["status"] == "ok" for r in runs)
    p = cli("history", "--search", "Resumo", "--json")
    assert [r["template"] for r in json.loads(p.out)["runs"]] == ["resumo"]
    p = cli("history", str(runs[0]["id"]))
    assert p.code == 0 and "resposta" in p.out
    assert_clean_error(cli("history", "999"), 2, "não existe")


def test_anchor_tables_needs_anchored_citations(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("Aplica-se a Súmula 7 do STJ.", encoding="utf-8")
    rc, _, err = invoke("run", "-t", "resumo", str(doc), "--citations", "free", "--anchor-tables")
    assert rc == 2 and err.startswith("erro: ") and "--anchor-tables" in err and "Traceback" not in err
