"""Abrir documento: a folder tree of readable documents, the recent ones, and a path field.

The document is read in a worker thread through the size-limited readers; a scanned PDF or a document over
the limit is reported here at once, and the dialog stays open to pick another. On success the dialog
closes with a `LoadedDocument` (the Redação screen starts a new case with it)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from legalprompt.errors import LegalPromptError
from legalprompt.termsafe import safe_label
from legalprompt.tui.document_loading import LoadedDocument, load_document
from legalprompt.tui.recent import RecentDocuments
from legalprompt.tui.widgets.document_tree import DocumentTree


class OpenDocumentScreen(ModalScreen[LoadedDocument | None]):
    BINDINGS = [
        Binding("escape", "cancel", "fechar", priority=True),
        Binding("ctrl+up", "parent", "pasta acima"),
    ]

    def __init__(self, start: Path | None = None, **kwargs):
        super().__init__(**kwargs)
        self.recent = RecentDocuments.load()
        self.start = start if start is not None else self.recent.start_folder(Path.cwd())
        self.loading: str | None = None

    def compose(self):
        with Vertical(id="open-box"):
            yield Label("Abrir documento (pdf, docx, txt, md, html)", classes="pane-title")
            with Horizontal(id="open-path-row"):
                yield Input(value=str(self.start), id="open-path", compact=True,
                            placeholder="pasta ou arquivo; Enter abre")
                yield Button("Pasta acima", id="open-parent", compact=True)
            with Horizontal(id="open-lists"):
                yield DocumentTree(self.start, id="open-tree")
                with Vertical(id="open-recent-box"):
                    yield Label("Recentes", classes="field-title")
                    yield OptionList(*self._recent_options(), id="open-recent")
            yield Static("Enter ou clique abre o arquivo; Esc fecha.", id="open-message")
            with Horizontal(id="open-buttons"):
                yield Button("Abrir", id="open-ok", variant="primary", compact=True)
                yield Button("Cancelar", id="open-cancel", compact=True)

    def _recent_options(self) -> list[Option]:
        docs = self.recent.existing()
        if not docs:
            return [Option("nenhum ainda", id="none", disabled=True)]
        return [Option(Text(safe_label(Path(d).name)), id=d) for d in docs]

    def on_mount(self) -> None:
        self.query_one("#open-tree", DocumentTree).focus()

    # -- choosing ---------------------------------------------------------------------------------
    @on(DirectoryTree.FileSelected, "#open-tree")
    def _file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.open_path(event.path)

    @on(DirectoryTree.DirectorySelected, "#open-tree")
    def _dir_selected(self, event: DirectoryTree.DirectorySelected) -> None:
        self.query_one("#open-path", Input).value = str(event.path)

    @on(OptionList.OptionSelected, "#open-recent")
    def _recent_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id and event.option.id != "none":
            self.open_path(Path(event.option.id))

    @on(Button.Pressed, "#open-ok")
    def _ok_pressed(self) -> None:
        """Abrir: the file highlighted in the tree, else what the path field names."""
        node = self.query_one("#open-tree", DocumentTree).cursor_node
        if node is not None and node.data is not None and Path(node.data.path).is_file():
            self.open_path(Path(node.data.path))
        else:
            self._path_submitted()

    @on(Input.Submitted, "#open-path")
    def _path_submitted(self) -> None:
        """The path field: a folder is shown in the tree, a file is opened."""
        raw = self.query_one("#open-path", Input).value.strip()
        if not raw:
            self.say("escreva o caminho de uma pasta ou de um arquivo, ou escolha na árvore", error=True)
            return
        p = Path(raw).expanduser()
        if p.is_dir():
            self.show_folder(p)
        else:
            self.open_path(p)

    def show_folder(self, folder: Path) -> None:
        tree = self.query_one("#open-tree", DocumentTree)
        tree.path = folder
        self.query_one("#open-path", Input).value = str(folder)
        self.say(f"pasta {safe_label(str(folder))}")

    def action_parent(self) -> None:
        current = Path(self.query_one("#open-tree", DocumentTree).path)
        if current.parent != current:
            self.show_folder(current.parent)

    @on(Button.Pressed, "#open-parent")
    def _parent_pressed(self) -> None:
        self.action_parent()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#open-cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)

    def say(self, message: str, error: bool = False) -> None:
        box = self.query_one("#open-message", Static)
        box.update(Text(message))
        box.set_class(error, "-error")

    # -- reading ----------------------------------------------------------------------------------
    def open_path(self, path: Path) -> None:
        self.loading = str(path)
        self.say(f"lendo {safe_label(path.name)}…")
        self._read(path)

    @work(thread=True, exclusive=True, group="open-document")
    def _read(self, path: Path) -> None:
        try:
            doc = load_document(path)
        except LegalPromptError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        self.recent.remember(doc.path)
        self.app.call_from_thread(self._done, doc)

    def _failed(self, message: str) -> None:
        self.loading = None
        self.say(message, error=True)

    def _done(self, doc: LoadedDocument) -> None:
        self.loading = None
        self.dismiss(doc)
