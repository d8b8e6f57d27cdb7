"""Pieces every screen shares: the navigation bar and the status line."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer, Static

from legalprompt.tui.widgets.status import StatusLine

NAV = [("redacao", "F2", "Redação"), ("limar", "F3", "Limar"), ("tokens", "F4", "Tokens"),
       ("comparar", "F6", "Comparar"), ("historico", "F7", "Histórico"), ("modelo", "F8", "Modelo")]


class NavBar(Static):
    """The screens as clickable tabs; the current one is highlighted."""

    def __init__(self, current: str, **kwargs):
        super().__init__("", **kwargs)
        self.current = current

    def on_mount(self) -> None:
        parts = []
        for mode, key, title in NAV:
            label = f" {key} {title} "
            if mode == self.current:
                parts.append(f"[reverse b]{label}[/]")
            else:
                parts.append(f"[@click=app.show('{mode}')]{label}[/]")
        self.update(" ".join(parts))  # no title: the six screens fit in 80 columns


class BaseScreen(Screen):
    MODE = ""

    def close_open_menu(self) -> bool:
        """Close an open dropdown (Select); True when one was open. Screens whose Esc has another job
        (stop a generation) call this first, so Esc always closes a menu before anything else."""
        from textual.widgets import Select

        for sel in self.query(Select):
            if sel.expanded:
                sel.expanded = False
                sel.focus()
                return True
        return False

    def nav(self) -> NavBar:
        return NavBar(self.MODE, id="nav")

    def bottom(self):
        yield StatusLine(id="status")
        yield Footer(compact=True)

    @property
    def status(self) -> StatusLine:
        return self.query_one("#status", StatusLine)
