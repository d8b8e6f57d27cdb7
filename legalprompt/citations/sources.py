"""The source documents of a check: the identities of their citations, their text folded for a
citation's own words, and normalised for quotations; built once per set of documents."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable

from legalprompt.citations.extract import extract
from legalprompt.citations.models import Citation
from legalprompt.citations.patterns import fold_key
from legalprompt.citations.quotes import padded
from legalprompt.citations.rules_legislation import article_int


# --------------------------------------------------------------------------- sources

def _digits(s: str | None) -> str:
    return re.sub(r"\D", "", s or "").lstrip("0")


def citation_keys(c: Citation) -> set[str]:
    """Normalised identities of a citation, used to look it up in the source documents."""
    if c.kind == "legislation":
        if c.norm_key:
            ident = c.norm_key
        elif c.norm_number is not None:
            ident = f"{c.norm_kind}:{c.norm_number}"
        else:
            ident = "text:" + fold_key(c.norm_text or c.text)
        if c.norm_year and not ident.startswith("text:"):
            ident = f"{ident}@{c.norm_year}"
        if c.articles:
            return {f"{ident}#art{article_int(a)}" for a in c.articles}
        return {ident}
    if c.kind == "sumula":
        return {f"sumula:{c.series}:{n}" for n in c.numbers}
    if c.kind == "tema":
        return {f"tema:{n}" for n in c.numbers}
    if c.cnj:
        return {"cnj:" + _digits(c.cnj)}
    if c.kind == "case":
        return {f"case:{fold_key(c.case_class or '')}:{_digits(c.number)}"}
    return {"text:" + fold_key(c.text)}


class SourceIndex:
    """What a check needs of the source documents, built once per set of documents (`source_index`):
    the identities of their citations, their folded text, and their text normalised for quotations."""

    def __init__(self, sources: Iterable[str]):
        self.keys: set[str] = set()
        self.folded: list[str] = []
        self.quote_texts: list[str] = []
        for s in sources:
            self.folded.append(fold_key(s))
            self.quote_texts.append(padded(s))
            for c in extract(s):
                ks = citation_keys(c)
                self.keys |= ks
                self.keys |= {k.split("#", 1)[0] for k in ks}
                self.keys |= {re.sub(r"@\d+", "", k) for k in list(self.keys)}

    def _same_norm_without_year(self, key: str) -> bool:
        m = re.match(r"([^@#]+)@(\d+)(.*)", key)
        if not m:
            return False
        norm, year, rest = m.groups()
        other_years = {k for k in self.keys if k.startswith(norm + "@") and not k.startswith(f"{norm}@{year}")}
        return norm + rest in self.keys and not other_years

    def contains(self, c: Citation) -> bool:
        ks = citation_keys(c)
        if ks and ks <= self.keys:
            return True
        # "art. 14 da Lei 8.078/1990" matches a source that says "art. 14 do CDC (Lei nº 8.078/1990)":
        # the year is checked against the tables separately, so match the norm and provision without it.
        if ks and all(k in self.keys or self._same_norm_without_year(k) for k in ks):
            return True
        core = fold_key(c.core_text)
        return len(core) >= 4 and any(core in f for f in self.folded)


_INDEX_CACHE: OrderedDict[str, SourceIndex] = OrderedDict()
_INDEX_LOCK = threading.Lock()


def source_index(sources: Iterable[str]) -> SourceIndex:
    """The index of `sources`, built once per set of texts and kept for the next checks (the TUI checks
    a streaming answer every 0.5 s against the same document); the last 16 sets are kept."""
    texts = list(sources)
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    key = h.hexdigest()
    with _INDEX_LOCK:
        hit = _INDEX_CACHE.get(key)
        if hit is not None:
            _INDEX_CACHE.move_to_end(key)
            return hit
    index = SourceIndex(texts)
    with _INDEX_LOCK:
        _INDEX_CACHE[key] = index
        while len(_INDEX_CACHE) > 16:
            _INDEX_CACHE.popitem(last=False)
    return index
