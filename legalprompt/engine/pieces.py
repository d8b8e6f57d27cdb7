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
