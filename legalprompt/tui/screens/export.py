"""Export dialog: the answer to .md or .docx, or to the clipboard (OSC 52)."""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from legalprompt.errors import LegalPromptError


class ExportScreen(ModalScreen):
    BINDINGS = [Binding("escape", "dismiss", "fechar")]

    def __init__(self, answer, **kwargs):
        super().__init__(**kwargs)
        self.answer = answer

    def compose(self):
        name = f"{self.answer.template}-{self.answer.run_id}" if self.answer.run_id else self.answer.template
        with Vertical(id="export-box"):
            yield Label("Exportar a resposta", classes="pane-title")
            yield Label("Arquivo (a extensão é ajustada ao formato):")
            yield Input(value=f"{name}.md", id="export-path")
            with Horizontal(id="export-buttons"):
                yield Button("Salvar .md", id="export-md", variant="primary")
                yield Button("Salvar .docx", id="export-docx")
                yield Button("Copiar", id="export-copy")
                yield Button("Fechar", id="export-close")
            yield Label("", id="export-result")

    @on(Button.Pressed, "#export-md")
    @on(Button.Pressed, "#export-docx")
    def _save(self, event: Button.Pressed) -> None:
        from legalprompt.tui.export import write_docx, write_markdown

        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self.notify("escreva o nome do arquivo", severity="warning")
            return
        write = write_markdown if event.button.id == "export-md" else write_docx
        try:
            target = write(path, self.answer)
        except LegalPromptError as exc:
            self.notify(exc.message, severity="error")
            return
        self.query_one("#export-result", Label).update(f"salvo em {target}")
        self.notify(f"salvo em {target}", title="Exportar")

    @on(Button.Pressed, "#export-copy")
    def _copy(self) -> None:
        self.app.copy_to_clipboard(self.answer.text)
        self.query_one("#export-result", Label).update("copiado para a área de transferência (OSC 52)")
        self.notify("resposta copiada (se o terminal aceitar OSC 52)", title="Exportar")

    @on(Button.Pressed, "#export-close")
    def _close(self) -> None:
        self.dismiss()
