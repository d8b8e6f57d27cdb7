"""Redação: one case (a document) + template, its inputs and the start of the answer -> a streamed answer
with citation flags.

The screen is built from its jobs: the form (template, its inputs, the start of the answer, parameters)
here; the case (app.case: the document, opening one, what a new one clears) in draft_case.py; generation
in draft_generation.py; the live token count in draft_count.py; the answer side is widgets/answer_pane.py."""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from legalprompt.errors import LegalPromptError, UserInputError
from legalprompt.tui.numbers import parse_br_float
from legalprompt.tui.screens.draft_case import DraftCase
from legalprompt.tui.screens.draft_count import TokenCountMixin
from legalprompt.tui.screens.draft_generation import DraftGeneration
from legalprompt.tui.widgets.answer import AnswerView
from legalprompt.tui.widgets.answer_pane import AnswerPane
from legalprompt.tui.widgets.safetext import SafeTextArea
from legalprompt.tui.widgets.template_inputs import TemplateInputs


def template_names() -> list[str]:
    from legalprompt.techniques.templates import list_templates

    return [name for name, _path, _src, tpl, err in list_templates() if tpl is not None and not err]


def _fmt_float(x: float | None) -> str:
    return "" if x is None else f"{x:g}".replace(".", ",")


class DraftScreen(TokenCountMixin, DraftCase, DraftGeneration):
    MODE = "redacao"
    BINDINGS = [
        Binding("f5", "generate", "gerar", priority=True),
        Binding("escape", "stop", "parar", priority=True),
        # shown in F1 and the command palette; the footer keeps room for the others at 80 columns
        Binding("ctrl+r", "regenerate", "gerar de novo", priority=True, show=False),
        Binding("ctrl+t", "continue", "continuar", priority=True, show=False),
        Binding("ctrl+o", "open_document", "abrir", priority=True),
    ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
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

    # -- form -------------------------------------------------------------------------------------
    @property
    def pane(self) -> AnswerPane:
        return self.query_one(AnswerPane)

    @property
    def answer(self) -> AnswerView:
        return self.pane.answer

    def template_name(self) -> str:
        v = self.query_one("#template", Select).value
        if v is Select.NULL or not v:
            raise UserInputError("escolha um template")
        return str(v)

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
