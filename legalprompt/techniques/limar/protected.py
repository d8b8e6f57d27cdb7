"""What limar never drops or splits: citations and numbers (amounts, dates, counts), as text spans."""

from __future__ import annotations

import re
import types

_MONTHS = "janeiro|fevereiro|março|marco|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro"
_UNITS = (r"anos?|m[eê]s(?:es)?|dias?|horas?|minutos?|semanas?|sal[áa]rios?[ -]m[íi]nimos?|reais|real|d[óo]lares|"
          r"por\s+cento|vezes|parcelas?|presta[çc](?:[ãa]o|[õo]es)|quilos?|gramas?|metros?(?:\s+quadrados)?|hectares?|"
          r"UFIRs?|URVs?|pontos?")
# Numbers, amounts and dates. Every repetition needs a separator that the repeated part cannot
# start with, so matching is linear (no backtracking traps).
_NUMBER = re.compile(
    r"(?<![\w])(?:"
    r"(?:R\$|US\$|U\$|\$|€)\s?\d+(?:[.,]\d+)*"                                   # amounts
    r"|\d{1,2}[º°]?\s+de\s+(?:" + _MONTHS + r")\s+de\s+\d{4}"                    # 11 de setembro de 1990
    r"|(?:(?:n[º°o]|n\.\s?[º°o]|fls?\.|p\.|pp\.|arts?\.|§§?|incs?\.|als?\.)\s?)?"  # nº 123, fls. 2.203
    r"\d+(?:[.,/:-]\d+)*(?:\s?%|[º°ª]|-[A-Z](?![\w]))?"                           # 1.000,00 11/09/1990 10% 1º 5-A
    r")"
    r"(?:\s?\((?:[^()\n]{1,80})\))?"                                              # (cinco) (mil reais)
    r"(?:\s(?:" + _UNITS + r")(?![\w]))?",
    re.IGNORECASE)
_ROMAN_AFTER_ITEM = re.compile(r"(?<![\w])(?:incisos?|inc\.)\s+[IVXLC]{1,7}(?![\w])", re.IGNORECASE)
# A whitespace-delimited chunk containing a digit; it can only start at a chunk start, so the
# scan is linear even on a megabyte without spaces.
_DIGIT_CHUNK = re.compile(r"(?<!\S)[^\s\d]*\d\S*")
_OPENERS = set("([{“\"'«‘")
_CLOSERS = set(".,;:!?)]}”\"'»’")


def _citation_extractor():
    """`legalprompt.citations.extract`, whether the package exports the function or only the module."""
    try:
        import legalprompt.citations as pkg
    except ImportError:
        return None
    fn = getattr(pkg, "extract", None)
    if callable(fn) and not isinstance(fn, types.ModuleType):
        return fn
    try:
        from legalprompt.citations.extract import extract
    except ImportError:
        return None
    return extract


def citation_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each citation the extractor finds; [] when the extractor is missing."""
    extract = _citation_extractor()
    if extract is None:
        return []
    return [(c.start, c.end, c.text) for c in extract(text)]


def number_spans(text: str) -> list[tuple[int, int, str]]:
    """Numbers, amounts and dates, plus every whitespace-delimited chunk with a digit in it
    ("I/175", "2.203/2.207") without its surrounding punctuation; overlapping matches are merged,
    so the spans are ordered and disjoint."""
    spans = [(m.start(), m.end(), m.group()) for m in _NUMBER.finditer(text)]
    spans += [(m.start(), m.end(), m.group()) for m in _ROMAN_AFTER_ITEM.finditer(text)]
    for m in _DIGIT_CHUNK.finditer(text):
        a, b = m.start(), m.end()
        while a < b and text[a] in _OPENERS:
            a += 1
        while b > a and text[b - 1] in _CLOSERS:
            b -= 1
        if a < b:
            spans.append((a, b, text[a:b]))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b, _ in spans:
        if merged and a < merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return [(a, b, text[a:b]) for a, b in merged]
