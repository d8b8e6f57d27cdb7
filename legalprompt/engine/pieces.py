"""A tokenizer with no model: text cut into pieces by a rule, each distinct piece given an id on first sight.

For decoders that have no vocabulary of their own here: the fake decoder (pieces are words with their leading
space) and a remote endpoint (pieces of about three bytes: a conservative count of Portuguese tokens, used to
plan chunks and check the fit). The ids map back to the exact text, so a prompt survives the round trip.
"""

from __future__ import annotations

import re
import threading

_WORDS = re.compile(r"\s*\S+|\s+")


def split_words(text: str) -> list[str]:
    return _WORDS.findall(text)


def split_bytes(text: str, size: int = 3) -> list[str]:
    """Runs of whole characters of about `size` UTF-8 bytes each."""
    out, cur, n = [], [], 0
    for ch in text:
        cur.append(ch)
        n += len(ch.encode("utf-8", "surrogatepass"))
        if n >= size:
            out.append("".join(cur))
            cur, n = [], 0
    if cur:
        out.append("".join(cur))
    return out


class PieceVocab:
    def __init__(self, split=split_words):
        self._split = split
        self._ids: dict[str, int] = {}
        self._pieces: list[str] = []
        self._lock = threading.Lock()  # batch workers tokenize from several threads

    def tokenize(self, text: str) -> list[int]:
        out = []
        with self._lock:
            for p in self._split(text):
                i = self._ids.get(p)
                if i is None:
                    i = self._ids[p] = len(self._pieces)
                    self._pieces.append(p)
                out.append(i)
        return out

    def piece(self, token: int) -> str:
        return self._pieces[token]

    def text(self, ids: list[int]) -> str:
        return "".join(self._pieces[i] for i in ids)


class PieceDecoder:
    """The part of the Decoder interface shared by decoders with no model vocabulary here (the fake, a remote
    endpoint): the plain prompt frame, piece tokens, the fit against `n_ctx`. Subclasses add `generate`."""

    steers = False
    thinking_refusal = ("--thinking precisa de um modelo com chat template que tenha bloco de raciocínio; "
                        "este modelo usa o prompt simples. Rode sem --thinking.")

    def __init__(self, vocab: PieceVocab, n_ctx: int):
        self.vocab = vocab
        self.n_ctx = n_ctx

    def build_prompt(self, user: str, prefill: str = "", system: str | None = None, thinking: bool = False):
        from legalprompt.engine.prompt import render_plain
        from legalprompt.errors import UserInputError

        if thinking:
            raise UserInputError(self.thinking_refusal)
        return render_plain(system, user, prefill)

    def turn_stops(self, prompt) -> list[str]:
        return []

    def tokenize(self, text: str) -> list[int]:
        return self.vocab.tokenize(text)

    def prompt_tokens(self, prompt) -> list[int]:
        return self.tokenize(prompt.text)

    def fits(self, n_prompt: int, max_tokens: int) -> bool:
        return n_prompt + max_tokens <= self.n_ctx

    def check_fits(self, n_prompt: int, max_tokens: int) -> None:
        from legalprompt.engine.decoder import check_context

        check_context(n_prompt, max_tokens, self.n_ctx)

    def forget_context(self) -> None:
        """Nothing warm to drop here."""
