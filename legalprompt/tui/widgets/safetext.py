"""A TextArea whose text is always safe for the terminal.

Textual draws a TextArea's characters as they are: an ESC or a C1 control loaded from a document, or
pasted, would reach the terminal and be acted on (OSC 52 replaces the clipboard). Every way text gets
in (load_text, typing, paste, undo) goes through `load_text` or `edit`, so both make it safe."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.widgets import TextArea

from legalprompt.termsafe import term_safe


class SafeTextArea(TextArea):
    BINDINGS = [
        Binding("ctrl+a", "select_all", "selecionar tudo", show=False),
        Binding("ctrl+l", "clear_text", "limpar", show=False),
    ]

    def action_clear_text(self) -> None:
        """Empty the box (one undo step: ctrl+z brings the text back)."""
        if not self.read_only and self.text:
            self.select_all()
            self.delete(*self.selection, maintain_selection_offset=False)

    def load_text(self, text: str) -> None:
        super().load_text(term_safe(text))

    def edit(self, edit):
        if edit.text and edit.text != term_safe(edit.text):
            edit = replace(edit, text=term_safe(edit.text))
        return super().edit(edit)
