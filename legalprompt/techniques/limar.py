""""Limar o texto": compress a text to its key words and phrases joined by ellipses.

    recurso extraordinário... medicamento de alto custo... art. 196 da CF...

Deterministic, linear in the text, no model. What is never dropped, at any level:

* every citation `legalprompt.citations.extract` finds (laws, articles, case numbers, súmulas),
  copied verbatim and never split;
* every number, amount and date ("R$ 1.000,00 (mil reais)", "11/09/1990", "10%",
  "5 (cinco) anos", "11 de setembro de 1990"), verbatim;
* negations with the words they govern ("não foi incorporado", "sem culpa", "nega-se provimento",
  "pedido julgado improcedente"): dropping a "não" flips the law;
* multi-word legal expressions (recurso extraordinário, prisão preventiva, dano moral) and legal terms.

What goes depends on the level (re-tuned so that the default, medium, cuts at least 40% of the
tokens of an ordinary acórdão; see bench/limar_bench.py for the figures on the tuning documents and
on held-out ones):

* light: filler phrases, articles, pronouns, auxiliaries, generic verbs, adverbs and adjectives
  ("verificar", "referido", "-mente"), verbs and very short words; the rest stays, with the "de"
  that joins two kept words (about 22% of the tokens go);
* medium (default): the skeleton plus the document's recurring topic words, with the joining "de"
  (about 42-44%);
* strong: only the skeleton: legal terms and expressions, names, acronyms, citations, numbers and
  negations (about 53%).

Each stronger level drops a superset of what the weaker one drops. Function words dropped between
two kept words vanish silently (light and medium keep the joining "de"); a dropped content word
leaves "... " so the reader knows something was cut.

The word lists live in `legalprompt/data/limar/` (one entry per line, matched case- and
accent-insensitively).
"""

from __future__ import annotations

import math
import re
import types
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from legalprompt.errors import UserInputError

LEVELS = ("light", "medium", "strong")
LEVEL_ALIASES = {"leve": "light", "medio": "medium", "médio": "medium", "forte": "strong",
                 "light": "light", "medium": "medium", "strong": "strong"}
ELLIPSIS = "..."
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "limar"

# Content-word weight needed to survive each level (0 generic, 1 verb or short word, 2 other word,
# 3 recurring topic word, 4 legal term, name or acronym), and how many content words a negation governs.
_MIN_SCORE = {"light": 2, "medium": 3, "strong": 4}
_NEG_SCOPE = {"light": 3, "medium": 2, "strong": 1}
_BACK_LIMIT = 6      # units scanned backwards from a post-posed negator ("pedido julgado improcedente")
_FWD_LIMIT = 10      # units scanned forwards from a negator

_TOKEN = re.compile(r"([^\W_]+(?:[-'’][^\W_]+)*)|(\S)")
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
_BOUNDARY = set(",;:.!?()[]{}“”\"«»—–|")
_SENTENCE_END = set(".!?;:\n")
_VERB_ENDINGS = ("aram", "eram", "iram", "avam", "ando", "endo", "indo", "asse", "esse", "isse", "arao",
                 "erao", "irao", "aria", "eria", "iria", "ava", "ara", "era", "ira", "ou",
                 "ado", "ada", "ados", "adas", "ido", "ida", "idos", "idas")  # participles too
_INFINITIVE = ("ar", "er", "ir")


def fold(word: str) -> str:
    """Lowercase without accents: the key every word list is matched by."""
    return _fold(word)


@lru_cache(maxsize=200_000)
def _fold(word: str) -> str:
    w = word.lower().replace("’", "'")
    if w.isascii():
        return w
    return "".join(c for c in unicodedata.normalize("NFD", w) if not unicodedata.combining(c))


def _read_list(name: str) -> list[str]:
    data = (DATA_DIR / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in data.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@dataclass(frozen=True)
class _Lexicon:
    stop: frozenset
    connectors: frozenset     # kept between two kept words ("direito de defesa"), light and medium
    name_connectors: frozenset  # kept inside names ("Tribunal de Justiça") at every level
    generic: frozenset
    legal: frozenset
    negators: dict            # key -> "fwd" | "back"
    phrases: dict             # first key -> list of (keys tuple, kind), longest first


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    def words(name: str) -> set[str]:
        return {fold(w) for ln in _read_list(name) for w in ln.split()}

    conn_lines = _read_list("connectors.txt")
    negators = {}
    for ln in _read_list("negators.txt"):
        word, direction = ln.split()
        negators[fold(word)] = direction
    phrases: dict[str, list] = {}
    for kind, name in (("expr", "expressions.txt"), ("filler", "fillers.txt")):
        for ln in _read_list(name):
            keys = tuple(fold(m.group()) for m in _TOKEN.finditer(ln) if m.lastindex == 1)
            if keys:
                phrases.setdefault(keys[0], []).append((keys, kind))
    for lst in phrases.values():
        lst.sort(key=lambda p: (-len(p[0]), p[1] != "expr"))
    stop = words("stopwords.txt") - set(negators)
    legal = words("legal_terms.txt")
    return _Lexicon(
        stop=frozenset(stop),
        connectors=frozenset(fold(w) for w in conn_lines[0].split()),
        name_connectors=frozenset(fold(w) for ln in conn_lines for w in ln.split()),
        generic=frozenset(words("generic.txt") - legal),
        legal=frozenset(legal),
        negators=negators,
        phrases=phrases,
    )


@dataclass
class LimarResult:
    text: str
    level: str
    chars_before: int
    chars_after: int
    kept_citations: list[str] = field(default_factory=list)
    kept_numbers: list[str] = field(default_factory=list)
    kept_negations: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        """chars_after / chars_before (1.0 for an empty text)."""
        return self.chars_after / self.chars_before if self.chars_before else 1.0


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


# Unit kinds
_WORD, _PUNCT, _SPAN = 0, 1, 2
# Decisions
_KEEP, _DROP_CONTENT, _DROP_SILENT, _UNDECIDED = 0, 1, 2, 3


def _units(text: str, spans: list[tuple[int, int]]) -> tuple[list[int], list[int], list[int]]:
    """Tokens, with every protected span (and any token it touches) merged into one unit."""
    starts: list[int] = []
    ends: list[int] = []
    kinds: list[int] = []
    spans = sorted(spans)
    si = 0
    n_spans = len(spans)
    cur_end = -1
    for m in _TOKEN.finditer(text):
        s, e = m.span()
        if s >= cur_end and (si >= n_spans or spans[si][0] >= e):
            starts.append(s)             # the common case: a plain token outside every span
            ends.append(e)
            kinds.append(_WORD if m.lastindex == 1 else _PUNCT)
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
            kinds.append(_SPAN)
            si += 1
            while si < n_spans and spans[si][0] < cur_end:
                cur_end = max(cur_end, spans[si][1])
                ends[-1] = cur_end
                si += 1
            continue
        starts.append(s)
        ends.append(e)
        kinds.append(_WORD if m.lastindex == 1 else _PUNCT)
    return starts, ends, kinds


def _match_phrase(pkeys, i, n, kinds, keys, text, starts, allow_commas) -> int:
    """End unit index of the phrase `pkeys` starting at unit i, or 0. Filler phrases may have
    commas between their words ("Vistos, relatados e discutidos")."""
    j = i
    for k in pkeys:
        while allow_commas and j < n and kinds[j] == _PUNCT and text[starts[j]] == ",":
            j += 1
        if j >= n or kinds[j] != _WORD or keys[j] != k:
            return 0
        j += 1
    return j


def limar(text: str, level: str = "medium") -> LimarResult:
    """Compress `text` to its key words and phrases joined by "... ". See the module docstring."""
    if not isinstance(text, str):
        raise UserInputError(f"limar espera um texto, recebeu {type(text).__name__}.")
    canonical = LEVEL_ALIASES.get(str(level).strip().lower())
    if canonical is None:
        raise UserInputError(f"nível de limar desconhecido: {level!r}. Use light, medium ou strong "
                             "(ou leve, médio, forte).")
    level = canonical
    lex = lexicon()
    cites = citation_spans(text)
    nums = number_spans(text)
    starts, ends, kinds = _units(text, [(s, e) for s, e, _ in cites] + [(s, e) for s, e, _ in nums])
    n = len(starts)
    keys = [fold(text[starts[i]:ends[i]]) if kinds[i] == _WORD else "" for i in range(n)]
    decision = [_KEEP if kinds[i] == _SPAN else _UNDECIDED for i in range(n)]
    is_content = [False] * n      # counts as a content word for negation scopes
    scope_mark = [False] * n      # inside a negation scope: kept verbatim with its function words
    name_mark = [False] * n       # part of a name or acronym (connectors between two of them stay)

    # 1. Phrases: legal expressions (kept whole) and filler phrases (dropped silently).
    i = 0
    while i < n:
        if kinds[i] == _WORD and keys[i] in lex.phrases:
            matched = None
            for pkeys, pkind in lex.phrases[keys[i]]:
                end = _match_phrase(pkeys, i, n, kinds, keys, text, starts, pkind == "filler")
                if end:
                    matched = (end, pkind)
                    break
            if matched:
                end, pkind = matched
                for j in range(i, end):
                    if kinds[j] == _PUNCT:
                        decision[j] = _DROP_SILENT  # a comma inside a filler phrase
                    else:
                        decision[j] = _KEEP if pkind == "expr" else _DROP_SILENT
                        is_content[j] = pkind == "expr"
                        keys[j] = "" if pkind == "filler" else keys[j]
                i = end
                continue
        i += 1

    # 2. Negations and their scope.
    k_scope = _NEG_SCOPE[level]

    def _negator(key: str) -> str | None:
        if not key:
            return None
        d = lex.negators.get(key)
        if d is None and "-" in key:
            d = lex.negators.get(key.split("-", 1)[0])
        return d

    def _boundary_between(a: int, b: int) -> bool:
        return "\n\n" in text[ends[a]:starts[b]]

    def _content(j: int) -> bool:
        return kinds[j] == _SPAN or is_content[j] or (kinds[j] == _WORD and keys[j] not in lex.stop)

    for i in range(n):
        if kinds[i] != _WORD or decision[i] == _DROP_SILENT:
            continue
        direction = _negator(keys[i])
        if direction is None:
            continue
        decision[i] = _KEEP
        scope_mark[i] = True
        forward = direction == "fwd"
        if direction == "back":
            found = False
            j = i - 1
            while j >= 0 and i - j <= _BACK_LIMIT and kinds[j] != _PUNCT and not _boundary_between(j, j + 1):
                if _content(j) and keys[j] not in lex.generic:
                    found = True
                    break
                j -= 1
            # The head noun and what lies between ("recurso foi desprovido"); with no head in the
            # clause, the function words before the negator ("É inadmissível").
            for t in range(j if found else j + 1, i):
                scope_mark[t] = True
            forward = True     # "julgou improcedente o pedido": the object may follow too
        if forward:
            limit = k_scope if direction == "fwd" else 1
            count = 0
            j = i + 1
            while j < n and j - i <= _FWD_LIMIT and count < limit:
                if kinds[j] == _PUNCT and text[starts[j]] in _BOUNDARY or _boundary_between(j - 1, j):
                    break
                scope_mark[j] = True
                if _content(j) and _negator(keys[j]) is None and keys[j] not in lex.generic:
                    count += 1
                j += 1
    for i in range(n):
        if scope_mark[i] and kinds[i] != _PUNCT:
            decision[i] = _KEEP

    # 3. Score the remaining words.
    min_score = _MIN_SCORE[level]
    tf: dict[str, int] = {}
    content_total = 0
    for i in range(n):
        if decision[i] == _UNDECIDED and kinds[i] == _WORD and keys[i] not in lex.stop:
            tf[keys[i]] = tf.get(keys[i], 0) + 1
            content_total += 1
    topical = max(3, math.ceil(content_total / 250))
    prev_word_upper = False
    sentence_start = True
    for i in range(n):
        kind = kinds[i]
        if kind == _PUNCT:
            if text[starts[i]] in _SENTENCE_END:
                sentence_start = True
            continue
        if i and "\n" in text[ends[i - 1]:starts[i]]:
            sentence_start = True
        if kind == _SPAN or decision[i] != _UNDECIDED:
            sentence_start = False
            prev_word_upper = False
            continue
        key = keys[i]
        word = text[starts[i]:ends[i]]
        upper = word.isupper() and len(word) > 1
        # A capitalised word is a name, except at a sentence start, unless another capitalised word follows
        # ("João Antônio propôs ...").
        titled = len(word) > 1 and word[0].isupper() and word[1:].islower() and (
            not sentence_start or (i + 1 < n and kinds[i + 1] == _WORD and starts[i + 1] - ends[i] == 1
                                   and _is_titled(text[starts[i + 1]:ends[i + 1]])))
        if key in lex.stop and not (titled and i + 2 < n and kinds[i + 1] == _WORD and starts[i + 1] - ends[i] == 1
                                    and _is_titled(text[starts[i + 1]:ends[i + 1]])):
            decision[i] = _DROP_SILENT
        else:
            if key in lex.legal:
                score = 4
            elif key in lex.generic or (key.endswith("mente") and len(key) > 7):
                score = 0          # generic verbs, adjectives and adverbs go at every level
            elif upper and not prev_word_upper and not (i + 1 < n and kinds[i + 1] == _WORD
                                                        and text[starts[i + 1]:ends[i + 1]].isupper()):
                score = 4          # an acronym in normal text (STF, INSS)
                name_mark[i] = True
            elif titled:
                score = 4          # a name (Ministério Público, Celso de Mello, São Paulo)
                name_mark[i] = True
            elif tf.get(key, 0) >= topical and len(key) > 3:
                score = 3          # the document's recurring topic words
            elif len(key) > 4 and (key.endswith(_VERB_ENDINGS) or key.endswith(_INFINITIVE)):
                score = 1
            elif len(key) <= 2:
                score = 1
            else:
                score = 2
            decision[i] = _KEEP if score >= min_score else _DROP_CONTENT
        prev_word_upper = upper
        sentence_start = False

    # 4. Render: kept units with the original punctuation between them when nothing was cut, "... "
    # where content was cut.
    connectors = lex.connectors if level != "strong" else frozenset()
    out: list[str] = []
    last = -1
    cut = False
    silent: list[int] = []
    for i in range(n):
        d = decision[i]
        if kinds[i] == _PUNCT and not scope_mark[i]:
            if d == _DROP_SILENT:
                silent.append(i)
            continue
        if d == _DROP_CONTENT:
            cut = True
            continue
        if d == _DROP_SILENT or (d == _UNDECIDED and kinds[i] == _WORD):
            silent.append(i)
            continue
        if last >= 0:
            between = text[ends[last]:starts[i]]
            if cut:
                out.append(ELLIPSIS + ("\n" if "\n\n" in between else " "))
            else:
                conn = lex.name_connectors if name_mark[last] and name_mark[i] else connectors
                out.append(_join(text, ends[last], starts[i], silent, starts, ends, keys, conn))
        elif not cut:
            out.append(_join(text, 0, starts[i], silent, starts, ends, keys, frozenset()).lstrip())
        out.append(text[starts[i]:ends[i]])
        last = i
        cut = False
        silent = []
    if last >= 0:
        if cut:
            out.append(ELLIPSIS)
        else:
            tail = _join(text, ends[last], len(text), silent, starts, ends, keys, frozenset()).rstrip()
            out.append(tail)
    result = "".join(out).strip()

    seen: set[str] = set()
    kept_cites = []
    for _, _, t in cites:
        if t not in seen:
            seen.add(t)
            kept_cites.append(t)
    negs = []
    i = 0
    while i < n:               # one entry per run of scope units (linear, even for "não não não...")
        if scope_mark[i]:
            j = i
            while j + 1 < n and scope_mark[j + 1]:
                j += 1
            negs.append(text[starts[i]:ends[j]])
            i = j + 1
        else:
            i += 1
    return LimarResult(text=result, level=level, chars_before=len(text), chars_after=len(result),
                       kept_citations=kept_cites, kept_numbers=[t for _, _, t in nums], kept_negations=negs)


_WS = re.compile(r"\s+")
_PUNCT_RUN = re.compile(r"([.,;:])(?:[ \t]*[.,;:])+")


def _is_titled(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].islower()


def _ws(m: re.Match) -> str:
    return "\n" if "\n\n" in m.group() else " "


def _join(text, a, b, silent, starts, ends, keys, connectors) -> str:
    """The text between two kept units when only function words were dropped: the punctuation,
    the connectors this level keeps, and collapsed whitespace."""
    if not silent:
        between = text[a:b]
        if between == " " or not between:
            return between
        return _WS.sub(_ws, between)
    parts = []
    pos = a
    for i in silent:
        if keys[i] in connectors:
            continue
        parts.append(text[pos:starts[i]])
        pos = ends[i]
    parts.append(text[pos:b])
    joined = _WS.sub(_ws, "".join(parts))
    if not joined.strip():
        return joined
    # Dropping a phrase can leave two marks in a row ("caso. É o relatório. O" -> ". .").
    return _PUNCT_RUN.sub(r"\1", joined.replace(" ,", ",").replace(" .", "."))


def limar_filter(text, level: str = "medium") -> str:
    """Jinja filter: `{{ documento | limar }}` or `{{ documento | limar("strong") }}`."""
    if text is None:
        return ""
    return limar(str(text), level).text
