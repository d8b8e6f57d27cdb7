"""The resumable batch runner: a template over every document of a folder, with checked citations.

    opts = BatchOptions(inputs=["decisoes/"], template="resumo", out_dir=Path("resumos"))
    summary = BatchRunner(opts, settings, engine=eng, history=History()).run()    # local model
    summary = BatchRunner(opts, settings, endpoint=[(client, 4)]).run()          # OpenAI-compatible servers

For each document: DIR/<name>.md (the answer and its citation flags) and one line in
DIR/manifest.jsonl (see `manifest.py`). A document is done when the manifest has an "ok" line for
its resume key — sha256 of its bytes + template name and sha + prefill + template inputs + sampling
parameters (seed included) + model — so a second run skips it and finishes the rest.

How the work flows: each document is a small job (a generator) that asks for generations and gets
their answers back: one generation when the document fits the context; otherwise one per chunk
(map) and then combine steps (reduce) until one answer is left. The runner feeds those requests to
a backend with N slots and sends the answers back to their job:

- `_SerialBackend` (--jobs 1): the drafting core, `Drafter.prepare/stream`, exactly as `run` does;
- `_ParallelBackend` (--jobs N): `Drafter.prepare` for the prompt, `engine.parallel.ParallelDecoder`
  to decode N sequences in one context, the history written the same way;
- `_EndpointBackend` (--endpoint URL): N HTTP requests in flight (`batch.endpoint`).

Citations of the final answer are checked against the whole document (not against a chunk).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from legalprompt.batch.chunking import ChunkPlan, combine_text, group_for_reduce, split_text
from legalprompt.batch.manifest import (
    Manifest, atomic_write_text, file_sha256, job_key, plan_output_names, remove_stale_temps, resume_key,
)
from legalprompt.batch.progress import Progress, fmt_duration
from legalprompt.termsafe import safe_label
from legalprompt.errors import ContextOverflowError, DocumentError, LegalPromptError, UserInputError

_MARGIN = 16  # tokens kept free when planning chunks (tokenization at the seams is not additive)


@dataclass
class BatchOptions:
    inputs: list[str]
    template: str
    out_dir: Path
    prefill: str | None = None          # None: the template's; "": none
    template_inputs: dict[str, Any] = field(default_factory=dict)
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    seed: int | None = None             # None: settings' seed, else 0 (a batch is reproducible)
    jobs: int = 1
    check_citations: bool = True
    retry_errors: bool = False
    json: bool = False
    progress: bool = True
    citation_mode: str | None = None    # None: the template's; anchored needs the serial local backend


@dataclass
class GenOutput:
    output: str
    generated: str
    stop_reason: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0
    seconds: float = 0.0
    run_id: int | None = None
    citations: dict | None = None  # set when the drafting core already checked them (single generation)
    served_by: str | None = None  # the endpoint that generated it (--endpoint)


@dataclass
class DocResult:
    path: str
    status: str
    error: str | None = None
    output_file: str | None = None
    flagged: int = 0
    completion_tokens: int = 0
    prompt_tokens: int = 0
    resumed: bool = False  # finished in an earlier run: no new manifest line


@dataclass
class BatchSummary:
    total: int = 0
    ok: int = 0
    skipped: int = 0       # duplicates of another document's content (manifest status "skipped")
    resumed: int = 0       # done in an earlier run
    failed: int = 0
    previous_failures: int = 0
    flagged: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    elapsed_s: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # found but not read (links out, FIFOs)
    results: list[DocResult] = field(default_factory=list)
    out_dir: str = ""
    manifest: str = ""

    def to_dict(self) -> dict:
        return {"event": "summary", "total": self.total, "ok": self.ok, "skipped": self.skipped,
                "resumed": self.resumed, "failed": self.failed, "previous_failures": self.previous_failures,
                "citations_flagged": self.flagged, "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens, "elapsed_s": round(self.elapsed_s, 2),
                "docs_per_min": round(self.docs_per_min(), 2), "tokens_per_s": round(self.tokens_per_s(), 2),
                "failures": [{"path": p, "error": e} for p, e in self.failures],
                "ignored": [{"path": p, "reason": r} for p, r in self.ignored],
                "out_dir": self.out_dir, "manifest": self.manifest}

    def docs_per_min(self) -> float:
        worked = self.ok + self.failed
        return worked / self.elapsed_s * 60 if self.elapsed_s > 0 else 0.0

    def tokens_per_s(self) -> float:
        return self.completion_tokens / self.elapsed_s if self.elapsed_s > 0 else 0.0


def count_flagged(citations: dict | None) -> int:
    """Citations that need a lawyer's look: not verified, or not found in the document."""
    if not citations:
        return 0
    return sum(1 for c in citations.get("citations", [])
               if c.get("verdict") != "VERIFIED" or c.get("in_sources") is False)


# -- backends ---------------------------------------------------------------------------------------

class _Backend:
    capacity = 1
    model_name = ""
    model_id = ""
    n_ctx = 0

    def count_tokens(self, text: str) -> int: ...
    def prompt_len(self, req) -> int: ...
    def submit(self, tag: Any, req) -> None: ...
    def poll(self) -> list[tuple[Any, GenOutput | BaseException]]: ...
    def pending(self) -> int: ...
    def close(self) -> None: ...


class _LocalBase(_Backend):
    def __init__(self, engine, settings, history, on_tokens: Callable[[int], None]):
        from legalprompt.drafting import Drafter

        self.engine = engine
        self.drafter = Drafter(engine, settings, history)
        self.on_tokens = on_tokens
        self.model_name = engine.ref.name
        self.model_id = self.drafter.model_sha256()
        self.n_ctx = engine.n_ctx

    def count_tokens(self, text: str) -> int:
        return len(self.engine.tokenize(text))

    def prompt_len(self, req) -> int:
        from legalprompt.techniques.templates import load_template

        t = load_template(req.template)
        inputs = {t.meta.document_input: req.document, **req.inputs}
        prompt = self.engine.build_prompt(t.render(inputs), t.render_prefill(inputs, req.prefill), t.meta.system)
        return len(self.engine.prompt_tokens(prompt))


class _SerialBackend(_LocalBase):
    """--jobs 1: the drafting core, one request at a time, exactly the path of `run`."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self._queue: list[tuple[Any, Any]] = []

    def submit(self, tag, req) -> None:
        self._queue.append((tag, req))

    def pending(self) -> int:
        return len(self._queue)

    def poll(self):
        from legalprompt.drafting import DraftResult
        from legalprompt.engine.events import TextEvent

        tag, req = self._queue.pop(0)
        try:
            result = None
            for ev in self.drafter.stream(self.drafter.prepare(req)):
                if isinstance(ev, TextEvent):
                    self.on_tokens(len(ev.token_ids))
                elif isinstance(ev, DraftResult):
                    result = ev
            d = result.done
            return [(tag, GenOutput(d.output, d.generated, d.stop_reason, d.usage.prompt_tokens,
                                    d.usage.completion_tokens, d.usage.cached_prompt_tokens, d.timings.total_s,
                                    result.run_id, result.citations.to_dict() if result.citations else None))]
        except LegalPromptError as exc:
            return [(tag, exc)]

    def close(self) -> None:
        self._queue.clear()


class _ParallelBackend(_LocalBase):
    """--jobs N: N sequences decoded together in one llama.cpp context."""

    def __init__(self, engine, settings, history, on_tokens, jobs: int):
        super().__init__(engine, settings, history, on_tokens)
        from legalprompt.engine.parallel import ParallelDecoder

        self.capacity = jobs
        self.decoder = ParallelDecoder(engine, jobs, n_ctx_seq=engine.n_ctx)
        self._meta: dict[Any, tuple[Any, int | None]] = {}
        self._failed: list[tuple[Any, BaseException]] = []

    def submit(self, tag, req) -> None:
        from legalprompt.engine.parallel import SeqRequest

        d = self.drafter
        try:
            prep = d.prepare(req)
        except LegalPromptError as exc:
            self._failed.append((tag, exc))
            return
        run_id = d.start_record(prep)
        self._meta[tag] = (prep, run_id)
        self.decoder.submit(SeqRequest(tag, prep.tokens, prep.params, prep.prefill))

    def pending(self) -> int:
        return len(self._meta) + len(self._failed)

    def poll(self):
        from legalprompt.engine.parallel import SeqDone, SeqText

        if self._failed:
            out, self._failed = self._failed, []
            return out
        out = []
        while not out and self.decoder.has_work():
            for ev in self.decoder.step():
                if isinstance(ev, SeqText):
                    self.on_tokens(len(ev.token_ids))
                elif isinstance(ev, SeqDone):
                    prep, run_id = self._meta.pop(ev.key)
                    d = ev.done
                    citations = None
                    if prep.request.check_citations:
                        citations = self.drafter.check_citations(d.output, prep.request.document).to_dict()
                    if run_id is not None:
                        self.drafter.history.finish_run(
                            run_id, status="ok", output=d.output, usage=d.usage.__dict__,
                            timings=d.timings.__dict__, citations=citations["citations"] if citations else None)
                    out.append((ev.key, GenOutput(d.output, d.generated, d.stop_reason, d.usage.prompt_tokens,
                                                  d.usage.completion_tokens, d.usage.cached_prompt_tokens,
                                                  d.timings.total_s, run_id, citations)))
        return out

    def close(self) -> None:
        if self.drafter.history is not None:
            for prep, run_id in self._meta.values():
                if run_id is not None:
                    self.drafter.history.finish_run(run_id, status="cancelled", output=prep.prefill)
        self._meta.clear()
        self.decoder.close()


class _EndpointBackend(_Backend):
    """--endpoint URL (one or more): the prompt rendered as a plain completion frame, N requests in flight per
    server, each document sent to the server with the most free slots."""

    CHARS_PER_TOKEN = 3.0  # conservative for Portuguese (no tokenizer without a local model)

    def __init__(self, clients, settings, jobs: int, on_tokens: Callable[[int], None]):
        from legalprompt.batch.endpoint import EndpointPool

        if not isinstance(clients, list):  # one client and one slot count
            clients = [(clients, jobs)]
        self.settings = settings
        self.pool = EndpointPool(clients)
        self.capacity = self.pool.capacity
        self.on_tokens = on_tokens
        names = sorted({c.resolve_model() for c, _ in clients})
        self.model_name = " + ".join(names)
        self.model_id = "endpoint:" + "+".join(names)
        self.n_ctx = settings.n_ctx
        self._failed: list[tuple[Any, BaseException]] = []

    def count_tokens(self, text: str) -> int:
        return math.ceil(len(text.encode("utf-8")) / self.CHARS_PER_TOKEN)

    def _render(self, req) -> tuple[str, str, Any]:
        from legalprompt.drafting import sampling_for
        from legalprompt.engine.prompt import render_plain
        from legalprompt.techniques.templates import load_template

        t = load_template(req.template)
        inputs = {t.meta.document_input: req.document, **req.inputs}
        prefill = t.render_prefill(inputs, req.prefill)
        prompt = render_plain(t.meta.system, t.render(inputs), prefill)
        return prompt.text, prefill, sampling_for(t, self.settings, req)

    def prompt_len(self, req) -> int:
        return self.count_tokens(self._render(req)[0])

    def submit(self, tag, req) -> None:
        try:
            text, prefill, params = self._render(req)
        except LegalPromptError as exc:
            self._failed.append((tag, exc))
            return
        self.pool.submit((tag, prefill), text, params)

    def pending(self) -> int:
        return self.pool.in_flight + len(self._failed)

    def poll(self):
        if self._failed:
            out, self._failed = self._failed, []
            return out
        out = []
        for (tag, prefill), res, server in self.pool.poll():
            if isinstance(res, BaseException):
                out.append((tag, res))
                continue
            self.on_tokens(res.completion_tokens)
            reason = {"stop": "stop", "length": "length"}.get(res.finish_reason or "", res.finish_reason or "stop")
            out.append((tag, GenOutput(prefill + res.text, res.text, reason, res.prompt_tokens,
                                       res.completion_tokens, 0, res.elapsed_s, served_by=server)))
        return out

    def close(self) -> None:
        self.pool.close()


# -- one document -----------------------------------------------------------------------------------

@dataclass
class _DocState:
    index: int
    path: Path
    key: str
    sha256: str
    output_path: Path
    text: str = ""
    t0: float = 0.0
    gen: Generator | None = None
    waiting: dict[int, GenOutput | None] = field(default_factory=dict)
    usage: dict[str, int] = field(default_factory=lambda: {"prompt_tokens": 0, "completion_tokens": 0,
                                                             "cached_prompt_tokens": 0, "generations": 0})
    plan: ChunkPlan | None = None
    served_by: set[str] = field(default_factory=set)  # endpoints that generated its parts


class BatchRunner:
    def __init__(self, opts: BatchOptions, settings, *, engine=None, endpoint=None, history=None):
        if opts.jobs < 1:
            raise UserInputError(f"--jobs deve ser 1 ou mais (recebi {opts.jobs})")
        from legalprompt.techniques.templates import load_template

        self.opts = opts
        self.settings = settings
        self.template = load_template(opts.template)
        self.template.resolve_inputs({self.template.meta.document_input: "x", **opts.template_inputs})
        from legalprompt.engine.params import choose_seed

        seed = choose_seed(opts.seed, settings.seed, fallback=0)  # 0: a batch is reproducible by default
        self.seed = seed
        self.progress: Progress | None = None
        on_tokens = self._on_tokens
        # Anchoring chooses tokens one sequence at a time, in the local engine: the batched decoder and a
        # remote server cannot, so there the template's default falls back to free (said in the history)
        # and an explicit --citations anchored is refused.
        serial_local = endpoint is None and opts.jobs == 1
        if opts.citation_mode == "anchored" and not serial_local:
            raise UserInputError("--citations anchored só funciona com o modelo local e --jobs 1; "
                                 "use --citations free para --jobs > 1 ou --endpoint")
        self.citation_mode = opts.citation_mode or (self.template.meta.citations if serial_local else "free")
        if endpoint is not None:
            self.backend: _Backend = _EndpointBackend(endpoint, settings, opts.jobs, on_tokens)
        elif opts.jobs > 1:
            self.backend = _ParallelBackend(engine, settings, history, on_tokens, opts.jobs)
        else:
            self.backend = _SerialBackend(engine, settings, history, on_tokens)
        probe = self._request("x", None)
        from legalprompt.drafting import sampling_for

        self.params = sampling_for(self.template, settings, probe)
        self.prefill = self.template.render_prefill(
            {self.template.meta.document_input: "x", **opts.template_inputs}, opts.prefill)
        self.job = job_key(template=self.template.name, template_sha=self.template.sha256,
                           prefill=self.prefill, inputs=opts.template_inputs,
                           params={k: v for k, v in self.params.__dict__.items()}, model=self.backend.model_id,
                           citation_mode=self.citation_mode)

    def _on_tokens(self, n: int) -> None:
        if self.progress is not None:
            self.progress.add_tokens(n)

    def _request(self, document: str, label: str | None, check: bool = False, path: Path | None = None):
        from legalprompt.drafting import DraftRequest

        o = self.opts
        return DraftRequest(template=o.template, document=document, document_label=label,
                            document_path=str(path.resolve()) if path is not None else None,
                            inputs=dict(o.template_inputs), prefill=o.prefill, temperature=o.temperature,
                            top_p=o.top_p, max_tokens=o.max_tokens, seed=self.seed, command="batch",
                            check_citations=check, staged=False,  # the parallel decoder has no stages
                            citation_mode=self.citation_mode)

    # -- the per-document job ----------------------------------------------------------------------
    def _job(self, st: _DocState) -> Generator[list, list[GenOutput], GenOutput]:
        """Yields lists of DraftRequests; gets their outputs back; returns the final output."""
        be = self.backend
        label = str(st.path)
        max_tokens = self.params.max_tokens
        single = self._request(st.text, label, check=self.opts.check_citations, path=st.path)
        if be.prompt_len(single) + max_tokens <= be.n_ctx:
            outs = yield [single]
            return outs[0]
        overhead = be.prompt_len(self._request("", label))
        budget = be.n_ctx - max_tokens - overhead - _MARGIN
        if budget < 64:
            raise ContextOverflowError(
                f"o contexto ({be.n_ctx} tokens) mal comporta as instruções do template ({overhead}) e a resposta "
                f"({max_tokens}): aumente --n-ctx ou reduza --max-tokens.")
        chunks = split_text(st.text, budget, be.count_tokens)
        if not chunks:
            raise DocumentError(f"{label}: o documento não tem texto. Confira se é o arquivo certo.")
        st.plan = ChunkPlan(budget=budget, chunks=[{"start": c.start, "end": c.end, "tokens": c.tokens}
                                                   for c in chunks])
        n = len(chunks)
        partials = yield [self._request(c.text, f"{label} (parte {i} de {n})", path=st.path)
                          for i, c in enumerate(chunks, 1)]
        last = partials
        texts = [p.output for p in partials]
        while len(texts) > 1:
            groups = group_for_reduce(texts, budget, be.count_tokens)
            if len(groups) >= len(texts):
                raise ContextOverflowError(
                    "as respostas parciais não cabem juntas no contexto para serem combinadas: "
                    "reduza --max-tokens ou aumente --n-ctx.")
            st.plan.reduce_levels += 1
            reqs = [self._request(combine_text(g), f"{label} (combinação {st.plan.reduce_levels})", path=st.path)
                    for g in groups]
            last = yield reqs
            texts = [p.output for p in last]
        return last[0]

    # -- driving -----------------------------------------------------------------------------------
    def run(self) -> BatchSummary:
        from legalprompt.documents import iter_documents

        o = self.opts
        t_start = time.monotonic()
        skipped: list[tuple[Path, str]] = []
        paths = list(iter_documents(o.inputs, skipped))
        out_dir = o.out_dir
        try:
            from legalprompt.private import make_private_dir

            make_private_dir(out_dir)
        except OSError as exc:
            raise UserInputError(f"não foi possível criar a pasta de saída {out_dir} ({exc.strerror or exc}).") from None
        remove_stale_temps(out_dir)
        manifest = Manifest.open(out_dir)
        # Only files this batch wrote are left out of the inputs (the lawyer's own .md beside them is not).
        ours = manifest.output_files()
        paths = [p for p in paths if str(p.resolve()) not in ours]
        names = plan_output_names(paths, out_dir, ours)
        summary = BatchSummary(total=len(paths), out_dir=str(out_dir), manifest=str(manifest.path))
        self.progress = Progress(len(paths), json_mode=o.json, enabled=o.progress)
        for p, why in skipped:
            summary.ignored.append((str(p), why))
            self.progress.warn(str(p), f"ignorado: {why}")
        seen_ok_by_path: set[tuple[str, str]] = {
            (e.get("abs_path"), e.get("key")) for e in manifest.entries if e.get("status") in ("ok", "skipped")}
        errors_by_path = {(e.get("abs_path"), e.get("key")): e for e in manifest.entries if e.get("status") == "error"}
        ok_by_key = {e["key"]: e for e in manifest.entries if e.get("status") == "ok" and e.get("key")}

        todo: list[_DocState] = []
        first_by_key: dict[str, _DocState] = {}
        duplicates: list[tuple[_DocState, _DocState]] = []
        for i, p in enumerate(paths):
            absp = str(p.resolve())
            try:
                sha = file_sha256(p)
            except (OSError, DocumentError) as exc:
                why = exc.message if isinstance(exc, DocumentError) else (
                    f"{p}: não foi possível ler o arquivo ({exc.strerror or exc}).")
                sha = ""
                key = resume_key("unreadable:" + absp, self.job)
                if (absp, key) in errors_by_path and not o.retry_errors:
                    self._previous_failure(summary, p, errors_by_path[(absp, key)])
                    continue
                st = _DocState(i, p, key, sha, names[p])
                self._record(manifest, summary, st, "error", error=why)
                continue
            key = resume_key(sha, self.job)
            st = _DocState(i, p, key, sha, names[p])
            if (absp, key) in seen_ok_by_path:
                summary.resumed += 1
                summary.results.append(DocResult(str(p), "ok", output_file=manifest.by_key.get(key, {}).get(
                    "output_file"), resumed=True))
                self.progress.document(str(p), "ok", worked=False)
                continue
            if key in ok_by_key:  # same content already summarised (another path, or a moved file)
                self._record_duplicate(manifest, summary, st, ok_by_key[key])
                continue
            if (absp, key) in errors_by_path and not o.retry_errors:
                self._previous_failure(summary, p, errors_by_path[(absp, key)])
                continue
            if key in first_by_key:
                duplicates.append((st, first_by_key[key]))
                continue
            first_by_key[key] = st
            todo.append(st)

        try:
            self._drive(todo, manifest, summary)
            for st, orig in duplicates:
                entry = manifest.last_ok(orig.key)
                if entry is not None:
                    self._record_duplicate(manifest, summary, st, entry)
                else:
                    why = (manifest.last(orig.key) or {}).get("error") or "falhou"
                    self._record(manifest, summary, st, "error",
                                 error=f"mesmo conteúdo de {orig.path}, que falhou: {why}")
        finally:
            self.backend.close()
            manifest.close()
            self.progress.finish()
        summary.elapsed_s = time.monotonic() - t_start
        return summary

    def _drive(self, todo: list[_DocState], manifest: Manifest, summary: BatchSummary) -> None:
        from legalprompt.documents import read_document
        from legalprompt.documents.limits import check_document_size

        be = self.backend
        queue = list(todo)
        active: dict[int, _DocState] = {}
        next_tag = 0
        tags: dict[int, tuple[int, int]] = {}  # tag -> (doc index, position in the job's request list)
        want = max(1, be.capacity)

        def advance(st: _DocState, answers: list[GenOutput] | None) -> None:
            nonlocal next_tag
            try:
                reqs = st.gen.send(answers)
            except StopIteration as stop:
                self._finish_ok(manifest, summary, st, stop.value)
                del active[st.index]
                return
            except LegalPromptError as exc:
                self._record(manifest, summary, st, "error", error=exc.message)
                del active[st.index]
                return
            st.waiting = {}
            for pos, req in enumerate(reqs):
                tags[next_tag] = (st.index, pos)
                st.waiting[pos] = None
                be.submit(next_tag, req)
                next_tag += 1

        while queue or active:
            # Start documents while the backend has free slots (requests in flight < slots).
            while queue and be.pending() < want:
                st = queue.pop(0)
                try:
                    doc = read_document(st.path)
                    check_document_size(doc.text, str(st.path))
                except LegalPromptError as exc:
                    self._record(manifest, summary, st, "error", error=exc.message)
                    continue
                st.text = doc.text
                st.t0 = time.monotonic()
                st.gen = self._job(st)
                active[st.index] = st
                advance(st, None)
            if not active:
                continue
            for tag, res in be.poll():
                idx, pos = tags.pop(tag)
                st = active.get(idx)
                if st is None:
                    continue  # its document already failed
                if isinstance(res, BaseException):
                    if not isinstance(res, LegalPromptError):
                        raise res
                    self._record(manifest, summary, st, "error", error=res.message)
                    del active[idx]
                    continue
                st.waiting[pos] = res
                if res.served_by:
                    st.served_by.add(res.served_by)
                for k in ("prompt_tokens", "completion_tokens", "cached_prompt_tokens"):
                    st.usage[k] += getattr(res, k)
                st.usage["generations"] += 1
                if all(v is not None for v in st.waiting.values()):
                    advance(st, [st.waiting[i] for i in range(len(st.waiting))])

    # -- results -----------------------------------------------------------------------------------
    def _finish_ok(self, manifest: Manifest, summary: BatchSummary, st: _DocState, final: GenOutput) -> None:
        citations = final.citations if (st.plan is None and final.citations is not None) else None
        if self.opts.check_citations and citations is None:
            from legalprompt.drafting import Drafter

            citations = Drafter.check_citations(final.output, st.text).to_dict()
        flagged = count_flagged(citations)
        shape = self.template.shape_verdict(final.output, sources=[st.text])  # same verdict as run/compare/history
        atomic_write_text(st.output_path, self._render_output(st, final, citations, shape))
        seconds = time.monotonic() - st.t0
        timings = {"total_s": round(seconds, 3),
                   "generation_tokens_per_s": round(st.usage["completion_tokens"] / seconds, 2) if seconds else 0.0}
        self._record(manifest, summary, st, "ok", final=final, citations=citations, timings=timings, shape=shape)
        summary.flagged += flagged
        summary.results[-1].flagged = flagged

    def _render_output(self, st: _DocState, final: GenOutput, citations: dict | None,
                       shape: dict | None = None) -> str:
        from legalprompt.citations.labels import VERDICT_LABELS

        lines = [f"# {self.template.name} — {st.path.name}", "",
                 f"- Documento: `{st.path}` (sha256 {st.sha256[:12]}…)",
                 f"- Modelo: {self.backend.model_name} · template: {self.template.name} · semente {self.seed} · "
                 f"{st.usage['completion_tokens']} tokens gerados"]
        if st.plan is not None:
            lines.append(f"- Documento longo: dividido em {len(st.plan.chunks)} partes de até {st.plan.budget} "
                         f"tokens, resumidas e depois combinadas ({st.plan.reduce_levels} etapa(s) de combinação)")
        if final.stop_reason == "length":
            lines.append("- Atenção: a resposta atingiu o limite de tokens (--max-tokens) e pode estar cortada")
        lines += ["", final.output.strip(), ""]
        if shape is not None:
            lines += ["## Formato", "", "Formato esperado: ok." if shape["ok"] else "Formato esperado: não."]
            for f in shape.get("findings", []):
                where = f"linha {f['line']}: " if f.get("line") else ""
                lines.append(f"- {where}{f['message']} [{f['code']}]")
            lines.append("")
        lines += ["## Citações", ""]
        cits = (citations or {}).get("citations", [])
        if not self.opts.check_citations:
            lines.append("Verificação de citações desligada (--no-check).")
        elif not cits:
            lines.append("Nenhuma citação encontrada na resposta.")
        for i, c in enumerate(cits, 1):
            tag = VERDICT_LABELS.get(c.get("verdict"), c.get("verdict"))
            src = "" if c.get("in_sources") is None else (" · está no documento" if c["in_sources"]
                                                          else " · NÃO está no documento")
            lines.append(f"{i}. [{tag}{src}] {c.get('text')}")
            for r in c.get("reasons", []):
                lines.append(f"   - {r.get('message')}")
        return "\n".join(lines) + "\n"

    def _entry(self, st: _DocState, status: str, **kw) -> dict:
        final: GenOutput | None = kw.get("final")
        return {
            "path": str(st.path), "abs_path": str(st.path.resolve()), "sha256": st.sha256 or None,
            "status": status, "error": kw.get("error"),
            "output_file": str(st.output_path) if status == "ok" else kw.get("output_file"),
            "template": self.template.name, "template_sha256": self.template.sha256, "prefill": self.prefill,
            "model": self.backend.model_name, "key": st.key,
            "params": {k: v for k, v in self.params.__dict__.items()},
            "usage": dict(st.usage) if final is not None else None,
            "timings": kw.get("timings"),
            "citations": (kw.get("citations") or {}).get("citations") if status == "ok" else None,
            "stop_reason": final.stop_reason if final is not None else None,
            "chunks": st.plan.to_dict() if st.plan is not None else None,
            **({"endpoints": sorted(st.served_by)} if st.served_by else {}),
            "shape": kw.get("shape"),
            **({"duplicate_of": kw["duplicate_of"]} if kw.get("duplicate_of") else {}),
        }

    def _record(self, manifest: Manifest, summary: BatchSummary, st: _DocState, status: str, **kw) -> None:
        manifest.append(self._entry(st, status, **kw))
        res = DocResult(str(st.path), status, kw.get("error"),
                        str(st.output_path) if status == "ok" else kw.get("output_file"))
        if status == "ok":
            summary.ok += 1
            res.completion_tokens = st.usage["completion_tokens"]
            res.prompt_tokens = st.usage["prompt_tokens"]
            summary.completion_tokens += res.completion_tokens
            summary.prompt_tokens += res.prompt_tokens
        elif status == "skipped":
            summary.skipped += 1
        else:
            summary.failed += 1
            summary.failures.append((str(st.path), kw.get("error") or ""))
        summary.results.append(res)
        self.progress.document(str(st.path), status, worked=status != "skipped", error=kw.get("error"))

    def _record_duplicate(self, manifest, summary, st: _DocState, original: dict) -> None:
        self._record(manifest, summary, st, "skipped", output_file=original.get("output_file"),
                     duplicate_of=original.get("path"))

    def _previous_failure(self, summary: BatchSummary, path: Path, entry: dict) -> None:
        summary.previous_failures += 1
        summary.failures.append((str(path), (entry.get("error") or "") + " (execução anterior)"))
        summary.results.append(DocResult(str(path), "error", entry.get("error"), resumed=True))
        self.progress.document(str(path), "error", worked=False, error=entry.get("error"))


def format_summary(s: BatchSummary) -> str:
    """The final table, in pt-BR."""
    rows = [
        ("Documentos", str(s.total)),
        ("Resumidos agora (ok)", str(s.ok)),
        ("Já feitos antes (retomada)", str(s.resumed)),
        ("Pulados (conteúdo repetido)", str(s.skipped)),
        ("Com erro", str(s.failed + s.previous_failures)),
        ("Citações sinalizadas", str(s.flagged)),
        ("Tokens (prompt / gerados)", f"{s.prompt_tokens} / {s.completion_tokens}"),
        ("Tempo", fmt_duration(s.elapsed_s)),
        ("Velocidade", f"{s.docs_per_min():.1f} documentos/min · {s.tokens_per_s():.1f} tokens/s"),
    ]
    w = max(len(k) for k, _ in rows)
    out = [f"{k.ljust(w)}  {v}" for k, v in rows]
    if s.failures:
        out.append("")
        out.append("Falhas:")
        out += [f"  - {safe_label(p)}: {safe_label(e)}" for p, e in s.failures]
    if s.ignored:
        out += ["", "Ignorados (não lidos):"] + [f"  - {safe_label(p)}: {r}" for p, r in s.ignored]
    out.append("")
    out.append(f"Saída em {safe_label(s.out_dir)} · manifesto {safe_label(s.manifest)}")
    return "\n".join(out)


__all__ = ["BatchOptions", "BatchRunner", "BatchSummary", "format_summary", "count_flagged"]
