"""Snapshot tests of each screen at 120x36. No model is loaded (load_model=False), so nothing depends on
model output; the Redação answer is shown from fixed text with real citation flags."""

from __future__ import annotations

from legalprompt.tui.app import LastAnswer, LegalPromptApp
from tests.tui.conftest import EXAMPLE

SIZE = (120, 36)
ANSWER = ("EMENTA: DIREITO DO CONSUMIDOR. Conforme o art. 11 da Lei n. 11.555/2002, a inscrição indevida "
          "gera dano moral (art. 14 do Código de Defesa do Consumidor). Súmula 385 do STJ.")
PREFILL = "EMENTA: DIREITO DO CONSUMIDOR."


def _app() -> LegalPromptApp:
    return LegalPromptApp(document=EXAMPLE, load_model=False)


async def _freeze(pilot) -> None:
    """Stop cursor blinking (a blink phase would make the snapshot depend on timing)."""
    for w in pilot.app.screen.query("TextArea, Input"):
        w.cursor_blink = False
    pilot.app.clear_notifications()
    await pilot.pause()


def _then(*keys):
    async def before(pilot):
        await _doc_loaded(pilot)
        await pilot.press(*keys)
        await _freeze(pilot)
    return before


async def _doc_loaded(pilot) -> None:
    app = pilot.app
    for _ in range(200):
        d = app.draft_screen
        if d is not None and "Maria" in d.document_text():
            break
        await pilot.pause(0.05)
    await pilot.pause()


def test_redacao_empty(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_then())


def test_redacao_with_flagged_answer(snap_compare):
    async def before(pilot):
        from legalprompt.citations import check_text

        await _doc_loaded(pilot)
        d = pilot.app.draft_screen
        cits = check_text(ANSWER, sources=[d.document_text()]).to_dict()["citations"]
        d.answer.show(ANSWER, len(PREFILL), cits)
        d.query_one("#citations").set_citations(cits, final=True)
        await _freeze(pilot)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=before)


def test_limar(snap_compare):
    async def before(pilot):
        await _doc_loaded(pilot)
        await pilot.press("f3")
        await pilot.press("f5")
        for _ in range(200):
            if pilot.app.screen.result is not None:
                break
            await pilot.pause(0.05)
        await _freeze(pilot)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=before)


def test_tokens(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_then("f4"))


def test_comparar(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_then("f6"))


def test_historico(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_then("f7"))


def test_modelo(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_then("f8"))


def test_exportar(snap_compare):
    async def before(pilot):
        await _doc_loaded(pilot)
        pilot.app.last_answer = LastAnswer(text=ANSWER, prefill=PREFILL, template="ementa", model="gemma3-270m",
                                           seed=7, run_id=12, status="ok", citations=[])
        await pilot.press("ctrl+s")
        await _freeze(pilot)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=before)
