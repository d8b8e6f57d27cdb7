"""limar's word lists (`legalprompt/data/limar/`), loaded once and matched by folded keys."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data" / "limar"

# A word (letters, digits, inner hyphens and apostrophes: group 1) or one other visible character.
TOKEN = re.compile(r"([^\W_]+(?:[-'’][^\W_]+)*)|(\S)")


def fold(word: str) -> str:
    """Lowercase without accents: the key every word list is matched by."""
    return _fold(word)


@lru_cache(maxsize=200_000)
def _fold(word: str) -> str:
    w = word.lower().replace("’", "'")
    if w.isascii():
        return w
    return "".join(c for c in unicodedata.normalize("NFD", w) if not unicodedata.combining(c))


def read_list(name: str) -> list[str]:
    """The entries of one word list: its non-blank lines that are not comments."""
    data = (DATA_DIR / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in data.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@dataclass(frozen=True)
class Lexicon:
    stop: frozenset
    connectors: frozenset     # kept between two kept words ("direito de defesa"), light and medium
    name_connectors: frozenset  # kept inside names ("Tribunal de Justiça") at every level
    generic: frozenset
    legal: frozenset
    negators: dict            # key -> "fwd" | "back"
    phrases: dict             # first key -> list of (keys tuple, kind), longest first


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    def words(name: str) -> set[str]:
        return {fold(w) for ln in read_list(name) for w in ln.split()}

    conn_lines = read_list("connectors.txt")
    negators = {}
    for ln in read_list("negators.txt"):
        word, direction = ln.split()
        negators[fold(word)] = direction
    phrases: dict[str, list] = {}
    for kind, name in (("expr", "expressions.txt"), ("filler", "fillers.txt")):
        for ln in read_list(name):
            keys = tuple(fold(m.group()) for m in TOKEN.finditer(ln) if m.lastindex == 1)
            if keys:
                phrases.setdefault(keys[0], []).append((keys, kind))
    for lst in phrases.values():
        lst.sort(key=lambda p: (-len(p[0]), p[1] != "expr"))
    stop = words("stopwords.txt") - set(negators)
    legal = words("legal_terms.txt")
    return Lexicon(
        stop=frozenset(stop),
        connectors=frozenset(fold(w) for w in conn_lines[0].split()),
        name_connectors=frozenset(fold(w) for ln in conn_lines for w in ln.split()),
        generic=frozenset(words("generic.txt") - legal),
        legal=frozenset(legal),
        negators=negators,
        phrases=phrases,
    )
