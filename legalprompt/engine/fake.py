"""A decoder with no model, for tests and benches (like simonw/llm's MockModel).

    dec = FakeDecoder("I. CASO EM EXAME\n1. Texto.")            # every request gets this answer
    dec = FakeDecoder(["primeira", "segunda"])                   # one per request, in turn
    dec = FakeDecoder(lambda prompt: prompt[-20:])               # computed from the prompt text

It tokenizes by words (each with its leading space) and streams the scripted answer one word at a time through
the shared text assembly, so stop strings, max_tokens, the prefill, cancellation and citation guards behave as
with a real model. `byte_pieces=True` sends each word one byte at a time (UTF-8 hold-back). `prompt_eval_s` and
`token_s` make it slow; `fail_after=N` raises `error` after N tokens. `calls` records every request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from legalprompt.engine.assembly import Clock, TextAssembler
from legalprompt.engine.events import Candidate, DoneEvent, TextEvent, Usage
from legalprompt.engine.params import SamplingParams
from legalprompt.engine.decoder import request_tokens
from legalprompt.engine.pieces import PieceDecoder, PieceVocab
from legalprompt.engine.prompt import BuiltPrompt
from legalprompt.errors import ModelError


@dataclass
class FakeCall:
    prompt: str           # the prompt text the decoder received
    params: SamplingParams
    prefill: str
    guarded: bool


class FakeDecoder(PieceDecoder):
    steers = True  # emulates a citation guard: a refused word is replaced by the guard's completion, or left out

    def __init__(self, script: str | list[str] | Callable[[str], str] = "Resposta de teste.", *,
                 n_ctx: int = 2048, name: str = "fake", byte_pieces: bool = False, prompt_eval_s: float = 0.0,
                 token_s: float = 0.0, fail_after: int | None = None, error: BaseException | None = None):
        super().__init__(PieceVocab(), n_ctx)
        self._script = script
        self.name = name
        self.byte_pieces = byte_pieces
        self.prompt_eval_s = prompt_eval_s
        self.token_s = token_s
        self.fail_after = fail_after
        self.error = error
        self.calls: list[FakeCall] = []
        # what a front end shows of a loaded engine, so a test can hand this decoder to a command's loader
        self.warnings: list[str] = []
        self.load_s = 0.0
        self.gpu_layers = 0
        self._lock = threading.Lock()
        self.forgets = 0

    # -- the Decoder interface (the rest is PieceDecoder's) -----------------------------------------
    @property
    def model_name(self) -> str:
        return self.name

    def model_id(self) -> str:
        return f"fake:{self.name}"

    def forget_context(self) -> None:
        self.forgets += 1

    def parallel(self, n_seq: int) -> "FakeDecoder":
        """Several requests at once: this decoder itself (it serves concurrent calls)."""
        return self

    def next_tokens(self, text: str, top_k: int = 10) -> list[Candidate]:
        """The scripted answer's first word as the certain next token."""
        first = self.vocab.tokenize(self.answer_for(text))[:1]
        return [Candidate(t, self.vocab.piece(t), 1.0) for t in first][:top_k]

    def answer_for(self, prompt_text: str) -> str:
        s = self._script
        if callable(s):
            return s(prompt_text)
        if isinstance(s, list):
            with self._lock:
                return s[(len(self.calls) - 1) % len(s)]
        return s

    def generate(self, prompt: BuiltPrompt | list[int], params: SamplingParams,
                 cancel: threading.Event | None = None, prefill: str | None = None,
                 special_text: bool = False, guard=None) -> Iterator[TextEvent | DoneEvent]:
        params.validate()
        tokens, prefill = request_tokens(self, prompt, prefill)
        self.check_fits(len(tokens), params.max_tokens)
        text_in = self.vocab.text(tokens)
        with self._lock:
            self.calls.append(FakeCall(text_in, params, prefill, guard is not None))
        return self._stream(tokens, self.answer_for(text_in), params, cancel, prefill, guard)

    def _stream(self, tokens, answer, params, cancel, prefill, guard):
        clock = Clock(time.perf_counter())
        if self.prompt_eval_s:
            time.sleep(self.prompt_eval_s)
        clock.t_prompt = time.perf_counter()
        text = TextAssembler(params.stop, prefill)
        stop_reason = "eos"
        pieces = self.vocab.tokenize(answer)
        i = 0
        while i < len(pieces):
            if text.n_out >= params.max_tokens:
                stop_reason = "length"
                break
            if cancel is not None and cancel.is_set():
                stop_reason = "cancelled"
                break
            if self.fail_after is not None and text.n_out >= self.fail_after:
                raise self.error or ModelError("o decodificador de teste falhou de propósito")
            if self.token_s:
                time.sleep(self.token_s)
            tok = pieces[i]
            i += 1
            piece = self.vocab.piece(tok)
            if guard is not None and not guard.accepts(text.context, piece):
                guard.refusals = getattr(guard, "refusals", 0) + 1
                rest = guard.completion(text.context)
                if not rest:
                    continue          # the refused word is left out
                piece, tok = rest, None
            if clock.t_first is None:
                clock.t_first = time.perf_counter()
            ev = None
            if self.byte_pieces:
                data = piece.encode("utf-8")
                for k, b in enumerate(data):  # one token, however many bytes
                    last = k == len(data) - 1
                    ev = text.add(tok if last else None, bytes([b]), new_token=k == 0) or ev
                    if ev is not None and not last:
                        yield ev
                        ev = None
            else:
                ev = text.add(tok, piece)
            if text.stopped:
                break
            if ev is not None:
                yield ev
        ev = text.finish()
        if ev is not None:
            yield ev
        timings = clock.timings(time.perf_counter(), len(tokens), text.n_out)
        yield text.done(stop_reason, Usage(len(tokens), text.n_out, 0), timings, params.seed)
