"""Export dialog: the answer to .md or .docx in a folder the user sees and can change, or to the clipboard.

It says before saving what the reader must know (a cut-off answer, IMPOSSÍVEL citations) and after saving
the full path it wrote."""

from __future__ import annotations

import re
from pathlib import Path

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from legalprompt.errors import LegalPromptError
from legalprompt.tui.export import default_export_folder, export_warnings
from legalprompt.tui.recent import RecentDocuments


def suggested_name(answer) -> str:
    stem = Path(answer.document).stem if getattr(answer, "document", None) else ""
    stem = re.sub(r"[^\w.-]+", "-", stem).strip("-.")[:40]
    parts = [p for p in (answer.template, stem, str(answer.run_id) if answer.run_id else "") if p]
    return "-".join(parts) or "resposta"


class ExportScreen(ModalScreen):
    BINDINGS = [Binding("escape", "dismiss", "fechar")]

    def __init__(self, answer, document_path: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.answer = answer
        self.recent = RecentDocuments.load()
        self.folder = default_export_folder(document_path, self.recent.export_folder)

    def compose(self):
        with Vertical(id="export-box"):
            yield Label("Exportar a resposta", classes="pane-title")
            warnings = export_warnings(self.answer)
            if warnings:
                yield Static(Text("\n".join(f"Atenção: {w}" for w in warnings)), id="export-warnings")
            with Horizontal(classes="export-row"):
                yield Label("Pasta", classes="field-label-short")
                yield Input(value=str(self.folder), id="export-folder", compact=True)
                yield Button("Escolher…", id="export-choose", compact=True)
            with Horizontal(classes="export-row"):
                yield Label("Nome", classes="field-label-short")
                yield Input(value=suggested_name(self.answer), id="export-path", compact=True)
            with Horizontal(id="export-buttons"):
                yield Button("Salvar .md", id="export-md", variant="primary", compact=True)
                yield Button("Salvar .docx", id="export-docx", compact=True)
                yield Button("Copiar", id="export-copy", compact=True)
                yield Button("Fechar", id="export-close", compact=True)
            yield Label("", id="export-result")

    def target(self) -> Path:
        """Folder + name; a name with its own folder (absolute, or ~) is taken as it is."""
        name = Path(self.query_one("#export-path", Input).value.strip()).expanduser()
        if name.is_absolute():
            return name
        return Path(self.query_one("#export-folder", Input).value.strip() or ".").expanduser() / name

    @on(Button.Pressed, "#export-md")
    @on(Button.Pressed, "#export-docx")
    def _save(self, event: Button.Pressed) -> None:
        from legalprompt.tui.export import write_docx, write_markdown

        if not self.query_one("#export-path", Input).value.strip():
            self.notify("escreva o nome do arquivo", severity="warning")
            return
        write = write_markdown if event.button.id == "export-md" else write_docx
        try:
            target = write(self.target(), self.answer)
        except LegalPromptError as exc:
            self.query_one("#export-result", Label).update(Text(exc.message, style="bold red"))
            return
        self.recent.export_folder = str(target.parent.resolve())
        self.recent.save()
        self.query_one("#export-result", Label).update(Text(f"salvo em {target.resolve()}"))

    @on(Button.Pressed, "#export-copy")
    def _copy(self) -> None:
        from legalprompt.tui.clipboard import copy_text

        self.query_one("#export-result", Label).update(Text(copy_text(self.app, self.answer.text)))

    @on(Button.Pressed, "#export-choose")
    def _choose(self) -> None:
        from legalprompt.tui.screens.choose_folder import ChooseFolderScreen

        start = Path(self.query_one("#export-folder", Input).value.strip() or str(self.folder)).expanduser()
        self.app.push_screen(ChooseFolderScreen(start), self._folder_chosen)

    def _folder_chosen(self, folder: Path | None) -> None:
        if folder is not None:
            self.query_one("#export-folder", Input).value = str(folder)

    @on(Button.Pressed, "#export-close")
    def _close(self) -> None:
        self.dismiss()
