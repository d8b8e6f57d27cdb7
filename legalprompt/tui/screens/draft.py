"""Redação: one case (a document) + template, its inputs and the start of the answer -> a streamed answer
with citation flags.

The case is the app's (`app.case`, see tui/case.py): opening another document starts a new case, and the
answer, citations and export of the old one leave the screen (they stay in the history). The answer side
is widgets/answer_pane.py; the live token count is screens/draft_count.py."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static, Checkbox, TextArea

from legalprompt.errors import LegalPromptError, UserInputError
from legalprompt.termsafe import safe_label
from legalprompt.tui.case import Case
from legalprompt.tui.numbers import br_int, br_num, parse_br_float
from legalprompt.tui.screens.base import BaseScreen
from legalprompt.tui.screens.draft_count import TokenCountMixin
from legalprompt.tui.widgets.answer import AnswerView
from legalprompt.tui.widgets.answer_pane import AnswerPane
from legalprompt.tui.widgets.safetext import SafeTextArea
from legalprompt.tui.widgets.template_inputs import TemplateInputs


def template_names() -> list[str]:
    from legalprompt.techniques.templates import list_templates

    return [name for name, _path, _src, tpl, err in list_templates() if tpl is not None and not err]


def _fmt_float(x: float | None) -> str:
    return "" if x is None else f"{x:g}".replace(".", ",")


class DraftScreen(TokenCountMixin, BaseScreen):
    MODE = "redacao"
    BINDINGS = [
        Binding("f5", "generate", "gerar", priority=True),
        Binding("escape", "stop", "parar", priority=True),
        # shown in F1 and the command palette; the footer keeps room for the others at 80 columns
        Binding("ctrl+r", "regenerate", "gerar de novo", priority=True, show=False),
        Binding("ctrl+t", "continue", "continuar", priority=True, show=False),
        Binding("ctrl+o", "open_document", "abrir", priority=True),
    ]

    class Partial(Message):
        def __init__(self, text: str, citations: list[dict[str, Any]] | None, prefill_len: int | None,
                     n_prompt: int | None):
            super().__init__()
            self.text, self.citations, self.prefill_len, self.n_prompt = text, citations, prefill_len, n_prompt

    class Finished(Message):
        def __init__(self, result, case_id: int | None = None):
            super().__init__()
            self.result, self.case_id = result, case_id

    class Failed(Message):
        def __init__(self, message: str):
            super().__init__()
            self.message = message

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.case_id: int | None = None  # the case the form and the answer belong to
        self._form_case: int | None = None  # the case the form was last filled for
        self._cancel: threading.Event | None = None
        self._display_prefill_len = 0
        self._prefill_spans: list[tuple[int, int]] = []  # staged titles: shown like the prefill
        self._auto_prefill: str | None = None  # the prefill as the template rendered it (not edited)
        self._templates = template_names()
        self.generating = False
        self.last_result = None

    # -- layout -----------------------------------------------------------------------------------
    def compose(self):
        yield self.nav()
        with Horizontal(id="draft-main"):
            with Vertical(id="draft-left"):
                with Horizontal(id="open-row"):
                    yield Label("Documento", classes="pane-title", id="doc-title")
                    yield Button("Abrir…", id="open", compact=True, tooltip="escolher um arquivo (ctrl+o)")
                    yield Button("Novo", id="new-case", compact=True, tooltip="novo caso: documento vazio")
                yield SafeTextArea(id="document", soft_wrap=True, show_line_numbers=False,
                                   placeholder="cole aqui o texto do documento, ou abra um arquivo (ctrl+o)")
                with Horizontal(classes="field-row"):
                    yield Label("Template", classes="field-label")
                    default = "ementa" if "ementa" in self._templates else (self._templates or [None])[0]
                    yield Select([(n, n) for n in self._templates], value=default or Select.NULL,
                                 allow_blank=default is None, prompt="escolha", id="template", compact=True)
                yield TemplateInputs(id="template-inputs")
                yield Label("Início da resposta", classes="field-title")
                yield SafeTextArea(id="prefill", soft_wrap=True, show_line_numbers=False,
                                   placeholder="vazio: o modelo começa do zero")
                with Horizontal(classes="field-row", id="params"):
                    yield Label("Criatividade", classes="field-label-short")
                    yield Input(id="temperature", compact=True, placeholder="0,3",
                                tooltip="temperatura: 0 repete sempre a mesma resposta; 1 varia muito")
                    yield Label("Máx.", classes="field-label-short")
                    yield Input(id="max-tokens", compact=True, placeholder="300", type="integer",
                                tooltip="máximo de tokens da resposta")
                    yield Label("Semente", classes="field-label-short")
                    yield Input(id="seed", compact=True, placeholder="aleatória", type="integer",
                                tooltip="a mesma semente com o mesmo pedido dá a mesma resposta")
                with Horizontal(classes="field-row", id="citation-mode-row"):
                    # anchored: a citation may only be one of the document's or a known norm's
                    yield Checkbox("Citações ancoradas no documento", value=True, id="citation-mode", compact=True,
                                   tooltip="o modelo só pode citar o que está no documento ou numa norma conhecida")
                yield Static("contagem de tokens: aguardando o modelo", id="token-count")
            yield AnswerPane(id="draft-right")
        yield from self.bottom()

    def on_mount(self) -> None:
        self.app.draft_screen = self
        self.watch(self.app, "model_status", self._model_changed, init=False)
        self.watch(self.app, "case", self._case_changed, init=True)
        doc = getattr(self.app, "initial_document", None)
        if doc:
            self.open_document(str(doc))

    def _model_changed(self, status: str) -> None:
        if status == "ready":
            self.schedule_count(0.0)

    # -- the case ---------------------------------------------------------------------------------
    def _case_changed(self, case: Case) -> None:
        """A new case: its document in the box, and nothing left of the previous one's answer."""
        if case.id == self.case_id:
            return
        self.case_id = case.id
        if self.generating:
            self.action_stop()
        box = self.query_one("#document", TextArea)
        if box.text != case.text:
            box.load_text(case.text)
        self.last_result = None
        self.app.last_answer = None
        self._prefill_spans = []
        self.pane.reset()
        self.status.set_activity("")
        self._update_doc_title()
        self._form_case = None
        self.call_later(self._defaults_for_case, case.id)

    async def _defaults_for_case(self, case_id: int) -> None:
        """A new case's form: the template's defaults, unless a history run already filled it."""
        if self._form_case == case_id or self.case_id != case_id:
            return
        self._form_case = case_id
        await self._apply_template_defaults()

    def set_document(self, text: str, label: str | None, path: str | None = None) -> None:
        """Start a new case with `text` (from the file `path`, or pasted when None)."""
        self.app.case = Case.new(text, label, path)

    @property
    def case(self) -> Case:
        return self.app.case

    # -- form -------------------------------------------------------------------------------------
    @property
    def pane(self) -> AnswerPane:
        return self.query_one(AnswerPane)

    @property
    def answer(self) -> AnswerView:
        return self.pane.answer

    @property
    def document_label(self) -> str | None:
        return self.case.label

    def template_name(self) -> str:
        v = self.query_one("#template", Select).value
        if v is Select.NULL or not v:
            raise UserInputError("escolha um template")
        return str(v)

    def document_text(self) -> str:
        return self.query_one("#document", TextArea).text

    def _from_file(self) -> bool:
        return bool(self.case.label) and self.document_text() == self.case.text

    def _update_doc_title(self) -> None:
        if self._from_file():
            label = self.case.label or ""
            name = Path(label).name if not label.startswith("<") else label
        else:
            name = "texto colado" if self.document_text().strip() else "vazio"
        self.query_one("#doc-title", Label).update(
            Text(f"Documento: {safe_label(name)}", no_wrap=True, overflow="ellipsis"))

    def template_inputs(self) -> TemplateInputs:
        return self.query_one("#template-inputs", TemplateInputs)

    def _render_prefill(self):
        from legalprompt.techniques.templates import load_template

        tpl = load_template(self.template_name())
        inputs = {tpl.meta.document_input: self.document_text() or " ",
                  **self.template_inputs().request_inputs(tpl.name)}
        return tpl, tpl.render_prefill(inputs)

    async def _apply_template_defaults(self) -> None:
        from legalprompt.techniques.templates import load_template

        try:
            tpl = load_template(self.template_name())
        except LegalPromptError as exc:
            self.notify(exc.message, severity="error")
            return
        kept = self.app.template_inputs.get(tpl.name, {})
        await self.template_inputs().set_template(tpl, kept)
        try:
            _, prefill = self._render_prefill()
        except LegalPromptError as exc:
            self.notify(exc.message, severity="error")
            return
        self._auto_prefill = prefill
        self.query_one("#prefill", TextArea).load_text(prefill)
        s = tpl.meta.sampling
        self.query_one("#temperature", Input).value = _fmt_float(s.temperature)
        self.query_one("#max-tokens", Input).value = "" if s.max_tokens is None else str(s.max_tokens)
        self.query_one("#citation-mode", Checkbox).value = tpl.meta.citations == "anchored"
        self.schedule_count()

    def request(self, *, prefill: str | None = None, seed: int | None = None, command: str = "tui"):
        from legalprompt.drafting import DraftRequest

        def num(field: str, kind, what: str):
            raw = self.query_one(f"#{field}", Input).value.strip()
            if not raw:
                return None
            try:
                return parse_br_float(raw) if kind is float else kind(raw)
            except ValueError:
                raise UserInputError(f"{what} inválido: '{raw}'. Use um número, por exemplo "
                                     f"{'0,3' if kind is float else '300'}.") from None

        temperature = num("temperature", float, "criatividade (temperatura)")
        max_tokens = num("max-tokens", int, "máximo de tokens")
        if max_tokens is not None and max_tokens < 1:
            raise UserInputError("o máximo de tokens deve ser 1 ou mais")
        if seed is None:
            seed = num("seed", int, "semente")
        from_file = self._from_file() and bool(self.case.path)
        return DraftRequest(
            template=self.template_name(), document=self.document_text(),
            document_label=self.case.label if self._from_file() else "texto colado",
            document_path=self.case.path if from_file else None,
            inputs=self.template_inputs().request_inputs(self.template_name()),
            prefill=self.query_one("#prefill", TextArea).text if prefill is None else prefill,
            temperature=temperature, max_tokens=max_tokens, seed=seed, command=command,
            staged=False if prefill is not None else None,  # continuing an answer: no titles written again
            citation_mode="anchored" if self.query_one("#citation-mode", Checkbox).value else "free")

    # -- events -----------------------------------------------------------------------------------
    @on(Select.Changed, "#template")
    async def _template_changed(self) -> None:
        await self._apply_template_defaults()

    @on(TemplateInputs.Changed)
    def _inputs_changed(self, msg: TemplateInputs.Changed) -> None:
        self.app.template_inputs[msg.template] = dict(msg.values)
        self._refresh_auto_prefill()
        self.schedule_count()

    @on(TextArea.Changed, "#document")
    def _document_changed(self) -> None:
        text = self.document_text()
        if not text.strip() and self.case.text.strip():
            # the box emptied (ctrl+a, Delete; or Limpar): whatever comes next is another case
            self.set_document("", None)
            return
        self._update_doc_title()
        self._refresh_auto_prefill()
        self.schedule_count()

    def _refresh_auto_prefill(self) -> None:
        """The start of the answer follows the template's inputs (and, for templates that infer them, the
        document) unless the user has edited it."""
        box = self.query_one("#prefill", TextArea)
        if box.text != self._auto_prefill:
            return
        try:
            _, prefill = self._render_prefill()
        except LegalPromptError:
            return
        if prefill != box.text:
            self._auto_prefill = prefill
            box.load_text(prefill)

    @on(TextArea.Changed, "#prefill")
    @on(Input.Changed, "#max-tokens")
    def _prompt_changed(self) -> None:
        self.schedule_count()

    @on(Button.Pressed, "#open")
    def _open_pressed(self) -> None:
        self.action_open_document()

    @on(Button.Pressed, "#new-case")
    def _new_pressed(self) -> None:
        self.set_document("", None)
        self.query_one("#document", TextArea).focus()

    def action_open_document(self) -> None:
        from legalprompt.tui.screens.open_document import OpenDocumentScreen

        self.app.push_screen(OpenDocumentScreen(), self._picked)

    def _picked(self, doc) -> None:
        if doc is not None:
            self.adopt_document(doc)

    def adopt_document(self, doc) -> None:
        """A document read by tui/document_loading.py becomes the new case."""
        self.set_document(doc.text, str(doc.path), str(doc.path))
        note = f"{doc.path.name}: {br_int(len(doc.text))} caracteres ({doc.format})"
        if doc.warnings:
            self.notify(note + "\n" + "\n".join(doc.warnings), title="Documento aberto", severity="warning",
                        timeout=12)
        else:
            self.notify(note, title="Documento aberto")

    @work(thread=True, exclusive=True, group="open")
    def open_document(self, path: str) -> None:
        """Read `path` (a worker thread, the size-limited reader) and make it the case."""
        from legalprompt.tui.document_loading import load_document
        from legalprompt.tui.recent import RecentDocuments

        try:
            doc = load_document(path)
        except LegalPromptError as exc:
            self.app.call_from_thread(self.notify, exc.message, title="Documento", severity="error")
            return
        RecentDocuments.load().remember(doc.path)
        self.app.call_from_thread(self.adopt_document, doc)

    # -- generation -------------------------------------------------------------------------------
    def action_generate(self, seed: int | None = None, prefill: str | None = None) -> None:
        if self.generating:
            self.notify("já está gerando; Esc para parar", severity="warning")
            return
        if self.app.engine is None:
            self.notify("o modelo ainda não está pronto (veja a linha de estado)", severity="warning")
            return
        try:
            req = self.request(seed=seed, prefill=prefill)
        except LegalPromptError as exc:
            self.notify(exc.message, severity="error")
            return
        if not req.document.strip():
            self.notify("o documento está vazio: abra um arquivo (ctrl+o) ou cole o texto", severity="error")
            return
        if prefill is None:
            self._display_prefill_len = len(req.prefill or "")
        self._cancel = threading.Event()
        self.app.register_cancel(self._cancel)
        self.generating = True
        self.answer.selected = None
        self._prefill_spans = []
        self.pane.reset("Resposta — gerando… (Esc para parar)")
        self.status.set_activity("gerando")
        self._generate_worker(req, self._cancel, self.case_id)

    def action_stop(self) -> None:
        if self.close_open_menu():
            return
        if self._cancel is not None and self.generating:
            self._cancel.set()
            self.status.set_activity("parando…")

    def action_regenerate(self) -> None:
        from legalprompt.engine.params import choose_seed

        seed = choose_seed()  # a new random seed, shown in its field
        self.query_one("#seed", Input).value = str(seed)
        self.action_generate(seed=seed)

    def action_continue(self) -> None:
        if self.last_result is None or not self.answer.text:
            self.notify("não há resposta para continuar: gere uma antes (F5)", severity="warning")
            return
        self.action_generate(prefill=self.answer.text)

    @work(thread=True, group="generate")
    def _generate_worker(self, req, cancel: threading.Event, case_id: int | None = None) -> None:
        from legalprompt.tui.streaming import stream_request

        def on_update(text, citations, prep):
            self.post_message(self.Partial(text, citations, None, len(prep.tokens) if prep else None))

        try:
            result = stream_request(self.app.engine, self.app.settings, req, cancel, on_update,
                                    prefill_spans=self._prefill_spans)
        except LegalPromptError as exc:
            self.post_message(self.Failed(exc.message))
            return
        except Exception as exc:  # show any failure in the UI instead of killing the app
            self.post_message(self.Failed(f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self.Finished(result, case_id))

    def on_draft_screen_partial(self, msg: Partial) -> None:
        if msg.n_prompt is not None:
            self.pane.title(f"Resposta — gerando… prompt de {br_int(msg.n_prompt)} tokens (Esc para parar)")
        self.pane.partial(msg.text, self._display_prefill_len, msg.citations, list(self._prefill_spans))

    def _end_generation(self) -> None:
        self.generating = False
        if self._cancel is not None:
            self.app.release_cancel(self._cancel)
        self._cancel = None
        self.schedule_count()

    def on_draft_screen_failed(self, msg: Failed) -> None:
        self._end_generation()
        self.pane.title("Resposta — erro")
        self.status.set_activity("erro")
        self.notify(msg.message, title="Geração", severity="error", timeout=12)

    def on_draft_screen_finished(self, msg: Finished) -> None:
        from legalprompt.tui.app import LastAnswer

        self._end_generation()
        r = msg.result
        if msg.case_id != self.case_id:
            return  # an answer of a case no longer on screen: it is in the history, not here
        self.last_result = r
        d = r.done
        citations = self.pane.finished(r, self._display_prefill_len, list(self._prefill_spans))
        self.status.set_activity(
            f"{br_num(d.timings.generation_tokens_per_s)} tokens/s · {br_int(d.usage.completion_tokens)} gerados · "
            f"prompt {br_int(d.usage.prompt_tokens)} ({br_int(d.usage.cached_prompt_tokens)} reaproveitados) · "
            f"semente {d.seed} · histórico #{r.run_id}")
        self.app.last_answer = LastAnswer(
            text=d.output, prefill=d.prefill[: self._display_prefill_len], template=r.prepared.template.name,
            model=self.app.engine.ref.name if self.app.engine else "", seed=d.seed, run_id=r.run_id,
            status=r.status, citations=citations, stop_reason=d.stop_reason, case_id=self.case_id,
            document=self.case.label)

    def show_findings(self, shape: dict | None) -> None:
        self.pane.show_findings(shape)

    # -- used by the Histórico screen -------------------------------------------------------------
    async def load_run(self, rec) -> None:
        """Fill the form from a history record (template, its inputs, prefill, parameters, seed)."""
        self._form_case = self.case_id
        if rec.template and rec.template in self._templates:
            sel = self.query_one("#template", Select)
            with sel.prevent(Select.Changed):
                sel.value = rec.template
            self.app.template_inputs[rec.template] = {
                k: ("sim" if v is True else "não" if v is False else str(v))
                for k, v in (getattr(rec, "inputs", None) or {}).items()}
            await self._apply_template_defaults()
        params = rec.params or {}
        self.query_one("#prefill", TextArea).load_text(rec.prefill or "")
        self.query_one("#temperature", Input).value = _fmt_float(params.get("temperature"))
        self.query_one("#max-tokens", Input).value = "" if params.get("max_tokens") is None else str(params["max_tokens"])
        self.query_one("#seed", Input).value = "" if rec.seed is None else str(rec.seed)
        self.pane.reset()
