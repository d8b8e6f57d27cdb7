"""Limar: the document after "limar o texto" at a chosen level, with token counts before and after."""

from __future__ import annotations

from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Select, TextArea

from pathlib import Path

from legalprompt.errors import LegalPromptError
from legalprompt.tui.numbers import br_int
from legalprompt.tui.screens.base import BaseScreen
from legalprompt.tui.widgets.safetext import SafeTextArea

LEVELS = [("leve", "light"), ("médio", "medium"), ("forte", "strong")]
LEVEL_NAMES = {value: name for name, value in LEVELS}


class LimarScreen(BaseScreen):
    MODE = "limar"
    BINDINGS = [
        Binding("f5", "limar", "limar", priority=True),
        Binding("ctrl+u", "use", "usar na redação", priority=True),
    ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.result = None
        self.case_id: int | None = None  # the case (app.case) the limado text was made from

    def compose(self):
        yield self.nav()
        with Horizontal(id="limar-controls", classes="field-row"):
            yield Label("Nível", classes="field-label-short")
            yield Select(LEVELS, value="medium", allow_blank=False, id="limar-level", compact=True)
            yield Button("Limar", id="limar-run", compact=True)
            yield Button("Usar na redação", id="limar-use", compact=True, disabled=True)
        with Horizontal(id="limar-main"):
            with Vertical():
                yield Label("Original", classes="pane-title", id="limar-before-title")
                yield SafeTextArea(id="limar-before", read_only=True, soft_wrap=True)
            with Vertical():
                yield Label("Limado", classes="pane-title", id="limar-after-title")
                yield SafeTextArea(id="limar-after", soft_wrap=True)
        yield from self.bottom()

    def on_screen_resume(self) -> None:
        """Show the Redação document; a limado text of another case (or of text edited since) goes away."""
        draft = self.app.draft_screen
        text = draft.document_text() if draft is not None else ""
        before = self.query_one("#limar-before", TextArea)
        if text != before.text or self.app.case.id != self.case_id:
            self.clear_result()
            before.load_text(text)
            self.query_one("#limar-before-title", Label).update(f"Original · {br_int(len(text))} caracteres")

    def clear_result(self) -> None:
        self.result = None
        self.case_id = None
        self.query_one("#limar-after", TextArea).load_text("")
        self.query_one("#limar-after-title", Label).update("Limado")
        self.query_one("#limar-use", Button).disabled = True

    @on(Button.Pressed, "#limar-run")
    def _run_pressed(self) -> None:
        self.action_limar()

    @on(Button.Pressed, "#limar-use")
    def _use_pressed(self) -> None:
        self.action_use()

    def action_limar(self) -> None:
        text = self.query_one("#limar-before", TextArea).text
        if not text.strip():
            self.notify("não há documento: abra ou cole um na tela Redação (F2)", severity="warning")
            return
        level = str(self.query_one("#limar-level", Select).value)
        self.status.set_activity("limando…")
        self._limar(text, level, self.app.case.id)

    @work(thread=True, exclusive=True, group="limar")
    def _limar(self, text: str, level: str, case_id: int) -> None:
        from legalprompt.techniques.limar import limar

        try:
            result = limar(text, level)
        except LegalPromptError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        engine = self.app.engine
        counts = None
        if engine is not None:
            counts = (len(engine.tokenize(text)), len(engine.tokenize(result.text)))
        self.app.call_from_thread(self._show, result, counts, case_id, text)

    def _show(self, result, counts, case_id: int, text: str) -> None:
        if case_id != self.app.case.id or text != self.query_one("#limar-before", TextArea).text:
            return  # limed from a case no longer open
        self.result = result
        self.case_id = case_id
        self.query_one("#limar-after", TextArea).load_text(result.text)
        before = self.query_one("#limar-before", TextArea).text
        if counts:
            tb, ta = counts
            cut = 100 * (1 - ta / tb) if tb else 0.0
            self.query_one("#limar-before-title", Label).update(
                f"Original · {br_int(tb)} tokens · {br_int(len(before))} caracteres")
            self.query_one("#limar-after-title", Label).update(
                f"Limado · {br_int(ta)} tokens ({cut:.0f}% a menos) · {br_int(len(result.text))} caracteres")
        else:
            self.query_one("#limar-after-title", Label).update(
                f"Limado · {br_int(len(result.text))} caracteres ({100 * (1 - result.ratio):.0f}% a menos; "
                "tokens: aguardando o modelo)")
        kept = len(result.kept_citations)
        self.status.set_activity(f"nível {LEVEL_NAMES.get(result.level, result.level)}: {kept} citações, {len(result.kept_numbers)} números e "
                                 f"{len(result.kept_negations)} negações preservadas")
        self.query_one("#limar-use", Button).disabled = False

    def action_use(self) -> None:
        """Put the limado text in Redação, as the document of its case (never of another one)."""
        text = self.query_one("#limar-after", TextArea).text
        draft = self.app.draft_screen
        if self.result is None or not text.strip() or draft is None:
            self.notify("lime o texto antes (F5)", severity="warning")
            return
        if self.case_id != self.app.case.id:
            self.clear_result()
            self.notify("o texto limado era de outro documento; lime o documento aberto (F5)", severity="warning")
            return
        name = Path(draft.document_label).name if draft.document_label else "texto"
        draft.set_document(text, f"{name} (limado, {LEVEL_NAMES.get(self.result.level, self.result.level)})")
        self.app.switch_mode("redacao")
        self.notify("texto limado posto como documento da redação", title="Limar")
