"""Redação: document + template + prefill + parameters -> streamed answer with citation flags."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Select, Static, Switch, TextArea

from legalprompt.errors import LegalPromptError, UserInputError
from legalprompt.termsafe import safe_label
from legalprompt.tui.widgets.safetext import SafeTextArea
from legalprompt.tui.screens.base import BaseScreen
from legalprompt.tui.widgets.answer import AnswerView
from legalprompt.tui.widgets.citations import CitationsPanel

_STOP_LABEL = {"eos": "fim natural", "length": "limite de tokens", "stop": "sequência de parada",
               "cancelled": "interrompida"}


def template_names() -> list[str]:
    from legalprompt.techniques.templates import list_templates

    return [name for name, _path, _src, tpl, err in list_templates() if tpl is not None and not err]


class DraftScreen(BaseScreen):
    MODE = "redacao"
    BINDINGS = [
        Binding("f5", "generate", "gerar", priority=True),
        Binding("escape", "stop", "parar", priority=True),
        Binding("ctrl+r", "regenerate", "nova semente", priority=True),
        Binding("ctrl+t", "continue", "continuar", priority=True),
        Binding("ctrl+o", "open_focus", "abrir", priority=True),
    ]

    class Partial(Message):
        def __init__(self, text: str, citations: list[dict[str, Any]] | None, prefill_len: int | None,
                     n_prompt: int | None):
            super().__init__()
            self.text, self.citations, self.prefill_len, self.n_prompt = text, citations, prefill_len, n_prompt

    class Finished(Message):
        def __init__(self, result):
            super().__init__()
            self.result = result

    class Failed(Message):
        def __init__(self, message: str):
            super().__init__()
            self.message = message

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.document_label: str | None = None
        self._loaded_text: str | None = None
        self._cancel: threading.Event | None = None
        self._count_timer: Timer | None = None
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
                yield Label("Documento", classes="pane-title", id="doc-title")
                with Horizontal(id="open-row"):
                    yield Input(placeholder="caminho do arquivo (txt, md, pdf, docx, html)", id="doc-path",
                                compact=True)
                    yield Button("Abrir", id="open", compact=True)
                yield SafeTextArea(id="document", soft_wrap=True, show_line_numbers=False,
                                   placeholder="cole aqui o texto do documento, ou abra um arquivo acima")
                with Horizontal(classes="field-row"):
                    yield Label("Template", classes="field-label")
                    default = "ementa" if "ementa" in self._templates else (self._templates or [None])[0]
                    yield Select([(n, n) for n in self._templates], value=default or Select.NULL,
                                 allow_blank=default is None, prompt="escolha", id="template", compact=True)
                yield Label("Início da resposta (prefill)", classes="field-title")
                yield SafeTextArea(id="prefill", soft_wrap=True, show_line_numbers=False,
                                   placeholder="vazio: o modelo começa do zero")
                with Horizontal(classes="field-row", id="params"):
                    yield Label("Temp.", classes="field-label-short")
                    yield Input(id="temperature", compact=True, placeholder="0.3")
                    yield Label("Máx.", classes="field-label-short")
                    yield Input(id="max-tokens", compact=True, placeholder="300", type="integer")
                    yield Label("Semente", classes="field-label-short")
                    yield Input(id="seed", compact=True, placeholder="aleatória", type="integer")
                with Horizontal(classes="field-row", id="citation-mode-row"):
                    # anchored: a citation may only be one of the document's or a known norm's
                    yield Label("Citações ancoradas no documento", classes="field-label")
                    yield Switch(value=True, id="citation-mode")
                yield Static("contagem de tokens: aguardando o modelo", id="token-count")
            with Vertical(id="draft-right"):
                yield Label("Resposta", classes="pane-title", id="answer-title")
                yield AnswerView(placeholder="F5 gera a resposta. O início (prefill) aparece destacado; as "
                                             "citações são marcadas pelo veredito.", id="answer")
                yield Static("", id="shape-findings")
                yield CitationsPanel(id="citations")
        yield from self.bottom()

    def on_mount(self) -> None:
        self.app.draft_screen = self
        self._apply_template_defaults()
        self.watch(self.app, "model_status", self._model_changed, init=False)
        doc = getattr(self.app, "initial_document", None)
        if doc:
            self.query_one("#doc-path", Input).value = str(doc)
            self.open_document(str(doc))

    def _model_changed(self, status: str) -> None:
        if status == "ready":
            self.schedule_count(0.0)

    # -- form -------------------------------------------------------------------------------------
    @property
    def answer(self) -> AnswerView:
        return self.query_one("#answer", AnswerView)

    def template_name(self) -> str:
        v = self.query_one("#template", Select).value
        if v is Select.NULL or not v:
            raise UserInputError("escolha um template")
        return str(v)

    def document_text(self) -> str:
        return self.query_one("#document", TextArea).text

    def set_document(self, text: str, label: str | None) -> None:
        self._loaded_text = text
        self.document_label = label
        self.query_one("#document", TextArea).load_text(text)
        self._update_doc_title()
        self.schedule_count()

    def _update_doc_title(self) -> None:
        text = self.document_text()
        if self._loaded_text is not None and text == self._loaded_text and self.document_label:
            name = Path(self.document_label).name if not self.document_label.startswith("<") else self.document_label
        else:
            name = "texto colado" if text.strip() else "vazio"
        self.query_one("#doc-title", Label).update(Text(f"Documento: {safe_label(name)}"))

    def _apply_template_defaults(self) -> None:
        try:
            from legalprompt.techniques.templates import load_template

            tpl = load_template(self.template_name())
            inputs = {tpl.meta.document_input: self.document_text() or " "}
            prefill = tpl.render_prefill(inputs)
        except LegalPromptError as exc:
            self.notify(exc.message, severity="error")
            return
        self._auto_prefill = prefill
        self.query_one("#prefill", TextArea).load_text(prefill)
        s = tpl.meta.sampling
        self.query_one("#temperature", Input).value = "" if s.temperature is None else f"{s.temperature:g}"
        self.query_one("#max-tokens", Input).value = "" if s.max_tokens is None else str(s.max_tokens)
        self.query_one("#citation-mode", Switch).value = tpl.meta.citations == "anchored"
        self.schedule_count()

    def request(self, *, prefill: str | None = None, seed: int | None = None, command: str = "tui"):
        from legalprompt.drafting import DraftRequest

        def num(field: str, kind, what: str):
            raw = self.query_one(f"#{field}", Input).value.strip().replace(",", ".")
            if not raw:
                return None
            try:
                return kind(raw)
            except ValueError:
                raise UserInputError(f"{what} inválido: '{raw}'. Use um número, por exemplo "
                                     f"{'0.3' if kind is float else '300'}.") from None

        temperature = num("temperature", float, "temperatura")
        max_tokens = num("max-tokens", int, "máximo de tokens")
        if max_tokens is not None and max_tokens < 1:
            raise UserInputError("o máximo de tokens deve ser 1 ou mais")
        if seed is None:
            seed = num("seed", int, "semente")
        from_file = (self.document_text() == self._loaded_text and bool(self.document_label)
                     and not self.document_label.startswith("<") and Path(self.document_label).is_file())
        return DraftRequest(
            template=self.template_name(), document=self.document_text(),
            document_label=self.document_label if self.document_text() == self._loaded_text else "texto colado",
            document_path=str(Path(self.document_label).resolve()) if from_file else None,
            prefill=self.query_one("#prefill", TextArea).text if prefill is None else prefill,
            temperature=temperature, max_tokens=max_tokens, seed=seed, command=command,
            staged=False if prefill is not None else None,  # continuing an answer: no titles written again
            citation_mode="anchored" if self.query_one("#citation-mode", Switch).value else "free")

    # -- events -----------------------------------------------------------------------------------
    @on(Select.Changed, "#template")
    def _template_changed(self) -> None:
        self._apply_template_defaults()

    @on(TextArea.Changed, "#document")
    def _document_changed(self) -> None:
        self._update_doc_title()
        self._refresh_inferred_prefill()
        self.schedule_count()

    def _refresh_inferred_prefill(self) -> None:
        """A template that takes its inputs from the document (ementa: ramo, classe) re-renders its
        prefill when the document changes, unless the user has edited the prefill."""
        from legalprompt.techniques.templates import load_template

        box = self.query_one("#prefill", TextArea)
        try:
            tpl = load_template(self.template_name())
            if not tpl.meta.infer or box.text != self._auto_prefill:
                return
            prefill = tpl.render_prefill({tpl.meta.document_input: self.document_text() or " "})
        except LegalPromptError:
            return
        if prefill != box.text:
            self._auto_prefill = prefill
            box.load_text(prefill)

    @on(TextArea.Changed, "#prefill")
    @on(Input.Changed, "#max-tokens")
    def _prompt_changed(self) -> None:
        self.schedule_count()

    @on(Input.Submitted, "#doc-path")
    @on(Button.Pressed, "#open")
    def _open_pressed(self) -> None:
        path = self.query_one("#doc-path", Input).value.strip()
        if not path:
            self.notify("escreva o caminho do arquivo no campo ao lado de Abrir", severity="warning")
            return
        self.open_document(path)

    def action_open_focus(self) -> None:
        self.query_one("#doc-path", Input).focus()

    @work(thread=True, exclusive=True, group="open")
    def open_document(self, path: str) -> None:
        from legalprompt.documents import read_document
        from legalprompt.documents.limits import check_document_size

        p = Path(path).expanduser()
        try:
            if not p.is_file():
                raise UserInputError(f"arquivo não encontrado: {path}")
            doc = read_document(p)
            # A text area holding tens of millions of characters freezes the UI for minutes.
            check_document_size(doc.text, str(p))
        except LegalPromptError as exc:
            self.app.call_from_thread(self.notify, exc.message, title="Documento", severity="error")
            return
        self.app.call_from_thread(self.set_document, doc.text, str(p))
        self.app.call_from_thread(self.notify, f"{p.name}: {len(doc.text)} caracteres ({doc.format})",
                                  title="Documento aberto")

    # -- live token count -------------------------------------------------------------------------
    def schedule_count(self, delay: float = 0.4) -> None:
        if self._count_timer is not None:
            self._count_timer.stop()
        self._count_timer = self.set_timer(max(delay, 0.01), self._count_now)

    def _count_now(self) -> None:
        if self.app.engine is None or self.generating:
            return
        if not self.document_text().strip():
            self.query_one("#token-count", Static).update("contagem de tokens: abra ou cole um documento")
            return
        try:
            req = self.request()
        except LegalPromptError as exc:
            self._show_count(None, exc.message)
            return
        self._count_worker(req)

    @work(thread=True, exclusive=True, group="count")
    def _count_worker(self, req) -> None:
        from legalprompt.drafting import sampling_for
        from legalprompt.techniques.templates import load_template

        engine = self.app.engine
        if engine is None:
            return
        try:
            tpl = load_template(req.template)
            inputs = {tpl.meta.document_input: req.document, **req.inputs}
            prompt = engine.build_prompt(tpl.render(inputs), tpl.render_prefill(inputs, req.prefill), tpl.meta.system)
            n = len(engine.prompt_tokens(prompt))
            params = sampling_for(tpl, self.app.settings, req)
        except LegalPromptError as exc:
            self.app.call_from_thread(self._show_count, None, exc.message)
            return
        self.app.call_from_thread(self._show_count, (n, params.max_tokens, engine.n_ctx), None)

    def _show_count(self, counts: tuple[int, int, int] | None, error: str | None) -> None:
        box = self.query_one("#token-count", Static)
        if counts is None:
            box.update(error or "")
            box.add_class("-over")
            return
        n, max_tokens, n_ctx = counts
        over = n + max_tokens > n_ctx
        box.set_class(over, "-over")
        box.update(f"prompt: {n} tokens ({len(self.document_text())} caracteres no documento) + resposta até "
                   f"{max_tokens} = {n + max_tokens} de {n_ctx} do contexto"
                   + (" — NÃO CABE: encurte o documento (Limar) ou reduza o máximo" if over else ""))

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
            self.notify("o documento está vazio: abra um arquivo ou cole o texto", severity="error")
            return
        if prefill is None:
            self._display_prefill_len = len(req.prefill or "")
        self._cancel = threading.Event()
        self.app.register_cancel(self._cancel)
        self.generating = True
        self.answer.selected = None
        self.query_one("#citations", CitationsPanel).set_citations([], final=False)
        self.show_findings(None)
        self._prefill_spans = []
        self.query_one("#answer-title", Label).update("Resposta — gerando… (Esc para parar)")
        self.status.set_activity("gerando")
        self._generate_worker(req, self._cancel)

    def action_stop(self) -> None:
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
    def _generate_worker(self, req, cancel: threading.Event) -> None:
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
        self.post_message(self.Finished(result))

    def on_draft_screen_partial(self, msg: Partial) -> None:
        if msg.n_prompt is not None:
            self.query_one("#answer-title", Label).update(
                f"Resposta — gerando… prompt de {msg.n_prompt} tokens (Esc para parar)")
        citations = msg.citations if msg.citations is not None else self.answer.citations
        self.answer.show(msg.text, self._display_prefill_len, citations, prefill_spans=list(self._prefill_spans))
        if msg.citations is not None:
            self.query_one("#citations", CitationsPanel).set_citations(msg.citations, final=False)

    def _end_generation(self) -> None:
        self.generating = False
        if self._cancel is not None:
            self.app.release_cancel(self._cancel)
        self._cancel = None
        self.schedule_count()

    def on_draft_screen_failed(self, msg: Failed) -> None:
        self._end_generation()
        self.query_one("#answer-title", Label).update("Resposta — erro")
        self.status.set_activity("erro")
        self.notify(msg.message, title="Geração", severity="error", timeout=12)

    def on_draft_screen_finished(self, msg: Finished) -> None:
        from legalprompt.tui.app import LastAnswer

        self._end_generation()
        r = msg.result
        self.last_result = r
        d = r.done
        citations = r.citations.citation_dicts() if r.citations else []
        self.answer.show(d.output, self._display_prefill_len, citations, prefill_spans=list(self._prefill_spans))
        self.query_one("#citations", CitationsPanel).set_citations(citations, final=True)
        self.show_findings(r.shape)
        shape = "" if r.shape_ok is None else (" · formato ok" if r.shape_ok else " · formato inesperado")
        title = "Resposta — interrompida (parcial guardada)" if r.status == "cancelled" else "Resposta — concluída"
        mode = " · citações ancoradas" if r.prepared.citation_mode == "anchored" else " · citações livres"
        self.query_one("#answer-title", Label).update(
            f"{title} · {_STOP_LABEL.get(d.stop_reason, d.stop_reason)}{shape}{mode}")
        self.status.set_activity(
            f"{d.usage.prompt_tokens} tokens de prompt ({d.usage.cached_prompt_tokens} reaproveitados), "
            f"{d.usage.completion_tokens} gerados · {d.timings.generation_tokens_per_s:.1f} tokens/s · "
            f"semente {d.seed} · histórico #{r.run_id}")
        self.app.last_answer = LastAnswer(
            text=d.output, prefill=d.prefill[: self._display_prefill_len], template=r.prepared.template.name,
            model=self.app.engine.ref.name if self.app.engine else "", seed=d.seed, run_id=r.run_id,
            status=r.status, citations=citations)

    def show_findings(self, shape: dict | None) -> None:
        """The shape check's findings (for ementas, `legalprompt lint`'s) under the answer; hidden when none."""
        box = self.query_one("#shape-findings", Static)
        findings = (shape or {}).get("findings") or []
        if not findings:
            box.update("")
            box.display = False
            return
        from rich.text import Text

        t = Text("Formato:\n", style="bold")
        for f in findings:
            where = f"linha {f['line']}: " if f.get("line") else ""
            t.append(f"• {where}{f['message']} ", style="yellow")
            t.append(f"[{f['code']}]\n", style="dim")
        box.update(t)
        box.display = True

    def on_citations_panel_jump(self, msg: CitationsPanel.Jump) -> None:
        self.answer.jump_to(msg.index)

    # -- used by the Histórico and Limar screens ----------------------------------------------------
    def load_run(self, rec) -> None:
        """Fill the form from a history record (template, prefill, parameters, seed, document)."""
        if rec.template and rec.template in self._templates:
            sel = self.query_one("#template", Select)
            with sel.prevent(Select.Changed):
                sel.value = rec.template
        params = rec.params or {}
        self.query_one("#prefill", TextArea).load_text(rec.prefill or "")
        self.query_one("#temperature", Input).value = "" if params.get("temperature") is None else f"{params['temperature']:g}"
        self.query_one("#max-tokens", Input).value = "" if params.get("max_tokens") is None else str(params["max_tokens"])
        self.query_one("#seed", Input).value = "" if rec.seed is None else str(rec.seed)
        self.answer.clear()
        self.query_one("#citations", CitationsPanel).set_citations([], final=False)
        self.query_one("#answer-title", Label).update("Resposta")
