"""The Tokens screen shows the current draft's prompt as the model receives it (issue 18)."""

from __future__ import annotations

import pytest
from textual.widgets import Label

from legalprompt.tui.app import LegalPromptApp
from tests.tui.conftest import EXAMPLE, ready_app, wait_until

pytestmark = pytest.mark.model


async def test_use_prompt_shows_model_tokens_and_prefill_start(engine):
    app = LegalPromptApp(document=EXAMPLE, load_model=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready_app(app, pilot, engine)
        d = app.draft_screen
        await wait_until(pilot, lambda: "Maria" in d.document_text(), "document")
        req = d.request()
        await pilot.press("f4")
        scr = app.screen
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: scr.pieces, "prompt tokens")
        from legalprompt.techniques.templates import load_template

        tpl = load_template(req.template)
        inputs = {tpl.meta.document_input: req.document, **req.inputs}
        prompt = engine.build_prompt(tpl.render(inputs), tpl.render_prefill(inputs, req.prefill), tpl.meta.system)
        assert [i for i, _ in scr.pieces] == engine.prompt_tokens(prompt)
        title = str(scr.query_one("#tokens-title", Label).render())
        assert f"{len(scr.pieces)} de {engine.n_ctx} tokens" in title and "palavras iniciais a partir do token" in title
