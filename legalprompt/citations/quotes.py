"""Quotations: text the answer puts between quotation marks as a quote of the source must be in it.

What counts as a quote: text between "…", “…” or «…» with at least `MIN_WORDS` words. Shorter quoted text
is a term ("caput", “habeas corpus”), not a quotation of the source, and is not checked.

How it is matched: both sides are normalised the same way, then the quote must be a substring of the
source. The normalisation
* folds case and accents ("NÃO" = "nao"): answers and extracted PDFs lose and change accents (Latin-1
  read as UTF-8, OCR), and a quote that differs from the source only in accents says the same words;
* drops punctuation and collapses every run of spaces, line breaks and punctuation into one space: a
  quote is judged by its words, in their order; a comma more or less, a hyphenated line break or a page's
  line wrap is not a misquote;
* reads an ellipsis inside the quote ("…", "...", "(...)", "[...]") as an omission: each part must be in
  the source, in order.

Anchored mode applies the same rule while the model writes (`QuoteGuard`): once an open quote holds
`MIN_WORDS` words, what it holds must be a substring of the normalised source; the model may always
close the quote. Substring search over the normalised source is one `str.find` in C (two-way
algorithm, linear), paid only while a quote is open; no per-document structure beyond the normalised
text is needed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MIN_WORDS = 4
_PAIRS = (("“", "”"), ("«", "»"), ('"', '"'))
# a straight quote opens after a start, a space or an opening bracket; “ and « always open
# (every alternative starts with its mark, so the regex engine skips to the marks; the straight quote's
# "not after a word character or a quote" look-behind comes after the mark, two characters wide)
_QUOTE = re.compile(r"“(?P<a>[^“”]{1,4000})”|«(?P<b>[^«»]{1,4000})»|\"(?<![\w\"]\")(?P<c>[^\"\n]{1,4000}?)\"(?![\w])")
_ELLIPSIS = re.compile(r"\(\s*(?:\.\s*){3}\)|\[\s*(?:\.\s*){3}\]|\.\.\.|…")
_NOT_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"[^\W_]+")


def normalise(s: str) -> str:
    """Lower case, accents and punctuation removed, one space between words (see the module's docstring)."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("º", "o").replace("°", "o").replace("ª", "a")
    return _NOT_WORD.sub(" ", s.lower()).strip()


def fragments(content: str) -> list[str]:
    """The normalised parts of a quote between its ellipses (empty parts dropped)."""
    return [f for f in (normalise(p) for p in _ELLIPSIS.split(content)) if f]


def word_count(content: str) -> int:
    return len(_NOT_WORD.sub(" ", _ELLIPSIS.sub(" ", content)).split())


def has_words(content: str, n: int) -> bool:
    """word_count(content) >= n, reading only as far as the n-th word (an ellipsis is not a word
    character, so the words are the runs of word characters)."""
    return sum(1 for _ in zip(range(n), _WORD.finditer(content))) >= n


def padded(source: str) -> str:
    """A normalised source with a space at each end, so that a part can be matched on word boundaries."""
    return f" {normalise(source)} "


def found_in(parts: list[str], source: str, open_end: bool = False) -> bool:
    """Whether every part occurs in `source` (from `padded`), in order, on word boundaries; with
    `open_end` the last part may end inside a word (a quote still being written)."""
    pos = 0
    for k, p in enumerate(parts):
        needle = f" {p}" if open_end and k == len(parts) - 1 else f" {p} "
        i = source.find(needle, pos)
        if i < 0:
            return False
        pos = i + len(needle) - 1
    return True


@dataclass
class CheckedQuote:
    text: str            # the quote with its marks, as written
    start: int
    end: int
    found: bool | None   # None: no source to compare with
    reason: str | None = None

    def to_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end, "found": self.found, "reason": self.reason}


def find_quotes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content) of every quotation with at least MIN_WORDS words, marks included in start/end."""
    out = []
    for m in _QUOTE.finditer(text):
        content = m.group("a") or m.group("b") or m.group("c") or ""
        if has_words(content, MIN_WORDS):
            out.append((m.start(), m.end(), content))
    return out


def check_quotes(text: str, sources: list[str] | None) -> list[CheckedQuote]:
    """Every quotation of `text`, found or not in `sources` (texts from `padded`; None: not compared)."""
    out = []
    for s, e, content in find_quotes(text):
        if sources is None:
            out.append(CheckedQuote(text[s:e], s, e, None))
            continue
        parts = fragments(content)
        ok = any(found_in(parts, src) for src in sources)
        out.append(CheckedQuote(text[s:e], s, e, ok, None if ok else QUOTE_NOT_FOUND))
    return out


QUOTE_NOT_FOUND = ("trecho entre aspas não consta do documento de origem (comparado sem diferença de maiúsculas, "
                   "acentos, pontuação e espaços)")


def open_quote(text: str, lo: int = 0) -> int:
    """Offset just after the opening mark of the quote still open at the end of `text` (-1: none).
    Only marks at or after `lo` count."""
    best = -1
    for o, c in _PAIRS[:2]:
        # the first opener after the last closer: a mark opened inside an open quote is nested in it
        i = text.find(o, max(lo, text.rfind(c) + 1))
        if i >= 0:
            best = max(best, i + 1)
    # straight quotes: the last one opens a quote when there is an odd number of openers since `lo`
    i = text.rfind('"', lo)
    if i >= 0 and text.count('"', lo) % 2 == 1 and (i == 0 or not text[i - 1].isalnum()):
        best = max(best, i + 1)
    return best


_CLOSE = {"“": "”", "«": "»", '"': '"'}


class QuoteGuard:
    """Anchored quotes: an open quote of MIN_WORDS words or more must be a substring of the source."""

    def __init__(self, sources: list[str]):
        self.sources = [padded(s) for s in sources if s and s.strip()]

    def _bad(self, content: str, open_end: bool) -> bool:
        if word_count(content) < MIN_WORDS:
            return False
        parts = fragments(content)
        return bool(parts) and not any(found_in(parts, src, open_end) for src in self.sources)

    def refuses(self, text: str, piece: str, lo: int = 0) -> bool:
        """Whether `piece` after `text` writes, inside a quote, what no source contains (a quote that
        was already wrong before the piece, in the user's prefill, is not refused: it cannot be undone)."""
        if not self.sources:
            return False
        i = open_quote(text, lo)
        new = text + piece
        if i < 0:
            i = open_quote(new, lo)
            if i < 0:
                return False
            return self._bad(new[i:], open_end=True)
        j = new.find(_CLOSE[text[i - 1]], len(text))
        end = j if j >= 0 else len(new)
        return self._bad(new[i:end], open_end=j < 0) and not self._bad(text[i:], open_end=True)

    def closing(self, text: str, lo: int = 0) -> str | None:
        """The mark that closes the quote open at the end of `text`, or None."""
        i = open_quote(text, lo)
        return _CLOSE[text[i - 1]] if i >= 0 else None
