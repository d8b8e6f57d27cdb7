"""The path of one drafting request, shared by the CLI, the TUI, batch and compare:
template + document + prefill -> prompt tokens -> streamed answer -> citation flags -> history.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from legalprompt.citations.models import CheckReport
from legalprompt.config import Settings
from legalprompt.engine.events import DoneEvent, TextEvent
from legalprompt.engine.decoder import Decoder
from legalprompt.engine.params import SamplingParams, choose_seed
from legalprompt.engine.prompt import BuiltPrompt, continue_after_reasoning
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
    document_path: str | None = None  # the file the document was read from (absolute), for the history
    inputs: dict[str, Any] = field(default_factory=dict)
    prefill: str | None = None  # None: the template's; "": none
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    command: str = "run"
    check_citations: bool = True
    thinking: bool = False  # let a reasoning model think before the prefill (see staged_reasoning)
    staged: bool | None = None  # staged priming: None = when the template declares a skeleton and a prefill is used
    citation_mode: str | None = None  # "anchored" | "free"; None: the template's (anchored by default)
    anchor_tables: bool = False  # anchored: also allow the shipped tables' norms, not only the document's


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
    citation_mode: str = "free"
    allowed: Any = None        # legalprompt.citations.anchor.AllowedCitations when anchored
    guard: Any = None          # the CitationGuard of the last stream (its `refusals` count)
    answer_budget: int = 0     # tokens the answer may take in the context (with --thinking, twice max_tokens)
    fits: bool = True          # prompt + answer budget fit the decoder's context (see Drafter.measure)

    @property
    def n_tokens(self) -> int:
        """Prompt tokens."""
        return len(self.tokens)

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
    citations: CheckReport | None   # legalprompt.citations.CheckReport: citations and quotations, typed
    shape_ok: bool | None
    prepared: PreparedDraft
    reasoning: str | None = None  # --thinking: what the model reasoned before the prefill
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
    p.seed = choose_seed(req.seed, settings.seed)
    p.validate()
    return p


class Drafter:
    """The one route from a request to a result: prepare (prompt, tokens, fit), stream through a Decoder, then
    the citation check, the shape check and the history row. Every front end goes through here."""

    def __init__(self, decoder: Decoder, settings: Settings, history: History | None = None):
        self.decoder = decoder
        self.engine = decoder  # the older name; any Decoder, not only the in-process engine
        self.settings = settings
        self.history = history
        self._allowed: dict[str, Any] = {}   # document sha256 -> AllowedCitations (built once per document)

    def model_sha256(self) -> str:
        return self.decoder.model_id()

    def measure(self, req: DraftRequest) -> PreparedDraft:
        """The prepared request without refusing it when it does not fit (nor when the document is empty):
        `prep.n_tokens`, `prep.fits`, `prep.answer_budget`, for a token count or to plan chunks. It builds no
        citation index; stream a request prepared with `prepare`."""
        return self.prepare(req, check_fit=False)

    def prepare(self, req: DraftRequest, *, check_fit: bool = True) -> PreparedDraft:
        """Template + document -> prompt tokens and sampling parameters. Raises (pt-BR) on bad input, and
        when prompt + answer do not fit the context unless `check_fit` is False (see `measure`)."""
        if check_fit and not req.document.strip():  # measuring an empty document gives the template's overhead
            raise UserInputError("o documento está vazio: passe um arquivo com texto ou cole o texto")
        template = load_template(req.template)
        inputs = {template.meta.document_input: req.document, **req.inputs}
        user_text = template.render(inputs)
        prefill = template.render_prefill(inputs, req.prefill)
        params = sampling_for(template, self.settings, req)
        staged = req.staged if req.staged is not None else (
            template.meta.skeleton is not None and prefill != "" and not req.thinking)
        if staged and template.meta.skeleton is None:
            raise UserInputError(f"o template '{template.name}' não declara esqueleto (skeleton:), então não há "
                                 "redação por seções; rode sem --staged")
        if staged and req.thinking:
            raise UserInputError("--thinking e a redação por seções não se combinam ainda: use --no-staged com "
                                 "--thinking")
        dec = self.decoder
        prompt = dec.build_prompt(user_text, prefill, template.meta.system, thinking=req.thinking)
        params.stop = [*params.stop, *dec.turn_stops(prompt)]
        tokens = dec.prompt_tokens(prompt)
        extra = 0
        if staged:  # the titles written into the model's mouth take room in the context too
            extra = sum(len(dec.tokenize(template.render_text(st.title + st.close, inputs, "esqueleto", n=99)))
                        for st in [template.meta.skeleton.header, *template.meta.skeleton.sections])
        # With --thinking the reasoning and the answer share the context, each up to max_tokens.
        budget = params.max_tokens * (2 if prompt.thinking else 1) + extra
        if check_fit:
            dec.check_fits(len(tokens), budget)
        mode = self.citation_mode(req, template)
        allowed = (self.allowed_citations(req.document, tables=req.anchor_tables)
                   if mode == "anchored" and check_fit else None)
        return PreparedDraft(req, template, user_text, prefill, prompt, tokens, params, inputs, staged,
                             citation_mode=mode, allowed=allowed, answer_budget=budget,
                             fits=dec.fits(len(tokens), budget))

    def citation_mode(self, req: DraftRequest, template: PromptTemplate | None = None) -> str:
        """anchored or free: the request's, else the template's. A decoder that cannot steer its sampler (a
        remote server) drafts the template's default free; asked for anchored explicitly, it refuses."""
        template = template or load_template(req.template)
        mode = req.citation_mode or template.meta.citations
        if mode not in CITATION_MODES:
            raise UserInputError(f"modo de citações desconhecido: {mode!r} (use {' ou '.join(CITATION_MODES)})")
        if mode == "anchored" and not self.decoder.steers:
            if req.citation_mode == "anchored":
                raise UserInputError(
                    f"--citations anchored precisa escolher cada token, e {self.decoder.model_name} (um servidor "
                    "remoto) sorteia os seus: use --citations free com --endpoint, ou rode com o modelo local")
            mode = "free"
        if req.anchor_tables and mode != "anchored":
            raise UserInputError("as normas das tabelas só se somam às fontes com citações ancoradas "
                                 f"(o modo deste pedido é {mode!r})")
        return mode

    def allowed_citations(self, document: str, tables: bool = False):
        """The citations an anchored draft of `document` may write, built once per document: the
        document's own (and, with `tables`, the shipped tables' norms; see AllowedCitations)."""
        from legalprompt.citations.anchor import AllowedCitations

        key = hashlib.sha256(document.encode("utf-8", "surrogatepass")).hexdigest() + (":t" if tables else "")
        if key not in self._allowed:
            if len(self._allowed) >= 8:
                self._allowed.pop(next(iter(self._allowed)))
            self._allowed[key] = AllowedCitations([document], tables=tables or None)
        return self._allowed[key]

    def start_record(self, prep: PreparedDraft) -> int | None:
        """The history row of a request, written before generation starts (None without a history): what
        was asked, of which document (path and sha256 of its text), with which inputs, model and seed."""
        if self.history is None:
            return None
        req = prep.request
        return self.history.start_run(
            command=req.command, template=prep.template.name, template_sha=prep.template.sha256,
            document=req.document_label, prefill=prep.prefill, prompt=prep.prompt.text,
            params={k: v for k, v in prep.params.__dict__.items()}, seed=prep.params.seed,
            model_name=self.decoder.model_name, model_sha256=self.model_sha256(), inputs=dict(req.inputs),
            document_path=req.document_path,
            document_sha256=hashlib.sha256(req.document.encode("utf-8", "surrogatepass")).hexdigest(),
            citation_mode=prep.citation_mode, **({"skeleton": prep.skeleton_titles} if prep.staged else {}))

    def stream(self, prep: PreparedDraft, cancel: threading.Event | None = None,
               on_reasoning: Callable[[str], None] | None = None) -> Iterator[TextEvent | DraftResult]:
        """Yield text events, then one DraftResult. The history row is written before generation
        starts and kept current, so a cancelled, failed or killed run keeps its partial answer.
        With --thinking the reasoning goes to `on_reasoning` (never into the answer) and to the
        history's `reasoning` column."""
        req = prep.request
        run_id = self.start_record(prep)
        partial = prep.prefill
        reasoning: list[str] = []
        last_save = time.monotonic()
        staged_record = None
        guard = None
        if prep.citation_mode == "anchored" and prep.allowed is None:  # prepared by measure()
            prep.allowed = self.allowed_citations(req.document)
        if prep.allowed is not None:
            from legalprompt.citations.anchor import CitationGuard

            guard = prep.guard = CitationGuard(prep.allowed)
        try:
            if prep.staged:
                from legalprompt.techniques.staging import StagedResult, staged_generate

                staged_record = StagedResult()
                events = staged_generate(self.decoder, prep.template, prep.inputs, prep.user_text, prep.prefill,
                                         prep.params, cancel, staged_record, guard=guard)
            else:
                tokens = prep.tokens
                if prep.prompt.thinking:
                    tokens = staged_reasoning(self.decoder, prep, cancel, reasoning, on_reasoning)
                    if cancel is not None and cancel.is_set():
                        raise KeyboardInterrupt
                events = self.decoder.generate(tokens, prep.params, cancel, prefill=prep.prefill, guard=guard)
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
                                        error=None if cancelled else _error_text(exc),
                                        **({"reasoning": "".join(reasoning)} if reasoning else {}))
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
            if prep.prompt.thinking:
                extra["reasoning"] = "".join(reasoning).strip()
            self.history.finish_run(run_id, status=status, output=done.output, usage=done.usage.__dict__,
                                    timings=done.timings.__dict__,
                                    citations=citations.citation_dicts() if citations else None, **extra)
        yield DraftResult(done, run_id, status, citations, shape_ok, prep, shape=shape, skeleton=skeleton,
                          reasoning="".join(reasoning).strip() if prep.prompt.thinking else None)

    def run(self, req: DraftRequest, cancel: threading.Event | None = None) -> DraftResult:
        result = None
        for ev in self.stream(self.prepare(req), cancel):
            if isinstance(ev, DraftResult):
                result = ev
        assert result is not None
        return result

    def next_tokens(self, text: str, top_k: int = 10, command: str = "next") -> list:
        """The most probable next tokens after `text` (no text is generated, so there is nothing to check),
        recorded in the history like any request: the text as prompt, the candidates as output."""
        next_tokens = getattr(self.decoder, "next_tokens", None)
        if next_tokens is None:
            raise UserInputError(f"{self.decoder.model_name} não mostra os próximos tokens: use o modelo local")
        run_id = None
        if self.history is not None:
            run_id = self.history.start_run(command=command, prompt=text, params={"top_k": top_k},
                                            model_name=self.decoder.model_name, model_sha256=self.model_sha256())
        try:
            cands = next_tokens(text, top_k)
        except BaseException as exc:
            if run_id is not None:
                self.history.finish_run(run_id, status="error", output="", error=_error_text(exc))
            raise
        if run_id is not None:
            self.history.finish_run(run_id, status="ok", output="\n".join(
                f"{c.piece!r} {c.prob * 100:.2f}%" for c in cands))
        return cands

    @staticmethod
    def check_citations(output: str, source: str) -> CheckReport:
        """The citations and quotations of `output`, checked against `source` (whose index is built once
        per document and reused: the TUI checks a streaming answer every 0.5 s)."""
        from legalprompt.citations import check_text

        return check_text(output, sources=[source])


def staged_reasoning(engine: Decoder, prep: PreparedDraft, cancel: threading.Event | None,
                     sink: list[str], on_text: Callable[[str], None] | None = None) -> list[int]:
    """Staged prefill, stage 1: the prompt ends inside the template's open reasoning block; the model
    reasons until it closes the block (or ends its turn, or spends max_tokens). Its reasoning, the
    template's closing text and the prefill then make the stage-2 prompt, returned as tokens. Stage 2
    shares stage 1's prefix, so the engine evaluates only the reasoning and what follows.

    The reasoning text is appended to `sink` as it comes, so a cancelled run keeps it."""
    stage = prep.prompt
    close = stage.reasoning_close.strip()
    params = SamplingParams(**{**prep.params.__dict__, "stop": [close] if close else []})
    raw = ""
    for ev in engine.generate(prep.tokens, params, cancel, prefill="", special_text=True):
        if isinstance(ev, TextEvent):
            raw += ev.text
            sink.append(ev.text)
            if on_text is not None:
                on_text(ev.text)
    answer_prompt = continue_after_reasoning(stage, raw.rstrip("\n") if stage.reasoning_close.startswith("\n") else raw)
    tokens = engine.prompt_tokens(answer_prompt)
    engine.check_fits(len(tokens), prep.params.max_tokens)
    return tokens


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, LegalPromptError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"
