"""The resumable batch runner: a template over every document of a folder, with checked citations.

    opts = BatchOptions(inputs=["decisoes/"], template="resumo", out_dir=Path("resumos"))
    summary = BatchRunner(opts, settings, engine=eng, history=History()).run()      # local model
    summary = BatchRunner(opts, settings, endpoint=[(client, 4)], history=h).run()  # OpenAI-compatible servers
    summary = BatchRunner(opts, settings, decoder=FakeDecoder("..."), history=h).run()  # any Decoder

For each document: DIR/<name>.md (the answer, its shape verdict and citation flags; `document_report`) and one
line in DIR/manifest.jsonl (`manifest`). A document is done when the manifest has an "ok" line for its resume
key — sha256 of its bytes + template name and sha + prefill + template inputs + sampling parameters (seed
included) + model — so a second run skips it and finishes the rest.

How the work flows: each document is a job (`document_job`) that asks for generations; this runner feeds
them to N workers (`workers`), each taking one request through the drafting core (history row, citation
check, shape check), on one decoder: the engine (--jobs 1), parallel sequences in one context (--jobs N) or
the endpoint servers (--endpoint). Citations of a chunked document's final answer are checked against the
whole document (not against a chunk).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from legalprompt.batch.document_job import DocState, document_job
from legalprompt.batch.document_report import render_output
from legalprompt.batch.manifest import (
    Manifest, atomic_write_text, file_sha256, job_key, plan_output_names, remove_stale_temps, resume_key,
)
from legalprompt.batch.progress import Progress
from legalprompt.batch.summary import BatchSummary, DocResult, count_flagged, format_summary
from legalprompt.batch.workers import DraftWorkers, GenOutput
from legalprompt.errors import DocumentError, LegalPromptError, UserInputError

_POLL_S = 0.25  # the progress line is redrawn at least this often while generations run


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
    citation_mode: str | None = None    # None: the template's (free where the decoder cannot steer)


def make_decoder(engine, endpoint, jobs: int, settings):
    """The decoder for a batch: the endpoint servers, parallel sequences (--jobs > 1) or the engine."""
    if endpoint is not None:
        from legalprompt.batch.endpoint_decoder import EndpointDecoder

        servers = endpoint if isinstance(endpoint, list) else [(endpoint, jobs)]
        return EndpointDecoder(servers, settings.n_ctx)
    if engine is None:
        raise UserInputError("batch precisa de um modelo local ou de --endpoint")
    return engine.parallel(jobs) if jobs > 1 else engine


class BatchRunner:
    def __init__(self, opts: BatchOptions, settings, *, engine=None, endpoint=None, history=None, decoder=None):
        if opts.jobs < 1:
            raise UserInputError(f"--jobs deve ser 1 ou mais (recebi {opts.jobs})")
        from legalprompt.drafting import Drafter, sampling_for
        from legalprompt.engine.params import choose_seed
        from legalprompt.techniques.templates import load_template

        self.opts = opts
        self.settings = settings
        self.template = load_template(opts.template)
        self.template.resolve_inputs({self.template.meta.document_input: "x", **opts.template_inputs})
        self.seed = choose_seed(opts.seed, settings.seed, fallback=0)  # 0: a batch is reproducible by default
        self.progress: Progress | None = None
        self.decoder = decoder if decoder is not None else make_decoder(engine, endpoint, opts.jobs, settings)
        self._own_decoder = decoder is None and self.decoder is not engine  # opened here: closed here
        self.drafter = Drafter(self.decoder, settings, history)
        self.citation_mode = opts.citation_mode
        probe = self._request("x", None)
        self.citation_mode = self.drafter.citation_mode(probe)  # refuses an explicit anchored on --endpoint
        self.capacity = getattr(self.decoder, "capacity", None) or opts.jobs
        self.params = sampling_for(self.template, settings, probe)
        self.prefill = self.template.render_prefill(
            {self.template.meta.document_input: "x", **opts.template_inputs}, opts.prefill)
        self.model_name = self.decoder.model_name
        self.job = job_key(template=self.template.name, template_sha=self.template.sha256,
                           prefill=self.prefill, inputs=opts.template_inputs,
                           params={k: v for k, v in self.params.__dict__.items()}, model=self.decoder.model_id(),
                           citation_mode=self.citation_mode)

    def _request(self, document: str, label: str | None, check: bool = False, path: Path | None = None):
        from legalprompt.drafting import DraftRequest

        o = self.opts
        return DraftRequest(template=o.template, document=document, document_label=label,
                            document_path=str(path.resolve()) if path is not None else None,
                            inputs=dict(o.template_inputs), prefill=o.prefill, temperature=o.temperature,
                            top_p=o.top_p, max_tokens=o.max_tokens, seed=self.seed, command="batch",
                            check_citations=check, staged=False,  # a batch drafts in one stage
                            citation_mode=self.citation_mode)

    def _job(self, st: DocState):
        return document_job(st, self._request, lambda req: self.drafter.measure(req).n_tokens, self.decoder.n_ctx,
                            lambda text: len(self.decoder.tokenize(text)), self.params.max_tokens,
                            self.opts.check_citations)

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

        todo: list[DocState] = []
        first_by_key: dict[str, DocState] = {}
        duplicates: list[tuple[DocState, DocState]] = []
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
                st = DocState(i, p, key, sha, names[p])
                self._record(manifest, summary, st, "error", error=why)
                continue
            key = resume_key(sha, self.job)
            st = DocState(i, p, key, sha, names[p])
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

        self.workers = DraftWorkers(self.drafter, self.capacity)
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
            self.workers.close()
            if self._own_decoder:
                close = getattr(self.decoder, "close", None)
                if callable(close):
                    close()
            manifest.close()
            self.progress.finish()
        summary.elapsed_s = time.monotonic() - t_start
        return summary

    def _drive(self, todo: list[DocState], manifest: Manifest, summary: BatchSummary) -> None:
        from legalprompt.documents import read_document

        workers = self.workers
        queue = list(todo)
        active: dict[int, DocState] = {}
        next_tag = 0
        tags: dict[int, tuple[int, int]] = {}  # tag -> (doc index, position in the job's request list)

        def advance(st: DocState, answers: list[GenOutput] | None) -> None:
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
                workers.submit(next_tag, req)
                next_tag += 1

        while queue or active:
            # Start documents while the workers have free slots (requests in flight < workers).
            while queue and workers.pending() < workers.capacity:
                st = queue.pop(0)
                try:
                    doc = read_document(st.path)  # size limit included
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
            finished = workers.poll(timeout=_POLL_S)
            self.progress.add_tokens(workers.take_tokens())
            for tag, res in finished:
                idx, pos = tags.pop(tag)
                st = active.get(idx)
                if st is None:
                    continue  # its document already failed
                if isinstance(res, LegalPromptError):
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
    def _finish_ok(self, manifest: Manifest, summary: BatchSummary, st: DocState, final: GenOutput) -> None:
        single = st.plan is None  # one generation: the drafting core checked it against the whole document
        citations = final.citations if single else None
        if self.opts.check_citations and citations is None:
            citations = self.drafter.check_citations(final.output, st.text).to_dict()
        shape = final.shape if single else self.template.shape_verdict(final.output, sources=[st.text])
        flagged = count_flagged(citations)
        atomic_write_text(st.output_path, render_output(
            st, final, citations, shape, template=self.template.name, model=self.model_name, seed=self.seed,
            check_citations=self.opts.check_citations))
        seconds = time.monotonic() - st.t0
        timings = {"total_s": round(seconds, 3),
                   "generation_tokens_per_s": round(st.usage["completion_tokens"] / seconds, 2) if seconds else 0.0}
        self._record(manifest, summary, st, "ok", final=final, citations=citations, timings=timings, shape=shape)
        summary.flagged += flagged
        summary.results[-1].flagged = flagged

    def _entry(self, st: DocState, status: str, **kw) -> dict:
        final: GenOutput | None = kw.get("final")
        return {
            "path": str(st.path), "abs_path": str(st.path.resolve()), "sha256": st.sha256 or None,
            "status": status, "error": kw.get("error"),
            "output_file": str(st.output_path) if status == "ok" else kw.get("output_file"),
            "template": self.template.name, "template_sha256": self.template.sha256, "prefill": self.prefill,
            "model": self.model_name, "key": st.key,
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

    def _record(self, manifest: Manifest, summary: BatchSummary, st: DocState, status: str, **kw) -> None:
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

    def _record_duplicate(self, manifest, summary, st: DocState, original: dict) -> None:
        self._record(manifest, summary, st, "skipped", output_file=original.get("output_file"),
                     duplicate_of=original.get("path"))

    def _previous_failure(self, summary: BatchSummary, path: Path, entry: dict) -> None:
        summary.previous_failures += 1
        summary.failures.append((str(path), (entry.get("error") or "") + " (execução anterior)"))
        summary.results.append(DocResult(str(path), "error", entry.get("error"), resumed=True))
        self.progress.document(str(path), "error", worked=False, error=entry.get("error"))


__all__ = ["BatchOptions", "BatchRunner", "BatchSummary", "DocResult", "format_summary", "count_flagged",
           "make_decoder"]
