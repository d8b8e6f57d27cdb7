"""The text cut into units (words, punctuation, protected spans), with the marks limar's passes set on them."""

from __future__ import annotations

from dataclasses import dataclass, field

from legalprompt.techniques.limar.lexicon import TOKEN, fold

# Unit kinds
WORD, PUNCT, SPAN = 0, 1, 2
# Decisions
KEEP, DROP_CONTENT, DROP_SILENT, UNDECIDED = 0, 1, 2, 3


@dataclass
class Units:
    """Parallel lists, one entry per unit. A protected span (citation, number) and every token it
    touches are one SPAN unit, kept from the start."""

    text: str
    starts: list[int]
    ends: list[int]
    kinds: list[int]
    keys: list[str]                     # folded word; "" for punctuation, spans and filler phrases
    decision: list[int] = field(default_factory=list)
    is_content: list[bool] = field(default_factory=list)   # counts as a content word for negation scopes
    scope_mark: list[bool] = field(default_factory=list)   # inside a negation scope: kept verbatim
    name_mark: list[bool] = field(default_factory=list)    # part of a name or acronym

    def __post_init__(self) -> None:
        n = len(self.starts)
        self.decision = [KEEP if k == SPAN else UNDECIDED for k in self.kinds]
        self.is_content = [False] * n
        self.scope_mark = [False] * n
        self.name_mark = [False] * n

    def __len__(self) -> int:
        return len(self.starts)

    def word(self, i: int) -> str:
        return self.text[self.starts[i]:self.ends[i]]


def split_units(text: str, spans: list[tuple[int, int]]) -> Units:
    """Tokens, with every protected span (and any token it touches) merged into one unit."""
    starts: list[int] = []
    ends: list[int] = []
    kinds: list[int] = []
    spans = sorted(spans)
    si = 0
    n_spans = len(spans)
    cur_end = -1
    for m in TOKEN.finditer(text):
        s, e = m.span()
        if s >= cur_end and (si >= n_spans or spans[si][0] >= e):
            starts.append(s)             # the common case: a plain token outside every span
            ends.append(e)
            kinds.append(WORD if m.lastindex == 1 else PUNCT)
            continue
        if s < cur_end:                       # inside the open span unit: extend it
            if e > cur_end:
                cur_end = e
                ends[-1] = e
            while si < n_spans and spans[si][0] < cur_end:
                if spans[si][1] > cur_end:
                    cur_end = spans[si][1]
                    ends[-1] = cur_end
                si += 1
            continue
        while si < n_spans and spans[si][1] <= s:
            si += 1
        if si < n_spans and spans[si][0] < e:  # this token opens a span unit
            cur_end = max(e, spans[si][1])
            starts.append(min(s, spans[si][0]))
            ends.append(cur_end)
            kinds.append(SPAN)
            si += 1
            while si < n_spans and spans[si][0] < cur_end:
                cur_end = max(cur_end, spans[si][1])
                ends[-1] = cur_end
                si += 1
            continue
        starts.append(s)
        ends.append(e)
        kinds.append(WORD if m.lastindex == 1 else PUNCT)
    keys = [fold(text[starts[i]:ends[i]]) if kinds[i] == WORD else "" for i in range(len(starts))]
    return Units(text, starts, ends, kinds, keys)
