"""Pilot tests of a lawyer's working day: open through the picker, template inputs, one case at a time,
reopen from the history, keys. Generations are tiny and run on the bundled model (marked `model`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static, TextArea

from legalprompt.store.history import History
from legalprompt.tui.app import LegalPromptApp
from legalprompt.tui.screens.open_document import OpenDocumentScreen
from tests.tui.conftest import EXAMPLE, generate, ready_app, wait_until

PDF = Path("tests/fixtures/docs/acordao.pdf")
OTHER = Path("examples/acordao-rhc-115078.txt")


async def _open_through_picker(pilot, app, path: Path) -> OpenDocumentScreen:
    """ctrl+o, then the file chosen in the folder tree (Enter on its row)."""
    await pilot.press("ctrl+o")
    await wait_until(pilot, lambda: isinstance(app.screen, OpenDocumentScreen), "picker")
    dialog = app.screen
    dialog.show_folder(path.parent.resolve())
    tree = dialog.query_one("#open-tree")
    await wait_until(pilot, lambda: any(n.data and Path(n.data.path).name == path.name for n in tree.root.children),
                     "folder listing")
    names = [Path(n.data.path).name for n in tree.root.children]
    assert all(Path(n).suffix in ("", ".pdf", ".docx", ".txt", ".md", ".html", ".htm") for n in names), names
    assert "binario.dat" not in names and "sem-extensao" not in names
    tree.focus()
    tree.move_cursor(next(n for n in tree.root.children if Path(n.data.path).name == path.name))
    await pilot.press("enter")
    return dialog


@pytest.mark.model
async def test_open_a_pdf_through_the_picker_fill_area_and_generate(engine):
    app = LegalPromptApp(load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready_app(app, pilot, engine)
        d = app.draft_screen
        await _open_through_picker(pilot, app, PDF)
        await wait_until(pilot, lambda: app.screen is d and d.document_text().strip(), "the PDF to open")
        assert "acordao.pdf" in str(d.query_one("#doc-title").render())
        area = d.query_one("#input-area", Input)
        area.value = "direito penal"
        await wait_until(pilot, lambda: d.query_one("#prefill", TextArea).text.startswith("DIREITO PENAL."),
                         "the start of the answer to follow the field")
        await generate(pilot, app, max_tokens=4, seed=3)
        r = d.last_result
        assert r.done.output.startswith("DIREITO PENAL.")
        rec = History().get(r.run_id)
        assert rec.inputs == {"area": "direito penal"}
        assert rec.document_path == str(PDF.resolve())
        # the picker remembers the folder and the document for next time
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, OpenDocumentScreen), "picker again")
        assert Path(app.screen.query_one("#open-tree").path) == PDF.parent.resolve()
        assert app.screen.recent.existing()[0] == str(PDF.resolve())


async def test_a_scanned_pdf_is_reported_in_the_picker_at_once():
    app = LegalPromptApp(load_model=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.draft_screen is not None, "draft")
        dialog = await _open_through_picker(pilot, app, Path("tests/fixtures/docs/digitalizado.pdf"))
        await wait_until(pilot, lambda: dialog.loading is None, "reading")
        message = str(dialog.query_one("#open-message", Static).render())
        assert app.screen is dialog and "digitalizado" in message and "OCR" in message
        assert app.draft_screen.document_text() == ""


async def test_template_inputs_are_kept_per_template_and_drive_the_prefill():
    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text() and d.query("#input-ramo"), "document")
        d.query_one("#input-ramo", Input).value = "direito do consumidor"
        await wait_until(pilot, lambda: d.query_one("#prefill", TextArea).text.startswith("DIREITO DO CONSUMIDOR."),
                         "prefill follows")
        assert d.request().inputs == {"ramo": "direito do consumidor"}
        # the description is the hint
        assert "ramo do direito" in d.query_one("#input-ramo", Input).placeholder
        sel = d.query_one("#template", Select)
        sel.value = "resumo"
        await wait_until(pilot, lambda: not d.query("#input-ramo"), "resumo's fields")
        sel.value = "ementa"
        await wait_until(pilot, lambda: d.query("#input-ramo"), "ementa's fields back")
        assert d.query_one("#input-ramo", Input).value == "direito do consumidor"
        await wait_until(pilot, lambda: d.query_one("#prefill", TextArea).text.startswith("DIREITO DO CONSUMIDOR."),
                         "prefill again")


async def test_limar_then_another_document_does_not_show_or_paste_the_old_case():
    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        await pilot.press("f3")
        limar = app.screen
        await pilot.press("f5")
        await wait_until(pilot, lambda: limar.result is not None, "limar")
        assert "Banco Exemplo" in limar.query_one("#limar-after", TextArea).text
        await pilot.press("f2")
        d.open_document(str(OTHER))
        await wait_until(pilot, lambda: "Maria" not in d.document_text() and d.document_text(), "other document")
        other = d.document_text()
        await pilot.press("f3")
        assert limar.query_one("#limar-after", TextArea).text == ""
        assert limar.query_one("#limar-before", TextArea).text == other
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert d.document_text() == other and "Banco Exemplo" not in d.document_text()
        assert "acordao-rhc-115078.txt" in str(d.query_one("#doc-title").render())


async def test_a_limado_text_of_an_earlier_case_is_not_pasted_after_a_switch_under_the_screen():
    """Limar, then another case is opened while Limar stays on screen (from the palette): ctrl+u refuses."""
    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        await pilot.press("f3")
        limar = app.screen
        await pilot.press("f5")
        await wait_until(pilot, lambda: limar.result is not None, "limar")
        d.set_document("Outro caso: João contra Banco Y.", None)
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert d.document_text() == "Outro caso: João contra Banco Y."
        assert limar.result is None


@pytest.mark.model
async def test_a_new_document_after_an_answer_starts_a_fresh_draft(engine):
    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready_app(app, pilot, engine)
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        await generate(pilot, app, max_tokens=4)
        first = d.last_result
        assert d.answer.text and app.last_answer is not None
        d.open_document(str(OTHER))
        await wait_until(pilot, lambda: "Maria" not in d.document_text() and d.document_text(), "other document")
        assert d.answer.text == "" and d.last_result is None and app.last_answer is None
        assert d.query_one("#citations").citations == []
        assert "formato" not in str(d.query_one("#answer-title").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is d  # nothing to export: the old answer is not offered under the new case
        assert History().get(first.run_id).output == first.done.output  # the old one stays in the history


async def test_escape_closes_an_open_dropdown_first():
    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        sel = d.query_one("#template", Select)
        sel.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: sel.expanded, "dropdown open")
        await pilot.press("escape")
        await pilot.pause()
        assert not sel.expanded and app.screen is d


async def test_select_all_and_clear_in_the_document_box_start_a_new_case():
    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        case = app.case.id
        box = d.query_one("#document", TextArea)
        box.focus()
        await pilot.press("ctrl+a")
        assert box.selected_text == box.text
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert box.text == "" and app.case.id != case
        await pilot.press(*"novo caso")
        await pilot.pause()
        assert "texto colado" in str(d.query_one("#doc-title").render())
        assert d.request().document_path is None


async def test_f1_lists_every_shortcut_of_every_screen():
    from legalprompt.tui.screens.help import HelpScreen, key_name, shortcut_sections

    app = LegalPromptApp(load_model=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.draft_screen is not None, "draft")
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        listed = {(title, key) for title, rows in shortcut_sections(app) for key, _ in rows}
        for mode, cls in app.MODES.items():
            for b in cls.BINDINGS:
                assert any(key == key_name(b.key) for _, key in listed), (mode, b.key)
        # one meaning per key across screens: ctrl+r is "gerar de novo" wherever it is bound
        meanings = {what for _, rows in shortcut_sections(app) for key, what in rows if key == "ctrl+r"}
        assert meanings == {"gerar de novo"}
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


@pytest.mark.model
async def test_reopen_a_run_from_the_history_with_its_document_and_inputs(engine):
    """A run on one case, another case opened, then Histórico F5 on the first run: its document comes back
    (read in a worker thread), with its template inputs, start of the answer and seed, and the same answer."""
    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready_app(app, pilot, engine)
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text() and d.query("#input-classe"), "document")
        d.query_one("#input-classe", Input).value = "apelação cível"
        await wait_until(pilot, lambda: "APELAÇÃO CÍVEL." in d.query_one("#prefill", TextArea).text, "prefill")
        await generate(pilot, app, max_tokens=4, seed=13)
        first = d.last_result
        d.open_document(str(OTHER))
        await wait_until(pilot, lambda: "Maria" not in d.document_text() and d.document_text(), "other document")
        d.query_one("#input-classe", Input).value = ""
        await pilot.press("f7")
        hist = app.screen
        await wait_until(pilot, lambda: hist.current is not None and hist.current.id == first.run_id, "run listed")
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.current_mode == "redacao" and not d.generating
                         and d.last_result is not None and d.last_result.run_id != first.run_id, "rerun")
        again = d.last_result
        assert "Maria" in d.document_text()
        assert d.query_one("#input-classe", Input).value == "apelação cível"
        assert again.done.seed == 13 and again.done.output == first.done.output
        assert History().get(again.run_id).inputs == {"classe": "apelação cível"}


async def test_notifications_do_not_cover_the_citations_panel_and_the_status_shows_speed_first():
    from textual.widgets._toast import Toast

    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        app.notify("uma mensagem longa o bastante para ocupar a largura de um aviso inteiro", timeout=30)
        await wait_until(pilot, lambda: app.screen.query(Toast), "toast")
        citations = d.query_one("#citations").region
        answer = d.query_one("#answer").region
        for toast in app.screen.query(Toast):
            assert not toast.region.overlaps(citations), (toast.region, citations)
            assert not toast.region.overlaps(answer), (toast.region, answer)
        d.status.set_activity("38,9 tokens/s · 24 gerados · prompt 346 (0 reaproveitados) · semente 7")
        app.model_message = "gemma3-270m · contexto 4.096 · 4 threads · CPU · carregado em 1,2 s"
        d.status.set_activity(d.status.activity)
        await pilot.pause()
        shown = "".join(s.text for s in d.status.render_lines(d.status.region.reset_offset)[0])
        assert "38,9 tokens/s" in shown


async def test_picker_opens_the_highlighted_file_with_the_button_and_a_recent_one_from_the_list(tmp_path):
    from legalprompt.tui.recent import RecentDocuments

    folder = tmp_path / "casos"
    folder.mkdir()
    first = folder / "caso-a.txt"
    first.write_text("Processo A: Fulano contra Banco.", encoding="utf-8")
    (folder / "caso-b.md").write_text("Processo B: Beltrano contra Seguradora.", encoding="utf-8")
    RecentDocuments.load().remember(first)
    app = LegalPromptApp(load_model=False)
    async with app.run_test(size=(80, 24)) as pilot:
        d = app.draft_screen
        await wait_until(pilot, lambda: app.draft_screen is not None, "draft")
        d = app.draft_screen
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, OpenDocumentScreen), "picker")
        dialog = app.screen
        tree = dialog.query_one("#open-tree")
        assert Path(tree.path) == folder.resolve()  # the last folder used
        await wait_until(pilot, lambda: len(tree.root.children) == 2, "listing", timeout=60)
        tree.move_cursor(next(n for n in tree.root.children if n.data.path.name == "caso-b.md"))
        await pilot.click("#open-ok")
        await wait_until(pilot, lambda: "Beltrano" in d.document_text(), "the highlighted file")
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, OpenDocumentScreen), "picker again")
        recent = app.screen.query_one("#open-recent")
        assert recent.get_option_at_index(0).id == str((folder / "caso-b.md").resolve())
        recent.focus()
        recent.highlighted = 1
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Fulano" in d.document_text(), "the recent file")
        assert "caso-a.txt" in str(d.query_one("#doc-title").render())


async def test_pasting_another_text_over_the_document_after_an_answer_is_flagged_and_warned_on_export():
    """Select-all and paste another case over the document: the answer is marked as drafted on another text,
    and the export dialog says so (drafting again, F5, is the way out)."""
    from legalprompt.tui.app import LastAnswer
    from legalprompt.tui.screens.export import ExportScreen

    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        app.last_answer = LastAnswer(text="DIREITO CIVIL. RECURSO. Resposta.", prefill="", template="ementa",
                                     model="m", seed=1, run_id=None, status="ok", citations=[],
                                     case_id=app.case.id, document=app.case.label, document_text=d.document_text())
        box = d.query_one("#document", TextArea)
        box.focus()
        await pilot.press("ctrl+a")
        box.replace("Outro caso: Joana contra Seguradora Z.", *box.selection)  # what a paste does
        await pilot.pause()
        assert app.last_answer.document_edited
        assert "documento alterado" in str(d.query_one("#answer-title").render())
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), "export dialog")
        assert "alterado depois desta resposta" in str(app.screen.query_one("#export-warnings").render())


async def test_export_folder_is_chosen_in_a_folder_tree_and_the_dialog_says_where_it_wrote(tmp_path):
    from legalprompt.tui.app import LastAnswer
    from legalprompt.tui.screens.choose_folder import ChooseFolderScreen
    from legalprompt.tui.screens.export import ExportScreen

    out = tmp_path / "saidas"
    (out / "cliente").mkdir(parents=True)
    app = LegalPromptApp(load_model=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.draft_screen is not None, "draft")
        app.last_answer = LastAnswer(text="EMENTA: DIREITO.", prefill="", template="ementa", model="m", seed=1,
                                     run_id=None, status="ok", citations=[], case_id=app.case.id)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), "export")
        export = app.screen
        export.query_one("#export-folder", Input).value = str(out)
        await pilot.click("#export-choose")
        await wait_until(pilot, lambda: isinstance(app.screen, ChooseFolderScreen), "folder tree")
        tree = app.screen.query_one("#folder-tree")
        await wait_until(pilot, lambda: len(tree.root.children) == 1, "listing", timeout=60)
        tree.move_cursor(tree.root.children[0])
        await pilot.click("#folder-ok")
        await wait_until(pilot, lambda: app.screen is export, "back to export")
        assert export.query_one("#export-folder", Input).value == str(out / "cliente")
        export.query_one("#export-path", Input).value = "ementa"
        await pilot.click("#export-md")
        await pilot.pause()
        assert (out / "cliente" / "ementa.md").is_file()
        assert str((out / "cliente" / "ementa.md").resolve()) in str(export.query_one("#export-result").render())
