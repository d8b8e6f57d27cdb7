"""Anchored citations: which citations a draft may write, and a guard that judges each next token.

The allowed citations of one request are built once from its source documents:
* every citation the extractor finds in the sources, written in the equivalent forms the checker
  treats as the same ("Lei nº 8.078/1990", "Lei 8.078/90", "CDC", "art. 14 do CDC", "REsp nº 1.234/SP");
* only with `tables=True` (`run --anchor-tables`), or when there is no source text at all: every norm of
  the shipped tables, by number and by name, and "art. N da <norm>" for N inside the norm's article
  count. With sources, a table norm the sources do not cite is refused, even by its bare name ("CPC",
  "Código Civil"): an anchored draft cites nothing that is not in its sources.

They live in character tries (lower case, "°" read as "º", line breaks as spaces): the literal forms,
and the norms that an "art. N d[ao] " prefix may continue with, each node carrying the largest article
count below it, so that "art. 900 do " can only go on to a norm with at least 900 articles.

`CitationGuard.accepts(text, piece)` says whether appending `piece` keeps the text free of a citation
the allowed set does not hold, and of a quotation the sources do not contain (quotes.py). A citation
"opens" at any word start whose text is a prefix of an allowed form; once it holds a digit it must stay
a prefix of an allowed form until it is complete and followed by a boundary. Before its first digit it
may be abandoned ("Lei de Murphy": the model left the citation), and "art. 5º do contrato" leaves it
too. The guard never looks at tokens: the engine asks it about the pieces of the model's best
candidates, only when the sampled token is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from legalprompt.citations import tables
from legalprompt.citations.extract import extract
from legalprompt.citations.models import Citation
from legalprompt.citations.patterns import compiled, fold_key, load_json
from legalprompt.citations.quotes import QuoteGuard

_NORM = str.maketrans({"°": "º", "\u00a0": " ", "\n": " ", "\r": " ", "\t": " "})
_END = ""                   # trie key of a complete form
_BOUNDARY = set(" \t\n,;:.)!?\"”'»")
_ART_HEADS = ("art. ", "art ", "artigo ", "arts. ", "artigos ")
_ART_CONN = (" da ", " do ", ", da ", ", do ")
_WINDOW = 120               # how far back an open citation may start
_ART_LEAVE = re.compile(r"(?:art\.?|artigos?|arts\.)\s?\d[\d.]*º?,?\s+d[aoe]s?\s+")
_RELATOR = re.compile(r"rel(?:\.|ator|atora)\s?:?\s?(?:o\s|a\s)?(?:min\.|ministr[oa]|des\.|desembargador[a]?)\s?:?\s$")
# a parenthesised name after a norm is part of it for the checker ("Código de Processo Penal (CPC)" is one
# citation, INCONSISTENT): only the forms with an alias of the same norm are allowed
_TAIL = re.compile(r"\s?/\s?[A-Z]|\s+d[oa]s?\s+(?:[A-Z]{2}|Superior|Supremo|Tribunal)|,?\s+Rel[.a]|\s?\(\s?[A-ZÀ-Ý]")
_COMMON_NUMBERED = re.compile(r"(?:Lei|Lei Complementar|Decreto-Lei|Decreto|Medida Provisória|Emenda Constitucional)"
                              r"(?: nº)? [\d.]+(?:/\d{2}|/\d{4})?")
_NUMBER_NEXT = re.compile(r"[\snº°o.]{0,4}\d")
_STARTS = re.compile(r"(?<![\w])[^\W\d]|(?<![\w/.,-])\d")


def _fold(s: str) -> str:
    return s.translate(_NORM).lower()


def _dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


_NORM_HEADS = {
    "lei": ["Lei", "Lei Federal", "Lei Ordinária"],
    "lei_complementar": ["Lei Complementar", "LC"],
    "decreto_lei": ["Decreto-Lei", "Decreto Lei", "DL"],
    "decreto": ["Decreto"],
    "medida_provisoria": ["Medida Provisória", "MP"],
    "emenda_constitucional": ["Emenda Constitucional", "EC"],
}
_SIGNS = ["", " nº", " n.º", " n.", " n°"]


class _Trie:
    def __init__(self) -> None:
        self.root: dict = {}

    def add(self, s: str, payload: int = 0) -> None:
        node = self.root
        for ch in _fold(s):
            node = node.setdefault(ch, {})
            node["\x00"] = max(node.get("\x00", 0), payload)   # largest payload below this node
        node[_END] = max(node.get(_END, -1), payload)
        node.setdefault("\x01", s)                               # the form as written, for completions

    def add_prefix(self, s: str) -> None:
        """A path that opens a citation but completes none ("ADI ", "Súmula nº "): what follows must
        be an allowed form, or the citation is left before its number."""
        node = self.root
        for ch in _fold(s):
            node = node.setdefault(ch, {})

    def walk(self, s: str) -> dict | None:
        node = self.root
        for ch in s:
            node = node.get(ch)
            if node is None:
                return None
        return node

    def completion(self, node: dict, depth: int) -> str | None:
        """The shortest string that completes a form from `node`, found at `depth` (breadth first), as
        the form was written (cases and accents kept)."""
        frontier = [node]
        for _ in range(200):
            nxt = []
            for n in frontier:
                if _END in n:
                    return n["\x01"][depth:]
                nxt += [c for k, c in n.items() if k not in (_END, "\x00", "\x01")]
            if not nxt:
                return None
            frontier = nxt[:2000]
        return None


_TABLE_TRIES: tuple[_Trie, _Trie, _Trie, int] | None = None


def _table_tries() -> tuple[_Trie, _Trie, _Trie, int]:
    """(heads, table forms, table norms for "art. N d[ao]", largest article count): the same for every
    request, built once per process. `heads` only opens citations ("Lei nº ", "REsp ", "Rel. Min. ")
    and completes none; the table forms also hold the heads."""
    global _TABLE_TRIES
    if _TABLE_TRIES is None:
        heads_trie, literal, norms, top = _Trie(), _Trie(), _Trie(), 0
        for key, k in tables.known_norms().items():
            forms = _key_forms(key, k.kind, k.number, k.date.year)
            abbrs = [a for a in _names_of(key) if re.fullmatch(r"[A-Z][A-Za-z]{1,6}(?:/\d{2,4})?", a)]
            for f in forms:
                literal.add(f)
                if k.articles:
                    norms.add(f, k.articles)
            named = [f for f in _names_of(key) if f not in abbrs]
            numbered = [f for f in forms if re.search(r" nº \S+/\d{4}$", f)]
            for f in named + numbered:                 # "Lei nº 8.078/1990 (CDC)", "Código Penal (CP)"
                for a in abbrs:
                    if a != f:
                        literal.add(f"{f} ({a})")
                        if k.articles:
                            norms.add(f"{f} ({a})", k.articles)
            top = max(top, k.articles or 0)
        for f in _names_of("constituicao:1988"):
            literal.add(f)
            norms.add(f, 250)
        db = load_json("patterns.json")
        heads = [h for e in db["case_classes"] for h in e["abbr"] + e["names"]]
        heads += ["Súmula", "Súmulas", "Súmula Vinculante", "Enunciado", "Tema", "Tema Repetitivo", "OJ",
                  "Orientação Jurisprudencial", "Processo", "Lei", "Decreto", "Decreto-Lei", "Lei Complementar",
                  "Medida Provisória", "Emenda Constitucional", "LC", "MP", "EC", "DL"]
        for trie in (heads_trie, literal):
            for h in heads:
                for sign in ("", " nº", " n.", " n.º", " n°", " nr."):
                    trie.add_prefix(f"{h}{sign} ")
            for title in _relator_forms(""):
                trie.add_prefix(title)
        _TABLE_TRIES = (heads_trie, literal, norms, top)
    return _TABLE_TRIES


def _norm_forms(kind: str | None, number: int | None, year: int | None) -> list[str]:
    if number is None or kind not in _NORM_HEADS:
        return []
    nums = {str(number), _dotted(number)}
    years = [""] + ([f"/{year}", f"/{year % 100:02d}", f", de {year}"] if year else [])
    return [f"{h}{s} {n}{y}" for h in _NORM_HEADS[kind] for s in _SIGNS for n in nums for y in years]


def _names_of(key: str) -> list[str]:
    """Every name and abbreviation that means the norm `key` (and only names: no numbered forms)."""
    out = []
    for entry in load_json("patterns.json")["named_norms"]:
        if entry["key"] == key and not entry.get("regex"):
            out += entry["names"] + entry["abbr"]
    k = tables.known_norms().get(key)
    if k is not None:
        out += [k.nickname, *k.aliases]
    return [n for n in dict.fromkeys(out) if not re.match(r"(?i)(lei|lc|ec|decreto)\b\.?\s*(n|\d)", n)]


def _key_forms(key: str | None, kind: str | None, number: int | None, year: int | None) -> list[str]:
    forms = _norm_forms(kind, number, year)
    if key:
        forms += _names_of(key)
        k = tables.known_norms().get(key)
        if k is not None:
            forms += _norm_forms(k.kind, k.number, k.date.year)
    return list(dict.fromkeys(forms))


def _case_forms(c: Citation) -> list[str]:
    C = compiled()
    entry = next((e for e in load_json("patterns.json")["case_classes"] if e["id"] == c.case_class), None)
    classes = ([*entry["abbr"], *entry["names"]] if entry else []) or [c.case_class or ""]
    raw = c.number or ""
    digits = re.sub(r"\D", "", raw)
    nums = {raw}
    if raw.replace(".", "").isdigit() and digits:
        nums |= {digits, _dotted(int(digits))}
    ufs = [""] + ([f"/{c.uf}", f" - {c.uf}", f"-{c.uf}", f" {c.uf}"] if c.uf else [])
    out = [f"{cl}{s} {n}{u}" for cl in classes if cl for s in _SIGNS for n in nums for u in ufs]
    if c.cnj:
        out.append(c.cnj)
    del C
    return out


def _sumula_forms(c: Citation) -> list[str]:
    court = c.court
    if c.series == "sumula_vinculante":
        heads = ["Súmula Vinculante", "SV"]
        tails = ["", " do STF", "/STF", " do Supremo Tribunal Federal"]
    elif c.series in ("oj_sdi1", "oj_other"):
        heads = ["OJ", "Orientação Jurisprudencial"]
        tails = ["", " da SBDI-1", " da SDI-1", " da SBDI-1 do TST"]
    else:
        heads = ["Súmula", "súmula", "Enunciado", "verbete"]
        names = {"STF": "Supremo Tribunal Federal", "STJ": "Superior Tribunal de Justiça",
                 "TST": "Tribunal Superior do Trabalho"}
        tails = [""] + ([f" do {court}", f"/{court}", f" do {names.get(court, court)}", f" do E. {court}"] if court else [])
    out = []
    for n in c.numbers:
        for h in heads:
            for s in _SIGNS:
                for t in tails:
                    out.append(f"{h}{s} {n}{t}")
    return out


def _tema_forms(c: Citation) -> list[str]:
    out = []
    for n in c.numbers:
        for h in ("Tema", "Tema Repetitivo", "Tema de Repercussão Geral"):
            for s in _SIGNS:
                for t in ("", f"/{c.court}" if c.court else "", f" do {c.court}" if c.court else ""):
                    out.append(f"{h}{s} {n}{t}")
    return out


def _relator_forms(name: str) -> list[str]:
    titles = ["Rel. Min. ", "Rel. Ministro ", "Rel. Ministra ", "Relator Ministro ", "Relatora Ministra ",
              "Relator: Ministro ", "Relatora: Ministra ", "Rel. Des. ", "Relator Desembargador ", "Rel. "]
    return [t + name for t in titles]


def _provision_variants(prov: str) -> list[str]:
    p = " ".join(prov.split()).rstrip(" ,")
    out = {p}
    out.add(re.sub(r"(?i)^art\.", "artigo", p))
    out.add(re.sub(r"(?i)^artigo", "art.", p))
    return list(out)


class AllowedCitations:
    """The allowed citations of one request (built once per source set).

    Policy: when the request has source documents, only their citations are allowed (in every
    equivalent form), so an anchored draft cites nothing the sources do not. The shipped tables' norms
    ("art. N" of a known norm, inside its article count) are allowed as well only when `tables` is
    True, or, by default, when there is no source text at all (nothing to anchor to)."""

    def __init__(self, sources: Iterable[str] = (), *, tables: bool | None = None):
        sources = [s for s in sources if s and s.strip()]
        if tables is None:
            tables = not sources
        self.with_tables = tables
        heads, literal, norms, top = _table_tries()
        self.all_forms = literal             # every norm the tables know: to tell "art. 5º do Código Civil" from
                                             # "art. 5º do contrato", never to allow it
        if tables:
            self.tables, self.norms, self.max_article = literal, norms, top   # norms payload: article count
        else:
            # "art. N d[ao] " stays open for any N (the draft may go on "do contrato"), but no norm follows
            self.tables, self.norms, self.max_article = heads, _Trie(), 9999
        self.literal = _Trie()               # the sources' forms
        self.quotes = QuoteGuard(sources)    # quotations: what an open quote may hold
        self.folded = [fold_key(s) for s in sources]   # a name the source contains is in it for the checker too
        for s in sources:
            for c in extract(s):
                self._add_source(c)

    def _add_source(self, c: Citation) -> None:
        add = self.literal.add
        if c.kind == "legislation":
            forms = _key_forms(c.norm_key, c.norm_kind, c.norm_number, c.norm_year)
            base = " ".join((c.norm_text or c.text).split())
            forms = list(dict.fromkeys([base, *forms]))
            if c.provisions:            # "art. 14 do CDC": the provision, and the norm itself
                # the common forms only (names, "Lei nº 8.078/1990", "Lei 8.078/90"): the cross product
                # of every variant with every provision would make the trie large
                common = [f for f in forms if not re.search(r"\d", f)][:10] + [
                    f for f in forms if _COMMON_NUMBERED.fullmatch(f)]
                for p in _provision_variants(c.provisions):
                    for conn in _ART_CONN:
                        for f in dict.fromkeys([base, *common]):
                            add(p + conn + f)
            for f in forms:
                add(f)
        elif c.kind in ("case", "cnj"):
            for f in _case_forms(c) if c.kind == "case" else [c.number or c.text]:
                add(f)
            for span in (c.relator, c.relator_acordao):
                if span is not None:
                    for f in _relator_forms(span.text):
                        add(f)
        elif c.kind == "sumula":
            for f in _sumula_forms(c):
                add(f)
        elif c.kind == "tema":
            for f in _tema_forms(c):
                add(f)
        add(" ".join(c.core_text.split()))
        if c.alias_text:                  # "art. 14 do CDC (Lei nº 8.078/1990)" as the source wrote it
            add(" ".join(c.text.split()))

    # -- the language -----------------------------------------------------------------------------
    def _article(self, s: str) -> tuple[bool, bool]:
        """(prefix of an allowed "art. N d[ao] <norm>", complete one) for folded `s`."""
        for h in _ART_HEADS:
            if h.startswith(s):
                return True, False
            if not s.startswith(h):
                continue
            m = re.match(r"(\d{1,3}\.\d{0,3}|\d{1,4})(º|o)?", s[len(h):])
            if not m or not m.group(1):
                continue
            num = m.group(1)
            if num.startswith("0"):
                continue
            n = int(num.replace(".", "") or 0)
            if n > self.max_article:
                continue
            rest = s[len(h) + m.end():]
            if rest == "":
                return True, False
            for conn in _ART_CONN:
                if conn.startswith(rest):
                    return True, False
                if rest.startswith(conn):
                    node = self.norms.walk(rest[len(conn):])
                    if node is not None and node.get("\x00", node.get(_END, 0)) >= n:
                        return True, node.get(_END, -1) >= n
        return False, False

    def names_norm(self, rest: str) -> bool:
        """Whether `rest` (folded, after "art. N da ") goes on to name a norm, of the sources or the tables:
        a number after a norm head ("lei 11.101", "lei nº 9"), or a complete name followed by a boundary
        ("código civil,"). "contrato" and "código de ética do clube" do not."""
        for trie in (self.literal, self.all_forms):
            node, d = trie.root, 0
            for ch in rest:
                nxt = node.get(ch)
                if nxt is None:
                    break
                node, d = nxt, d + 1
                if ch.isdigit():
                    return True
                if _END in node and (d == len(rest) or rest[d] in _BOUNDARY):
                    return True
            if d >= 3 and _NUMBER_NEXT.match(rest, d):
                return True
        return False

    def partial(self, s: str) -> bool:
        """`s` (folded) can still become an allowed citation."""
        return self.literal.walk(s) is not None or self.tables.walk(s) is not None or self._article(s)[0]

    def longest(self, s: str) -> tuple[int, list[int]]:
        """(length of the longest prefix of `s` that is partial, lengths of the prefixes that are complete).
        Being a prefix of the language is prefix-closed, so the article form is searched by bisection."""
        depth, done = 0, []
        for trie in (self.literal, self.tables):
            node, d = trie.root, 0
            for ch in s:
                node = node.get(ch)
                if node is None:
                    break
                d += 1
                if _END in node:
                    done.append(d)
            depth = max(depth, d)
        lo, hi = 0, len(s)
        if self._article(s[:1])[0]:
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if self._article(s[:mid])[0]:
                    lo = mid
                else:
                    hi = mid - 1
            done += [k for k in range(1, lo + 1) if (k == len(s) or s[k] in _BOUNDARY) and self._article(s[:k])[1]]
        return max(depth, lo), done

    def completion(self, s: str) -> str | None:
        for trie in (self.literal, self.tables):
            node = trie.walk(s)
            if node is not None:
                return trie.completion(node, len(s))
        return None


class CitationGuard:
    """Judges pieces of text against the allowed citations. `start` is where the draft's own text
    begins: what came before it (the user's prefill) is never refused, only continued."""

    def __init__(self, allowed: AllowedCitations, start: int = 0):
        self.allowed = allowed
        self.anchor = start          # citations may only open at or after this offset
        self.refusals = 0            # sampled tokens refused (counted by the engine)

    def _bad_at(self, text: str, w: int) -> int:
        """For the citation opening at `w`: -1 if fine, else the offset where it went wrong."""
        s = _fold(text[w:])
        j, done = self.allowed.longest(s)
        if j == len(s):
            return -1
        for k in done:
            # a complete citation followed by a boundary is closed, unless what follows is a tail the
            # checker reads as part of it ("Súmula 7" + " do TST"): then the longer form must be allowed
            if (k == len(s) or s[k] in _BOUNDARY) and not _TAIL.match(text, w + k):
                return -1
        head = s[:j]
        if s[0].isdigit() and j < 5:
            return -1                              # a number alone is a citation only when long (CNJ)
        if _RELATOR.match(head) and text[w + j:w + j + 1].isupper():
            return w + j                           # "Rel. Min. <name>": only a name from the sources
        if not any(ch.isdigit() for ch in head) and not s[j].isdigit():
            return -1                              # no number written yet: the model left the citation
        m = _ART_LEAVE.match(s)
        if m and j >= m.end() and text[w + m.end():w + m.end() + 1].islower() and not self.allowed.names_norm(s[m.end():]):
            return -1                              # "art. 5º do contrato": no norm follows, the model left
            # (but "art. 52 da lei 11.101" or "do código civil" names a norm: the article must be a cited one)
        return w + j

    def _table_name_at(self, text: str, w: int) -> bool:
        """Whether a norm's name or abbreviation without a number ("CPC", "Código Civil") that the
        sources do not cite is complete at `w`: followed by a boundary, or at the end of the text with
        no longer form to become. An all-capitals abbreviation must be written in capitals ("cp" is not
        the Código Penal)."""
        s = _fold(text[w:w + 80])
        node, d = self.allowed.all_forms.root, 0
        for ch in s:
            node = node.get(ch)
            if node is None or ch.isdigit():
                return False
            d += 1
            if _END not in node:
                continue
            at_end = d == len(s) and not any(k not in (_END, "\x00", "\x01") for k in node)
            if not (at_end or d < len(s) and s[d] in _BOUNDARY):
                continue
            form = node["\x01"]
            if form.isupper() and not text[w:w + d].isupper():
                continue
            mine = self.allowed.literal.walk(s[:d])
            if mine is not None and _END in mine:
                return False
            name = fold_key(text[w:w + d])
            return not any(name in f for f in self.allowed.folded)
        return False

    def violation(self, text: str) -> int:
        """Offset of the first citation in text[anchor:] that is not allowed (-1: none)."""
        lo = max(self.anchor, len(text) - _WINDOW)
        for m in _STARTS.finditer(text, lo):
            w = m.start()
            if not self.allowed.with_tables and self._table_name_at(text, w):
                return w
            if not self.allowed.partial(_fold(text[w:w + 1])):
                continue
            bad = self._bad_at(text, w)
            if bad >= 0:
                return bad
        return -1

    def accepts(self, text: str, piece: str) -> bool:
        """Whether `text + piece` opens no disallowed citation that `text` did not already contain, and
        writes inside a quotation only what the sources contain (see quotes.py)."""
        if self.allowed.quotes.refuses(text, piece):
            return False
        new = text + piece
        bad = self.violation(new)
        return bad < 0 or bad < len(text) and self.violation(text) == bad

    def completion(self, text: str) -> str | None:
        """The shortest text that turns the citation open at the end of `text` into an allowed one, or
        closes the quotation open there (leaving a quote is always allowed, completing a citation inside
        it would not make the quote the source's)."""
        close = self.allowed.quotes.closing(text, self.anchor)
        if close is not None and self.allowed.quotes.sources:
            return close
        lo = max(self.anchor, len(text) - _WINDOW)
        for m in _STARTS.finditer(text, lo):
            w = m.start()
            rest = self.allowed.completion(_fold(text[w:]))
            if rest:
                return rest
        return close
