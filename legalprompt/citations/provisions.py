"""Read a provision chain ("art. 5º, LXXIX", "art. 37, § 6º", "inciso XXI do art. 54") into the
article, parágrafo and inciso each part names, so that a table can check them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_TOK = re.compile(
    r"(?P<art>(?i:(?:no)?art(?:igo)?s?)\.?\s?(?P<an>\d{1,4}(?:\.\d{3})?))"
    r"|(?P<unico>(?i:par[áa]grafo\s+[úu]nico))"
    r"|(?P<par>(?:§§?|(?i:par[áa]grafos?))\s?(?P<pn>\d{1,3}))"
    r"|(?P<roman>(?<![\w])[IVXLC]{1,8}(?![\w]))"
    r"|(?P<alinea>(?i:al[íi]neas?)(?![\w])|(?<![\w])[a-z]\)|[\"“'][a-z][\"”'])"
    r"|(?P<num>(?<![\w§])\d{1,3}(?=\s?[º°o]?(?![\w])))"
)
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(s: str) -> int | None:
    total, prev = 0, 0
    for ch in reversed(s):
        v = _ROMAN[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    # reject non-canonical forms ("IIII", "VX"): they are words or typos, not incisos
    return total if _to_roman(total) == s else None


def _to_roman(n: int) -> str:
    out = ""
    for v, r in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out, n = out + r, n - v
    return out


@dataclass
class Provision:
    article: int
    paragraph: int | str | None = None       # a number, "unico" or None (the caput)
    inciso: int | None = None
    alinea: bool = False


def parse(chain: str) -> list[Provision]:
    """Every article/parágrafo/inciso named in `chain`; parts before the first article (inverted
    order, "inciso XXI do art. 54") are attached to the article that follows."""
    out: list[Provision] = []
    pending: list[Provision] = []
    art: int | None = None
    par: int | str | None = None
    last_was = None
    for m in _TOK.finditer(chain):
        k = next(g for g in ("art", "unico", "par", "roman", "alinea", "num") if m.group(g))
        if k == "art":
            art, par = int(m.group("an").replace(".", "")), None
            for p in pending:
                p.article = art
                out.append(p)
            pending = []
            out.append(Provision(art))
        elif k == "unico":
            par = "unico"
            (out if art is not None else pending).append(Provision(art or 0, par))
        elif k == "par":
            par = int(m.group("pn"))
            if art is None:            # "inciso II do § 4º do art. 40": the inciso is the parágrafo's
                for p in pending:
                    if p.paragraph is None and p.inciso is not None:
                        p.paragraph = par
            (out if art is not None else pending).append(Provision(art or 0, par))
        elif k == "num" and last_was == "par":
            par = int(m.group("num"))      # "§§ 1º e 2º"
            (out if art is not None else pending).append(Provision(art or 0, par))
            k = "par"
        elif k == "num" and art is not None:
            art, par = int(m.group("num")), None   # "arts. 5º e 7º", "arts. 61, § 1º, II, e 195"
            out.append(Provision(art))
            k = "art"
        elif k == "roman":
            v = roman_value(m.group("roman"))
            if v is not None:
                (out if art is not None else pending).append(Provision(art or 0, par, v))
        elif k == "alinea":
            (out if art is not None else pending).append(Provision(art or 0, par, None, True))
        last_was = k
    return out


@lru_cache(maxsize=4096)
def parse_cached(chain: str) -> tuple[Provision, ...]:
    """`parse`, once per chain (a text cites the same chain many times): read the provisions, do not
    change them."""
    return tuple(parse(chain))
