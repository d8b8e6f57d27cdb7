"""F1: every shortcut, gathered from the bindings themselves (so the list cannot fall behind the keys)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

TEXT_KEYS = [("ctrl+a", "selecionar tudo"), ("ctrl+l", "limpar o campo"), ("ctrl+z / ctrl+y", "desfazer / refazer"),
             ("ctrl+x / ctrl+c / ctrl+v", "recortar / copiar / colar")]
KEY_NAMES = {"escape": "Esc", "enter": "Enter", "ctrl+up": "ctrl+↑"}


def key_name(key: str) -> str:
    return KEY_NAMES.get(key, key.upper() if key.startswith("f") and key[1:].isdigit() else key)


def _rows(bindings) -> list[tuple[str, str]]:
    out = []
    for b in bindings:
        if not isinstance(b, Binding) or not b.description or b.key in ("ctrl+c",):
            continue
        out.append((key_name(b.key), b.description))
    return out


def shortcut_sections(app) -> list[tuple[str, list[tuple[str, str]]]]:
    """(section title, [(key, what it does)]) for the whole app."""
    from legalprompt.tui.app import SCREEN_TITLES
    from legalprompt.tui.screens.choose_folder import ChooseFolderScreen
    from legalprompt.tui.screens.export import ExportScreen
    from legalprompt.tui.screens.open_document import OpenDocumentScreen

    sections = [("Em qualquer tela", _rows(type(app).BINDINGS))]
    for mode, cls in app.MODES.items():
        rows = _rows(cls.BINDINGS)
        if rows:
            sections.append((SCREEN_TITLES.get(mode, mode), rows))
    sections.append(("Abrir documento", _rows(OpenDocumentScreen.BINDINGS)))
    sections.append(("Exportar", _rows(ExportScreen.BINDINGS)))
    sections.append(("Escolher pasta", _rows(ChooseFolderScreen.BINDINGS)))
    sections.append(("Campos de texto", TEXT_KEYS))
    return sections


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape", "dismiss", "fechar", priority=True), Binding("f1", "dismiss", "fechar", priority=True)]

    def compose(self):
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for title, rows in shortcut_sections(self.app):
            table.add_row(Text(title, style="underline bold"), "")
            seen = set()
            for key, what in rows:
                if (key, what) in seen:
                    continue
                seen.add((key, what))
                table.add_row(key, what)
            table.add_row("", "")
        with Vertical(id="help-box"):
            yield Label("Atalhos (Esc fecha)", classes="pane-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(table, id="help-table")
