"""Redação's generation: F5, Esc, ctrl+r, ctrl+t, the streaming worker and what the answer pane shows.

Part of DraftScreen (screens/draft.py). The worker runs tui/streaming.py; an answer that comes back for a
case no longer on screen goes to the history only."""

from __future__ import annotations

import threading
from typing import Any

from textual import work
from textual.message import Message
from textual.widgets import Input

from legalprompt.errors import LegalPromptError
from legalprompt.tui.numbers import br_int, br_num
from legalprompt.tui.screens.base import BaseScreen


class DraftGeneration(BaseScreen):
    """The generation side of DraftScreen. Expects from it: `request`, `pane`, `answer`, `case_id`, `case`,
    `schedule_count`."""

    generating = False
    last_result = None
    _cancel: threading.Event | None = None
    _display_prefill_len = 0

    class Partial(Message):
        def __init__(self, text: str, citations: list[dict[str, Any]] | None, prefill_len: int | None,
                     n_prompt: int | None):
            super().__init__()
            self.text, self.citations, self.prefill_len, self.n_prompt = text, citations, prefill_len, n_prompt

    class Finished(Message):
        def __init__(self, result, case_id: int | None = None):
            super().__init__()
            self.result, self.case_id = result, case_id

    class Failed(Message):
        def __init__(self, message: str):
            super().__init__()
            self.message = message

    # -- generation -------------------------------------------------------------------------------
    def action_generate(self, seed: int | None = None, prefill: str | None = None) -> None:
        if self.generating:
            self.notify("já está gerando; Esc para parar", severity="warning")
            return
        if self.app.engine is None:
            self.notify("o modelo ainda não está pronto (veja a linha de estado)", severity="warning")
            return
        try:
            req = self.request(seed=seed, prefill=prefill)
        except LegalPromptError as exc:
            self.notify(exc.message, severity="error")
            return
        if not req.document.strip():
            self.notify("o documento está vazio: abra um arquivo (ctrl+o) ou cole o texto", severity="error")
            return
        if prefill is None:
            self._display_prefill_len = len(req.prefill or "")
        self._cancel = threading.Event()
        self.app.register_cancel(self._cancel)
        self.generating = True
        self.answer.selected = None
        self._prefill_spans = []
        self.pane.reset("Resposta — gerando… (Esc para parar)")
        self.status.set_activity("gerando")
        self._generate_worker(req, self._cancel, self.case_id)

    def action_stop(self) -> None:
        if self.close_open_menu():
            return
        if self._cancel is not None and self.generating:
            self._cancel.set()
            self.status.set_activity("parando…")

    def action_regenerate(self) -> None:
        from legalprompt.engine.params import choose_seed

        seed = choose_seed()  # a new random seed, shown in its field
        self.query_one("#seed", Input).value = str(seed)
        self.action_generate(seed=seed)

    def action_continue(self) -> None:
        if self.last_result is None or not self.answer.text:
            self.notify("não há resposta para continuar: gere uma antes (F5)", severity="warning")
            return
        self.action_generate(prefill=self.answer.text)

    @work(thread=True, group="generate")
    def _generate_worker(self, req, cancel: threading.Event, case_id: int | None = None) -> None:
        from legalprompt.tui.streaming import stream_request

        def on_update(text, citations, prep):
            self.post_message(self.Partial(text, citations, None, len(prep.tokens) if prep else None))

        try:
            result = stream_request(self.app.engine, self.app.settings, req, cancel, on_update,
                                    prefill_spans=self._prefill_spans)
        except LegalPromptError as exc:
            self.post_message(self.Failed(exc.message))
            return
        except Exception as exc:  # show any failure in the UI instead of killing the app
            self.post_message(self.Failed(f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self.Finished(result, case_id))

    def on_draft_generation_partial(self, msg: Partial) -> None:
        if msg.n_prompt is not None:
            self.pane.title(f"Resposta — gerando… prompt de {br_int(msg.n_prompt)} tokens (Esc para parar)")
        self.pane.partial(msg.text, self._display_prefill_len, msg.citations, list(self._prefill_spans))

    def _end_generation(self) -> None:
        self.generating = False
        if self._cancel is not None:
            self.app.release_cancel(self._cancel)
        self._cancel = None
        self.schedule_count()

    def on_draft_generation_failed(self, msg: Failed) -> None:
        self._end_generation()
        self.pane.title("Resposta — erro")
        self.status.set_activity("erro")
        self.notify(msg.message, title="Geração", severity="error", timeout=12)

    def on_draft_generation_finished(self, msg: Finished) -> None:
        from legalprompt.tui.app import LastAnswer

        self._end_generation()
        r = msg.result
        if msg.case_id != self.case_id:
            return  # an answer of a case no longer on screen: it is in the history, not here
        self.last_result = r
        d = r.done
        citations = self.pane.finished(r, self._display_prefill_len, list(self._prefill_spans))
        self.status.set_activity(
            f"{br_num(d.timings.generation_tokens_per_s)} tokens/s · {br_int(d.usage.completion_tokens)} gerados · "
            f"prompt {br_int(d.usage.prompt_tokens)} ({br_int(d.usage.cached_prompt_tokens)} reaproveitados) · "
            f"semente {d.seed} · histórico #{r.run_id}")
        self.app.last_answer = LastAnswer(
            text=d.output, prefill=d.prefill[: self._display_prefill_len], template=r.prepared.template.name,
            model=self.app.engine.ref.name if self.app.engine else "", seed=d.seed, run_id=r.run_id,
            status=r.status, citations=citations, stop_reason=d.stop_reason, case_id=self.case_id,
            document=self.case.label)

    def show_findings(self, shape: dict | None) -> None:
        self.pane.show_findings(shape)

