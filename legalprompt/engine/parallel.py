"""Several generations at once in one llama.cpp context (parallel sequences, like `llama-server -np N`).

`ParallelDecoder(engine, n_seq)` opens a second context on the engine's already loaded weights
(`engine.llm._model`: the weights are not loaded twice) with `n_seq_max = n_seq` and a unified KV
cache of `n_seq * n_ctx_seq` cells, so each sequence has the same context budget as the engine.
Each step builds one `llama_batch` holding the next token of every generating sequence plus prompt
tokens of sequences that are starting (continuous batching), calls `llama_decode` once, and samples
every sequence from its own row of logits with its own llama.cpp sampler chain — the same chain and
seed `Engine.generate` uses (penalties, top-k, typical, top-p, min-p, temperature, dist), so
`--jobs 1` and `--jobs N` can be compared.

Shared prefixes are evaluated once: a sequence that starts looks for the longest token prefix it
shares with what any sequence holds in the KV cache and copies it (`llama_memory_seq_cp`: with a
unified cache the cells are shared, not duplicated); only the rest of its prompt is evaluated. The
first sequences wait one step while the first prompt is evaluated, so the template's instructions
are evaluated once for the whole batch, not once per sequence.

Text is streamed per sequence with incremental UTF-8 decoding and stop strings, as `Engine.generate`
does (same piece cache, end-of-generation test and stop search).
"""

from __future__ import annotations

import codecs
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from legalprompt.engine.events import DoneEvent, Timings, Usage
from legalprompt.engine.llama_engine import Engine, _find_stop
from legalprompt.engine.params import SamplingParams
from legalprompt.errors import ContextOverflowError, ModelError, UserInputError


@dataclass
class SeqRequest:
    key: Any
    tokens: list[int]
    params: SamplingParams
    prefill: str = ""


@dataclass
class SeqText:
    key: Any
    text: str
    token_ids: list[int]


@dataclass
class SeqDone:
    key: Any
    done: DoneEvent


@dataclass
class _Slot:
    seq: int
    cached: list[int] = field(default_factory=list)   # tokens whose KV is in the cache for this sequence
    req: SeqRequest | None = None
    pending: list[int] = field(default_factory=list)  # prompt tokens still to evaluate
    next_token: int | None = None                      # sampled, not yet evaluated
    sampler: Any = None
    decoder: Any = None
    text: str = ""
    emitted: int = 0
    hold: int = 0
    ids: list[int] = field(default_factory=list)
    n_out: int = 0
    reused: int = 0
    t0: float = 0.0
    t_prompt: float | None = None
    t_first: float | None = None
    batch_idx: int = -1

    @property
    def busy(self) -> bool:
        return self.req is not None


def _lcp(a: list[int], b: list[int]) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class ParallelDecoder:
    """Decode up to `n_seq` requests at once. Not thread-safe: drive it from one thread."""

    def __init__(self, engine: Engine, n_seq: int, n_ctx_seq: int | None = None, n_batch: int | None = None):
        if n_seq < 1:
            raise UserInputError(f"--jobs deve ser 1 ou mais (recebi {n_seq})")
        import llama_cpp
        from llama_cpp import _internals

        self._lc = llama_cpp
        self._internals = _internals
        self.engine = engine
        self.n_seq = n_seq
        self.n_ctx_seq = n_ctx_seq or engine.n_ctx
        llm = engine.llm
        self.n_batch = max(n_batch or llm.n_batch, n_seq)
        cp = llama_cpp.llama_context_params.from_buffer_copy(llm.context_params)
        cp.n_ctx = self.n_ctx_seq * n_seq
        cp.n_seq_max = n_seq
        cp.n_batch = self.n_batch
        cp.n_ubatch = min(self.n_batch, max(llm.context_params.n_ubatch, n_seq))
        cp.kv_unified = True   # shared prefix cells are shared, not copied
        cp.swa_full = True     # sliding-window models: keep every position so a prefix can be copied later
        cp.embeddings = False
        try:
            self._ctx = _internals.LlamaContext(model=llm._model, params=cp, verbose=False)
        except ValueError:
            raise ModelError(f"o llama.cpp não conseguiu criar um contexto para {n_seq} sequências de "
                             f"{self.n_ctx_seq} tokens: reduza --jobs ou --n-ctx.") from None
        self.ctx = self._ctx.ctx
        self.mem = llama_cpp.llama_get_memory(self.ctx)
        self._batch = llama_cpp.llama_batch_init(self.n_batch, 0, n_seq)
        self._n_vocab = llm.n_vocab()
        self._last_n = llm.last_n_tokens_size
        self.slots = [_Slot(seq=i) for i in range(n_seq)]
        self.queue: deque[SeqRequest] = deque()
        self.prompt_tokens_evaluated = 0
        self.decode_calls = 0

    # -- lifecycle ----------------------------------------------------------------------------------
    def close(self) -> None:
        if self._batch is not None:
            self._lc.llama_batch_free(self._batch)
            self._batch = None
        for s in self.slots:
            if s.sampler is not None:
                s.sampler.close()
                s.sampler = None
        if self._ctx is not None:
            self._ctx.close()
            self._ctx = None

    def __enter__(self) -> "ParallelDecoder":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- requests -----------------------------------------------------------------------------------
    def submit(self, req: SeqRequest) -> None:
        req.params.validate()
        if not req.tokens:
            raise UserInputError("prompt vazio")
        if len(req.tokens) + req.params.max_tokens > self.n_ctx_seq:
            raise ContextOverflowError(
                f"o prompt tem {len(req.tokens)} tokens e a resposta pede até {req.params.max_tokens}, mas cada "
                f"sequência tem {self.n_ctx_seq} tokens de contexto. Encurte o documento ou reduza --max-tokens.")
        self.queue.append(req)

    @property
    def active(self) -> int:
        return sum(1 for s in self.slots if s.busy)

    def has_work(self) -> bool:
        return bool(self.queue) or self.active > 0

    def run(self, requests: Iterable[SeqRequest], cancel: threading.Event | None = None
            ) -> Iterator[SeqText | SeqDone]:
        """Submit requests as slots free up and yield every sequence's events until all are done."""
        it = iter(requests)
        exhausted = False
        while True:
            while not exhausted and len(self.queue) + self.active < self.n_seq:
                try:
                    self.submit(next(it))
                except StopIteration:
                    exhausted = True
            if not self.has_work():
                return
            yield from self.step(cancel)

    # -- scheduling ---------------------------------------------------------------------------------
    def _sampler(self, p: SamplingParams):
        s = self._internals.LlamaSampler()
        s.add_penalties(n_vocab=self._n_vocab, penalty_last_n=self._last_n, penalty_repeat=p.repeat_penalty,
                        penalty_freq=0.0, penalty_present=0.0)
        if p.temperature == 0.0:
            s.add_greedy()
        else:
            s.add_top_k(p.top_k)
            s.add_typical(1.0, 1)
            s.add_top_p(p.top_p, 1)
            s.add_min_p(p.min_p, 1)
            s.add_temp(p.temperature)
            s.add_dist(p.seed)
        return s

    def _assign(self) -> None:
        """Start queued requests on free slots, reusing the longest cached prefix of any sequence."""
        for slot in self.slots:
            if not self.queue:
                return
            if slot.busy:
                continue
            req = self.queue[0]
            toks = req.tokens
            limit = len(toks) - 1  # at least one token is decoded, so the logits are this prompt's
            best, src = 0, None
            for t in self.slots:
                n = min(_lcp(t.cached, toks), limit)
                if n > best or (n == best and t is slot and n > 0):
                    best, src = n, t
            planned = max((min(_lcp(t.cached + t.pending, toks), limit) for t in self.slots if t.pending),
                          default=0)
            if planned > best:
                return  # a prompt being evaluated shares more: start after it, and copy its prefix
            self.queue.popleft()
            if src is slot:
                if not self._lc.llama_memory_seq_rm(self.mem, slot.seq, best, -1):
                    self._lc.llama_memory_seq_rm(self.mem, slot.seq, -1, -1)
                    best = 0
            else:
                self._lc.llama_memory_seq_rm(self.mem, slot.seq, -1, -1)
                if best > 0:
                    self._lc.llama_memory_seq_cp(self.mem, src.seq, slot.seq, 0, best)
            slot.cached = list(toks[:best])
            slot.pending = list(toks[best:])
            slot.req = req
            slot.reused = best
            slot.next_token = None
            if slot.sampler is not None:
                slot.sampler.close()
            slot.sampler = self._sampler(req.params)
            slot.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
            slot.text = ""
            slot.emitted = 0
            slot.hold = max((len(s) for s in req.params.stop), default=1) - 1
            slot.ids = []
            slot.n_out = 0
            slot.t0 = time.perf_counter()
            slot.t_prompt = None
            slot.t_first = None

    def step(self, cancel: threading.Event | None = None) -> list[SeqText | SeqDone]:
        """One `llama_decode` over every busy sequence; returns the events it produced."""
        events: list[SeqText | SeqDone] = []
        if cancel is not None and cancel.is_set():
            for slot in self.slots:
                if slot.busy:
                    events.extend(self._finish(slot, "cancelled"))
            self.queue.clear()
            return events
        self._assign()
        b = self._batch
        n = 0

        def add(tok: int, pos: int, seq: int, logits: bool) -> None:
            nonlocal n
            b.token[n] = tok
            b.pos[n] = pos
            b.n_seq_id[n] = 1
            b.seq_id[n][0] = seq
            b.logits[n] = logits
            n += 1

        gen_slots = [s for s in self.slots if s.busy and s.next_token is not None]
        for s in gen_slots:
            s.batch_idx = n
            add(s.next_token, len(s.cached), s.seq, True)
        room = self.n_batch - n
        prompt_slots = []
        for s in self.slots:
            if not s.busy or not s.pending or room <= 0:
                continue
            take = s.pending[:room]
            base = len(s.cached)
            last = len(take) == len(s.pending)
            for i, tok in enumerate(take):
                add(tok, base + i, s.seq, last and i == len(take) - 1)
            s.batch_idx = n - 1 if last else -1
            prompt_slots.append((s, take, last))
            room -= len(take)
        if n == 0:
            return events
        b.n_tokens = n
        rc = self._lc.llama_decode(self.ctx, b)
        self.decode_calls += 1
        if rc != 0:
            raise ModelError(f"llama_decode falhou (código {rc}) com {self.active} sequências: "
                             "reduza --jobs ou --n-ctx e tente de novo.")
        now = time.perf_counter()
        for s in gen_slots:
            s.cached.append(s.next_token)
            s.next_token = None
        for s, take, last in prompt_slots:
            s.cached.extend(take)
            del s.pending[:len(take)]
            self.prompt_tokens_evaluated += len(take)
            if last:
                s.t_prompt = now
        for s in self.slots:
            if s.busy and s.batch_idx >= 0 and not s.pending and s.next_token is None:
                events.extend(self._sample(s))
                s.batch_idx = -1
        return events

    def _sample(self, s: _Slot) -> list[SeqText | SeqDone]:
        eng = self.engine
        tok = self._lc.llama_sampler_sample(s.sampler.sampler, self.ctx, s.batch_idx)  # also accepts it
        if s.t_first is None:
            s.t_first = time.perf_counter()
        p = s.req.params
        if eng.is_eog(tok):
            return self._finish(s, "eos")
        s.n_out += 1
        s.ids.append(tok)
        s.text += s.decoder.decode(eng._piece_bytes(tok))
        stops = p.stop
        out: list[SeqText | SeqDone] = []
        cut = _find_stop(s.text, stops, s.emitted - s.hold) if stops else -1
        if cut >= 0:
            s.text = s.text[:cut]
            return self._finish(s, "stop")
        safe = len(s.text) - s.hold if stops else len(s.text)
        if safe > s.emitted:
            out.append(SeqText(s.req.key, s.text[s.emitted:safe], s.ids))
            s.emitted = safe
            s.ids = []
        if s.n_out >= p.max_tokens:
            out.extend(self._finish(s, "length"))
            return out
        s.next_token = tok
        return out

    def _finish(self, s: _Slot, reason: str) -> list[SeqText | SeqDone]:
        out: list[SeqText | SeqDone] = []
        req = s.req
        if reason != "stop":
            s.text += s.decoder.decode(b"", final=True)
        if len(s.text) > s.emitted:
            out.append(SeqText(req.key, s.text[s.emitted:], s.ids))
        t_end = time.perf_counter()
        t_prompt = s.t_prompt or t_end
        t_first = s.t_first or t_end
        n_eval = len(req.tokens) - s.reused
        prompt_s = t_prompt - s.t0
        gen_s = t_end - t_first
        timings = Timings(
            load_s=self.engine.load_s, time_to_first_token_s=t_first - s.t0, prompt_eval_s=prompt_s,
            prompt_tokens_per_s=n_eval / prompt_s if prompt_s > 0 else 0.0, generation_s=gen_s,
            generation_tokens_per_s=(s.n_out - 1) / gen_s if s.n_out > 1 and gen_s > 0 else 0.0,
            total_s=t_end - s.t0)
        out.append(SeqDone(req.key, DoneEvent(
            output=req.prefill + s.text, prefill=req.prefill, generated=s.text, stop_reason=reason,
            usage=Usage(len(req.tokens), s.n_out, s.reused), timings=timings, seed=req.params.seed)))
        # Keep the sequence's cache (prompt + answer) as a prefix source for the next requests.
        s.req = None
        s.pending = []
        s.next_token = None
        s.batch_idx = -1
        return out

