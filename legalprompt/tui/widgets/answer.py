"""The answer pane: prefill in its own style, citations highlighted by verdict, word differences marked.

Styles come from component classes (see app.tcss), so the colours live in the stylesheet."""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from legalprompt.termsafe import term_safe
from legalprompt.citations.labels import VERDICT_LABELS

VERDICT_CLASS = {"INCONSISTENT": "answer--inconsistent", "UNVERIFIED": "answer--unverified",
                 "VERIFIED": "answer--verified"}


def citation_label(c: dict[str, Any]) -> str:
    tag = VERDICT_LABELS.get(c.get("verdict", ""), c.get("verdict", ""))
    if c.get("in_sources") is False:
        tag += " · fora do documento"
    return tag


class AnswerView(VerticalScroll, can_focus=True):
    """A scrollable, styled answer. `show()` re-renders it whole (cheap: called at most every ~80 ms)."""

    COMPONENT_CLASSES = {
        "answer--prefill", "answer--inconsistent", "answer--unverified", "answer--verified",
        "answer--not-in-sources", "answer--selected", "answer--diff", "answer--placeholder",
    }

    def __init__(self, placeholder: str = "", **kwargs):
        super().__init__(**kwargs)
        self.placeholder = placeholder
        self.text = ""
        self.prefill_len = 0
        self.prefill_spans: list[tuple[int, int]] = []  # staged section titles, written into the model's mouth
        self.citations: list[dict[str, Any]] = []
        self.selected: int | None = None
        self.marks: list[tuple[int, int]] = []
        self._body = Static(classes="answer-body")

    def compose(self):
        yield self._body

    def on_mount(self) -> None:
        self._refresh_body()

    def show(self, text: str, prefill_len: int = 0, citations: list[dict[str, Any]] | None = None,
             marks: list[tuple[int, int]] | None = None, follow: bool = True,
             prefill_spans: list[tuple[int, int]] | None = None) -> None:
        at_end = self.is_vertical_scroll_end or self.max_scroll_y == 0
        self.text = text
        self.prefill_len = min(prefill_len, len(text))
        self.prefill_spans = [(a, min(b, len(text))) for a, b in (prefill_spans or []) if a < len(text)]
        self.citations = list(citations or [])
        self.marks = list(marks or [])
        if self.selected is not None and self.selected >= len(self.citations):
            self.selected = None
        self._refresh_body()
        if follow and at_end:
            self.call_after_refresh(self.scroll_end, animate=False)

    def clear(self) -> None:
        self.selected = None
        self.show("", 0, [], [])

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def build(self) -> Text:
        """The rich Text shown: exposed so tests can check which spans carry which style."""
        if not self.text:
            return Text(self.placeholder, style=self._style("answer--placeholder"))
        t = Text(term_safe(self.text))  # same length: the citation spans still line up
        if self.prefill_len:
            t.stylize(self._style("answer--prefill"), 0, self.prefill_len)
        for a, b in self.prefill_spans:
            t.stylize(self._style("answer--prefill"), a, b)
        for a, b in self.marks:
            t.stylize(self._style("answer--diff"), a, b)
        for i, c in enumerate(self.citations):
            a, b = int(c["start"]), int(c["end"])
            if not (0 <= a < b <= len(self.text)):
                continue
            cls = VERDICT_CLASS.get(c.get("verdict", ""))
            if cls:
                t.stylize(self._style(cls), a, b)
            if c.get("in_sources") is False:
                t.stylize(self._style("answer--not-in-sources"), a, b)
            if i == self.selected:
                t.stylize(self._style("answer--selected"), a, b)
        return t

    def _refresh_body(self) -> None:
        self._body.update(self.build())

    def line_of(self, offset: int) -> int:
        """The wrapped line on which character `offset` is shown."""
        width = max(1, self.scrollable_content_region.width)
        prefix = Text(self.text[:offset])
        lines = prefix.wrap(self.app.console, width)
        if not prefix.plain or prefix.plain.endswith("\n"):
            return len(lines) if prefix.plain else 0
        return max(0, len(lines) - 1)

    def jump_to(self, index: int) -> None:
        if not (0 <= index < len(self.citations)):
            return
        self.selected = index
        self._refresh_body()
        y = self.line_of(int(self.citations[index]["start"]))
        self.call_after_refresh(self.scroll_to, y=max(0, y - 1), animate=False)
