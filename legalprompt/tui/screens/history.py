"""Histórico: the runs stored in the history database, searchable; open one, re-run it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Button, DataTable, Input, Label, Static

from legalprompt.errors import LegalPromptError
from legalprompt.citations.labels import verdict_label
from legalprompt.store.history import STATUS_LABELS
from legalprompt.termsafe import safe_label, term_safe
from legalprompt.tui.screens.base import BaseScreen
from legalprompt.tui.screens.confirm import ConfirmScreen

class HistoryScreen(BaseScreen):
    MODE = "historico"
    BINDINGS = [
        Binding("f5", "rerun", "rodar de novo", priority=True),
        Binding("ctrl+f", "focus_search", "buscar", priority=True),
    ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.records = []
        self.current = None
        self._timer: Timer | None = None

    def compose(self):
        yield self.nav()
        with Horizontal(id="history-main"):
            with Vertical(id="history-left"):
                yield Input(placeholder="buscar nas respostas, nos documentos, nos templates e nos prompts", id="history-search",
                            compact=True)
                yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            with Vertical(id="history-right"):
                yield Label("Execução", classes="pane-title", id="history-title")
                with VerticalScroll(id="history-detail-scroll"):
                    yield Static("escolha uma execução na lista", id="history-detail")
                with Horizontal(id="history-buttons"):
                    yield Button("Rodar de novo", id="history-rerun", compact=True, disabled=True)
        yield from self.bottom()

    def on_mount(self) -> None:
        t = self.query_one("#history-table", DataTable)
        t.add_column("#", key="id")
        t.add_column("data", key="date")
        t.add_column("template", key="template")
        t.add_column("situação", key="status")
        t.add_column("resposta", key="answer")
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def action_focus_search(self) -> None:
        self.query_one("#history-search", Input).focus()

    def reload(self) -> None:
        from legalprompt.store.history import History

        query = self.query_one("#history-search", Input).value.strip() or None
        try:
            h = History()
            try:
                self.records = h.search(query, limit=300)
            finally:
                h.close()
        except LegalPromptError as exc:
            self.notify(exc.message, severity="error")
            return
        t = self.query_one("#history-table", DataTable)
        t.clear()
        for r in self.records:
            preview = Text(safe_label((r.output or "").replace("\n", " ")[:60]))
            t.add_row(str(r.id), (r.started_at or "")[:16].replace("T", " "), Text(safe_label(r.template or r.command)),
                      STATUS_LABELS.get(r.status, r.status), preview, key=str(r.id))
        self.query_one("#history-title", Label).update(
            f"Execução — {len(self.records)} no histórico" + (f" com '{query}'" if query else ""))
        if self.records:
            self.show_record(self.records[0])

    @on(Input.Changed, "#history-search")
    def _search_changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.3, self.reload)

    @on(DataTable.RowHighlighted, "#history-table")
    def _row(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key else None
        for r in self.records:
            if str(r.id) == key:
                self.show_record(r)
                break

    def show_record(self, r) -> None:
        self.current = r
        t = Text()

        def section(title: str, body: str, style: str = "") -> None:
            t.append(f"{term_safe(title)}\n", style="bold underline")
            t.append(term_safe((body or "—").rstrip()) + "\n\n", style=style)

        params = {k: v for k, v in (r.params or {}).items() if k != "stop"}
        section(f"#{r.id} · {STATUS_LABELS.get(r.status, r.status)} · {r.model_name or ''} · semente {r.seed}",
                f"template: {r.template or '—'} · documento: {r.document or '—'}\n"
                f"parâmetros: {describe_params(params)}")
        section("Resposta", r.output)
        if r.citations:
            section("Citações", "\n".join(f"[{verdict_label(c.get('verdict'))}] {c.get('text')}"
                                           for c in r.citations))
        if r.inputs:
            section("Entradas do template", "\n".join(f"{k}: {v}" for k, v in r.inputs.items()))
        section("Início da resposta", r.prefill or "", style="bold")
        section("Prompt", r.prompt or "")
        if r.error:
            section("Erro", r.error, style="red")
        self.query_one("#history-detail", Static).update(t)
        self.query_one("#history-rerun", Button).disabled = False

    @on(Button.Pressed, "#history-rerun")
    def _rerun_pressed(self) -> None:
        self.action_rerun()

    def action_rerun(self) -> None:
        """Reopen the run (document, template, inputs, start of the answer, seed) in Redação and generate.
        The run's document is read in a worker thread, through the size-limited reader."""
        r = self.current
        if r is None:
            self.notify("escolha uma execução na lista", severity="warning")
            return
        draft = self.app.draft_screen
        if draft is None:
            return
        self.status.set_activity(f"lendo o documento da execução #{r.id}…")
        self._plan_rerun(r, draft.document_text())

    @work(thread=True, exclusive=True, group="rerun")
    def _plan_rerun(self, r, open_text: str) -> None:
        plan = rerun_plan(r, open_text)
        self.app.call_from_thread(self._ask_rerun, r, plan)

    def _ask_rerun(self, r, plan: "RerunPlan") -> None:
        self.status.set_activity("")
        if plan.kind == "missing":
            self.app.push_screen(ConfirmScreen(
                "Rodar de novo", f"O documento da execução #{r.id} ({r.document or 'sem nome'}) não está mais "
                "disponível e não há documento aberto na tela Redação. Abra-o lá (ctrl+o) e aperte F5.",
                yes="Entendi", no="Fechar"))
            return
        if plan.kind in ("file", "open"):
            self.app.run_worker(self._rerun(r, plan))
            return
        # Another document than the run's: a lawyer must say so, never a toast.
        self.app.push_screen(ConfirmScreen("Outro documento", plan.question, yes="Rodar no documento aberto"),
                             lambda yes: yes and self.app.run_worker(self._rerun(r, plan)))

    async def _rerun(self, r, plan: "RerunPlan") -> None:
        draft = self.app.draft_screen
        self.app.switch_mode("redacao")
        case = self.app.case
        path = str(Path(plan.path).resolve()) if plan.path else None
        if path and (case.path, case.text) != (path, plan.text):
            # the run's own file (unchanged, or changed and confirmed) becomes the case, unless it is open
            draft.set_document(plan.text, path, path)
        await draft.load_run(r)
        draft.call_after_refresh(draft.action_generate)


PARAM_NAMES = {"temperature": "criatividade", "top_p": "top-p", "top_k": "top-k", "max_tokens": "máx. tokens",
               "repeat_penalty": "penalidade de repetição", "seed": "semente"}


def describe_params(params: dict) -> str:
    """The sampling parameters in a lawyer's words, decimals with a comma."""
    parts = []
    for k, v in params.items():
        if v is None:
            continue
        if isinstance(v, float):
            v = f"{v:g}".replace(".", ",")
        parts.append(f"{PARAM_NAMES.get(k, k)} {v}")
    return " · ".join(parts) or "—"


@dataclass
class RerunPlan:
    kind: str          # "file": the run's own file, unchanged; "open": the open document is the run's;
                       # "other": only another document is at hand (ask); "missing": nothing to run on
    path: str = ""
    text: str = ""
    question: str = ""


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def rerun_plan(rec, open_text: str) -> RerunPlan:
    """Which document a rerun of `rec` would draft on, decided by the sha256 the history kept of its text."""
    from legalprompt.tui.document_loading import load_document

    for candidate in (rec.document_path, rec.document):
        if not candidate or candidate.startswith("<") or not Path(candidate).is_file():
            continue
        try:
            text = load_document(Path(candidate)).text
        except LegalPromptError:
            continue
        if rec.document_sha256 is None or _sha(text) == rec.document_sha256:
            return RerunPlan("file", candidate, text)
        return RerunPlan("other", candidate, text, (
            f"O arquivo {candidate} mudou desde a execução #{rec.id}: não é mais o mesmo texto. "
            "Rodar de novo sobre o texto atual dele?"))
    if open_text.strip() and rec.document_sha256 and _sha(open_text) == rec.document_sha256:
        return RerunPlan("open", text=open_text)
    if open_text.strip():
        return RerunPlan("other", text=open_text, question=(
            f"O documento aberto não é o da execução #{rec.id} ({rec.document or 'sem nome'}). Rodar o mesmo "
            "template, início da resposta e semente sobre o documento aberto?"))
    return RerunPlan("missing")
