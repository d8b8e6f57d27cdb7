"""The Decoder for `batch --endpoint`: one or more OpenAI-compatible servers behind the drafting core.

The prompt is the plain completion frame (template instructions, then the document, then the prefill; see
`batch.endpoint`), built by the Drafter like any other prompt. With no tokenizer of the model here, text is
counted in pieces of about three UTF-8 bytes, a conservative count of Portuguese tokens (`engine.pieces`),
which plans chunks and checks the fit. Each request goes to the server with the most free slots; the answer
is assembled by the same text-assembly module as a local generation.

A server samples by itself, so this decoder cannot steer it: anchored citations are refused (the Drafter
falls back to free when anchored is only the template's default).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from legalprompt.batch.endpoint import EndpointClient
from legalprompt.engine.assembly import Clock, TextAssembler
from legalprompt.engine.events import DoneEvent, TextEvent, Usage
from legalprompt.engine.params import SamplingParams
from legalprompt.engine.decoder import request_tokens
from legalprompt.engine.pieces import PieceDecoder, PieceVocab, split_bytes
from legalprompt.engine.prompt import BuiltPrompt
from legalprompt.errors import UserInputError

BYTES_PER_TOKEN = 3  # conservative for Portuguese


class EndpointDecoder(PieceDecoder):
    steers = False
    thinking_refusal = "--thinking não funciona com --endpoint: rode sem --thinking"

    def __init__(self, servers: list[tuple[EndpointClient, int]], n_ctx: int):
        if not servers:
            raise UserInputError("--endpoint: nenhum servidor informado")
        self.servers = [(c, max(1, n)) for c, n in servers]
        self.capacity = sum(n for _, n in self.servers)
        super().__init__(PieceVocab(lambda text: split_bytes(text, BYTES_PER_TOKEN)), n_ctx)
        names = sorted({c.resolve_model() for c, _ in self.servers})
        self._name = " + ".join(names)
        self._id = "endpoint:" + "+".join(names)
        self._cv = threading.Condition()
        self._busy = [0] * len(self.servers)
        self._next = 0  # rotates ties, so equal servers share the first documents too

    # -- the Decoder interface (the rest is PieceDecoder's) -----------------------------------------
    @property
    def model_name(self) -> str:
        return self._name

    def model_id(self) -> str:
        return self._id

    def generate(self, prompt: BuiltPrompt | list[int], params: SamplingParams,
                 cancel: threading.Event | None = None, prefill: str | None = None,
                 special_text: bool = False, guard=None) -> Iterator[TextEvent | DoneEvent]:
        if guard is not None:
            raise UserInputError("--citations anchored não funciona com --endpoint (o servidor sorteia os próprios "
                                 "tokens): use --citations free")
        params.validate()
        tokens, prefill = request_tokens(self, prompt, prefill)
        self.check_fits(len(tokens), params.max_tokens)
        return self._stream(self.vocab.text(tokens), len(tokens), params, cancel, prefill)

    # -- one request --------------------------------------------------------------------------------
    def _acquire(self) -> int:
        with self._cv:
            while True:
                n = len(self.servers)
                order = [(self._next + i) % n for i in range(n)]
                best = max(order, key=lambda i: self.servers[i][1] - self._busy[i])
                if self.servers[best][1] > self._busy[best]:
                    self._busy[best] += 1
                    self._next = (best + 1) % n
                    return best
                self._cv.wait()

    def _release(self, i: int) -> None:
        with self._cv:
            self._busy[i] -= 1
            self._cv.notify()

    def _stream(self, text_in: str, n_prompt: int, params: SamplingParams, cancel, prefill: str):
        clock = Clock(time.perf_counter())
        text = TextAssembler(params.stop, prefill)
        if cancel is not None and cancel.is_set():
            yield text.done("cancelled", Usage(n_prompt, 0, 0), clock.timings(time.perf_counter(), 0, 0), params.seed)
            return
        i = self._acquire()
        client = self.servers[i][0]
        try:
            res = client.complete(text_in, params)
        finally:
            self._release(i)
        clock.t_prompt = clock.t_first = time.perf_counter() - res.elapsed_s  # the server does not say more
        ev = text.add(None, res.text)
        if ev is not None:
            yield ev
        ev = text.finish()
        if ev is not None:
            yield ev
        reason = {"stop": "stop", "length": "length"}.get(res.finish_reason or "", res.finish_reason or "stop")
        usage = Usage(res.prompt_tokens or n_prompt, res.completion_tokens, 0)
        yield text.done(reason, usage, clock.timings(time.perf_counter(), usage.prompt_tokens, res.completion_tokens),
                        params.seed, served_by=client.base)
