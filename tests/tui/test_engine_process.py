"""The app with its engine in a worker process (the real path, smollm2): a killed engine leaves the app up with
the partial answer kept, Esc stops a prompt evaluation in Redação and in Comparar (checked by what came after
the Esc, not by a timing), and a run reopened from the history gives the same answer with its seed."""

from __future__ import annotations

import os
import signal

import pytest
from textual.widgets import Input, Label, Select, TextArea

from legalprompt.config import load_settings
from legalprompt.store.history import History
from legalprompt.tui.app import LegalPromptApp
from tests.tui.conftest import EXAMPLE, wait_until

pytestmark = pytest.mark.model

LONG_DOC = ("O recorrente alega nulidade do processo por cerceamento de defesa, pois não foi intimado da "
            "audiência de instrução, nos termos do art. 5º, LV, da Constituição Federal. ") * 60


def _app(**kw) -> LegalPromptApp:
    settings, _ = load_settings({"model": "smollm2-135m", "n_ctx": 4096, "threads": 1})
    return LegalPromptApp(settings=settings, **kw)


def _title(screen, wid: str) -> str:
    return str(screen.query_one(wid, Label).render())


async def _ready(pilot, app) -> None:
    await wait_until(pilot, lambda: app.model_status == "ready" and app.draft_screen is not None, "engine process")
    assert app.drafts.alive and app.drafts.pid != os.getpid()


async def _use_template(pilot, d, name: str, max_tokens: int, seed: int = 7) -> None:
    d.query_one("#template", Select).value = name
    await pilot.pause()
    d.query_one("#max-tokens", Input).value = str(max_tokens)
    d.query_one("#seed", Input).value = str(seed)
    d.query_one("#temperature", Input).value = "0.7"
    await pilot.pause()


async def test_killed_engine_leaves_the_app_up_with_the_partial_answer(tmp_path):
    app = _app(document=EXAMPLE)
    async with app.run_test(size=(120, 36)) as pilot:
        await _ready(pilot, app)
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        await _use_template(pilot, d, "resumo", max_tokens=400)
        prefill = d.query_one("#prefill", TextArea).text
        first_pid = app.drafts.pid
        await pilot.press("f5")
        await wait_until(pilot, lambda: len(d.answer.text) > len(prefill) + 15, "a few generated words")
        os.kill(first_pid, signal.SIGKILL)
        await wait_until(pilot, lambda: not d.generating, "the app to notice")
        assert app.is_running
        assert "o motor parou" in _title(d, "#answer-title")
        assert "motor parou" in d.status.activity
        notes = [n.message for n in app._notifications]
        assert any("SIGKILL" in m and "F5 inicia um motor novo" in m for m in notes), notes
        kept = d.answer.text
        assert kept.startswith(prefill) and len(kept) > len(prefill) + 15  # the partial answer stays on screen
        assert "Maria" in d.document_text() and d.query_one("#prefill", TextArea).text == prefill
        rec = History().search(limit=1)[0]
        assert rec.status == "interrupted" and rec.output == kept
        assert app.last_answer.status == "interrupted" and app.last_answer.text == kept
        # The next F5 starts a new engine process and works.
        d.query_one("#max-tokens", Input).value = "6"
        await pilot.pause()
        await pilot.press("f5")
        await wait_until(pilot, lambda: not d.generating and d.last_result is not None, "a new engine's answer")
        assert d.last_result.status == "ok" and app.drafts.pid not in (None, first_pid)
        assert app.drafts.starts == 2


async def test_esc_during_prompt_evaluation_stops_before_any_token():
    app = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _ready(pilot, app)
        d = app.draft_screen
        d.set_document(LONG_DOC, "<longo>")
        await _use_template(pilot, d, "resumo", max_tokens=50)
        prefill = d.query_one("#prefill", TextArea).text
        await pilot.press("f5")
        await wait_until(pilot, lambda: "lendo o prompt" in _title(d, "#answer-title"), "prompt evaluation progress")
        shown = _title(d, "#answer-title")
        assert " de " in shown and "tokens" in shown  # "lendo o prompt: 128 de 2900 tokens · 1,2 s"
        await pilot.press("escape")
        await wait_until(pilot, lambda: not d.generating, "the stop")
        r = d.last_result
        # Order, not time: after the Esc no token was generated, and the run ended as cancelled.
        assert r.status == "cancelled" and r.done.usage.completion_tokens == 0
        assert d.answer.text == prefill and "interrompida" in _title(d, "#answer-title")
        assert History().get(r.run_id).status in ("cancelled", "interrupted") if r.run_id else True
        # The engine is still usable (stopped between batches, or restarted after a kill).
        d.set_document(open(EXAMPLE, encoding="utf-8").read(), EXAMPLE)
        await _use_template(pilot, d, "resumo", max_tokens=4)
        await pilot.press("f5")
        await wait_until(pilot, lambda: not d.generating and d.last_result is not r, "next answer")
        assert d.last_result.status == "ok"


async def test_esc_in_comparar_during_prompt_evaluation_leaves_nothing_stuck():
    app = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _ready(pilot, app)
        d = app.draft_screen
        d.set_document(LONG_DOC, "<longo>")
        await _use_template(pilot, d, "resumo", max_tokens=50)
        await pilot.press("f6")
        scr = app.screen
        await pilot.press("f5")
        await wait_until(pilot, lambda: "lendo o prompt" in _title(scr, "#compare-title-a"), "prompt evaluation")
        await pilot.press("escape")
        await wait_until(pilot, lambda: scr._cancel is None, "the comparison to stop")
        assert not app.is_generating()
        assert "comparando" not in scr.status.activity and "interrompida" in scr.status.activity
        assert "interrompida" in _title(scr, "#compare-title-a") and "interrompida" in _title(scr, "#compare-title-b")
        a = scr.results.get("a")
        assert a is None or a.done.usage.completion_tokens == 0  # no token after the Esc
        assert "b" not in scr.results  # arm B never started
        # F5 compares again (nothing stuck).
        await pilot.press("f2")
        d.set_document(open(EXAMPLE, encoding="utf-8").read(), EXAMPLE)
        await _use_template(pilot, d, "resumo", max_tokens=3)
        await pilot.press("f6")
        await pilot.press("f5")
        await wait_until(pilot, lambda: scr._cancel is None and len(scr.results) == 2, "a full comparison")
        assert "semelhança" in scr.status.activity


async def test_reopened_run_gives_the_same_answer_and_reuses_the_warm_prefix():
    app = _app(document=EXAMPLE)
    async with app.run_test(size=(120, 36)) as pilot:
        await _ready(pilot, app)
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        await _use_template(pilot, d, "resumo", max_tokens=12, seed=11)
        await pilot.press("f5")
        await wait_until(pilot, lambda: not d.generating and d.last_result is not None, "first answer")
        first = d.last_result
        # Something else in between: another seed, so the engine's context holds another answer.
        d.query_one("#seed", Input).value = "12"
        await pilot.pause()
        await pilot.press("f5")
        await wait_until(pilot, lambda: not d.generating and d.last_result is not first, "second answer")
        between = d.last_result
        await pilot.press("f7")
        await pilot.pause()
        hist = app.screen
        await wait_until(pilot, lambda: hist.current is not None, "history rows")
        rows = History().search(limit=5)
        hist.current = next(r for r in rows if r.id == first.run_id)
        await pilot.press("f5")  # Histórico: rodar de novo
        await wait_until(pilot, lambda: app.current_mode == "redacao" and not d.generating
                         and d.last_result is not between, "the rerun")
        again = d.last_result
        assert again.run_id not in (first.run_id, between.run_id) and again.done.seed == 11
        assert again.done.output == first.done.output  # same seed, same prompt: same answer
        assert again.done.usage.cached_prompt_tokens > 0  # the document's prefix stayed warm in the engine
        assert app.drafts.starts == 1
