"""Issue 19, finding 3 (TUI): a document, an answer, a stored run or a file name with terminal control
sequences never reaches the terminal through the TUI. Checks what the compositor would send to the
terminal (every segment of every line of the screen), without a model."""

from __future__ import annotations

import re

import pytest

from tests.tui.conftest import wait_until

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
PAYLOAD = ("Petição \x1b]52;c;cm0gLXJmIH4=\x07 inicial \x1b]0;janela\x07 \x1b[2J\x1b[8moculto\x1b[0m "
           "\x9b2J \x9d0;t\x9c \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ Art. 5º da CF.\n")


def _controls_on_screen(app) -> list[str]:
    strips = app.screen._compositor.render_strips()
    return sorted(set(CONTROLS.findall("".join(seg.text for strip in strips for seg in strip))))


@pytest.mark.asyncio
async def test_hostile_document_answer_history_and_names_stay_off_the_terminal(tmp_path):
    from legalprompt.store.history import History
    from legalprompt.tui.app import LegalPromptApp

    doc = tmp_path / "peti\x1b]0;x\x07cao.txt"
    doc.write_text(PAYLOAD, encoding="utf-8")
    h = History()
    h.finish_run(h.start_run(command="run", template="resumo", document=PAYLOAD, prefill=PAYLOAD, prompt=PAYLOAD,
                             params={}, seed=0, model_name="m", model_sha256="0" * 64),
                 status="error", output=PAYLOAD, error=PAYLOAD,
                 citations=[{"text": PAYLOAD, "verdict": "UNVERIFIED", "start": 0, "end": 5}])
    h.close()
    app = LegalPromptApp(document=str(doc), load_model=False)
    async with app.run_test(size=(120, 40)) as pilot:
        d = app.draft_screen
        await wait_until(pilot, lambda: d is not None and "inicial" in app.draft_screen.document_text(), "document")
        d = app.draft_screen
        await pilot.pause()
        assert _controls_on_screen(app) == []
        # an answer that repeats the sequences, with a citation whose text carries them
        d.answer.show(PAYLOAD, prefill_len=8, citations=[{"start": 0, "end": 7, "verdict": "UNVERIFIED",
                                                          "text": PAYLOAD, "reasons": [{"message": PAYLOAD}]}])
        await pilot.pause()
        assert _controls_on_screen(app) == []
        app.notify(PAYLOAD)  # messages carry file names
        await pilot.pause()
        assert _controls_on_screen(app) == []
        await pilot.press("f3")  # limar: the document again
        await pilot.pause()
        assert _controls_on_screen(app) == []
        await pilot.press("f7")  # history: the stored run
        await wait_until(pilot, lambda: app.screen.query("#history-table"), "history")
        await pilot.pause()
        assert _controls_on_screen(app) == []
