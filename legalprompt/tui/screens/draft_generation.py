"""Redação's generation: F5, Esc, ctrl+r, ctrl+t, the streaming worker and what the answer pane shows.

Part of DraftScreen (screens/draft.py). The worker runs tui/streaming.py; an answer that comes back for a
case no longer on screen goes to the history only."""

from __future__ import annotations

import threading

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
    _answer_document: str | None = None  # the document text of the last request

    class Partial(Message):
        def __init__(self, update):
            super().__init__()
            self.update = update  # a tui.streaming.StreamUpdate

    class Finished(Message):
        def __init__(self, result, case_id: int | None = None):
            super().__init__()
            self.result, self.case_id = result, case_id

    class Failed(Message):
        def __init__(self, message: str):
            super().__init__()
            self.message = message

    class Died(Message):
        """The engine process ended mid-request (signal, crash, out of memory): the partial answer is kept."""

        def __init__(self, message: str, partial: str, run_id: int | None, case_id: int | None = None):
            super().__init__()
            self.message, self.partial, self.run_id, self.case_id = message, partial, run_id, case_id

    # -- generation -------------------------------------------------------------------------------
    def action_generate(self, seed: int | None = None, prefill: str | None = None) -> None:
        if self.generating:
            self.notify("já está gerando; Esc para parar", severity="warning")
            return
        if self.app.drafts is None:
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
        restart = "" if self.app.drafts.alive else " (iniciando um motor novo)"
        self.pane.reset(f"Resposta — gerando…{restart} (Esc para parar)")
        self.status.set_activity("gerando" + restart)
        self._answer_document = req.document
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
        from legalprompt.engine.worker import WorkerDied
        from legalprompt.tui.streaming import stream_request

        def on_update(update):
            self.post_message(self.Partial(update))

        try:
            result = stream_request(self.app.drafts, req, cancel, on_update, prefill_spans=self._prefill_spans)
        except WorkerDied as exc:
            self.post_message(self.Died(exc.message, exc.partial, exc.run_id, case_id))
            return
        except LegalPromptError as exc:
            self.post_message(self.Failed(exc.message))
            return
        except Exception as exc:  # show any failure in the UI instead of killing the app
            self.post_message(self.Failed(f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self.Finished(result, case_id))

    def on_draft_generation_partial(self, msg: Partial) -> None:
        from legalprompt.tui.streaming import progress_label

        up = msg.update
        if not self.generating:  # a late update of a request that already ended
            return
        stopping = " · parando…" if self._cancel is not None and self._cancel.is_set() else " (Esc para parar)"
        self.pane.title(f"Resposta — {progress_label(up)}{stopping}")
        if up.text != self.answer.text or up.citations is not None:
            self.pane.partial(up.text, self._display_prefill_len, up.citations, list(self._prefill_spans))

    def on_draft_generation_died(self, msg: Died) -> None:
        """The engine died: keep everything on screen (the partial answer too) and say what happened."""
        from legalprompt.tui.app import LastAnswer

        self._end_generation()
        self.notify(msg.message, title="O motor parou", severity="error", timeout=30)
        if msg.case_id != self.case_id:
            return  # another case is on screen now; the partial answer is in the history
        self.last_result = None
        if msg.partial:
            self.pane.partial(msg.partial, self._display_prefill_len, None, list(self._prefill_spans))
        self.pane.title("Resposta — o motor parou; resposta parcial guardada no histórico (F5 gera de novo)")
        self.status.set_activity("motor parou" + (f" · histórico #{msg.run_id} (interrompida)" if msg.run_id else ""))
        if msg.partial:
            self.app.last_answer = LastAnswer(
                text=msg.partial, prefill=msg.partial[: self._display_prefill_len], template=self.template_name(),
                model=self.app.drafts.info.get("name", "") if self.app.drafts else "", seed=None,
                run_id=msg.run_id, status="interrupted", citations=list(self.answer.citations),
                stop_reason="cancelled", case_id=self.case_id, document=self.case.label,
                document_text=self._answer_document)

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
        first = (f" · primeiro token em {br_num(d.timings.time_to_first_token_s)} s"
                 if d.usage.completion_tokens else "")
        self.status.set_activity(
            f"{br_num(d.timings.generation_tokens_per_s)} tokens/s · {br_int(d.usage.completion_tokens)} gerados · "
            f"prompt {br_int(d.usage.prompt_tokens)} ({br_int(d.usage.cached_prompt_tokens)} reaproveitados){first} · "
            f"semente {d.seed} · histórico #{r.run_id}")
        self.app.last_answer = LastAnswer(
            text=d.output, prefill=d.prefill[: self._display_prefill_len], template=r.template,
            model=self.app.drafts.info.get("name", "") if self.app.drafts else "", seed=d.seed, run_id=r.run_id,
            status=r.status, citations=citations, stop_reason=d.stop_reason, case_id=self.case_id,
            document=self.case.label, document_text=self._answer_document)

    def show_findings(self, shape: dict | None) -> None:
        self.pane.show_findings(shape)

