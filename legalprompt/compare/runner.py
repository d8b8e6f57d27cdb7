"""A/B runner: the same document(s), the same seeds, two arms that differ in one thing (the prefill,
the template, the model, or the full document against its limar version).

Both arms go through the drafting core (`Drafter.prepare/stream`), so each sample gets the same
citation check, shape check, usage, timings and history row as `legalprompt run`.

Prefix reuse: with one model the runs are interleaved per seed (A s0, B s0, A s1, B s1, ...). The
prompt frames put the prefill last, so consecutive requests share the template and the whole
document and the engine only evaluates the differing suffix: the document is evaluated once per
comparison, not once per generation. With two models the arms run one after the other, one model
in memory at a time.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from legalprompt.compare.metrics import arm_metrics, paired_similarity
from legalprompt.config import Settings
from legalprompt.errors import LegalPromptError, UserInputError

MAX_SAMPLES = 1000


@dataclass
class ArmSpec:
    """One side of a comparison. `prefill`: None is the template's, "" is none, text is that text.
    `limar`: when set, the template's document input is `limar(document, level)` (citations are
    still checked against the full document)."""

    name: str
    template: str = "ementa"
    prefill: str | None = None
    model: str | None = None
    limar: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    citations: str | None = None    # "anchored" | "free"; None: the template's
    staged: bool | None = None  # staged priming: None = the template's way (staged when it declares a skeleton)


@dataclass
class CompareDocument:
    label: str
    text: str
    error: str | None = None  # could not be read: reported as skipped in a corpus


@dataclass
class SampleResult:
    seed: int
    output: str
    prefill: str
    generated: str
    stop_reason: str
    citations: list[dict]
    shape_ok: bool | None
    usage: dict[str, int]
    timings: dict[str, float]
    run_id: int | None = None
    shape: dict | None = None       # the shape check's verdict (for ementas: the lint findings)
    skeleton: list | None = None    # staged priming: what each stage wrote
    quotes: list[dict] = field(default_factory=list)   # quotations of the answer, found in the document or not

    def to_dict(self) -> dict[str, Any]:
        return {"seed": self.seed, "output": self.output, "prefill": self.prefill, "generated": self.generated,
                "stop_reason": self.stop_reason, "citations": self.citations, "quotes": self.quotes,
                "shape_ok": self.shape_ok,
                "shape": self.shape, "skeleton": self.skeleton,
                "usage": self.usage, "timings": self.timings, "run_id": self.run_id}


@dataclass
class ArmResult:
    spec: ArmSpec
    template: str
    prefill: str           # the rendered prefill ("" for none)
    model: str
    document_input: str    # "completo" or "limado (medium)"
    params: dict[str, Any]
    shape_check: str | None
    samples: list[SampleResult] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    citation_mode: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.spec.name, "prefill": self.prefill, "template": self.template, "model": self.model,
                "citation_mode": self.citation_mode,
                "document_input": self.document_input, "shape_check": self.shape_check, "params": self.params,
                "samples": [s.to_dict() for s in self.samples], "metrics": self.metrics}


@dataclass
class DocumentComparison:
    document: str
    chars: int
    seeds: list[int]
    arms: list[ArmResult]
    similarity_a_b: float | None = None
    wall_s: float = 0.0
    error: str | None = None  # set when a corpus document was skipped

    def to_dict(self) -> dict[str, Any]:
        prompt = sum(a.metrics.get("prompt_tokens", 0) for a in self.arms)
        cached = sum(a.metrics.get("cached_prompt_tokens", 0) for a in self.arms)
        return {"document": self.document, "chars": self.chars, "seeds": self.seeds, "error": self.error,
                "arms": [a.to_dict() for a in self.arms], "similarity_a_b": self.similarity_a_b,
                "reuse": {"prompt_tokens": prompt, "cached_prompt_tokens": cached,
                          "evaluated_prompt_tokens": prompt - cached, "wall_s": round(self.wall_s, 3)}}


@dataclass
class CorpusComparison:
    """Per-document comparisons and each arm's figures pooled over the documents that ran."""

    source: str
    seeds: list[int]
    documents: list[DocumentComparison]
    arms: list[ArmResult]  # pooled: samples of every document, metrics over the corpus
    wall_s: float = 0.0

    @property
    def done(self) -> list[DocumentComparison]:
        return [d for d in self.documents if d.error is None]

    @property
    def skipped(self) -> list[DocumentComparison]:
        return [d for d in self.documents if d.error is not None]

    def to_dict(self) -> dict[str, Any]:
        return {"corpus": self.source, "seeds": self.seeds, "wall_s": round(self.wall_s, 3),
                "documents": [d.to_dict() for d in self.done],
                "skipped": [{"document": d.document, "error": d.error} for d in self.skipped],
                "arms": [{"name": a.spec.name, "prefill": a.prefill, "template": a.template, "model": a.model,
                          "citation_mode": a.citation_mode,
                          "document_input": a.document_input, "shape_check": a.shape_check, "params": a.params,
                          "metrics": a.metrics} for a in self.arms]}


class EnginePool:
    """Engines by model name, at most one loaded at a time: comparing two models loads them one after
    the other, never both at once."""

    def __init__(self, settings: Settings, loader: Callable[[Settings], Any] | None = None):
        self.settings = settings
        self._loader = loader
        self._key: str | None = None
        self._engine = None
        self.loads = 0

    def _resolve_key(self, model: str | None) -> str:
        from legalprompt.engine.models import resolve_model

        return str(resolve_model(model if model is not None else self.settings.model).path)

    @property
    def current(self):
        """The loaded engine, if any (for its warnings), without loading one."""
        return self._engine

    def get(self, model: str | None):
        key = self._resolve_key(model)
        if self._engine is not None and key == self._key:
            return self._engine
        self.close()
        from legalprompt.engine.loader import load_engine

        settings = self.settings.model_copy(update={"model": model if model is not None else self.settings.model})
        self._engine = (self._loader or load_engine)(settings)
        self._key = key
        self.loads += 1
        return self._engine

    def close(self) -> None:
        eng, self._engine, self._key = self._engine, None, None
        if eng is not None:
            close = getattr(eng, "close", None)
            if callable(close):
                close()
            del eng
            gc.collect()


def make_seeds(seed: int | None, samples: int, settings: Settings | None = None) -> list[int]:
    """S, S+1, ... S+N-1; S from the argument, else the settings, else random (then recorded)."""
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise UserInputError(f"--samples deve ser 1 ou mais (recebi {samples})")
    if samples > MAX_SAMPLES:
        raise UserInputError(f"--samples {samples} é demais: use no máximo {MAX_SAMPLES}")
    from legalprompt.engine.params import choose_seed

    seed = choose_seed(seed, settings.seed if settings is not None else None)
    if seed < 0 or seed + samples - 1 > 2**32 - 2:
        raise UserInputError(f"--seed deve estar entre 0 e {2**32 - 1 - samples} para {samples} amostras "
                             f"(recebi {seed})")
    return [seed + i for i in range(samples)]


def validate_arms(arms: Sequence[ArmSpec]) -> None:
    """Fail before loading a model: unknown templates or limar levels, or two identical arms."""
    from legalprompt.techniques.templates import load_template

    if len(arms) < 2:
        raise UserInputError("uma comparação precisa de dois braços (A e B)")
    for arm in arms:
        tpl = load_template(arm.template)
        doc_key = tpl.meta.document_input
        tpl.resolve_inputs({**({doc_key: "x"} if doc_key in tpl.meta.inputs else {}), **arm.inputs})
        if arm.limar is not None:
            from legalprompt.techniques.limar import LEVEL_ALIASES

            if LEVEL_ALIASES.get(str(arm.limar).strip().lower()) is None:
                raise UserInputError(f"nível de limar desconhecido: {arm.limar!r}. Use light, medium ou strong.")
    a, b = arms[0], arms[1]
    same = (a.template == b.template and a.model == b.model and a.limar == b.limar and a.inputs == b.inputs
            and a.staged == b.staged and _effective_citations(a) == _effective_citations(b))
    if same:
        pa = _effective_prefill(a)
        pb = _effective_prefill(b)
        if pa == pb:
            what = f"'{pa}'" if pa else "nenhum"
            raise UserInputError(f"os dois braços são iguais (mesmo template, modelo e prefill: {what}); "
                                 "nada a comparar. Passe --prefill TEXTO, use um template com prefill, "
                                 "ou varie --a-template/--b-template, --a-model/--b-model ou --limar.")


def _effective_citations(arm: ArmSpec) -> str:
    from legalprompt.techniques.templates import load_template

    return arm.citations or load_template(arm.template).meta.citations


def _effective_prefill(arm: ArmSpec) -> str:
    from legalprompt.techniques.templates import load_template

    if arm.prefill is not None:
        return arm.prefill
    return load_template(arm.template).meta.prefill


ProgressFn = Callable[[int, int, str, str, SampleResult], None]


def run_comparisons(documents: Sequence[CompareDocument], arms: Sequence[ArmSpec], *, settings: Settings,
                    seeds: Sequence[int], pool: EnginePool, history=None, max_tokens: int | None = None,
                    temperature: float | None = None, top_p: float | None = None,
                    progress: ProgressFn | None = None, cold: bool = False,
                    cancel: threading.Event | None = None, skip_errors: bool = False) -> list[DocumentComparison]:
    """Run every arm on every document with the same seeds. Returns one DocumentComparison per document,
    in order. With `skip_errors`, a document that cannot be prepared (too long for the context, empty)
    is kept with its `error` set instead of stopping the run. `cold` resets the engine's context before
    every generation (no prefix reuse): for measuring what reuse saves."""
    from legalprompt.drafting import Drafter, DraftResult

    validate_arms(arms)
    seeds = list(seeds)
    results: list[DocumentComparison | None] = [None] * len(documents)
    arm_results: dict[tuple[int, int], ArmResult] = {}
    elapsed: dict[int, float] = {i: 0.0 for i in range(len(documents))}
    failed: dict[int, str] = {di: d.error for di, d in enumerate(documents) if d.error is not None}
    if failed and not skip_errors:
        raise UserInputError(next(iter(failed.values())))
    total = len(documents) * len(arms) * len(seeds)
    done_count = 0

    models: list[str | None] = []
    for arm in arms:
        if arm.model not in models:
            models.append(arm.model)

    def prepare(drafter, di: int, ai: int):
        doc, arm = documents[di], arms[ai]
        req = _request(doc, arm, seeds[0], max_tokens, temperature, top_p)
        prep = drafter.prepare(req)
        tpl = prep.template
        arm_results[(di, ai)] = ArmResult(
            spec=arm, template=tpl.name, prefill=prep.prefill, model=drafter.decoder.model_name,
            document_input="completo" if arm.limar is None else f"limado ({arm.limar})",
            params={k: v for k, v in prep.params.__dict__.items() if k != "seed"},
            shape_check=(tpl.meta.check.description or tpl.meta.check.named or "regex") if tpl.meta.check else None,
            citation_mode=prep.citation_mode)
        return prep

    def generate(drafter, prep, di: int, ai: int, seed: int) -> None:
        nonlocal done_count
        p = replace(prep, request=replace(prep.request, seed=seed),
                    params=replace(prep.params, seed=seed, stop=list(prep.params.stop)))
        if cold:
            drafter.decoder.forget_context()
        t0 = time.perf_counter()
        res = None
        for ev in drafter.stream(p, cancel):
            if isinstance(ev, DraftResult):
                res = ev
        assert res is not None
        elapsed[di] += time.perf_counter() - t0
        d = res.done
        sample = SampleResult(
            seed=seed, output=d.output, prefill=d.prefill, generated=d.generated, stop_reason=d.stop_reason,
            citations=res.citations.citation_dicts() if res.citations else [], shape_ok=res.shape_ok,
            quotes=[q.to_dict() for q in res.citations.quotes] if res.citations else [],
            usage=dict(d.usage.__dict__), timings={k: round(v, 4) for k, v in d.timings.__dict__.items()},
            run_id=res.run_id, shape=res.shape, skeleton=res.skeleton)
        arm_results[(di, ai)].samples.append(sample)
        done_count += 1
        if progress is not None:
            progress(done_count, total, documents[di].label, arms[ai].name, sample)

    def try_prepare(drafter, di: int, ai: int):
        try:
            return prepare(drafter, di, ai)
        except LegalPromptError as exc:
            if not skip_errors:
                raise
            failed.setdefault(di, exc.message)
            return None

    for model in models:
        engine = pool.get(model)
        drafter = Drafter(engine, settings, history)
        arm_ids = [ai for ai, a in enumerate(arms) if a.model == model]
        for di in range(len(documents)):
            if di in failed:
                continue
            preps = {ai: try_prepare(drafter, di, ai) for ai in arm_ids}
            if di in failed:
                continue
            # Interleave per seed so consecutive requests share the template + document prefix.
            for seed in seeds:
                for ai in arm_ids:
                    generate(drafter, preps[ai], di, ai, seed)

    for di, doc in enumerate(documents):
        if di in failed:
            results[di] = DocumentComparison(doc.label, len(doc.text), seeds, [], error=failed[di])
            continue
        arm_list = [arm_results[(di, ai)] for ai in range(len(arms))]
        for ar in arm_list:
            ar.metrics = arm_metrics(ar.samples)
        sim = paired_similarity([s.output for s in arm_list[0].samples], [s.output for s in arm_list[1].samples])
        results[di] = DocumentComparison(doc.label, len(doc.text), seeds, arm_list, similarity_a_b=sim,
                                         wall_s=elapsed[di])
    return [r for r in results if r is not None]


def _request(doc: CompareDocument, arm: ArmSpec, seed: int, max_tokens, temperature, top_p):
    from legalprompt.drafting import DraftRequest
    from legalprompt.techniques.templates import load_template

    inputs = dict(arm.inputs)
    if arm.limar is not None:
        from legalprompt.techniques.limar import limar

        if not doc.text.strip():
            raise UserInputError(f"o documento está vazio: {doc.label}")
        key = load_template(arm.template).meta.document_input
        inputs[key] = limar(doc.text, arm.limar).text
    # The full document stays `document`: citations are checked against it even in a limar arm.
    return DraftRequest(template=arm.template, document=doc.text, document_label=doc.label, inputs=inputs,
                        prefill=arm.prefill, temperature=temperature, top_p=top_p, max_tokens=max_tokens,
                        seed=seed, command="compare", staged=arm.staged, citation_mode=arm.citations)


def compare_document(document: CompareDocument, arms: Sequence[ArmSpec], **kw) -> DocumentComparison:
    """One document; errors (empty document, context overflow) are raised."""
    kw.pop("skip_errors", None)
    return run_comparisons([document], arms, skip_errors=False, **kw)[0]


def compare_corpus(documents: Sequence[CompareDocument], arms: Sequence[ArmSpec], source: str = "",
                   **kw) -> CorpusComparison:
    """Every document; one that cannot run is reported as skipped. Metrics are pooled over the
    documents that ran (agreement within each document, then averaged)."""
    if not documents:
        raise UserInputError("nenhum documento para comparar")
    t0 = time.perf_counter()
    kw.setdefault("skip_errors", True)
    docs = run_comparisons(documents, arms, **kw)
    done = [d for d in docs if d.error is None]
    pooled: list[ArmResult] = []
    for ai, spec in enumerate(arms):
        per_doc = [d.arms[ai] for d in done]
        samples = [s for ar in per_doc for s in ar.samples]
        first = per_doc[0] if per_doc else None
        ar = ArmResult(spec=spec, template=first.template if first else spec.template,
                       prefill=first.prefill if first else (spec.prefill or ""),
                       model=first.model if first else (spec.model or ""),
                       document_input=first.document_input if first else "",
                       params=first.params if first else {}, shape_check=first.shape_check if first else None,
                       citation_mode=first.citation_mode if first else (spec.citations or ""),
                       samples=samples)
        ar.metrics = arm_metrics(samples, groups=[a.samples for a in per_doc])
        ar.metrics["documents"] = len(per_doc)
        pooled.append(ar)
    seeds = docs[0].seeds if docs else []
    return CorpusComparison(source=source, seeds=seeds, documents=docs, arms=pooled,
                            wall_s=time.perf_counter() - t0)
