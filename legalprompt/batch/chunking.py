"""Split a document that does not fit the context into chunks measured in tokens (map-reduce).

`split_text(text, budget, count_tokens)` cuts on paragraph boundaries (blank lines), then on line
breaks, then on sentence ends, and only as a last resort inside a sentence (on spaces, or by
characters for a run with no space). Every chunk counts at most `budget` tokens by `count_tokens`;
the chunks, joined back with their separators, give the original text.

`ChunkPlan` is what the manifest records: how many chunks, their token counts and character spans,
and how many combine (reduce) levels were needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from legalprompt.errors import ContextOverflowError

CountTokens = Callable[[str], int]

_LEVELS = [
    re.compile(r"\n[ \t]*\n\s*"),                 # paragraphs
    re.compile(r"\n"),                            # lines
    re.compile(r"(?<=[.;:!?])\s+(?=[^\s])"),      # sentences
    re.compile(r"\s+"),                           # words
]


@dataclass
class Chunk:
    text: str
    start: int  # character offsets in the original text
    end: int
    tokens: int


@dataclass
class ChunkPlan:
    budget: int                       # tokens a chunk may take
    chunks: list[dict] = field(default_factory=list)  # [{"start", "end", "tokens"}]
    reduce_levels: int = 0            # combine steps stacked on top of the chunk summaries

    def to_dict(self) -> dict:
        return asdict(self)


def _pieces(text: str, start: int, level: int) -> list[tuple[int, int]]:
    """Split text[start:...] at `level`'s separators; each piece keeps its trailing separator, so the
    pieces tile the text exactly."""
    out = []
    pos = 0
    for m in _LEVELS[level].finditer(text):
        if m.end() <= pos or m.start() == 0:
            continue
        out.append((start + pos, start + m.end()))
        pos = m.end()
    if pos < len(text):
        out.append((start + pos, start + len(text)))
    return out


def split_text(text: str, budget: int, count_tokens: CountTokens) -> list[Chunk]:
    """Greedy packing of the finest boundaries needed so every chunk fits `budget` tokens."""
    if budget < 8:
        raise ContextOverflowError(
            f"sobram só {budget} tokens de contexto para o documento: aumente --n-ctx ou reduza --max-tokens.")
    spans = _fit_spans(text, 0, len(text), budget, count_tokens, 0)
    chunks: list[Chunk] = []
    cur_s = cur_e = None
    for s, e in spans:  # pack consecutive small spans while the sum fits
        if cur_s is None:
            cur_s, cur_e = s, e
            continue
        if count_tokens(text[cur_s:e]) <= budget:
            cur_e = e
        else:
            chunks.append(Chunk(text[cur_s:cur_e], cur_s, cur_e, count_tokens(text[cur_s:cur_e])))
            cur_s, cur_e = s, e
    if cur_s is not None:
        chunks.append(Chunk(text[cur_s:cur_e], cur_s, cur_e, count_tokens(text[cur_s:cur_e])))
    return [c for c in chunks if c.text.strip()]


def _fit_spans(text: str, s: int, e: int, budget: int, count: CountTokens, level: int) -> list[tuple[int, int]]:
    """Spans tiling text[s:e], each fitting `budget`, using boundaries of `level` or finer."""
    if count(text[s:e]) <= budget:
        return [(s, e)]
    if level >= len(_LEVELS):
        return _hard_split(text, s, e, budget, count)
    pieces = _pieces(text[s:e], s, level)
    if len(pieces) <= 1:
        return _fit_spans(text, s, e, budget, count, level + 1)
    out: list[tuple[int, int]] = []
    for ps, pe in pieces:
        out.extend(_fit_spans(text, ps, pe, budget, count, level + 1) if count(text[ps:pe]) > budget
                   else [(ps, pe)])
    return out


def _hard_split(text: str, s: int, e: int, budget: int, count: CountTokens) -> list[tuple[int, int]]:
    """A run with no usable boundary (a very long 'word'): cut by characters, bisecting the length."""
    out = []
    while s < e:
        lo, hi = 1, e - s
        while lo < hi:  # longest prefix that fits
            mid = (lo + hi + 1) // 2
            if count(text[s:s + mid]) <= budget:
                lo = mid
            else:
                hi = mid - 1
        out.append((s, s + lo))
        s += lo
    return out


def combine_text(partials: list[str], label: str = "Parte") -> str:
    """The document handed to the combine (reduce) step: the partial answers, numbered, in order."""
    n = len(partials)
    return "\n\n".join(f"[{label} {i} de {n}]\n{p.strip()}" for i, p in enumerate(partials, 1))


def group_for_reduce(partials: list[str], budget: int, count_tokens: CountTokens) -> list[list[str]]:
    """Consecutive groups of partial answers whose combined text fits `budget` (at least two per group
    when possible, so each reduce level shrinks the list)."""
    groups: list[list[str]] = []
    cur: list[str] = []
    for p in partials:
        if cur and count_tokens(combine_text(cur + [p])) > budget:
            groups.append(cur)
            cur = []
        cur.append(p)
    if cur:
        groups.append(cur)
    return groups
