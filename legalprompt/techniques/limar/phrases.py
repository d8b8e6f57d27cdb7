"""limar's first pass: legal expressions are kept whole, filler phrases dropped silently."""

from __future__ import annotations

from legalprompt.techniques.limar.lexicon import Lexicon
from legalprompt.techniques.limar.units import DROP_SILENT, KEEP, PUNCT, WORD, Units


def _match_phrase(pkeys, i, n, kinds, keys, text, starts, allow_commas) -> int:
    """End unit index of the phrase `pkeys` starting at unit i, or 0. Filler phrases may have
    commas between their words ("Vistos, relatados e discutidos")."""
    j = i
    for k in pkeys:
        while allow_commas and j < n and kinds[j] == PUNCT and text[starts[j]] == ",":
            j += 1
        if j >= n or kinds[j] != WORD or keys[j] != k:
            return 0
        j += 1
    return j


def mark_phrases(u: Units, lex: Lexicon) -> None:
    text, starts, kinds, keys, decision, is_content = u.text, u.starts, u.kinds, u.keys, u.decision, u.is_content
    n = len(u)
    i = 0
    while i < n:
        if kinds[i] == WORD and keys[i] in lex.phrases:
            matched = None
            for pkeys, pkind in lex.phrases[keys[i]]:
                end = _match_phrase(pkeys, i, n, kinds, keys, text, starts, pkind == "filler")
                if end:
                    matched = (end, pkind)
                    break
            if matched:
                end, pkind = matched
                for j in range(i, end):
                    if kinds[j] == PUNCT:
                        decision[j] = DROP_SILENT  # a comma inside a filler phrase
                    else:
                        decision[j] = KEEP if pkind == "expr" else DROP_SILENT
                        is_content[j] = pkind == "expr"
                        keys[j] = "" if pkind == "filler" else keys[j]
                i = end
                continue
        i += 1
