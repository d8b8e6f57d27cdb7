"""The path of one drafting request, shared by the CLI, the TUI, batch and compare:
template + document + prefill -> prompt tokens -> streamed answer -> citation flags -> history.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from legalprompt.config import Settings
from legalprompt.engine.events import DoneEvent, TextEvent
from legalprompt.engine.llama_engine import Engine
from legalprompt.engine.params import SamplingParams
from legalprompt.engine.prompt import BuiltPrompt
from legalprompt.errors import LegalPromptError, UserInputError
from legalprompt.store.history import History
from legalprompt.techniques.templates import PromptTemplate, load_template

CITATION_MODES = ("anchored", "free")
_SAVE_EVERY_S = 1.0  # partial output is written to the history this often while generating


@dataclass
class DraftRequest:
    template: str
    document: str
    document_label: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    prefill: str | None = None  # None: the template's; "": none
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    command: str = "run"
    check_citations: bool = True
    citation_mode: str | None = None  # "anchored" | "free"; None: the template's (anchored by default)


@dataclass
class PreparedDraft:
    request: DraftRequest
    template: PromptTemplate
    user_text: str
    prefill: str
    prompt: BuiltPrompt
    tokens: list[int]
    params: SamplingParams
    citation_mode: str = "free"
    allowed: Any = None        # legalprompt.citations.anchor.AllowedCitations when anchored
    guard: Any = None          # the CitationGuard of the last stream (its `refusals` count)


@dataclass
class DraftResult:
    done: DoneEvent
    run_id: int | None
    status: str
    citations: dict | None
    shape_ok: bool | None
    prepared: PreparedDraft

    @property
    def output(self) -> str:
        return self.done.output


def sampling_for(template: PromptTemplate, settings: Settings, req: DraftRequest) -> SamplingParams:
    """Defaults < template's sampling < settings (config file, env, flags) < this request."""
    p = SamplingParams()
    t = template.meta.sampling
    for name in ("temperature", "top_p", "top_k", "repeat_penalty", "max_tokens"):
        v = getattr(t, name)
        if v is not None:
            setattr(p, name, v)
    p.stop = list(t.stop)
    for name in ("temperature", "top_p", "max_tokens"):
        for src in (getattr(settings, name), getattr(req, name)):
            if src is not None:
                setattr(p, name, src)
    seed = req.seed if req.seed is not None else settings.seed
    p.seed = seed if seed is not None else secrets.randbelow(2**31)
    p.validate()
    return p


class Drafter:
    def __init__(self, engine: Engine, settings: Settings, history: History | None = None):
        self.engine = engine
        self.settings = settings
        self.history = history
        self._model_sha: str | None = None
        self._allowed: dict[str, Any] = {}   # document sha256 -> AllowedCitations (built once per document)

    def model_sha256(self) -> str:
        if self._model_sha is None:
            from legalprompt.engine.models import sha256_cached

            self._model_sha = sha256_cached(self.engine.ref.path)
        return self._model_sha

    def prepare(self, req: DraftRequest) -> PreparedDraft:
        if not req.document.strip():
            raise UserInputError("o documento está vazio: passe um arquivo com texto ou cole o texto")
        template = load_template(req.template)
        inputs = {template.meta.document_input: req.document, **req.inputs}
        user_text = template.render(inputs)
        prefill = template.render_prefill(inputs, req.prefill)
        params = sampling_for(template, self.settings, req)
        prompt = self.engine.build_prompt(user_text, prefill, template.meta.system)
        tokens = self.engine.prompt_tokens(prompt)
        self.engine.check_fits(len(tokens), params.max_tokens)
        mode = req.citation_mode or template.meta.citations
        if mode not in CITATION_MODES:
            raise UserInputError(f"modo de citações desconhecido: {mode!r} (use {' ou '.join(CITATION_MODES)})")
        allowed = self.allowed_citations(req.document) if mode == "anchored" else None
        return PreparedDraft(req, template, user_text, prefill, prompt, tokens, params, mode, allowed)

    def allowed_citations(self, document: str):
        """The citations an anchored draft of `document` may write, built once per document."""
        import hashlib

        from legalprompt.citations.anchor import AllowedCitations

        key = hashlib.sha256(document.encode("utf-8", "surrogatepass")).hexdigest()
        if key not in self._allowed:
            if len(self._allowed) >= 8:
                self._allowed.pop(next(iter(self._allowed)))
            self._allowed[key] = AllowedCitations([document])
        return self._allowed[key]

    def stream(self, prep: PreparedDraft, cancel: threading.Event | None = None) -> Iterator[TextEvent | DraftResult]:
        """Yield text events, then one DraftResult. The history row is written before generation
        starts and kept current, so a cancelled, failed or killed run keeps its partial answer."""
        req = prep.request
        run_id = None
        if self.history is not None:
            run_id = self.history.start_run(
                command=req.command, template=prep.template.name, template_sha=prep.template.sha256,
                document=req.document_label, prefill=prep.prefill, prompt=prep.prompt.text,
                params={k: v for k, v in prep.params.__dict__.items()}, seed=prep.params.seed,
                model_name=self.engine.ref.name, model_sha256=self.model_sha256(),
                citation_mode=prep.citation_mode)
        partial = prep.prefill
        last_save = time.monotonic()
        try:
            done: DoneEvent | None = None
            guard = None
            if prep.allowed is not None:
                from legalprompt.citations.anchor import CitationGuard

                guard = prep.guard = CitationGuard(prep.allowed)
            for ev in self.engine.generate(prep.tokens, prep.params, cancel, prefill=prep.prefill, guard=guard):
                if isinstance(ev, TextEvent):
                    partial += ev.text
                    if run_id is not None and time.monotonic() - last_save > _SAVE_EVERY_S:
                        self.history.update_output(run_id, partial)
                        last_save = time.monotonic()
                    yield ev
                else:
                    done = ev
            assert done is not None
        except BaseException as exc:  # Ctrl+C, a closed generator, or a failure: keep what we have
            if run_id is not None:
                cancelled = isinstance(exc, (KeyboardInterrupt, GeneratorExit))
                self.history.finish_run(run_id, status="cancelled" if cancelled else "error", output=partial,
                                        error=None if cancelled else _error_text(exc))
            raise
        citations = self.check_citations(done.output, req.document) if req.check_citations else None
        shape_ok = prep.template.check_output(done.output)
        status = "cancelled" if done.stop_reason == "cancelled" else "ok"
        if run_id is not None:
            self.history.finish_run(run_id, status=status, output=done.output, usage=done.usage.__dict__,
                                    timings=done.timings.__dict__,
                                    citations=citations["citations"] if citations else None)
        yield DraftResult(done, run_id, status, citations, shape_ok, prep)

    def run(self, req: DraftRequest, cancel: threading.Event | None = None) -> DraftResult:
        result = None
        for ev in self.stream(self.prepare(req), cancel):
            if isinstance(ev, DraftResult):
                result = ev
        assert result is not None
        return result

    @staticmethod
    def check_citations(output: str, source: str) -> dict | None:
        from legalprompt.citations import check_text

        return check_text(output, sources=[source]).to_dict()


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, LegalPromptError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"
