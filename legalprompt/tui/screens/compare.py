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

class CompareScreen(BaseScreen):
    MODE = "comparar"
    BINDINGS = [
        Binding("f5", "compare", "comparar", priority=True),
        Binding("escape", "stop", "parar", priority=True),
    ]

    class Partial(Message):
        def __init__(self, arm: str, text: str, prefill_len: int):
            super().__init__()
            self.arm, self.text, self.prefill_len = arm, text, prefill_len

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
            yield Select([("sem e com prefill", "prefill"), ("dois templates", "templates")], value="prefill",
                         allow_blank=False, id="compare-mode", compact=True)
            yield Label("Template B", classes="field-label")
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
            a, b = "A · sem prefill", "B · com prefill"
        else:
            tb = self.query_one("#compare-template-b", Select).value
            a, b = "A · template da redação", f"B · template {tb if tb is not Select.NULL else '?'}"
        self.query_one("#compare-title-a", Label).update(a + suffix_a)
        self.query_one("#compare-title-b", Label).update(b + suffix_b)

    @on(Button.Pressed, "#compare-run")
    def _run_pressed(self) -> None:
        self.action_compare()

    def action_stop(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def action_compare(self) -> None:
        if self._cancel is not None:
            self.notify("já está comparando; Esc para parar", severity="warning")
            return
        draft = self.app.draft_screen
        if self.app.engine is None or draft is None:
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
        from legalprompt.tui.streaming import stream_request

        for arm, req in arms:
            if cancel.is_set():
                break
            state = {"prefill_len": 0}

            def on_update(text, _cits, prep, arm=arm, state=state):
                if prep is not None:
                    state["prefill_len"] = len(prep.prefill)
                self.post_message(self.Partial(arm, text, state["prefill_len"]))

            try:
                result = stream_request(self.app.engine, self.app.settings, req, cancel, on_update,
                                        check_interval=-1)
            except LegalPromptError as exc:
                self.post_message(self.Failed(exc.message))
                return
            except Exception as exc:
                self.post_message(self.Failed(f"{type(exc).__name__}: {exc}"))
                return
            self.post_message(self.ArmDone(arm, result))
        self.post_message(self.ArmDone("", None))

    def on_compare_screen_partial(self, msg: Partial) -> None:
        self.query_one(f"#compare-{msg.arm}", AnswerView).show(msg.text, msg.prefill_len)
        self._titles(" · gerando…" if msg.arm == "a" else " · concluída",
                     " · gerando…" if msg.arm == "b" else " · na fila")

    def on_compare_screen_failed(self, msg: Failed) -> None:
        self._finish()
        self.notify(msg.message, title="Comparar", severity="error", timeout=12)

    def on_compare_screen_arm_done(self, msg: ArmDone) -> None:
        if msg.arm:
            r = msg.result
            self.results[msg.arm] = r
            self.query_one(f"#compare-{msg.arm}", AnswerView).show(
                r.done.output, len(r.done.prefill), r.citations.citation_dicts() if r.citations else [])
            return
        self._finish()
        a, b = self.results.get("a"), self.results.get("b")
        if a is None or b is None:
            self._titles(" · interrompida" if a is None else "", " · interrompida")
            return
        from legalprompt.compare.diff import changed_spans, word_diff
        from legalprompt.compare.metrics import similarity

        ma, mb = changed_spans(word_diff(a.done.output, b.done.output))
        ratio = similarity(a.done.output, b.done.output)
        va, vb = self.query_one("#compare-a", AnswerView), self.query_one("#compare-b", AnswerView)
        va.show(a.done.output, len(a.done.prefill), a.citations.citation_dicts() if a.citations else [], ma, follow=False)
        vb.show(b.done.output, len(b.done.prefill), b.citations.citation_dicts() if b.citations else [], mb, follow=False)
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
