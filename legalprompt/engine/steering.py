"""Anchored citations inside a decoder: what to write when the citation guard refuses a sampled token.

Shared by the in-process engine and the parallel-sequences decoder; each passes the row of logits the
refused token was sampled from and its own vocabulary lookups.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from legalprompt.engine.params import SamplingParams


def anchored_choice(logits, guard, context: str, params: SamplingParams, n_out: int,
                    piece: Callable[[int], str], is_eog: Callable[[int], bool],
                    tokenize: Callable[[str], list[int]]) -> list[int]:
    """Tokens to write instead of a refused one: the most probable candidates (from the logits the
    refused token was sampled from) whose text the guard accepts, sampled at the request's
    temperature; failing that, the shortest completion of the open citation into an allowed one.
    Only called when a sampled token was refused, so its cost is paid inside citations only."""
    import numpy as np

    ok: list[int] = []
    for k in (32, 256):
        k = min(k, logits.size)
        top = np.argpartition(-logits, k - 1)[:k]
        top = top[np.argsort(-logits[top])]
        ok = [int(t) for t in top if not is_eog(int(t)) and guard.accepts(context, piece(int(t)))]
        if ok:
            break
    if ok:
        if params.temperature <= 0 or len(ok) == 1:
            return [ok[0]]
        z = np.array([logits[t] for t in ok], dtype=np.float64) / params.temperature
        p = np.exp(z - z.max())
        p /= p.sum()
        r = random.Random(params.seed * 1_000_003 + n_out).random()
        return [ok[min(int(np.searchsorted(np.cumsum(p), r)), len(ok) - 1)]]
    rest = guard.completion(context)
    if rest:
        return tokenize(rest)
    return [int(np.argmax(logits))]        # nothing fits and nothing completes: the prefill's own citation


def complete_open_citation(guard, context: str, prefill_len: int) -> str | None:
    """When the budget ran out inside a citation ("art. 52 da Lei nº 8."), the text that finishes it as an
    allowed one, rather than leave a number that reads as another norm (a few tokens past max_tokens)."""
    if guard.violation(context + " ") >= prefill_len:
        return guard.completion(context) or None
    return None
