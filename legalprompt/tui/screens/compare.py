"""Comparar: two answers for the same document, side by side, streamed in turn, differences marked.

Arm A and arm B share the document, parameters and seed. Mode "prefill": A has no prefill, B has the
Redação screen's prefill. Mode "templates": A uses the Redação template, B the template chosen here."""

from __future__ import annotations

import threading
from dataclasses import replace

from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Label, Select

from legalprompt.errors import LegalPromptError
from legalprompt.tui.screens.base import BaseScreen
from legalprompt.tui.widgets.answer import AnswerView
from legalprompt.tui.widgets.answer_pane import citation_dicts

class CompareScreen(BaseScreen):
    MODE = "comparar"
    BINDINGS = [
        Binding("f5", "compare", "comparar", priority=True),
        Binding("escape", "stop", "parar", priority=True),
    ]

    class Partial(Message):
        def __init__(self, arm: str, text: str, prefill_len: int, progress: str = "gerando…"):
            super().__init__()
            self.arm, self.text, self.prefill_len, self.progress = arm, text, prefill_len, progress

    class ArmDone(Message):
        def __init__(self, arm: str, result):
            super().__init__()
            self.arm, self.result = arm, result

    class Failed(Message):
        def __init__(self, message: str):
            super().__init__()
            self.message = message

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._cancel: threading.Event | None = None
        self.results: dict[str, object] = {}

    def compose(self):
        from legalprompt.tui.screens.draft import template_names

        yield self.nav()
        with Horizontal(id="compare-controls", classes="field-row"):
            yield Label("Comparar", classes="field-label-short")
            yield Select([("sem/com início da resposta", "prefill"), ("dois templates", "templates")], value="prefill",
                         allow_blank=False, id="compare-mode", compact=True)
            yield Label("Template B", classes="field-label-short")
            names = template_names()
            yield Select([(n, n) for n in names], value="resumo" if "resumo" in names else Select.NULL,
                         allow_blank=True, prompt="escolha", id="compare-template-b", compact=True,
                         disabled=True)
            yield Button("Comparar", id="compare-run", compact=True)
        with Horizontal(id="compare-main"):
            with Vertical():
                yield Label("A", classes="pane-title", id="compare-title-a")
                yield AnswerView(placeholder="F5 gera as duas respostas, uma depois da outra, com a mesma "
                                             "semente e os parâmetros da tela Redação.", id="compare-a")
            with Vertical():
                yield Label("B", classes="pane-title", id="compare-title-b")
                yield AnswerView(id="compare-b")
        yield from self.bottom()

    def on_mount(self) -> None:
        self._titles()

    @on(Select.Changed, "#compare-mode")
    def _mode_changed(self) -> None:
        self.query_one("#compare-template-b", Select).disabled = self._mode() != "templates"
        self._titles()

    def _mode(self) -> str:
        return str(self.query_one("#compare-mode", Select).value)

    def _titles(self, suffix_a: str = "", suffix_b: str = "") -> None:
        if self._mode() == "prefill":
            a, b = "A · sem início da resposta", "B · com início da resposta"
        else:
            tb = self.query_one("#compare-template-b", Select).value
            a, b = "A · template da redação", f"B · template {tb if tb is not Select.NULL else '?'}"
        self.query_one("#compare-title-a", Label).update(a + suffix_a)
        self.query_one("#compare-title-b", Label).update(b + suffix_b)

    @on(Button.Pressed, "#compare-run")
    def _run_pressed(self) -> None:
        self.action_compare()

    def action_stop(self) -> None:
        """Esc: closes an open menu first; else the engine stops between prompt batches or tokens, or is killed
        if busy longer (see DraftWorker)."""
        if self.close_open_menu():
            return
        if self._cancel is not None and not self._cancel.is_set():
            self._cancel.set()
            self.status.set_activity("parando…")

    def action_compare(self) -> None:
        if self._cancel is not None:
            self.notify("já está comparando; Esc para parar", severity="warning")
            return
        draft = self.app.draft_screen
        if self.app.drafts is None or draft is None:
            self.notify("o modelo ainda não está pronto (veja a linha de estado)", severity="warning")
            return
        if self.app.is_generating():
            self.notify("espere a geração da tela Redação terminar", severity="warning")
            return
        try:
            base = draft.request(command="compare")
        except LegalPromptError as exc:
            self.notify(exc.message, severity="error")
            return
        if not base.document.strip():
            self.notify("abra ou cole um documento na tela Redação (F2)", severity="error")
            return
        from legalprompt.engine.params import choose_seed

        seed = choose_seed(base.seed)
        base = replace(base, seed=seed)
        if self._mode() == "prefill":
            arms = [("a", replace(base, prefill="")), ("b", base)]
        else:
            tb = self.query_one("#compare-template-b", Select).value
            if tb is Select.NULL:
                self.notify("escolha o template B", severity="warning")
                return
            arms = [("a", replace(base, prefill=None)), ("b", replace(base, template=str(tb), prefill=None))]
        self.results = {}
        for arm in ("a", "b"):
            self.query_one(f"#compare-{arm}", AnswerView).clear()
        self._titles(" · na fila", " · na fila")
        self._cancel = threading.Event()
        self.app.register_cancel(self._cancel)
        self.status.set_activity(f"comparando (semente {seed})")
        self._worker(arms, self._cancel)

    @work(thread=True, exclusive=True, group="compare")
    def _worker(self, arms, cancel: threading.Event) -> None:
        from legalprompt.tui.streaming import progress_label, stream_request

        for arm, req in arms:
            if cancel.is_set():
                break
            state = {"prefill_len": 0}

            def on_update(up, arm=arm, state=state):
                if up.prefill is not None:
                    state["prefill_len"] = len(up.prefill)
                self.post_message(self.Partial(arm, up.text, state["prefill_len"], progress_label(up)))

            try:
                result = stream_request(self.app.drafts, req, cancel, on_update, check_interval=-1)
            except LegalPromptError as exc:  # WorkerDied too: the next F5 starts a new engine
                self.post_message(self.Failed(exc.message))
                return
            except Exception as exc:
                self.post_message(self.Failed(f"{type(exc).__name__}: {exc}"))
                return
            self.post_message(self.ArmDone(arm, result))
        self.post_message(self.ArmDone("", None))

    def on_compare_screen_partial(self, msg: Partial) -> None:
        if self._cancel is None:  # a late update of a comparison that already ended
            return
        self.query_one(f"#compare-{msg.arm}", AnswerView).show(msg.text, msg.prefill_len)
        now = f" · {msg.progress}"
        self._titles(now if msg.arm == "a" else " · concluída", now if msg.arm == "b" else " · na fila")

    def on_compare_screen_failed(self, msg: Failed) -> None:
        self._finish()
        self._titles(*(" · interrompida" if arm not in self.results else "" for arm in ("a", "b")))
        self.status.set_activity("comparação interrompida: erro")
        self.notify(msg.message, title="Comparar", severity="error", timeout=30)

    def on_compare_screen_arm_done(self, msg: ArmDone) -> None:
        if msg.arm:
            r = msg.result
            self.results[msg.arm] = r
            self.query_one(f"#compare-{msg.arm}", AnswerView).show(
                r.done.output, len(r.done.prefill), citation_dicts(r.citations))
            return
        self._finish()
        a, b = self.results.get("a"), self.results.get("b")
        stopped = [arm for arm, r in (("a", a), ("b", b)) if r is None or r.status != "ok"]
        if stopped:
            self._titles(" · interrompida" if "a" in stopped else "", " · interrompida" if "b" in stopped else "")
            self.status.set_activity("comparação interrompida (Esc); as respostas parciais ficaram no histórico")
            return
        from legalprompt.compare.diff import changed_spans, word_diff
        from legalprompt.compare.metrics import similarity

        ma, mb = changed_spans(word_diff(a.done.output, b.done.output))
        ratio = similarity(a.done.output, b.done.output)
        va, vb = self.query_one("#compare-a", AnswerView), self.query_one("#compare-b", AnswerView)
        va.show(a.done.output, len(a.done.prefill), citation_dicts(a.citations), ma, follow=False)
        vb.show(b.done.output, len(b.done.prefill), citation_dicts(b.citations), mb, follow=False)
        ia = len([c for c in va.citations if c.get("verdict") == "INCONSISTENT"])
        ib = len([c for c in vb.citations if c.get("verdict") == "INCONSISTENT"])
        self._titles(f" · {a.done.usage.completion_tokens} tokens · {ia} citações impossíveis",
                     f" · {b.done.usage.completion_tokens} tokens · {ib} citações impossíveis")
        self.status.set_activity(f"semelhança de {100 * ratio:.0f}% entre as palavras · histórico "
                                 f"#{a.run_id} e #{b.run_id}")

    def _finish(self) -> None:
        if self._cancel is not None:
            self.app.release_cancel(self._cancel)
        self._cancel = None
