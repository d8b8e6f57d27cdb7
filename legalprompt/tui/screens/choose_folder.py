"""Escolher pasta: a tree of folders only; closes with the highlighted folder (or None on Esc)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Label, Static

from legalprompt.termsafe import safe_label


class FolderTree(DirectoryTree):
    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        out = []
        for p in paths:
            try:
                if p.is_dir() and not p.name.startswith("."):
                    out.append(p)
            except OSError:
                continue
        return out


class ChooseFolderScreen(ModalScreen[Path | None]):
    BINDINGS = [Binding("escape", "cancel", "fechar", priority=True), Binding("ctrl+up", "parent", "pasta acima")]

    def __init__(self, start: Path, **kwargs):
        super().__init__(**kwargs)
        self.start = start if start.is_dir() else Path.home()

    def compose(self):
        with Vertical(id="folder-box"):
            yield Label("Escolher a pasta", classes="pane-title")
            yield FolderTree(self.start, id="folder-tree")
            yield Static(Text(safe_label(str(self.start))), id="folder-chosen")
            with Horizontal(id="folder-buttons"):
                yield Button("Usar esta pasta", id="folder-ok", variant="primary", compact=True)
                yield Button("Pasta acima", id="folder-parent", compact=True)
                yield Button("Cancelar", id="folder-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#folder-tree", FolderTree).focus()

    def chosen(self) -> Path:
        tree = self.query_one("#folder-tree", FolderTree)
        node = tree.cursor_node
        if node is not None and node.data is not None and Path(node.data.path).is_dir():
            return Path(node.data.path)
        return Path(tree.path)

    @on(DirectoryTree.NodeHighlighted, "#folder-tree")
    def _highlighted(self) -> None:
        self.query_one("#folder-chosen", Static).update(Text(safe_label(str(self.chosen()))))

    @on(Button.Pressed, "#folder-ok")
    def _ok(self) -> None:
        self.dismiss(self.chosen())

    @on(Button.Pressed, "#folder-parent")
    def action_parent(self) -> None:
        tree = self.query_one("#folder-tree", FolderTree)
        current = Path(tree.path)
        if current.parent != current:
            tree.path = current.parent
            self.query_one("#folder-chosen", Static).update(Text(safe_label(str(current.parent))))

    @on(Button.Pressed, "#folder-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
