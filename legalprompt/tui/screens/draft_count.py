"""Redação's live token count: prompt tokens + the answer's budget against the model's context."""

from __future__ import annotations

from textual import work
from textual.timer import Timer
from textual.widgets import Static

from legalprompt.errors import LegalPromptError
from legalprompt.tui.numbers import br_int


class TokenCountMixin:
    """For DraftScreen: `schedule_count()` recounts after a pause in typing, in a worker thread."""

    _count_timer: Timer | None = None

    def schedule_count(self, delay: float = 0.4) -> None:
        if self._count_timer is not None:
            self._count_timer.stop()
        self._count_timer = self.set_timer(max(delay, 0.01), self._count_now)

    def _count_now(self) -> None:
        if self.app.engine is None or self.generating:
            return
        if not self.document_text().strip():
            self.query_one("#token-count", Static).update("contagem de tokens: abra (ctrl+o) ou cole um documento")
            return
        try:
            req = self.request()
        except LegalPromptError as exc:
            self._show_count(None, exc.message)
            return
        self._count_worker(req)

    @work(thread=True, exclusive=True, group="count")
    def _count_worker(self, req) -> None:
        from legalprompt.drafting import Drafter

        engine = self.app.engine
        if engine is None:
            return
        try:  # the drafting core's own measure: the same prompt, answer budget and fit that F5 will use
            prep = Drafter(engine, self.app.settings).measure(req)
        except LegalPromptError as exc:
            self.app.call_from_thread(self._show_count, None, exc.message)
            return
        self.app.call_from_thread(self._show_count, (prep.n_tokens, prep.answer_budget, engine.n_ctx), None)

    def _show_count(self, counts: tuple[int, int, int] | None, error: str | None) -> None:
        box = self.query_one("#token-count", Static)
        if counts is None:
            box.update(error or "")
            box.add_class("-over")
            return
        n, max_tokens, n_ctx = counts
        over = n + max_tokens > n_ctx
        box.set_class(over, "-over")
        box.update(f"prompt: {br_int(n)} tokens ({br_int(len(self.document_text()))} caracteres no documento) + "
                   f"resposta até {br_int(max_tokens)} = {br_int(n + max_tokens)} de {br_int(n_ctx)} do contexto"
                   + (" — NÃO CABE: encurte o documento (Limar) ou reduza o máximo" if over else ""))
