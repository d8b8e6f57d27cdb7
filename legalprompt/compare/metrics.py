"""Per-arm figures of a comparison: shape-check pass rate, flagged citations, length, speed, and how
much the samples agree with each other. Pure functions over plain data (no model), so they are
tested on their own.

Agreement is the mean pairwise similarity of the *generated* parts of an arm's samples (the prefill
is left out: it is identical in every sample by construction and would make a primed arm look
consistent for free). Similarity is a normalised word-sequence ratio (difflib), 1.0 for identical
word sequences, 0.0 for nothing in common.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Any

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def normalise_words(text: str) -> list[str]:
    """Lowercased, NFKC-normalised words (letters and digits), punctuation and spacing ignored."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def similarity(a: str, b: str) -> float:
    """Word-level similarity in [0, 1]: 2 * matched words / total words (difflib's ratio)."""
    wa, wb = normalise_words(a), normalise_words(b)
    if not wa and not wb:
        return 1.0
    return difflib.SequenceMatcher(None, wa, wb, autojunk=False).ratio()


def agreement(texts: Sequence[str]) -> float | None:
    """Mean pairwise similarity of the texts; None with fewer than two."""
    pairs = list(combinations(texts, 2))
    if not pairs:
        return None
    return sum(similarity(a, b) for a, b in pairs) / len(pairs)


def _mean(values: Iterable[float]) -> float | None:
    vals = list(values)
    return sum(vals) / len(vals) if vals else None


def citation_counts(citations: Iterable[dict]) -> dict[str, int]:
    """Counts by verdict plus `not_in_sources` (citations the source document does not contain)."""
    out = {"total": 0, "INCONSISTENT": 0, "VERIFIED": 0, "UNVERIFIED": 0, "not_in_sources": 0}
    for c in citations:
        out["total"] += 1
        v = c.get("verdict")
        if v in out:
            out[v] += 1
        if c.get("in_sources") is False:
            out["not_in_sources"] += 1
    return out


def arm_metrics(samples: Sequence[Any], groups: Sequence[Sequence[Any]] | None = None) -> dict[str, Any]:
    """Figures for one arm. `samples` are SampleResult-like objects (attributes output, generated,
    citations, shape_ok, usage, timings). Agreement is computed within each group (one group per
    document in a corpus: samples of different documents are not expected to agree); by default
    all samples form one group."""
    n = len(samples)
    checked = [s.shape_ok for s in samples if s.shape_ok is not None]
    counts = citation_counts(c for s in samples for c in s.citations)
    groups = [samples] if groups is None else groups
    group_agreements = [a for a in (agreement([s.generated for s in g]) for g in groups) if a is not None]
    ttft = [s.timings.get("time_to_first_token_s", 0.0) for s in samples]
    tps = [s.timings.get("generation_tokens_per_s", 0.0) for s in samples if s.usage.get("completion_tokens", 0) > 1]
    return {
        "samples": n,
        "shape_checked": bool(checked),
        "shape_ok": sum(1 for ok in checked if ok),
        "shape_pass_rate": (sum(1 for ok in checked if ok) / len(checked)) if checked else None,
        "citations": counts["total"],
        "inconsistent": counts["INCONSISTENT"],
        "not_in_sources": counts["not_in_sources"],
        # quotations of the answer that the document does not contain (samples without `quotes`: none)
        "quotes": sum(len(getattr(s, "quotes", None) or []) for s in samples),
        "quotes_not_found": sum(1 for s in samples for q in (getattr(s, "quotes", None) or [])
                                if q.get("found") is False),
        "verified": counts["VERIFIED"],
        "unverified": counts["UNVERIFIED"],
        "samples_with_inconsistent": sum(1 for s in samples if any(c.get("verdict") == "INCONSISTENT"
                                                                   for c in s.citations)),
        "samples_with_not_in_sources": sum(1 for s in samples if any(c.get("in_sources") is False
                                                                     for c in s.citations)),
        "mean_chars": _mean(len(s.output) for s in samples),
        "mean_words": _mean(len(normalise_words(s.output)) for s in samples),
        "mean_completion_tokens": _mean(s.usage.get("completion_tokens", 0) for s in samples),
        "agreement": _mean(group_agreements),
        "mean_time_to_first_token_s": _mean(ttft),
        "mean_tokens_per_s": _mean(tps),
        "total_s": sum(s.timings.get("total_s", 0.0) for s in samples),
        "prompt_tokens": sum(s.usage.get("prompt_tokens", 0) for s in samples),
        "cached_prompt_tokens": sum(s.usage.get("cached_prompt_tokens", 0) for s in samples),
    }


def paired_similarity(a_outputs: Sequence[str], b_outputs: Sequence[str]) -> float | None:
    """Mean similarity between arm A's and arm B's outputs for the same seed."""
    pairs = list(zip(a_outputs, b_outputs))
    if not pairs:
        return None
    return sum(similarity(a, b) for a, b in pairs) / len(pairs)
