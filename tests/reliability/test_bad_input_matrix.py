"""The bad-input matrix: every command against every hostile input that applies to it.

Each row is one test id (`command-input`). A failing row must end with the documented exit code (2 for
bad input; `batch` exits 1 when a document of the batch failed and records why), one pt-BR `erro:` line
saying what to do, no traceback, and no file created or half-written. Latin-1 and Windows-1252 texts are
not errors: those rows assert success with the accents intact.

Commands run in this process through `legalprompt.cli.main` (an exception escaping main() fails the row
with its traceback); rows that must load a model use the small bundled SmolLM2 and tiny outputs. The
unwritable output folder is a path under a regular *file* (`arquivo/saida`): mkdir and open fail with
ENOTDIR even for root, which ignores permission bits (CI runs as root).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from legalprompt.store.history import History
from tests.cli.helpers import DOCS, SMALL, SMOL, Result, assert_clean_error, assert_ok, invoke

from .helpers import running_rows, snapshot

pytestmark = pytest.mark.model

# --- inputs ------------------------------------------------------------------------------------------

MARKERS = {"latin1": ["APELAÇÃO CÍVEL", "João Antônio"],
           "cp1252": ["APELAÇÃO CÍVEL", "João Antônio", "‘força maior’"]}

DOC_INPUTS = ["ausente", "pasta", "vazio", "binario", "latin1", "cp1252", "50mb", "digitalizado", "protegido",
              "pdf_corrompido", "docx_corrompido"]

# What the message must contain, per input (and per command where the wording differs).
DOC_ERRORS = {
    "ausente": "não encontrad",
    "pasta": "é uma pasta",
    "vazio": "vazio",
    "binario": "não é texto",
    "50mb": "grande demais",
    "digitalizado": "OCR",
    "protegido": "senha",
    "pdf_corrompido": "PDF corrompido",
    "docx_corrompido": "DOCX corrompido",
}
DOC_ERRORS_BY_COMMAND = {("batch", "pasta"): "nenhum documento encontrado",
                         ("tui", "pasta"): "não encontrado"}

_FIXTURE = {"binario": "binario.dat", "latin1": "latin1.txt", "cp1252": "cp1252.txt",
            "digitalizado": "digitalizado.pdf", "protegido": "protegido.pdf", "pdf_corrompido": "corrompido.pdf",
            "docx_corrompido": "corrompido.docx"}


@pytest.fixture(scope="module")
def big50(tmp_path_factory) -> Path:
    """A 50 MB UTF-8 text file (legal prose with citations), made once for the module."""
    line = ("O réu, citado, não apresentou contestação, conforme o art. 5º, X, da CF e a Lei nº 8.078/90. "
            "Valor da causa: R$ 15.000,00.\n").encode("utf-8")
    path = tmp_path_factory.mktemp("grande") / "autos 50MB.txt"
    with path.open("wb") as f:
        for _ in range(50_000_000 // len(line) + 1):
            f.write(line)
    return path


def make_input(kind: str, folder: Path, big50: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "ausente":
        return folder / "nao-existe.txt"
    if kind == "pasta":
        (folder / "pasta vazia").mkdir()
        return folder / "pasta vazia"
    if kind == "vazio":
        (folder / "vazio.txt").write_bytes(b"")
        return folder / "vazio.txt"
    if kind == "50mb":
        return big50
    return Path(shutil.copy(DOCS / _FIXTURE[kind], folder / _FIXTURE[kind]))


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    """The current folder during a row: nothing may appear in it."""
    w = tmp_path / "work"
    w.mkdir()
    monkeypatch.chdir(w)
    return w


SHORT_TEMPLATE = "---\nname: curto\ndescription: o documento, sem instruções\nprefill: 'Resumo:'\n---\n{{ documento }}\n"


@pytest.fixture(autouse=True)
def short_template(isolated_dirs):
    """A user template that is just the document: rows that generate evaluate a short prompt."""
    tdir = isolated_dirs["config"] / "templates"
    tdir.mkdir(exist_ok=True)
    (tdir / "curto.j2").write_text(SHORT_TEMPLATE, encoding="utf-8")


def _doc_args(command: str, path: Path, out: Path) -> list[str]:
    p = str(path)
    return {
        "run": ["run", p, "-t", "curto", *SMALL, "--max-tokens", "2", "--no-check", "--json"],
        "check": ["check", p],
        "limar": ["limar", p],
        "tokens": ["tokens", p, *SMALL, "--json"],
        "next": ["next", p, *SMALL, "--top", "3", "--json"],
        "compare": ["compare", p, "-t", "curto", *SMALL, "--samples", "1", "--max-tokens", "2", "--json", "--quiet"],
        "batch": ["batch", p, "-t", "curto", "--out", str(out), *SMALL, "--max-tokens", "2", "--quiet",
                  "--no-check"],
    }[command]


def _manifest(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]


def _last_prompt() -> str:
    runs = History().search(limit=5)
    assert runs, "no run recorded in the history"
    return runs[0].prompt or ""


def _assert_accents(command: str, kind: str, r: Result, out: Path) -> None:
    marks = MARKERS[kind]
    if command in ("check", "limar"):
        text = r.out
    elif command == "tokens":
        text = "".join(t["piece"] for t in json.loads(r.out)["tokens"])
        marks = ["João Antônio"]  # byte-level pieces split some accented capitals; this phrase stays whole
    elif command == "next":
        text = json.loads(r.out)["text"]
    else:  # run, compare, batch: the prompt stored in the history holds the decoded document
        text = _last_prompt()
    for m in marks:
        assert m in text, (m, text[:600])
    if command != "tokens":  # decoded without replacement characters
        assert "\ufffd" not in text


DOC_ROWS = [(c, k) for c in ["run", "check", "limar", "tokens", "next", "compare", "batch"] for k in DOC_INPUTS]


@pytest.mark.parametrize("command,kind", DOC_ROWS, ids=[f"{c}-{k}" for c, k in DOC_ROWS])
def test_document_inputs(command, kind, tmp_path, work, big50, isolated_dirs):
    src = make_input(kind, tmp_path / "entrada", big50)
    out = work / "saida"
    before = snapshot(work), snapshot(tmp_path / "entrada")
    r = invoke(*_doc_args(command, src, out))
    if kind in MARKERS:
        assert_ok(r)
        _assert_accents(command, kind, r, out)
        if command == "batch":
            (entry,) = _manifest(out)
            assert entry["status"] == "ok" and Path(entry["output_file"]).is_file()
        return
    match = DOC_ERRORS_BY_COMMAND.get((command, kind), DOC_ERRORS[kind])
    if command == "batch" and kind not in ("ausente", "pasta"):
        # One bad document in a batch: recorded in the manifest, the batch exits 1, no output file.
        assert_clean_exit_1(r)
        (entry,) = _manifest(out)
        assert entry["status"] == "error" and match in entry["error"] and entry["output_file"] is None, entry
        assert sorted(p.name for p in out.iterdir()) == ["manifest.jsonl"]
    else:
        assert_clean_error(r, 2, match)
        assert snapshot(work) == before[0]
    assert snapshot(tmp_path / "entrada") == before[1]
    assert running_rows(isolated_dirs["data"]) == []


def assert_clean_exit_1(r: Result) -> None:
    assert "Traceback" not in r.err and "Traceback" not in r.out, r.err[-3000:]
    assert r.code == 1, (r.code, r.err[-1500:])


# --- the TUI's open-file dialog -------------------------------------------------------------------------

TUI_ROWS = [k for k in DOC_INPUTS]


@pytest.mark.parametrize("kind", TUI_ROWS, ids=[f"tui-{k}" for k in TUI_ROWS])
async def test_tui_open_file(kind, tmp_path, work, big50):
    from textual.widgets import Input, TextArea

    from legalprompt.tui.app import LegalPromptApp

    src = make_input(kind, tmp_path / "entrada", big50)
    app = LegalPromptApp(load_model=False)
    async with app.run_test() as pilot:
        while app.draft_screen is None:
            await pilot.pause(0.05)
        d = app.draft_screen
        field = d.query_one("#doc-path", Input)
        field.value = str(src)
        field.focus()
        await pilot.press("enter")
        for _ in range(6000):  # bounded by the test timeout, not asserted on
            notes = [n for n in app._notifications if n.title in ("Documento", "Documento aberto")]
            if notes:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        (note,) = notes
        text = d.query_one("#document", TextArea).text
    if kind in MARKERS:
        assert note.severity == "information", note.message
        for m in MARKERS[kind]:
            assert m in text
    else:
        assert note.severity == "error"
        assert DOC_ERRORS_BY_COMMAND.get(("tui", kind), DOC_ERRORS[kind]) in note.message, note.message
        assert "Traceback" not in note.message and text == ""
    assert snapshot(work) == {}


# --- model files --------------------------------------------------------------------------------------

@pytest.fixture
def model_dir(tmp_path) -> Path:
    """Bad .gguf files in a folder whose name has spaces and accents."""
    from legalprompt.engine.bundled import bundled_path

    d = tmp_path / "modelos ação jurídica"
    d.mkdir()
    (d / "vazio.gguf").write_bytes(b"")
    (d / "falso.gguf").write_text("não sou um modelo\n", encoding="utf-8")
    with bundled_path(SMOL).open("rb") as f, (d / "cortado.gguf").open("wb") as out:
        out.write(f.read(20_000_000))
    return d


GGUF_ERRORS = {"vazio": "vazio (0 bytes)", "falso": "não é um modelo GGUF", "cortado": "truncado"}
MODEL_COMMANDS = {
    "run": lambda m, doc, out: ["run", doc, "-m", m, "--max-tokens", "2"],
    "tokens": lambda m, doc, out: ["tokens", "O céu é", "-m", m],
    "next": lambda m, doc, out: ["next", "O céu é", "-m", m],
    "probe": lambda m, doc, out: ["probe", "Qual é a capital?", "-n", "1", "-m", m],
    "limar": lambda m, doc, out: ["limar", doc, "--json", "-m", m],
    "compare": lambda m, doc, out: ["compare", doc, "--samples", "1", "-m", m],
    "batch": lambda m, doc, out: ["batch", doc, "--out", out, "-m", m],
}
GGUF_ROWS = [(c, k) for c in MODEL_COMMANDS for k in GGUF_ERRORS]


@pytest.mark.parametrize("command,kind", GGUF_ROWS, ids=[f"{c}-gguf_{k}" for c, k in GGUF_ROWS])
def test_bad_model_files(command, kind, model_dir, work, isolated_dirs):
    doc = str(DOCS / "latin1.txt")
    args = MODEL_COMMANDS[command](str(model_dir / f"{kind}.gguf"), doc, str(work / "saida"))
    r = invoke(*args)
    assert_clean_error(r, 2, GGUF_ERRORS[kind])
    assert "modelos ação jurídica" in r.err  # the path is shown as given, accents and spaces intact
    assert snapshot(work) == {}
    assert running_rows(isolated_dirs["data"]) == []


def test_models_lists_bad_files_with_reasons(model_dir, isolated_dirs):
    user_models = isolated_dirs["data"] / "models"
    shutil.copytree(model_dir, user_models / model_dir.name)
    r = invoke("models", "--json")
    assert_ok(r)
    by_name = {m["name"]: m for m in json.loads(r.out)["models"]}
    for kind, why in GGUF_ERRORS.items():
        assert why in by_name[kind]["error"], by_name[kind]
    r = invoke("models")
    assert_ok(r)
    assert r.out.count("ERRO:") >= 3


@pytest.fixture
def accented_model(tmp_path) -> Path:
    """The small bundled model under a path with spaces and accents (hard link when possible)."""
    from legalprompt.engine.bundled import bundled_path

    d = tmp_path / "Modelos do Escritório" / "versão ç"
    d.mkdir(parents=True)
    target = d / "meu modelo pequeno ação.gguf"
    try:
        os.link(bundled_path(SMOL), target)
    except OSError:
        shutil.copy(bundled_path(SMOL), target)
    return target


def test_tokens_with_model_path_with_spaces_and_accents(accented_model):
    r = invoke("tokens", "O céu é azul", "-m", str(accented_model), "--threads", "1", "--n-ctx", "512", "--json")
    assert_ok(r)
    data = json.loads(r.out)
    assert data["model"] == "meu modelo pequeno ação" and data["count"] > 2


def test_run_with_model_path_with_spaces_and_accents(accented_model):
    r = invoke("run", str(DOCS / "latin1.txt"), "-t", "curto", "-m", str(accented_model), "--threads", "1", "--n-ctx", "512",
               "--max-tokens", "2", "--no-check", "--json")
    assert_ok(r)
    rec = History().get(json.loads(r.out)["run_id"])
    assert rec.status == "ok" and rec.model_name == "meu modelo pequeno ação"


# --- templates ----------------------------------------------------------------------------------------

TEMPLATES = {
    "sintaxe": ("{% if documento %}sem fim\n", "erro de sintaxe"),
    "indefinida": ("{{ documento }} {{ variavel_que_nao_existe }}\n", "variável indefinida"),
    "fuga": ("{{ documento.__class__.__mro__[1].__subclasses__() }}\n", "proibida pela sandbox"),
}
TEMPLATE_COMMANDS = {
    "run": lambda t, doc, out: ["run", doc, "-t", t, *SMALL, "--max-tokens", "2"],
    "compare": lambda t, doc, out: ["compare", doc, "-t", t, "--prefill", "EMENTA:", "--samples", "1",
                                    "--max-tokens", "2", *SMALL, "--quiet"],
    "batch": lambda t, doc, out: ["batch", doc, "-t", t, "--out", out, "--max-tokens", "2", *SMALL, "--quiet"],
    "templates_show": lambda t, doc, out: ["templates", "show", t],
}
TEMPLATE_ROWS = [(c, k) for c in TEMPLATE_COMMANDS for k in TEMPLATES
                 if not (c == "templates_show" and k != "sintaxe")]  # `show` prints, it does not render


def _write_user_template(config: Path, kind: str) -> str:
    body, _ = TEMPLATES[kind]
    tdir = config / "templates"
    tdir.mkdir(exist_ok=True)
    name = f"ruim-{kind}"
    (tdir / f"{name}.j2").write_text(f"---\nname: {name}\ndescription: template com defeito\n---\n{body}",
                                     encoding="utf-8")
    return name


@pytest.mark.parametrize("command,kind", TEMPLATE_ROWS, ids=[f"{c}-template_{k}" for c, k in TEMPLATE_ROWS])
def test_bad_templates(command, kind, work, isolated_dirs):
    name = _write_user_template(isolated_dirs["config"], kind)
    out = work / "saida"
    r = invoke(*TEMPLATE_COMMANDS[command](name, str(DOCS / "latin1.txt"), str(out)))
    why = TEMPLATES[kind][1]
    if command == "batch" and kind != "sintaxe":
        # Rendering happens per document: the document fails with the template's message, exit 1.
        assert_clean_exit_1(r)
        (entry,) = _manifest(out)
        assert entry["status"] == "error" and why in entry["error"] and name in entry["error"], entry
        assert sorted(p.name for p in out.iterdir()) == ["manifest.jsonl"]
    else:
        assert_clean_error(r, 2, why)
        assert name in r.err
        assert snapshot(work) == {}
    assert running_rows(isolated_dirs["data"]) == []


def test_templates_list_shows_a_broken_template_and_the_others(isolated_dirs):
    _write_user_template(isolated_dirs["config"], "sintaxe")
    r = invoke("templates")
    assert_ok(r)
    assert "ruim-sintaxe" in r.out and "ERRO:" in r.out and "ementa" in r.out


# --- prompt longer than the context ---------------------------------------------------------------------

LONG_DOC = "O recurso especial não foi conhecido por falta de prequestionamento da matéria. " * 40
OVERFLOW_ROWS = {
    "run": lambda doc: ["run", doc, *SMALL, "--n-ctx", "256", "--max-tokens", "8"],
    "compare": lambda doc: ["compare", doc, *SMALL, "--n-ctx", "256", "--samples", "1", "--max-tokens", "8",
                            "--quiet"],
}


@pytest.mark.parametrize("command", ["run", "compare"], ids=lambda c: f"{c}-prompt_maior_que_contexto")
def test_prompt_longer_than_context(command, tmp_path, work, isolated_dirs):
    doc = tmp_path / "longo.txt"
    doc.write_text(LONG_DOC, encoding="utf-8")
    r = invoke(*OVERFLOW_ROWS[command](str(doc)))
    assert_clean_error(r, 2, "contexto")
    assert "256" in r.err
    assert snapshot(work) == {}
    assert running_rows(isolated_dirs["data"]) == []


def test_tokens_reports_more_than_the_context(tmp_path):
    doc = tmp_path / "longo.txt"
    doc.write_text(LONG_DOC, encoding="utf-8")
    r = invoke("tokens", str(doc), *SMALL, "--n-ctx", "256")
    assert_ok(r)
    share = float(r.out.strip().splitlines()[-1].split("·")[2].split("%")[0].strip())
    assert share > 100


# --- nonsense flag values -------------------------------------------------------------------------------

DOC = str(DOCS / "latin1.txt")
FLAG_ROWS = [
    ("run-max_tokens_abc", ["run", DOC, "--max-tokens", "abc"], "--max-tokens"),
    ("run-threads_0", ["run", DOC, "--threads", "0"], "--threads"),
    ("run-seed_negativa", ["run", DOC, "--seed", "-1"], "--seed"),
    ("run-input_sem_igual", ["run", DOC, "--input", "area"], "CHAVE=VALOR"),
    ("run-template_desconhecido", ["run", DOC, "--template", "nao-existe"], "template desconhecido"),
    ("check-today_invalida", ["check", DOC, "--today", "2024-13-45"], "--today"),
    ("check-sources_ausente", ["check", DOC, "--sources", "nao-existe.pdf"], "não encontrad"),
    ("limar-nivel_extremo", ["limar", DOC, "--level", "extremo"], "--level"),
    ("tokens-batch_size_0", ["tokens", "oi", "--batch-size", "0"], "--batch-size"),
    ("tokens-n_ctx_negativo", ["tokens", "oi", "--n-ctx", "-5"], "--n-ctx"),
    ("next-top_0", ["next", "O céu é", "--top", "0"], "--top"),
    ("next-gpu_layers_banana", ["next", "O céu é", "--gpu-layers", "banana"], "--gpu-layers"),
    ("probe-samples_0", ["probe", "pergunta", "--samples", "0"], "--samples"),
    ("probe-temperature_texto", ["probe", "pergunta", "--temperature", "quente"], "--temperature"),
    ("compare-samples_0", ["compare", DOC, "--samples", "0"], "--samples"),
    ("compare-report_pdf", ["compare", DOC, "--report", "relatorio.pdf"], "--report"),
    ("compare-limar_nivel", ["compare", DOC, "--limar", "extremo"], "limar"),
    ("compare-doc_e_corpus", ["compare", DOC, "--corpus", "."], "não os dois"),
    ("batch-jobs_0", ["batch", DOC, "--out", "saida", "--jobs", "0"], "--jobs"),
    ("batch-retries_negativo", ["batch", DOC, "--out", "saida", "--retries", "-1"], "--retries"),
    ("batch-max_tokens_0", ["batch", DOC, "--out", "saida", "--max-tokens", "0"], "--max-tokens"),
    ("batch-sem_out", ["batch", DOC], "--out"),
    ("models-pull_nao_gguf", ["models", "pull", "org/repo", "pesos.bin"], ".gguf"),
    ("history-limit_0", ["history", "--limit", "0"], "--limit"),
    ("history-id_texto", ["history", "abc"], "valor inválido"),
    ("history-id_inexistente", ["history", "999"], "não existe"),
    ("templates-show_desconhecido", ["templates", "show", "nao-existe"], "template desconhecido"),
    ("tui-gpu_layers_banana", ["tui", "--gpu-layers", "banana"], "--gpu-layers"),
    ("tui-documento_ausente", ["tui", "--document", "nao-existe.txt"], "não encontrado"),
    ("comando_desconhecido", ["redigir", DOC], "opção inválida"),
]


@pytest.mark.parametrize("args,match", [r[1:] for r in FLAG_ROWS], ids=[r[0] for r in FLAG_ROWS])
def test_nonsense_flags(args, match, work, isolated_dirs):
    r = invoke(*args)
    assert_clean_error(r, 2, match)
    assert snapshot(work) == {}
    assert running_rows(isolated_dirs["data"]) == []


# --- unwritable output folder ---------------------------------------------------------------------------

@pytest.fixture
def blocked(tmp_path) -> Path:
    """A folder path that cannot be created or written, even by root: it lies under a regular file."""
    f = tmp_path / "arquivo-comum"
    f.write_text("não sou uma pasta\n", encoding="utf-8")
    return f / "saida"


def test_batch_unwritable_output_folder(blocked, isolated_dirs):
    r = invoke("batch", DOC, "--out", str(blocked), *SMALL, "--max-tokens", "2", "--quiet")
    assert_clean_error(r, 2, "pasta de saída")
    assert str(blocked) in r.err
    assert blocked.parent.read_text(encoding="utf-8") == "não sou uma pasta\n"
    assert running_rows(isolated_dirs["data"]) == []


def test_batch_output_folder_is_a_file(tmp_path, isolated_dirs):
    f = tmp_path / "saida.txt"
    f.write_text("ocupado\n", encoding="utf-8")
    r = invoke("batch", DOC, "--out", str(f), *SMALL, "--max-tokens", "2", "--quiet")
    assert_clean_error(r, 2, "pasta de saída")
    assert f.read_text(encoding="utf-8") == "ocupado\n"


def test_compare_report_in_unwritable_folder(blocked, isolated_dirs):
    r = invoke("compare", DOC, "-t", "curto", *SMALL, "--samples", "1", "--max-tokens", "2", "--quiet",
               "--report", str(blocked / "relatorio.html"))
    assert_clean_error(r, 2, "relatório")
    assert not blocked.exists()
    # Refused before any generation: nothing ran, so nothing waits in the history.
    assert History().search(limit=10) == []


def test_tui_export_to_unwritable_folder(blocked):
    from legalprompt.tui.app import LastAnswer
    from legalprompt.tui.export import write_docx, write_markdown
    from legalprompt.errors import UserInputError

    ans = LastAnswer(text="EMENTA: TESTE.", prefill="EMENTA:", template="ementa", model=SMOL, seed=1, run_id=None,
                     status="ok", citations=[])
    for writer in (write_markdown, write_docx):
        with pytest.raises(UserInputError, match="não existe|não foi possível gravar"):
            writer(blocked / "resposta", ans)
    assert not blocked.exists()


def test_history_in_unwritable_data_dir(blocked, monkeypatch, work):
    monkeypatch.setenv("LEGALPROMPT_DATA_DIR", str(blocked))
    for args in (["history"], ["run", DOC, *SMALL, "--max-tokens", "2"]):
        r = invoke(*args)
        assert_clean_error(r, 2, "histórico")
        assert "LEGALPROMPT_DATA_DIR" in r.err
    assert snapshot(work) == {}


# --- corrupt config file --------------------------------------------------------------------------------

CONFIGS = {
    "lixo": (b"\x00\xff\xfe[[[ n_ctx = = \x9c\n", "arquivo de configuração inválido"),
    "tipo_errado": ('n_ctx = "muito"\n'.encode(), "valor inválido para 'n_ctx'"),
    "chave_desconhecida": (b"modelo = 'x'\n", "chave desconhecida"),
}
CONFIG_COMMANDS = {
    "run": ["run", DOC, "--max-tokens", "2"],
    "tokens": ["tokens", "oi"],
    "next": ["next", "oi"],
    "probe": ["probe", "oi"],
    "limar_json": ["limar", DOC, "--json"],
    "compare": ["compare", DOC, "--samples", "1"],
    "batch": ["batch", DOC, "--out", "saida"],
    "config": ["config"],
    "tui": ["tui"],
}
CONFIG_ROWS = [(c, "lixo") for c in CONFIG_COMMANDS] + [("run", "tipo_errado"), ("config", "chave_desconhecida")]


@pytest.mark.parametrize("command,kind", CONFIG_ROWS, ids=[f"{c}-config_{k}" for c, k in CONFIG_ROWS])
def test_corrupt_config(command, kind, work, isolated_dirs):
    path = isolated_dirs["config"] / "config.toml"
    path.write_bytes(CONFIGS[kind][0])
    r = invoke(*CONFIG_COMMANDS[command])
    assert_clean_error(r, 2, CONFIGS[kind][1])
    if kind == "tipo_errado":  # names the key, the bad value, the file and what to do
        assert "'muito'" in r.err and str(path) in r.err and "Corrija" in r.err
    else:  # names the file and says what to do
        assert str(path) in r.err and ("Corrija" in r.err or "Chaves válidas" in r.err)
    assert snapshot(work) == {}


@pytest.mark.parametrize("args", [["check", DOC], ["limar", DOC], ["history"], ["templates"], ["models"]],
                         ids=lambda a: f"{a[0]}-config_lixo_nao_usada")
def test_commands_that_need_no_settings_ignore_a_corrupt_config(args, isolated_dirs):
    (isolated_dirs["config"] / "config.toml").write_bytes(CONFIGS["lixo"][0])
    assert_ok(invoke(*args))


# --- corrupt, locked or unreadable history database -----------------------------------------------------

def _corrupt_db(data: Path) -> Path:
    db = data / "history.sqlite3"
    db.write_bytes(os.urandom(8192))
    return db


HISTORY_COMMANDS = {
    "history": ["history"],
    "history_id": ["history", "1"],
    "history_busca": ["history", "--search", "ementa"],
    "run": ["run", DOC, *SMALL, "--max-tokens", "2"],
    "compare": ["compare", DOC, *SMALL, "--samples", "1", "--max-tokens", "2", "--quiet"],
    "batch": ["batch", DOC, "--out", "saida", *SMALL, "--max-tokens", "2", "--quiet"],
}


@pytest.mark.parametrize("command", list(HISTORY_COMMANDS), ids=lambda c: f"{c}-historico_corrompido")
def test_corrupt_history(command, work, isolated_dirs):
    db = _corrupt_db(isolated_dirs["data"])
    before = db.read_bytes()
    r = invoke(*HISTORY_COMMANDS[command])
    assert_clean_error(r, 2, "corrompido")
    assert str(db) in r.err and "apague" in r.err
    assert db.read_bytes() == before  # never "repaired" by overwriting the user's file
    assert not (work / "saida").exists() or not any((work / "saida").glob("*.md"))


@pytest.fixture
def locked_history(isolated_dirs, monkeypatch):
    """The history held under an exclusive write lock by another connection, and a short lock timeout."""
    import legalprompt.store.history as hist

    History().close()  # create the database (schema) first
    con = sqlite3.connect(isolated_dirs["data"] / "history.sqlite3", isolation_level=None, timeout=1)
    con.execute("BEGIN EXCLUSIVE")
    real = hist.History

    class ShortWait(real):
        def __init__(self, path=None, timeout: float = 0.3):
            super().__init__(path, timeout=timeout)

    monkeypatch.setattr(hist, "History", ShortWait)
    yield con
    con.execute("ROLLBACK")
    con.close()


def test_locked_history_run_fails_clearly(locked_history, work):
    # --no-staged: the staged titles would not fit SMALL's 512-token context with this document
    r = invoke("run", DOC, *SMALL, "--max-tokens", "2", "--no-staged")
    assert_clean_error(r, 2, "bloqueado por outro processo")
    assert "feche o outro legalprompt" in r.err
    assert snapshot(work) == {}


def test_locked_history_can_still_be_read(locked_history):
    # WAL: readers are not blocked by a writer, so listing the history works while a run is writing.
    assert_ok(invoke("history"))


def test_history_lock_released_in_time_is_waited_for(isolated_dirs):
    h = History()
    con = sqlite3.connect(isolated_dirs["data"] / "history.sqlite3", isolation_level=None, check_same_thread=False)
    con.execute("BEGIN EXCLUSIVE")
    t = threading.Timer(0.5, lambda: con.execute("COMMIT"))
    t.start()
    try:
        rid = h.start_run(command="run", template="ementa")  # waits for the lock, then writes
    finally:
        t.join()
        con.close()
    assert h.get(rid).status == "running"
