"""The one interface behind the drafting core: what a decoder must do for `legalprompt.drafting.Drafter`.

Implementations:
- `engine.llama_engine.Engine`: llama.cpp in this process, one request at a time;
- `engine.parallel.ParallelDecoder`: several sequences in one llama.cpp context (`batch --jobs N`);
- `batch.endpoint_decoder.EndpointDecoder`: one or more OpenAI-compatible servers (`batch --endpoint`);
- `engine.fake.FakeDecoder`: scripted text and no model, for tests and benches.

Every implementation turns its tokens into text with `engine.assembly.TextAssembler`, so UTF-8, stop strings
and the prefill behave the same whichever decoder ran.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from legalprompt.engine.events import DoneEvent, TextEvent
from legalprompt.engine.params import SamplingParams
from legalprompt.engine.prompt import BuiltPrompt
from legalprompt.errors import ContextOverflowError, UserInputError


@runtime_checkable
class Decoder(Protocol):
    steers: bool  # True when `generate` takes a citation guard (anchored citations)
    n_ctx: int    # context tokens one request may use (prompt + answer)

    @property
    def model_name(self) -> str: ...

    def model_id(self) -> str:
        """What identifies the weights in history rows and batch resume keys (a sha256, or endpoint:NAME)."""

    def build_prompt(self, user: str, prefill: str = "", system: str | None = None,
                     thinking: bool = False) -> BuiltPrompt: ...

    def turn_stops(self, prompt: BuiltPrompt) -> list[str]: ...

    def prompt_tokens(self, prompt: BuiltPrompt) -> list[int]: ...

    def tokenize(self, text: str) -> list[int]: ...

    def fits(self, n_prompt: int, max_tokens: int) -> bool: ...

    def check_fits(self, n_prompt: int, max_tokens: int) -> None:
        """Raise ContextOverflowError (pt-BR, saying what to do) when it does not fit."""

    def generate(self, prompt: BuiltPrompt | list[int], params: SamplingParams,
                 cancel: threading.Event | None = None, prefill: str | None = None,
                 special_text: bool = False, guard=None) -> Iterator[TextEvent | DoneEvent]:
        """Text events, then one DoneEvent (output = prefill + generated text)."""

    def forget_context(self) -> None:
        """Drop any warm prefix (cold measurements)."""


def request_tokens(decoder: Decoder, prompt: BuiltPrompt | list[int], prefill: str | None) -> tuple[list[int], str]:
    """A generate() call's prompt as tokens, and its prefill (a BuiltPrompt carries its own)."""
    if isinstance(prompt, BuiltPrompt):
        tokens = decoder.prompt_tokens(prompt)
        prefill = prompt.prefill if prefill is None else prefill
    else:
        tokens = list(prompt)
    if not tokens:
        raise UserInputError("prompt vazio")
    return tokens, prefill or ""


def check_context(n_prompt: int, max_tokens: int, n_ctx: int, context: str = "o contexto é de") -> None:
    """The pt-BR refusal of a prompt + answer that do not fit `n_ctx` tokens, saying what to do."""
    if n_prompt + max_tokens > n_ctx:
        raise ContextOverflowError(
            f"o prompt tem {n_prompt} tokens e a resposta pede até {max_tokens}, mas {context} "
            f"{n_ctx} tokens ({n_prompt + max_tokens} > {n_ctx}). Encurte o documento "
            "(por exemplo com `legalprompt limar`), reduza --max-tokens ou aumente --n-ctx.")
