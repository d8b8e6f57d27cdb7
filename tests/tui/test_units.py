"""Pure pieces of the TUI: word diff, export formats, answer styling, CLI dispatch."""

from __future__ import annotations

from legalprompt.tui.app import LastAnswer
from legalprompt.tui.export import to_markdown, write_markdown
from legalprompt.compare.diff import changed_spans, word_diff
from legalprompt.compare.metrics import similarity


def test_compare_screen_diff_marks_only_changed_words():
    """The Comparar screen highlights with compare/'s diff and reports compare/'s similarity."""
    a = "EMENTA: DIREITO CIVIL. Recurso provido."
    b = "EMENTA: DIREITO PENAL. Recurso provido."
    ma, mb = changed_spans(word_diff(a, b))
    assert [a[s:e] for s, e in ma] == ["CIVIL."]
    assert [b[s:e] for s, e in mb] == ["PENAL."]
    assert 0.5 < similarity(a, b) < 1.0
    assert changed_spans(word_diff(a, a)) == ([], []) and similarity(a, a) == 1.0


def _answer(**kw):
    base = dict(text="EMENTA: X. art. 11 da Lei n. 11.555/2002.", prefill="EMENTA:", template="ementa",
                model="gemma3-270m", seed=3, run_id=9, status="ok",
                citations=[{"kind": "legislation", "text": "art. 11 da Lei n. 11.555/2002", "start": 11, "end": 40,
                            "verdict": "INCONSISTENT", "in_sources": False,
                            "reasons": [{"code": "X", "message": "Lei 11.555/2002 impossível"}]}])
    base.update(kw)
    return LastAnswer(**base)


def test_markdown_export_carries_flags_and_metadata(tmp_path):
    md = to_markdown(_answer())
    assert md.startswith("EMENTA: X.")
    assert "[IMPOSSÍVEL · fora do documento] art. 11 da Lei n. 11.555/2002 — Lei 11.555/2002 impossível" in md
    assert "semente 3" in md and "histórico #9" in md
    p = write_markdown(tmp_path / "saida.txt", _answer(citations=[]))
    assert p.suffix == ".md" and p.read_text(encoding="utf-8").startswith("EMENTA")


def test_export_refuses_missing_folder(tmp_path):
    import pytest

    from legalprompt.errors import UserInputError

    with pytest.raises(UserInputError, match="não existe"):
        write_markdown(tmp_path / "nao" / "existe.md", _answer())


def test_cli_without_arguments_dispatches_to_tui(monkeypatch):
    import legalprompt.commands.tui as tui_cmd
    from legalprompt import cli

    seen = []
    monkeypatch.setattr(tui_cmd, "run", lambda args: seen.append(args.document) or 0)
    monkeypatch.setattr("sys.argv", ["legalprompt"])
    assert cli.main(None) == 0 and seen == [None]
    assert cli.main(["tui", "--document", "x.txt"]) == 0 and seen == [None, "x.txt"]


def test_rerun_plan_follows_the_document_sha256(tmp_path):
    import hashlib
    from types import SimpleNamespace

    from legalprompt.tui.screens.history import rerun_plan

    f = tmp_path / "caso.txt"
    f.write_text("Caso A: recurso de apelação.", encoding="utf-8")
    sha = hashlib.sha256("Caso A: recurso de apelação.".encode()).hexdigest()
    rec = SimpleNamespace(id=7, document="caso.txt", document_path=str(f), document_sha256=sha)
    assert rerun_plan(rec, "").kind == "file"                          # its own file, unchanged
    f.write_text("Caso A, editado depois.", encoding="utf-8")
    changed = rerun_plan(rec, "")
    assert changed.kind == "other" and changed.path == str(f) and "mudou" in changed.question
    f.unlink()
    assert rerun_plan(rec, "Caso A: recurso de apelação.").kind == "open"  # same text open elsewhere
    assert rerun_plan(rec, "Caso B").kind == "other"
    assert rerun_plan(rec, "").kind == "missing"
    old = SimpleNamespace(id=1, document=None, document_path=None, document_sha256=None)  # rows before the sha
    assert rerun_plan(old, "texto").kind == "other"
