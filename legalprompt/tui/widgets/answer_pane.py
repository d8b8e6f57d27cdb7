"""The right side of Redação: the answer's title line, the answer, the shape findings and the citations."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import Label, Static

from legalprompt.tui.widgets.answer import AnswerView
from legalprompt.tui.widgets.citations import CitationsPanel

STOP_LABELS = {"eos": "fim natural", "length": "cortada no limite de tokens", "stop": "sequência de parada",
               "cancelled": "interrompida"}
PLACEHOLDER = ("F5 gera a resposta. O início da resposta aparece destacado; as citações são marcadas pelo "
               "veredito.")


def citation_dicts(report) -> list[dict[str, Any]]:
    """The citations of a result's check, whether a typed report (main's CheckReport) or its dict form."""
    if not report:
        return []
    if hasattr(report, "citation_dicts"):
        return report.citation_dicts()
    return list(report.get("citations", []))


class AnswerPane(Vertical):
    def compose(self):
        yield Label("Resposta", classes="pane-title", id="answer-title")
        yield AnswerView(placeholder=PLACEHOLDER, id="answer")
        yield Static("", id="shape-findings")
        yield CitationsPanel(id="citations")

    @property
    def answer(self) -> AnswerView:
        return self.query_one("#answer", AnswerView)

    def title(self, text: str) -> None:
        self.query_one("#answer-title", Label).update(text)

    def reset(self, title: str = "Resposta") -> None:
        """Empty answer, no citations, no findings: a new case or a new generation."""
        self.answer.clear()
        self.query_one("#citations", CitationsPanel).set_citations([], final=False)
        self.show_findings(None)
        self.title(title)

    def partial(self, text: str, prefill_len: int, citations: list[dict[str, Any]] | None,
                prefill_spans: list[tuple[int, int]]) -> None:
        shown = citations if citations is not None else self.answer.citations
        self.answer.show(text, prefill_len, shown, prefill_spans=prefill_spans)
        if citations is not None:
            self.query_one("#citations", CitationsPanel).set_citations(citations, final=False)

    def finished(self, result, prefill_len: int, prefill_spans: list[tuple[int, int]]) -> list[dict[str, Any]]:
        d = result.done
        citations = citation_dicts(result.citations)
        self.answer.show(d.output, prefill_len, citations, prefill_spans=prefill_spans)
        self.query_one("#citations", CitationsPanel).set_citations(citations, final=True)
        self.show_findings(result.shape)
        shape = "" if result.shape_ok is None else (" · formato ok" if result.shape_ok else " · formato inesperado")
        head = "Resposta — interrompida (parcial guardada)" if result.status == "cancelled" else "Resposta — concluída"
        mode = " · citações ancoradas" if result.citation_mode == "anchored" else " · citações livres"
        self.title(f"{head} · {STOP_LABELS.get(d.stop_reason, d.stop_reason)}{shape}{mode}")
        return citations

    def show_findings(self, shape: dict | None) -> None:
        """The shape check's findings (for ementas, `legalprompt lint`'s); hidden when none."""
        box = self.query_one("#shape-findings", Static)
        findings = (shape or {}).get("findings") or []
        if not findings:
            box.update("")
            box.display = False
            return
        t = Text("Formato:\n", style="bold")
        for f in findings:
            where = f"linha {f['line']}: " if f.get("line") else ""
            t.append(f"• {where}{f['message']} ", style="yellow")
            t.append(f"[{f['code']}]\n", style="dim")
        box.update(t)
        box.display = True

    def on_citations_panel_jump(self, msg: CitationsPanel.Jump) -> None:
        msg.stop()
        self.answer.jump_to(msg.index)
