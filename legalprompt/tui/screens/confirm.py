"""A yes/no question that must be answered before anything happens (not a toast that scrolls away)."""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from legalprompt.termsafe import safe_label, term_safe


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True for `yes`, False for `no` or Esc."""

    BINDINGS = [Binding("escape", "no", "cancelar")]

    def __init__(self, title: str, question: str, yes: str, no: str = "Cancelar", **kwargs):
        super().__init__(**kwargs)
        self.title_text, self.question, self.yes, self.no = title, question, yes, no

    def compose(self):
        with Vertical(id="confirm-box"):
            yield Label(safe_label(self.title_text), classes="pane-title")
            yield Label(term_safe(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(self.no, id="confirm-no", variant="primary")
                yield Button(self.yes, id="confirm-yes", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()  # the safe answer is the default

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def action_no(self) -> None:
        self.dismiss(False)
