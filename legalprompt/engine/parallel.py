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

Text is assembled per sequence by `engine.assembly.TextAssembler`, the module every decoder shares (UTF-8,
stop strings, prefill). Anchored citations: each sequence may carry its own citation guard; a refused token is
replaced from that sequence's row of logits (`engine.steering`), as the engine does for one sequence.

Two ways to drive it: `submit`/`step`/`run` from one thread (the scheduler itself), or `generate()` — the
`Decoder` interface — from several threads at once (batch workers, each running the Drafter): a driver thread
(`parallel_driver.SequenceDriver`) steps the batch and hands each sequence's events to the thread that asked.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from legalprompt.engine.assembly import Clock, TextAssembler
from legalprompt.engine.decoder import check_context, request_tokens
from legalprompt.engine.events import DoneEvent, TextEvent, Usage
from legalprompt.engine.llama_engine import Engine
from legalprompt.engine.parallel_driver import SequenceDriver
from legalprompt.engine.params import SamplingParams
from legalprompt.engine.prompt import BuiltPrompt
from legalprompt.engine.steering import anchored_choice, complete_open_citation
from legalprompt.errors import ModelError, UserInputError


@dataclass
class SeqRequest:
    key: Any
    tokens: list[int]
    params: SamplingParams
    prefill: str = ""
    guard: Any = None                          # a CitationGuard: anchored citations for this sequence
    cancel: threading.Event | None = None      # this sequence only
    special_text: bool = False
    also_cancel: threading.Event | None = None  # the caller's (may be shared by several sequences)

    def cancelled(self) -> bool:
        return any(e is not None and e.is_set() for e in (self.cancel, self.also_cancel))


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
    text: TextAssembler | None = None
    clock: Clock | None = None
    forced: list[int] = field(default_factory=list)    # tokens the citation guard chose, written before sampling
    reused: int = 0
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
        self._driver = SequenceDriver(self)  # generate() from other threads

    # -- the Decoder interface (prompts and tokens are the engine's) ---------------------------------
    steers = True

    @property
    def n_ctx(self) -> int:
        return self.n_ctx_seq

    @property
    def model_name(self) -> str:
        return self.engine.model_name

    def model_id(self) -> str:
        return self.engine.model_id()

    def build_prompt(self, user: str, prefill: str = "", system: str | None = None,
                     thinking: bool = False) -> BuiltPrompt:
        return self.engine.build_prompt(user, prefill, system, thinking)

    def turn_stops(self, prompt: BuiltPrompt) -> list[str]:
        return self.engine.turn_stops(prompt)

    def prompt_tokens(self, prompt: BuiltPrompt) -> list[int]:
        return self.engine.prompt_tokens(prompt)

    def tokenize(self, text: str) -> list[int]:
        return self.engine.tokenize(text)

    def fits(self, n_prompt: int, max_tokens: int) -> bool:
        return n_prompt + max_tokens <= self.n_ctx_seq

    def check_fits(self, n_prompt: int, max_tokens: int) -> None:
        check_context(n_prompt, max_tokens, self.n_ctx_seq, "cada sequência tem um contexto de")

    def forget_context(self) -> None:
        """Nothing to drop between requests: each sequence keeps only what a later prompt can share."""

    def generate(self, prompt: BuiltPrompt | list[int], params: SamplingParams,
                 cancel: threading.Event | None = None, prefill: str | None = None,
                 special_text: bool = False, guard=None) -> Iterator[TextEvent | DoneEvent]:
        """One sequence, decoded together with whatever other threads asked for at the same time."""
        tokens, prefill = request_tokens(self, prompt, prefill)
        req = SeqRequest(object(), tokens, params, prefill, guard=guard, special_text=special_text,
                         cancel=threading.Event(), also_cancel=cancel)
        self._check(req)
        return self._driver.follow(req)

    def reset(self) -> None:
        """Forget every sequence (after a failed llama_decode): the driver tells their readers."""
        for slot in self.slots:
            slot.req = None
            slot.pending = []
            slot.next_token = None
            slot.cached = []
        self.queue.clear()

    def close(self) -> None:
        self._driver.close()
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
    def _check(self, req: SeqRequest) -> None:
        req.params.validate()
        if not req.tokens:
            raise UserInputError("prompt vazio")
        self.check_fits(len(req.tokens), req.params.max_tokens)

    def submit(self, req: SeqRequest) -> None:
        self._check(req)
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
            slot.text = TextAssembler(req.params.stop, req.prefill)
            slot.clock = Clock(time.perf_counter())
            slot.forced = []

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
        for slot in self.slots:  # one sequence cancelled (its reader stopped, or Ctrl+C)
            if slot.busy and slot.req.cancelled():
                events.extend(self._finish(slot, "cancelled"))
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
                s.clock.t_prompt = now
        for s in self.slots:
            if s.busy and s.batch_idx >= 0 and not s.pending and s.next_token is None:
                events.extend(self._sample(s))
                s.batch_idx = -1
        return events

    def _sample(self, s: _Slot) -> list[SeqText | SeqDone]:
        eng = self.engine
        req = s.req
        p = req.params
        if s.forced:      # the citation guard's choice: written without sampling
            tok = s.forced.pop(0)
        else:
            tok = self._lc.llama_sampler_sample(s.sampler.sampler, self.ctx, s.batch_idx)  # also accepts it
            if req.guard is not None and not eng.is_eog(tok) and not req.guard.accepts(s.text.context, eng.piece(tok)):
                # refused: choose from the same row of logits (the sampler's penalty history keeps the refused
                # token; a small difference from the engine, which restarts its sampler)
                req.guard.refusals = getattr(req.guard, "refusals", 0) + 1
                forced = anchored_choice(self._row_logits(s.batch_idx), req.guard, s.text.context, p,
                                         s.text.n_out, eng.piece, eng.is_eog, eng.tokenize)
                tok, s.forced = forced[0], forced[1:]
        if s.clock.t_first is None:
            s.clock.t_first = time.perf_counter()
        if eng.is_eog(tok):
            return self._finish(s, "eos")
        out: list[SeqText | SeqDone] = []
        ev = s.text.add(tok, eng.piece_bytes(tok, req.special_text))
        if s.text.stopped:
            return self._finish(s, "stop")
        if ev is not None:
            out.append(SeqText(req.key, ev.text, ev.token_ids))
        if s.text.n_out >= p.max_tokens:
            out.extend(self._finish(s, "length"))
            return out
        s.next_token = tok
        return out

    def _row_logits(self, batch_idx: int):
        import numpy as np

        ptr = self._lc.llama_get_logits_ith(self.ctx, batch_idx)
        return np.ctypeslib.as_array(ptr, shape=(self._n_vocab,)).astype(np.float32)

    def _finish(self, s: _Slot, reason: str) -> list[SeqText | SeqDone]:
        out: list[SeqText | SeqDone] = []
        req = s.req
        if req.guard is not None and reason == "length":
            rest = complete_open_citation(req.guard, s.text.context, len(req.prefill))
            if rest:
                s.text.append(rest, self.engine.tokenize(rest))
        ev = s.text.finish()
        if ev is not None:
            out.append(SeqText(req.key, ev.text, ev.token_ids))
        timings = s.clock.timings(time.perf_counter(), len(req.tokens) - s.reused, s.text.n_out, self.engine.load_s)
        out.append(SeqDone(req.key, s.text.done(reason, Usage(len(req.tokens), s.text.n_out, s.reused), timings,
                                                 req.params.seed)))
        # Keep the sequence's cache (prompt + answer) as a prefix source for the next requests.
        s.req = None
        s.pending = []
        s.next_token = None
        s.forced = []
        s.batch_idx = -1
        return out
