"""One-line status: what the model is doing and what the screen is doing."""

from __future__ import annotations

from textual.widgets import Static

from legalprompt.termsafe import term_safe


class StatusLine(Static):
    def __init__(self, **kwargs):
        super().__init__("", **kwargs)
        self.activity = ""

    def on_mount(self) -> None:
        self.watch(self.app, "model_status", self._refresh_text, init=True)

    def _refresh_text(self, _status: str = "") -> None:
        msg = getattr(self.app, "model_message", "")
        # What the screen is doing first (tokens/s, progress), the model after: a narrow terminal cuts the end.
        self.update(term_safe(f"{self.activity}  │  {msg}" if self.activity else msg))
        self.set_class(getattr(self.app, "model_status", "") == "error", "-error")

    def set_activity(self, text: str) -> None:
        self.activity = text
        self._refresh_text()
