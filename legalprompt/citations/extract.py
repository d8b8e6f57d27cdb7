"""Find Brazilian legal citations in a text, with character offsets.

The patterns come from the pattern database (`data/citations/patterns.json`, compiled by
`patterns.py`: the heads from their entries, the walking patterns from "extract_patterns"); the work is
split by job: `prefilter` (where to try), `legislation`, `caselaw` (the candidates of each kind), and
this module, which merges them:

1. candidates of every kind are collected independently (numbered norms, named norms and codes,
   provision chains attached to a norm, case classes with numbers, CNJ numbers, súmulas, temas);
2. overlapping candidates are resolved greedily (earliest start, then longest span), so the result
   is ordered and non-overlapping;
3. case citations are extended over the relator, órgão julgador and dates that follow them, up to
   the next citation, a closing parenthesis or a semicolon.

Every step is a left-to-right scan with bounded look-ahead: the cost is linear in the text length.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from legalprompt.citations.caselaw import attach_meta, case_candidates
from legalprompt.citations.legislation import legislation_candidates
from legalprompt.citations.models import Citation
from legalprompt.citations.prefilter import Triggers, digit_windows
from legalprompt.citations.walk import walk_patterns


def _merge_aliases(text: str, cits: list[Citation]) -> list[Citation]:
    """"Código de Processo Penal (CPC)", "Lei nº 8.078/1990 (CDC)": a norm followed by another name of a
    norm that fills a pair of parentheses is one citation; the checker compares the two names."""
    out: list[Citation] = []
    paren = walk_patterns()["paren_alias"]
    i = 0
    while i < len(cits):
        c = cits[i]
        nxt = cits[i + 1] if i + 1 < len(cits) else None
        if c.kind == "legislation" and nxt is not None and nxt.kind == "legislation" and not nxt.provisions \
                and "(" in text[c.end:c.end + 2]:            # the alias's parenthesis, after at most a space
            m = paren.match(text, c.end, min(len(text), c.end + 70))
            if m and m.start("alias") == nxt.start and m.end("alias") == nxt.end:
                c.alias_text, c.alias_key = nxt.text, nxt.norm_key
                c.core_end = c.end               # the identifier is the norm, without the alias
                c.end = m.end()
                c.text = text[c.start:c.end]
                out.append(c)
                i += 2
                continue
        out.append(c)
        i += 1
    return out


def extract(text: str, *, prefilter: bool = True) -> list[Citation]:
    """All citations in `text`, ordered by start, non-overlapping; offsets index `text` itself.
    `prefilter=False` scans the digit windows with every pattern instead of trying the patterns at
    their trigger words (the same result, slower; kept to test the pre-filter against)."""
    if not isinstance(text, str):
        raise TypeError("extract() takes a str")
    trig = Triggers(text) if prefilter else None
    wins = [] if trig is not None and trig.ok else digit_windows(text)
    cands = legislation_candidates(text, wins, trig) + case_candidates(text, wins, trig)
    cands.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Citation] = []
    last_end = -1
    for c in cands:
        if c.start >= last_end and c.end > c.start:
            kept.append(c)
            last_end = c.end
    kept = _merge_aliases(text, kept)
    for i, c in enumerate(kept):
        c.core_start, c.core_end = c.start, (c.core_end if c.alias_text else c.end)
        if c.kind == "case":
            nxt = kept[i + 1].start if i + 1 < len(kept) else len(text)
            attach_meta(text, c, nxt)
    return kept


_DOCS: OrderedDict[str, tuple[Citation, ...]] = OrderedDict()
_DOCS_LOCK = threading.Lock()


def extract_document(text: str) -> tuple[Citation, ...]:
    """The citations of a source document, extracted once per text and shared by everything built from
    it (the checker's `SourceIndex`, the anchored guard's `AllowedCitations`): one extraction per
    document, not one per structure. The last 16 documents are kept. The citations are shared: read
    them, do not change them (`extract` gives a fresh list)."""
    with _DOCS_LOCK:
        hit = _DOCS.get(text)
        if hit is not None:
            _DOCS.move_to_end(text)
            return hit
    cits = tuple(extract(text))
    with _DOCS_LOCK:
        _DOCS[text] = cits
        while len(_DOCS) > 16:
            _DOCS.popitem(last=False)
    return cits
