"""Every front end takes a request through the drafting core: one request, exactly one history row, with its
citation check and shape verdict. On the fake decoder (no model load); the TUI's is in tests/tui.

Real-model counterparts: `--jobs 2` on parallel sequences in tests/batch/test_parallel.py, two real
llama_cpp.server endpoints in tests/batch/test_endpoint.py."""

from __future__ import annotations

import json

import pytest

from legalprompt.cli import main
from legalprompt.store.history import History

from .conftest import DOC


@pytest.fixture
def doc(tmp_path):
    p = tmp_path / "decisao.txt"
    p.write_text(DOC, encoding="utf-8")
    return p


def _rows():
    return History().search(limit=100)


def _checked(row, command: str) -> None:
    assert row.command == command and row.status == "ok", (row.command, row.status, row.error)
    assert row.citations is not None and row.shape is not None, row
    assert [c["text"] for c in row.citations] == ["art. 5º da CF/1988"]
    assert row.shape == {"ok": True}


def test_run(doc, fake_model, capsys):
    assert main(["run", str(doc), "-t", "mini", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (row,) = _rows()
    _checked(row, "run")
    assert out["run_id"] == row.id and out["shape_ok"] is True and row.output == out["output"]


def test_compare_one_row_per_sample(doc, fake_model, capsys):
    assert main(["compare", str(doc), "-t", "mini", "--samples", "1", "--json",
                 "--quiet"]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = _rows()
    assert len(rows) == 2 and len(fake_model.calls) == 2  # two arms, one sample each
    for row in rows:
        _checked(row, "compare")
    assert {s["run_id"] for a in out["arms"] for s in a["samples"]} == {r.id for r in rows}


def test_probe(fake_model, capsys):
    fake_model._script = " Brasília.\nOutra linha"
    assert main(["probe", "Qual é a capital do Brasil?", "--samples", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (row,) = _rows()
    assert row.command == "probe" and row.status == "ok" and row.output == "Resposta: Brasília."
    assert row.citations == [] and row.shape == {"ok": True}
    assert out["probes"][0]["samples"][0]["run_id"] == row.id


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch(tmp_path, doc, fake_model, jobs):
    out = tmp_path / "out"
    assert main(["batch", str(doc), "-t", "mini", "-o", str(out), "--jobs", jobs, "--quiet"]) == 0
    (row,) = _rows()
    _checked(row, "batch")
    (entry,) = [json.loads(x) for x in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert entry["status"] == "ok" and entry["shape"] == row.shape and entry["citations"] == row.citations


def test_batch_endpoint(tmp_path, doc, monkeypatch):
    from tests.reliability.fakes import serve

    monkeypatch.setattr("legalprompt.engine.loader.load_engine", None)  # no local model may be loaded
    out = tmp_path / "out"
    with serve(" provido, nos termos do art. 5º da CF/1988.") as (url, seen):
        assert main(["batch", str(doc), "-t", "mini", "-o", str(out), "--endpoint", url, "--quiet"]) == 0
    (row,) = _rows()
    _checked(row, "batch")
    assert row.model_name == "fake" and row.output == "Resumo: provido, nos termos do art. 5º da CF/1988."
    posts = [json.loads(s["body"]) for s in seen if s["method"] == "POST"]
    assert len(posts) == 1 and posts[0]["prompt"] == row.prompt  # the prompt the history keeps is the one sent


def test_batch_endpoint_refuses_anchored_in_portuguese(tmp_path, doc, capsys):
    from tests.reliability.fakes import serve

    with serve() as (url, _):
        rc = main(["batch", str(doc), "-t", "mini", "-o", str(tmp_path / "o"), "--endpoint", url,
                   "--citations", "anchored", "--quiet"])
    assert rc == 2 and "--citations free" in capsys.readouterr().err
    assert _rows() == []


def test_next_tokens_are_recorded_without_a_citation_check(fake_model, capsys):
    assert main(["next", "O recurso foi", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (row,) = _rows()
    assert row.command == "next" and row.status == "ok" and row.prompt == "O recurso foi"
    assert row.citations is None and row.shape is None  # no text was generated: nothing to check
    assert out["candidates"][0]["piece"] == " provido," and "provido" in row.output
