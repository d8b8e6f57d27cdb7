"""Units behind the working-day TUI: recent documents, document loading, export warnings and folder,
clipboard fallbacks, Brazilian numbers, template input hints."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from legalprompt.errors import LegalPromptError
from legalprompt.tui.app import LastAnswer

FIXTURES = Path("tests/fixtures/docs")


def test_recent_documents_persist_newest_first_without_duplicates(tmp_path):
    from legalprompt.tui.recent import MAX_RECENT, RecentDocuments

    files = []
    for i in range(MAX_RECENT + 2):
        f = tmp_path / f"caso-{i}.txt"
        f.write_text("x", encoding="utf-8")
        files.append(f)
    r = RecentDocuments.load()
    assert r.documents == [] and r.start_folder(tmp_path) == tmp_path
    for f in files:
        r.remember(f)
    r.remember(files[3])
    again = RecentDocuments.load()
    assert again.documents[0] == str(files[3].resolve())
    assert len(again.documents) == MAX_RECENT and len(set(again.documents)) == MAX_RECENT
    assert again.start_folder() == tmp_path
    files[3].unlink()
    assert str(files[3].resolve()) not in again.existing()


def test_recent_documents_survive_a_damaged_file_and_a_vanished_folder(tmp_path):
    from legalprompt.tui.recent import RecentDocuments

    RecentDocuments.path().parent.mkdir(parents=True, exist_ok=True)
    RecentDocuments.path().write_text("{isto não é json", encoding="utf-8")
    r = RecentDocuments.load()
    assert r.documents == [] and r.last_folder is None
    r.last_folder = str(tmp_path / "apagada")
    assert r.start_folder(tmp_path) == tmp_path


def test_load_document_reports_a_scanned_pdf_with_what_to_do():
    from legalprompt.tui.document_loading import load_document

    with pytest.raises(LegalPromptError) as e:
        load_document(FIXTURES / "digitalizado.pdf")
    assert "digitalizado" in e.value.message and "OCR" in e.value.message


def test_load_document_refuses_a_document_over_the_character_limit(tmp_path, monkeypatch):
    from legalprompt.documents import limits
    from legalprompt.tui.document_loading import load_document

    monkeypatch.setattr(limits, "MAX_DOCUMENT_CHARS", 100)
    big = tmp_path / "grande.txt"
    big.write_text("processo " * 50, encoding="utf-8")
    with pytest.raises(LegalPromptError) as e:
        load_document(big)
    assert "grande demais" in e.value.message


def test_load_document_reads_a_pdf_with_its_absolute_path():
    from legalprompt.tui.document_loading import load_document

    doc = load_document(FIXTURES / "acordao.pdf")
    assert doc.path.is_absolute() and doc.format == "pdf" and doc.text.strip()


def _answer(**kw) -> LastAnswer:
    base = dict(text="EMENTA: DIREITO.", prefill="EMENTA:", template="ementa", model="m", seed=1, run_id=3,
                status="ok", citations=[])
    base.update(kw)
    return LastAnswer(**base)


def test_export_warns_about_a_cut_off_answer_and_impossible_citations_in_the_file():
    from legalprompt.tui.export import CITATIONS_HEADING, export_warnings, to_markdown

    assert export_warnings(_answer()) == []
    bad = {"text": "art. 11 da Lei n. 11.555/2002", "verdict": "INCONSISTENT", "reasons": []}
    a = _answer(stop_reason="length", citations=[bad, dict(bad)])
    warnings = export_warnings(a)
    assert any("cortada" in w for w in warnings) and any("2 citações IMPOSSÍVEIS" in w for w in warnings)
    md = to_markdown(a)
    assert CITATIONS_HEADING in md and "Citações verificadas" not in md
    assert md.count("**Atenção:**") == 2 and "[IMPOSSÍVEL" in md


def test_export_folder_defaults_to_the_last_used_then_the_documents_folder_never_the_cwd(tmp_path, monkeypatch):
    from legalprompt.tui.export import default_export_folder

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    case = tmp_path / "casos"
    case.mkdir()
    last = tmp_path / "saidas"
    last.mkdir()
    assert default_export_folder(str(case / "a.pdf"), str(last)) == last
    assert default_export_folder(str(case / "a.pdf"), str(tmp_path / "sumiu")) == case
    assert default_export_folder(None, None) == tmp_path / "home"
    (tmp_path / "home" / "Documentos").mkdir()
    assert default_export_folder(None, None) == tmp_path / "home" / "Documentos"


def _fake_tool(folder: Path, name: str, out: Path) -> None:
    script = folder / name
    script.write_text(f"#!/bin/sh\ncat > '{out}'\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_copy_falls_back_to_xclip_when_there_is_a_display(tmp_path, monkeypatch):
    from legalprompt.tui.clipboard import copy_with_tool

    got = tmp_path / "clipboard.txt"
    _fake_tool(tmp_path, "xclip", got)
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    assert copy_with_tool("EMENTA: ação de indenização") == "xclip"
    assert got.read_text(encoding="utf-8") == "EMENTA: ação de indenização"
    monkeypatch.delenv("DISPLAY")
    assert copy_with_tool("x") is None  # no display: xclip cannot reach a clipboard


def test_copy_prefers_wl_copy_on_wayland(tmp_path, monkeypatch):
    from legalprompt.tui.clipboard import copy_with_tool

    got = tmp_path / "clipboard.txt"
    _fake_tool(tmp_path, "wl-copy", got)
    _fake_tool(tmp_path, "xclip", tmp_path / "nao.txt")
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.setenv("DISPLAY", ":0")
    assert copy_with_tool("resposta") == "wl-copy"
    assert got.read_text(encoding="utf-8") == "resposta" and not (tmp_path / "nao.txt").exists()


def test_brazilian_numbers():
    from legalprompt.tui.numbers import br_int, br_num, parse_br_float

    assert br_int(1234567) == "1.234.567"
    assert br_num(38.94) == "38,9" and br_num(1234.5, 2) == "1.234,50"
    assert parse_br_float("0,3") == parse_br_float("0.3") == 0.3


def test_input_hint_shows_default_and_description():
    from legalprompt.techniques.templates import load_template
    from legalprompt.tui.widgets.template_inputs import hint

    tpl = load_template("ementa")
    assert hint(tpl.meta.inputs["ramo"]).startswith("padrão: DIREITO — ramo do direito")
    assert hint(tpl.meta.inputs["tese"]).startswith("padrão: não")
