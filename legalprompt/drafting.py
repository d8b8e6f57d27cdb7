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
    staged: bool | None = None  # staged priming: None = when the template declares a skeleton and a prefill is used


@dataclass
class PreparedDraft:
    request: DraftRequest
    template: PromptTemplate
    user_text: str
    prefill: str
    prompt: BuiltPrompt
    tokens: list[int]
    params: SamplingParams
    inputs: dict[str, Any] = field(default_factory=dict)
    staged: bool = False

    @property
    def skeleton_titles(self) -> list[str] | None:
        """The section titles as declared (before numbering), for the history; None when not staged."""
        if not self.staged:
            return None
        return [st.title for st in self.template.meta.skeleton.sections]


@dataclass
class DraftResult:
    done: DoneEvent
    run_id: int | None
    status: str
    citations: dict | None
    shape_ok: bool | None
    prepared: PreparedDraft
    shape: dict | None = None       # the shape check's verdict (for ementas: lint form and findings)
    skeleton: list | None = None    # staged priming: what each stage wrote


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
        staged = req.staged if req.staged is not None else (template.meta.skeleton is not None and prefill != "")
        if staged and template.meta.skeleton is None:
            raise UserInputError(f"o template '{template.name}' não declara esqueleto (skeleton:), então não há "
                                 "redação por seções; rode sem --staged")
        prompt = self.engine.build_prompt(user_text, prefill, template.meta.system)
        tokens = self.engine.prompt_tokens(prompt)
        extra = 0
        if staged:  # the titles written into the model's mouth take room in the context too
            extra = sum(len(self.engine.tokenize(template.render_text(st.title + st.close, inputs, "esqueleto", n=99)))
                        for st in [template.meta.skeleton.header, *template.meta.skeleton.sections])
        self.engine.check_fits(len(tokens), params.max_tokens + extra)
        return PreparedDraft(req, template, user_text, prefill, prompt, tokens, params, inputs, staged)

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
                **({"skeleton": prep.skeleton_titles} if prep.staged else {}))
        partial = prep.prefill
        last_save = time.monotonic()
        staged_record = None
        if prep.staged:
            from legalprompt.techniques.staging import StagedResult, staged_generate

            staged_record = StagedResult()
            events = staged_generate(self.engine, prep.template, prep.inputs, prep.user_text, prep.prefill,
                                     prep.params, cancel, staged_record)
        else:
            events = self.engine.generate(prep.tokens, prep.params, cancel, prefill=prep.prefill)
        try:
            done: DoneEvent | None = None
            for ev in events:
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
        shape = prep.template.shape_verdict(done.output, sources=[req.document])
        shape_ok = None if shape is None else shape["ok"]
        skeleton = staged_record.to_list() if staged_record is not None else None
        status = "cancelled" if done.stop_reason == "cancelled" else "ok"
        if run_id is not None:
            extra = {"shape": shape} if shape is not None else {}
            if skeleton is not None:
                extra["skeleton"] = skeleton
            self.history.finish_run(run_id, status=status, output=done.output, usage=done.usage.__dict__,
                                    timings=done.timings.__dict__,
                                    citations=citations["citations"] if citations else None, **extra)
        yield DraftResult(done, run_id, status, citations, shape_ok, prep, shape, skeleton)

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
