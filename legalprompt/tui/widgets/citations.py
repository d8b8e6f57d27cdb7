"""Side panel listing the answer's citations with their verdicts and reasons."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from legalprompt.citations.labels import verdict_label
from legalprompt.termsafe import term_safe
from legalprompt.tui.widgets.answer import citation_label

_TAG_STYLE = {"INCONSISTENT": "bold red", "UNVERIFIED": "yellow", "VERIFIED": "green"}


class CitationsPanel(Vertical):
    class Jump(Message):
        def __init__(self, index: int):
            super().__init__()
            self.index = index

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.citations: list[dict[str, Any]] = []

    def compose(self):
        yield Label("Citações", classes="pane-title", id="citations-title")
        yield OptionList(id="citation-list")
        yield Static("", id="citation-reasons")

    def set_citations(self, citations: list[dict[str, Any]], final: bool) -> None:
        if citations == self.citations and not final:
            return
        self.citations = list(citations)
        ol = self.query_one("#citation-list", OptionList)
        highlighted = ol.highlighted
        ol.clear_options()
        for i, c in enumerate(self.citations):
            t = Text()
            t.append(f"[{citation_label(c)}] ", style=_TAG_STYLE.get(c.get("verdict", ""), ""))
            t.append(term_safe(c.get("text", "")))
            ol.add_option(Option(t, id=f"cit-{i}"))
        n = len(self.citations)
        if n:
            counts = {}
            for c in self.citations:
                counts[c["verdict"]] = counts.get(c["verdict"], 0) + 1
            parts = [f"{counts[v]} {verdict_label(v).lower() if counts[v] == 1 else plural}" for v, plural in
                     (("INCONSISTENT", "impossíveis"), ("UNVERIFIED", "não verificadas"), ("VERIFIED", "verificadas"))
                     if counts.get(v)]
            title = f"Citações ({n}: {', '.join(parts)})"
        else:
            title = "Citações (nenhuma na resposta)" if final else "Citações"
        self.query_one("#citations-title", Label).update(title)
        if highlighted is not None and highlighted < n:
            ol.highlighted = highlighted
        self._show_reasons(ol.highlighted)

    def _show_reasons(self, index: int | None) -> None:
        box = self.query_one("#citation-reasons", Static)
        if index is None or not (0 <= index < len(self.citations)):
            box.update("")
            return
        reasons = self.citations[index].get("reasons") or []
        checks = self.citations[index].get("checks") or []
        lines = [f"• {term_safe(str(r.get('message', r.get('code', ''))))}" for r in reasons]
        if checks:
            lines.insert(0, "conferido: " + term_safe("; ".join(checks)))
        box.update(Text("\n".join(lines) or "• sem observações"))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_reasons(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Jump(event.option_index))
