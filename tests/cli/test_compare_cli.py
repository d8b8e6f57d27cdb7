"""`legalprompt compare` from the command line: bad input is refused with a clear message before any
model is loaded, and one real run writes the JSON, the history and a report."""

import json

import pytest

from tests.cli.helpers import invoke


@pytest.fixture
def no_model(monkeypatch):
    """Bad input must be refused before paying for a model load."""
    import legalprompt.engine.loader as loader

    def boom(*a, **k):
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(loader, "load_engine", boom)


def test_unknown_template(examples_dir, no_model):
    rc, _, err = invoke("compare", str(examples_dir / "peticao-curta.txt"), "--template", "nao-existe")
    assert rc == 2
    assert "erro: template desconhecido: 'nao-existe'" in err and "ementa" in err


def test_unknown_b_template(examples_dir, no_model):
    rc, _, err = invoke("compare", str(examples_dir / "peticao-curta.txt"), "--b-template", "xyz")
    assert rc == 2 and "template desconhecido: 'xyz'" in err


@pytest.mark.parametrize("n", ["0", "-2"])
def test_samples_must_be_positive(examples_dir, no_model, n):
    rc, _, err = invoke("compare", str(examples_dir / "peticao-curta.txt"), "--samples", n)
    assert rc == 2 and f"--samples deve ser 1 ou mais (recebi {n})" in err


def test_empty_document(tmp_path, no_model):
    empty = tmp_path / "vazio.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    rc, _, err = invoke("compare", str(empty))
    assert rc == 2 and "vazio" in err and err.startswith("erro: ")


def test_empty_stdin(no_model):
    rc, _, err = invoke("compare", "-", stdin=b"   \n")
    assert rc == 2 and "o documento está vazio" in err


def test_missing_document_and_both_inputs(examples_dir, tmp_path, no_model):
    rc, _, err = invoke("compare")
    assert rc == 2 and "falta o documento" in err
    rc, _, err = invoke("compare", str(examples_dir / "peticao-curta.txt"), "--corpus", str(tmp_path))
    assert rc == 2 and "não os dois" in err


def test_identical_arms_are_refused(examples_dir, no_model):
    rc, _, err = invoke("compare", str(examples_dir / "peticao-curta.txt"), "--template", "revisao",
                           "--prefill", "")
    assert rc == 2 and "os dois braços são iguais" in err


def test_bad_report_suffix_and_limar_level(examples_dir, no_model):
    doc = str(examples_dir / "peticao-curta.txt")
    rc, _, err = invoke("compare", doc, "--report", "saida.pdf")
    assert rc == 2 and "--report espera um arquivo .html ou .md" in err
    rc, _, err = invoke("compare", doc, "--limar", "extremo")
    assert rc == 2 and "nível de limar desconhecido" in err


def test_corpus_folder_without_documents(tmp_path, no_model):
    (tmp_path / "meta.json").write_text('{"ementa": "x"}', encoding="utf-8")
    rc, _, err = invoke("compare", "--corpus", str(tmp_path / "nada"))
    assert rc == 2 and "--corpus espera uma pasta" in err
    folder = tmp_path / "so-json"
    folder.mkdir()
    (folder / "meta.json").write_text('{"ementa": "x"}', encoding="utf-8")
    rc, _, err = invoke("compare", "--corpus", str(folder))
    assert rc == 2 and "nenhum documento com texto" in err


@pytest.mark.model
def test_real_run_json_report_and_history(examples_dir, tmp_path):
    report = tmp_path / "comparacao.html"
    rc, out, err = invoke("compare", str(examples_dir / "peticao-curta.txt"), "--samples", "2", "--seed", "9",
                          "--max-tokens", "8", "--template", "ementa-tradicional", "--json", "--report", str(report),
                          "--n-ctx", "2048")
    assert rc == 0, err
    data = json.loads(out)
    assert [a["name"] for a in data["arms"]] == ["A", "B"]
    assert [a["prefill"] for a in data["arms"]] == ["", "EMENTA: DIREITO."]
    for arm in data["arms"]:
        assert [s["seed"] for s in arm["samples"]] == [9, 10]
        assert set(arm["metrics"]) >= {"shape_pass_rate", "inconsistent", "not_in_sources", "mean_words",
                                       "agreement"}
    assert all(s["output"].startswith("EMENTA: DIREITO.") for s in data["arms"][1]["samples"])
    assert "[4/4]" in err and f"relatório: {report}" in err
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    from legalprompt.store.history import History

    runs = sorted(History().search(limit=10), key=lambda r: r.id)
    assert [(r.command, r.seed, r.prefill, r.status) for r in runs] == [
        ("compare", 9, "", "ok"), ("compare", 9, "EMENTA: DIREITO.", "ok"),
        ("compare", 10, "", "ok"), ("compare", 10, "EMENTA: DIREITO.", "ok")]
    assert [r.output for r in runs] == [s["output"] for pair in zip(*(a["samples"] for a in data["arms"]))
                                        for s in pair]


def test_arms_by_citation_mode():
    import argparse

    from legalprompt.commands.compare import build_arms
    from legalprompt.compare.runner import validate_arms

    ns = argparse.Namespace(template="revisao", a_template=None, b_template=None, model=None, a_model=None,
                            b_model=None, limar=None, a_prefill=None, b_prefill="", citations=None,
                            a_citations="free", b_citations="anchored")
    a, b = build_arms(ns, {})
    assert (a.citations, b.citations) == ("free", "anchored")
    assert a.prefill is None                 # not a priming comparison: both arms keep the template's prefill
    validate_arms([a, b])                    # same template and prefill, different mode: not identical


def test_batch_refuses_anchored_with_an_endpoint(examples_dir, tmp_path, no_model):
    """A remote server samples its own tokens: refused before any model load or request. (`--jobs N` anchors
    each parallel sequence: tests/batch/test_parallel.py.)"""
    rc, _, err = invoke("batch", str(examples_dir / "peticao-curta.txt"), "--out", str(tmp_path / "o"),
                        "--endpoint", "http://127.0.0.1:9", "--citations", "anchored")
    assert rc == 2 and "--citations free com --endpoint" in err
