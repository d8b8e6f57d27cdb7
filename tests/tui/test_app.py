"""Pilot tests that drive the real app on the bundled model (tiny generations)."""

from __future__ import annotations

import subprocess
import sys

from textual.widgets import DataTable, Input, OptionList, Static, TextArea

from legalprompt.store.history import History
from legalprompt.tui.app import LegalPromptApp
from legalprompt.tui.widgets.answer import AnswerView
from tests.tui.conftest import EXAMPLE, generate, ready_app, wait_until

BAD_PREFILL = "EMENTA: DIREITO DO CONSUMIDOR. Conforme o art. 11 da Lei n. 11.555/2002,"
HEADER = "DIREITO CIVIL. RECURSO."  # the ementa template's header for the example petition


def _span_styles(view: AnswerView, start: int, end: int) -> list:
    text = view.build()
    return [sp.style for sp in text.spans if sp.start <= start and sp.end >= end]


async def test_open_document_generate_and_see_prefill(engine):
    app = LegalPromptApp(load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready_app(app, pilot, engine)
        d = app.draft_screen
        d.open_document(EXAMPLE)  # the path given on the command line (--document) takes this way
        await wait_until(pilot, lambda: "Maria da Silva" in d.document_text(), "document to open")
        assert "peticao-curta.txt" in str(d.query_one("#doc-title").render())
        await wait_until(pilot, lambda: "346 tokens" in str(d.query_one("#token-count", Static).render())
                         or "tokens (" in str(d.query_one("#token-count", Static).render()), "token count")
        assert "de 4.096 do contexto" in str(d.query_one("#token-count", Static).render())
        await generate(pilot, app, max_tokens=8)
        r = d.last_result
        prefill = HEADER  # ementa (CNJ 154): ramo from the petition's vocabulary, the class's default
        assert r.done.prefill == prefill and r.staged
        assert d.answer.text.startswith(prefill) and d.answer.text == r.done.output
        assert len(d.answer.text) > len(prefill)
        prefill_style = d.answer.get_component_rich_style("answer--prefill", partial=True)
        assert prefill_style in _span_styles(d.answer, 0, len(prefill))
        # each section title, written into the model's mouth, is shown like the prefill ...
        title = d.answer.text.index("I. CASO EM EXAME")
        assert prefill_style in _span_styles(d.answer, title, title + len("I. CASO EM EXAME"))
        # ... and what the model wrote in the header is not
        assert prefill_style not in _span_styles(d.answer, len(prefill) + 1, title - 1)
        # the lint findings are shown under the answer (8 tokens cannot fill four sections)
        box = d.query_one("#shape-findings", Static)
        assert r.shape["findings"] and box.display
        assert r.shape["findings"][0]["code"] in str(box.render())
        rec = History().get(r.run_id)
        assert rec.status == "ok" and rec.output == d.answer.text and rec.command == "tui"
        assert rec.document.endswith("peticao-curta.txt")
        # one request, exactly one history row, with its citation check and shape verdict (as every front end)
        assert [row.id for row in History().search(limit=10)] == [r.run_id]
        assert rec.citations is not None and rec.shape == r.shape and rec.shape["ok"] is False


async def test_escape_stops_a_long_generation_and_keeps_the_partial_answer(engine):
    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready_app(app, pilot, engine)
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        d.query_one("#max-tokens", Input).value = "3000"
        d.query_one("#seed", Input).value = "3"
        await pilot.press("f5")
        await wait_until(pilot, lambda: len(d.answer.text) > len(HEADER) + 2, "first tokens")
        assert d.generating
        await pilot.press("escape")
        await wait_until(pilot, lambda: not d.generating, "stop")
        r = d.last_result
        assert r.status == "cancelled" and r.done.stop_reason == "cancelled"
        assert r.done.usage.completion_tokens < 3000
        assert d.answer.text == r.done.output and r.done.output.startswith(HEADER)
        assert "interrompida" in str(d.query_one("#answer-title").render())
        rec = History().get(r.run_id)
        assert rec.status == "cancelled" and rec.output == r.done.output


async def test_inconsistent_citation_is_highlighted_and_listed(engine):
    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready_app(app, pilot, engine)
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        await generate(pilot, app, prefill=BAD_PREFILL, max_tokens=8)
        cits = d.answer.citations
        bad = [i for i, c in enumerate(cits) if c["verdict"] == "INCONSISTENT"]
        assert bad, cits
        c = cits[bad[0]]
        assert "11.555/2002" in d.answer.text[c["start"]:c["end"]]
        style = d.answer.get_component_rich_style("answer--inconsistent", partial=True)
        assert style in _span_styles(d.answer, c["start"], c["end"])
        ol = d.query_one("#citation-list", OptionList)
        assert ol.option_count == len(cits)
        assert "IMPOSSÍVEL" in str(ol.get_option_at_index(bad[0]).prompt)
        ol.focus()
        ol.highlighted = bad[0]
        await pilot.press("enter")
        await pilot.pause()
        assert d.answer.selected == bad[0]
        selected = d.answer.get_component_rich_style("answer--selected", partial=True)
        assert selected in _span_styles(d.answer, c["start"], c["end"])
        reasons = str(d.query_one("#citation-reasons", Static).render())
        assert "11.555" in reasons and "2007" in reasons


async def test_continue_and_regenerate(engine):
    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready_app(app, pilot, engine)
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        await generate(pilot, app, max_tokens=6)
        first = d.answer.text
        before = d.last_result
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: not d.generating and d.last_result is not before, "continue")
        assert d.answer.text.startswith(first) and len(d.answer.text) > len(first)
        assert d.last_result.done.prefill == first
        before = d.last_result
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: not d.generating and d.last_result is not before, "regenerate")
        assert d.last_result.done.seed == int(d.query_one("#seed", Input).value)
        assert d.answer.text.startswith(HEADER)


async def test_switch_screens_limar_tokens_history_model(engine):
    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready_app(app, pilot, engine)
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        await generate(pilot, app, max_tokens=4)

        await pilot.press("f3")
        assert app.current_mode == "limar"
        scr = app.screen
        assert scr.query_one("#limar-before", TextArea).text == d.document_text()
        await pilot.press("f5")
        await wait_until(pilot, lambda: scr.result is not None, "limar")
        after = scr.query_one("#limar-after", TextArea).text
        assert after and len(after) < len(d.document_text())
        assert "tokens" in str(scr.query_one("#limar-after-title").render())
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert app.current_mode == "redacao" and d.document_text() == after

        await pilot.press("f4")
        assert app.current_mode == "tokens"
        scr = app.screen
        scr.query_one("#tokens-text", TextArea).load_text("O réu foi condenado")
        await pilot.press("f5")
        await wait_until(pilot, lambda: scr.pieces, "tokenize")
        assert [i for i, _ in scr.pieces] == engine.tokenize("O réu foi condenado")
        await pilot.press("ctrl+n")
        table = scr.query_one("#tokens-candidates", DataTable)
        await wait_until(pilot, lambda: table.row_count == 10, "next tokens")

        await pilot.press("f7")
        assert app.current_mode == "historico"
        table = app.screen.query_one("#history-table", DataTable)
        assert table.row_count >= 1
        assert "DIREITO" in str(app.screen.query_one("#history-detail", Static).render())
        app.screen.query_one("#history-search", Input).value = "nada-disso-existe"
        await wait_until(pilot, lambda: table.row_count == 0, "search")

        await pilot.press("f8")
        assert app.current_mode == "modelo"
        info = str(app.screen.query_one("#model-info", Static).render())
        assert "gemma3" in info and "pode usar GPU" in info
        await pilot.press("f2")
        assert app.current_mode == "redacao"


async def test_history_rerun(engine):
    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready_app(app, pilot, engine)
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        await generate(pilot, app, max_tokens=4, seed=11)
        first = d.last_result
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.current_mode == "redacao" and not d.generating
                         and d.last_result is not first, "re-run")
        again = d.last_result
        assert again.run_id != first.run_id and again.done.seed == 11
        assert again.done.output == first.done.output  # same seed, same prompt: same answer


async def test_export_md_docx_and_clipboard(engine, tmp_path):
    import docx

    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready_app(app, pilot, engine)
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        await generate(pilot, app, prefill=BAD_PREFILL, max_tokens=4)
        await pilot.press("ctrl+s")
        await pilot.pause()
        box = app.screen.query_one("#export-path", Input)
        box.value = "ementa.md"
        app.screen.query_one("#export-folder", Input).value = str(tmp_path)
        await pilot.click("#export-md")
        await pilot.pause()
        md = (tmp_path / "ementa.md").read_text(encoding="utf-8")
        said = str(app.screen.query_one("#export-result").render())
        assert f"salvo em {(tmp_path / 'ementa.md').resolve()}" in said.replace("\n", "")
        assert md.startswith(d.answer.text.rstrip())
        assert "IMPOSSÍVEL" in md and "11.555/2002" in md
        await pilot.click("#export-docx")
        await pilot.pause()
        doc = docx.Document(str(tmp_path / "ementa.docx"))
        body = "\n".join(p.text for p in doc.paragraphs)
        assert d.answer.text.split("\n")[0] in body and "Citações na resposta (conferência automática)" in body
        assert "Citações verificadas" not in body
        await pilot.click("#export-copy")
        await pilot.pause()
        assert app.clipboard == d.answer.text
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "redacao" and app.screen is d


async def test_compare_with_and_without_prefill(engine):
    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready_app(app, pilot, engine)
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        d.query_one("#max-tokens", Input).value = "6"
        d.query_one("#seed", Input).value = "5"
        await pilot.press("f6")
        scr = app.screen
        await pilot.press("f5")
        await wait_until(pilot, lambda: scr._cancel is None and len(scr.results) == 2, "compare")
        a, b = scr.results["a"], scr.results["b"]
        assert a.done.prefill == "" and b.done.prefill == HEADER
        assert a.done.seed == b.done.seed == 5
        va, vb = scr.query_one("#compare-a", AnswerView), scr.query_one("#compare-b", AnswerView)
        assert va.text == a.done.output and vb.text.startswith(HEADER)
        if a.done.output != b.done.output:
            assert va.marks or vb.marks


async def test_command_palette_lists_portuguese_actions(engine):
    app = LegalPromptApp(load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready_app(app, pilot, engine)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for t in ("Gerar resposta", "Parar geração", "Exportar resposta", "Ir para Histórico", "Sair"):
            assert t in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Ir para Tokens")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current_mode == "tokens", "palette command")


def test_app_module_imports_neither_llama_cpp_nor_does_cli_import_textual():
    code = ("import sys, legalprompt.commands.tui; assert 'textual' not in sys.modules; "
            "import legalprompt.tui.app; assert 'llama_cpp' not in sys.modules, 'llama_cpp imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_model_loads_in_background_after_mount():
    async def run():
        app = LegalPromptApp(document=EXAMPLE)
        async with app.run_test(size=(100, 30)) as pilot:
            assert app.model_status in ("off", "loading")  # the first screen is up before the model
            await wait_until(pilot, lambda: app.model_status in ("ready", "error"), "model load")
            assert app.model_status == "ready", app.model_message
            assert "gemma3-270m" in str(app.screen.query_one("#status").render())

    import asyncio

    asyncio.run(run())


async def test_rerun_on_another_document_is_asked_in_a_dialog_not_a_toast(engine, tmp_path):
    """A run of one case, reopened while another case is open: a dialog asks; 'Cancelar' drafts nothing."""
    from legalprompt.tui.screens.confirm import ConfirmScreen
    from legalprompt.tui.screens.history import rerun_plan

    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready_app(app, pilot, engine)
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        await generate(pilot, app, max_tokens=4, seed=11)
        first = d.last_result
        rec = History().get(first.run_id)
        assert rec.document_path and rec.document_sha256
        # The case's file is moved away and another case is pasted in.
        other_case = "Processo de outro cliente: João Souza contra Banco X."
        rec.document_path = rec.document = str(tmp_path / "movido.txt")
        assert rerun_plan(rec, other_case).kind == "other"
        assert rerun_plan(rec, d.document_text()).kind == "open"  # the same text open: no question
        d.set_document(other_case, None)
        await pilot.press("f7")
        await pilot.pause()
        app.screen.current = rec
        await pilot.press("f5")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "dialog")
        assert "não é o da execução" in str(app.screen.query_one("#confirm-question").render())
        await pilot.click("#confirm-no")
        await pilot.pause(0.3)
        # nothing drafted: the other case (a fresh draft since it was opened) still has no answer
        assert not isinstance(app.screen, ConfirmScreen) and not d.generating and d.last_result is None
        assert d.document_text() == other_case
