"""Snapshot tests of every screen state at 80x24 and 120x36. No model is loaded (load_model=False), so
nothing depends on model output: answers, progress and crashes are set directly as the screens show them;
citation verdicts come from the real checker."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from legalprompt.tui.app import LastAnswer, LegalPromptApp
from tests.tui.conftest import EXAMPLE

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
FIXTURES = Path("tests/fixtures/docs")
PREFILL = "DIREITO CIVIL. RECURSO."
ANSWERS = {
    # one verdict each, as the checker gives them on the example petition
    "impossivel": PREFILL + " Conforme o art. 11 da Lei n. 11.555/2002, a inscrição indevida gera dano moral.",
    "verificada": PREFILL + " A inscrição indevida gera dano moral (art. 14 do Código de Defesa do Consumidor).",
    "nao_verificada": PREFILL + " A inscrição indevida gera dano moral, nos termos da Súmula 385 do STJ.",
}


@pytest.fixture(params=list(SIZES), ids=list(SIZES))
def size(request):
    return SIZES[request.param]


class QuietApp(LegalPromptApp):
    """Toasts come and go on timers: kept out of the pictures."""

    def notify(self, message, **kwargs) -> None:
        pass


def _app(document: str | None = EXAMPLE) -> LegalPromptApp:
    return QuietApp(document=document, load_model=False)


async def _freeze(pilot) -> None:
    """Stop cursor blinking (a blink phase would make the snapshot depend on timing), drop toasts."""
    await pilot.pause()
    for w in pilot.app.screen.query("TextArea, Input"):
        w.cursor_blink = False
    pilot.app.clear_notifications()
    await pilot.pause()


async def _doc_loaded(pilot) -> None:
    app = pilot.app
    for _ in range(200):
        d = app.draft_screen
        if d is not None and "Maria" in d.document_text() and d.query_one("#prefill").text:
            break
        await pilot.pause(0.05)
    await pilot.pause()


def _then(*keys, document: str | None = EXAMPLE):
    async def before(pilot):
        if document:
            await _doc_loaded(pilot)
        else:
            await pilot.pause(0.2)
        await pilot.press(*keys)
        await _freeze(pilot)
    return before


def _citations(answer: str, document: str) -> list[dict]:
    from legalprompt.citations import check_text

    return check_text(answer, sources=[document]).to_dict()["citations"]


def _result(output: str, citations: list[dict], status: str = "ok", stop_reason: str = "eos", shape=None):
    """The parts of a DraftSummary the answer pane shows."""
    return SimpleNamespace(
        status=status, citations={"citations": citations}, shape=shape, shape_ok=None, citation_mode="anchored",
        done=SimpleNamespace(output=output, stop_reason=stop_reason))


def _show_done(kind: str, status: str = "ok", stop_reason: str = "eos"):
    async def before(pilot):
        await _doc_loaded(pilot)
        d = pilot.app.draft_screen
        text = ANSWERS[kind]
        cits = _citations(text, d.document_text())
        d.pane.finished(_result(text, cits, status, stop_reason), len(PREFILL), [])
        d.status.set_activity("38,9 tokens/s · 24 gerados · prompt 346 (0 reaproveitados) · semente 7 · "
                              "histórico #12")
        await _freeze(pilot)
    return before


def test_redacao_vazia(snap_compare, size):
    assert snap_compare(_app(None), terminal_size=size, run_before=_then(document=None))


def test_redacao_documento_aberto(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=_then())


def test_redacao_gerando(snap_compare, size):
    async def before(pilot):
        await _doc_loaded(pilot)
        d = pilot.app.draft_screen
        d.pane.reset("Resposta — gerando… prompt de 346 tokens (Esc para parar)")
        d.pane.partial(PREFILL + " Trata-se de ação de indenização por inscrição indevida",
                       len(PREFILL), None, [])
        d.status.set_activity("gerando · 12 tokens")
        await _freeze(pilot)

    assert snap_compare(_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("kind", list(ANSWERS))
def test_redacao_concluida_por_veredito(snap_compare, size, kind):
    assert snap_compare(_app(), terminal_size=size, run_before=_show_done(kind))


def test_redacao_interrompida(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size,
                        run_before=_show_done("verificada", status="cancelled", stop_reason="cancelled"))


def test_redacao_motor_parou(snap_compare, size):
    """The engine process died mid-answer: the partial answer stays, the title and status say what happened
    (the real handler of the Died message, with the message a SIGKILL gives)."""
    async def before(pilot):
        from legalprompt.tui.screens.draft import DraftScreen

        await _doc_loaded(pilot)
        d = pilot.app.draft_screen
        d.generating = True
        d._display_prefill_len = len(PREFILL)
        d.on_draft_generation_died(DraftScreen.Died(
            "o motor do modelo parou (sinal SIGKILL: provavelmente memória esgotada). F5 inicia outro motor.",
            ANSWERS["verificada"][:60], 12, d.case_id))
        await _freeze(pilot)

    assert snap_compare(_app(), terminal_size=size, run_before=before)


def test_abrir_documento(snap_compare, size):
    async def before(pilot):
        from legalprompt.tui.screens.open_document import OpenDocumentScreen

        await pilot.pause(0.2)
        pilot.app.push_screen(OpenDocumentScreen(start=FIXTURES.resolve()))
        await pilot.pause(0.5)
        scr = pilot.app.screen
        scr.query_one("#open-path").value = "fixtures/docs"  # the absolute path differs between machines
        scr.say("digitalizado.pdf: PDF digitalizado, sem texto para ler (só imagens das páginas). Passe-o por "
                "um OCR (por exemplo o do Adobe Acrobat ou o ocrmypdf) e abra o PDF que ele gerar.", error=True)
        await _freeze(pilot)

    assert snap_compare(_app(None), terminal_size=size, run_before=before)


def test_campos_do_template(snap_compare, size):
    async def before(pilot):
        await _doc_loaded(pilot)
        d = pilot.app.draft_screen
        d.query_one("#input-ramo").value = "direito do consumidor"
        d.query_one("#input-classe").value = "apelação cível"
        await pilot.pause(0.3)
        await _freeze(pilot)

    assert snap_compare(_app(), terminal_size=size, run_before=before)


def test_limar(snap_compare, size):
    async def before(pilot):
        await _doc_loaded(pilot)
        await pilot.press("f3")
        await pilot.press("f5")
        for _ in range(200):
            if pilot.app.screen.result is not None:
                break
            await pilot.pause(0.05)
        await _freeze(pilot)

    assert snap_compare(_app(), terminal_size=size, run_before=before)


def test_tokens(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=_then("f4"))


def test_comparar(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=_then("f6"))


def test_historico_com_busca(snap_compare, size, monkeypatch):
    from legalprompt.store import history as history_module
    from legalprompt.store.history import History

    monkeypatch.setattr(history_module, "_now", lambda: "2026-11-30T14:05:00")
    h = History()
    for i, (template, output) in enumerate([("ementa", ANSWERS["impossivel"]), ("resumo", "Resumo do caso X."),
                                            ("ementa", ANSWERS["verificada"])]):
        run = h.start_run(command="tui", template=template, document=f"/casos/caso-{i}.txt", prefill=PREFILL,
                          params={"temperature": 0.3, "max_tokens": 300}, seed=7, model_name="gemma3-270m",
                          inputs={"ramo": "direito do consumidor"})
        h.finish_run(run, status="ok", output=output,
                     citations=_citations(output, "art. 14 do Código de Defesa do Consumidor"))
    h.close()

    async def before(pilot):
        await _doc_loaded(pilot)
        await pilot.press("f7")
        pilot.app.screen.query_one("#history-search").value = "dano moral"
        await pilot.pause(0.6)
        await _freeze(pilot)

    assert snap_compare(_app(), terminal_size=size, run_before=before)


def test_modelo(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=_then("f8"))


def test_paleta_de_comandos(snap_compare, size):
    async def before(pilot):
        await _doc_loaded(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"xyzw")
        await pilot.pause(1.0)  # the palette says "nothing found" after its own countdown
        await _freeze(pilot)

    assert snap_compare(_app(), terminal_size=size, run_before=before)


def test_ajuda_f1(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=_then("f1"))


def test_exportar(snap_compare, size, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))

    async def before(pilot):
        await _doc_loaded(pilot)
        d = pilot.app.draft_screen
        text = ANSWERS["impossivel"]
        pilot.app.last_answer = LastAnswer(
            text=text, prefill=PREFILL, template="ementa", model="gemma3-270m", seed=7, run_id=12, status="ok",
            citations=_citations(text, d.document_text()), stop_reason="length", case_id=pilot.app.case.id,
            document=pilot.app.case.label)
        pilot.app.case.path = None  # the default folder is then the (fixed) home, not this checkout's path
        await pilot.press("ctrl+s")
        pilot.app.screen.query_one("#export-folder").value = "~/Documentos"
        await _freeze(pilot)

    assert snap_compare(_app(), terminal_size=size, run_before=before)
