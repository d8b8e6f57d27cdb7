"""Find Brazilian legal citations in a text, with character offsets.

The patterns come from the pattern database (`patterns.py` / `data/citations/patterns.json`); this
module only walks the text:

1. candidates of every kind are collected independently (numbered norms, named norms and codes,
   provision chains attached to a norm, case classes with numbers, CNJ numbers, súmulas, temas);
2. overlapping candidates are resolved greedily (earliest start, then longest span), so the result
   is ordered and non-overlapping;
3. case citations are extended over the relator, órgão julgador and dates that follow them, up to
   the next citation, a closing parenthesis or a semicolon.

Every step is a left-to-right scan with bounded look-ahead: the cost is linear in the text length.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache

from legalprompt.citations.models import Citation, DateRef, Span
from legalprompt.citations.patterns import NUM_SIGN, WB, compiled, date_regex, fold_key, load_json

MAX_CHAIN_TOKENS = 400
META_WINDOW = 320
META_GAP = 60


def _year4(y: str | None) -> int | None:
    if not y:
        return None
    v = int(y)
    if len(y) == 2:
        this = _dt.date.today().year % 100
        return 2000 + v if v <= this else 1900 + v
    return v


def _month_number(name: str) -> int:
    months = [fold_key(m) for m in load_json("patterns.json")["months"]]
    return months.index(fold_key(name)) + 1


def _date_from(m: re.Match, p: str) -> DateRef | None:
    if m.group(p + "d"):
        d, mo, y = m.group(p + "d"), m.group(p + "m"), m.group(p + "y")
        s, e = m.start(p + "d"), m.end(p + "y")
        return DateRef(m.string[s:e], s, e, int(d), int(mo), _year4(y))
    if m.group(p + "D"):
        s, e = m.start(p + "D"), m.end(p + "Y")
        return DateRef(m.string[s:e], s, e, int(m.group(p + "D")), _month_number(m.group(p + "M")),
                       int(m.group(p + "Y")))
    return None


def _int_number(s: str) -> int:
    return int(re.sub(r"\D", "", s))


@lru_cache(maxsize=1)
def _rx() -> dict[str, re.Pattern]:
    C = compiled()
    court = C.court_re
    rx: dict[str, re.Pattern] = {}
    rx["prov_trigger"] = re.compile(
        r"(?<![\w§])(?:(?i:(?:no)?art(?:igo)?s?\.?)(?=\s?\d)|§|(?i:par[áa]grafo|caput|incisos?|inc\.|al[íi]neas?)(?![\w]))")
    rx["tok"] = re.compile(
        r"[ \t\r\n]*(?:"
        r"(?P<art>(?i:(?:no)?art(?:igo)?s?)\.?)(?=\s?\d)"
        r"|(?P<unico>(?i:par[áa]grafos?\s+[úu]nicos?))(?![\w])"
        r"|(?P<par>§§?|(?i:par[áa]grafos?)(?![\w]))"
        r"|(?P<caput>[\"“”']?(?i:caput)[\"“”']?(?![\w])|(?i:in\s+fine)(?![\w]))"
        r"|(?P<item>(?i:incisos?|incs?\.|al[íi]neas?|als?\.|itens|item)(?![\w]))"
        r"|(?P<same>(?i:(?:do\s+)?(?:mesmo|referido|citado)\s+(?:artigo|dispositivo|par[áa]grafo)))(?![\w])"
        r"|(?P<num>\d{1,4}(?:\.\d{3})?(?:\s?[º°ª]|o(?![\w]))?(?:\s?-\s?[A-Z](?![\w]))?)(?![\d/]|[.,]\d)"
        r"|(?P<roman>[IVXLC]{1,7})(?![\w])"
        r"|(?P<letter>[\"“'][a-z][\"”']|[a-z]\))"
        r"|(?P<seg>(?i:e\s+seguintes|e\s+ss\.|ss\.))(?![\w])"
        r"|(?P<sep>,|(?i:e|c/c|combinado\s+com|ou)(?![\w]))"
        r"|(?P<of>(?i:d[oa]s?|n[oa]s?)(?![\w]))"
        r"|(?P<bletter>[a-z])(?![\w])"
        r")")
    rx["attach_conn"] = re.compile(
        r"[ \t\r\n,]*(?:(?i:todos|todas|ambos|ambas)\s+)?(?:(?i:d[oa]s?|n[oa]s?|em|pel[oa])\s+)?")
    rx["attach_adj"] = re.compile(r"(?i:mesm[oa]|referid[oa]|citad[oa]|aludid[oa]|novel|atual|vigente)\s+")
    rx["em_seu"] = re.compile(r",?\s+(?i:em\s+seus?|em\s+sua|no\s+seu|nos\s+seus|em)\s+(?=(?i:art))")
    rx["list_cont"] = re.compile(
        r"\s?(?:,|(?i:e))\s+" + NUM_SIGN + r"?\s?(?P<num>\d{1,3}(?:\.\d{3}){1,3}|\d{1,6})(?:\s?/\s?(?P<year>\d{4}|\d{2}))?(?![\d/])")
    # "Mandados de Segurança 26.602, 26.603 e 26.604", "Recursos Especiais nºs 1.111.111/SP e 1.222.222/RJ"
    rx["case_cont"] = re.compile(
        r"\s?(?:,|(?i:e))\s+" + NUM_SIGN + r"?\s?(?P<num>\d{1,3}(?:\.\d{3}){1,3}(?:/(?:19|20)?\d{2}(?![\d]))?|\d{1,7}(?:/(?:19|20)?\d{2}(?![\d]))?)"
        r"(?:\s?[/-]\s?(?P<uf>" + "|".join(C.ufs) + r")(?![\w]))?(?![\d])")
    # a plural head: its first word is a plural noun ("Leis", "Mandados", "Acórdãos") or its sign is ("nºs")
    rx["plural"] = re.compile(r"^[A-ZÀ-Ýa-zà-ÿ]{2,}[sS](?![\w])|(?i:n\.?\s?[º°o]s|n[úu]meros)\s?$")
    rx["old_trf"] = re.compile(r"(?<![\w.])\d{4}\.\d{2}\.\d{2}\.\d{6}-\d(?![\w])")
    rx["paren_alias"] = re.compile(r"\s?\(\s?(?P<alias>[^()\n]{2,60}?)\s?\)")
    rx["cnj"] = re.compile(
        r"(?<![\w.-])(?P<n>\d{1,7})\s?-\s?(?P<dd>\d{2})\.(?P<y>\d{4})\.(?P<j>\d)\.(?P<tr>\d{2})\.(?P<o>\d{4})(?![\w]|\.\d)")
    rx["tjdft"] = re.compile(r"(?<![\w])(?:19|20)\d{12}[A-Z]{3}(?![\w])")
    court_tail = (r"(?:\s?/\s?(?P<court1>" + court + r")"
                  r"|,?\s+(?i:d[oa]|desta|deste|dest[ea])\s+(?:(?i:colend[oa]|egr[ée]gi[oa]|excels[oa]|col\.|e\.|c\.)\s+)?"
                  r"(?P<court2>" + court + r"|(?i:corte|tribunal|casa)(?![\w])))")
    rx["sumula"] = re.compile(
        WB + r"(?:(?P<sv>SV)|(?P<sw>(?i:s[úu]mulas?(?:\s+vinculantes?)?|enunciados?(?:\s+administrativos?)?|verbetes?"
        r"|orienta[çc](?:[ãa]o|[õo]es)\s+jurisprudencia(?:l|is)|OJs?)))"
        r"(?:\s?-\s?(?P<ojsdi>(?i:S\.?B?DI-?\s?[12I]+))\s?-\s?|\s?)" + NUM_SIGN + r"?\s?(?P<n1>\d\.\d{3}|\d{1,4})(?![\d/.,]\d)"
        r"(?P<more>(?:\s?(?:,|(?i:e))\s?" + NUM_SIGN + r"?\s?(?:\d\.\d{3}|\d{1,4})(?![\d/.,]\d)){0,10})"
        r"(?P<tail>" + court_tail + r"|\s?(?i:da\s+S\.?B?DI-?\s?[12I]+|da\s+Subse[çc][ãa]o\s+I+\s+Especializada\s+em\s+Diss[íi]dios\s+Individuais"
        r"|do\s+Tribunal\s+Pleno))?")
    rx["tema"] = re.compile(
        WB + r"(?P<tw>(?i:temas?)(?:\s+(?P<pre>(?i:repetitivos?|d[ae]\s+repercuss[ãa]o\s+geral)))?)"
        r"\s?" + NUM_SIGN + r"?\s?(?P<n>\d{1,3}\.\d{3}|\d{1,4})(?![\d])"
        r"(?P<q>\s?/\s?(?P<qc>STF|STJ)|,?\s+(?i:d[ao]s?)\s+(?:(?P<qw>(?i:repercuss[ãa]o\s+geral|recursos?\s+repetitivos?|repetitivos?))"
        r"|(?P<qc2>STF|STJ)|(?P<qn>(?i:supremo\s+tribunal\s+federal|superior\s+tribunal\s+de\s+justi[çc]a))))?")
    rx["court_before"] = re.compile(r"(?P<c>" + court + r")\s?[,:/–-]?\s?$")
    rx["court_after"] = re.compile(r"\s?[,/–-]?\s?\(?(?P<c>" + court + r")")
    name = (r"(?P<name>[A-ZÀ-Ý][\wÀ-ÿ'.-]{0,30}(?:[ \t\r\n]{1,3}(?:(?i:d[aoe]s?|e)[ \t\r\n]{1,3})?[A-ZÀ-Ý][\wÀ-ÿ'.-]{0,30}){0,6})")
    rx["meta"] = re.compile(
        r"(?P<rel>(?<![\w])(?i:rel(?:ator(?:\(a\)|a)?)?)\.?(?P<pac>\s?(?i:p/|para\s+o)\s?(?i:o\s+)?(?i:ac[óo]rd[ãa]o)\.?)?\s?:?\s?"
        r"(?:(?i:(?:o|a)\s+)?(?i:min\.|ministr[oa]|des\.|desembargador(?:a)?|desa\.|ju[ií]za?|conselheir[oa]|cons\.)"
        r"(?:\s+(?i:federal|convocad[oa]|substitut[oa]))?\s?:?\s?)?" + name + ")"
        r"|(?P<jul>(?<![\w])(?i:julgad[oa]\s+em|julgamento\s+em|julgamento|data\s+d[oe]\s+julgamento|j\.|sess[ãa]o\s+de)\s?:?\s?" + date_regex("j") + ")"
        r"|(?P<pub>(?:(?<![\w])(?:DJe|DJE|DJ|DJU|DOU)(?:\s?-\s?\d{1,4}|\s+(?i:n[º°.]?)\s?\d{1,4})?\s?,?\s?(?:(?i:de|em)\s+|:\s?)?"
        r"|(?<![\w])(?i:publicad[oa]\s+(?:no\s+DJe?\s+)?em|publica[çc][ãa]o(?:\s+em)?|data\s+d[ae]\s+publica[çc][ãa]o|public\.?)\s?:?\s?)"
        + date_regex("p") + ")"
        r"|(?P<divulg>(?<![\w])(?i:divulg(?:ado\s+em|\.)?)\s?:?\s?" + date_regex("v") + ")"
        r"|(?P<dje>(?<![\w])DJe?\s?-\s?\d{1,4}(?![\w]))"
        r"|(?P<org>(?<![\w])(?i:(?:primeira|segunda|terceira|quarta|quinta|sexta|s[ée]tima|oitava|nona|d[ée]cima|\d{1,2}[ªa])\s+"
        r"(?:turma|se[çc][ãa]o|c[âa]mara)(?:\s+(?:c[íi]vel|criminal|recursal))?|tribunal\s+pleno|plen[áa]rio(?:\s+virtual)?"
        r"|corte\s+especial|[óo]rg[ãa]o\s+especial|c[âa]mara\s+(?:c[íi]vel|criminal)))(?![\w])"
        r"|(?P<court>(?<![\w])" + court + ")"
    )
    return rx


_NAME_STOP = {"turma", "tribunal", "pleno", "plenario", "secao", "camara", "corte", "julgado", "julgada", "julgamento",
              "dje", "dj", "dju", "publicado", "publicada", "data", "orgao", "primeira", "segunda", "terceira",
              "quarta", "quinta", "sexta", "setima", "oitava", "j.", "stf", "stj", "tst", "in", "e", "unanime"}


# --------------------------------------------------------------------------- literal pre-filter

# Every pattern but the named norms needs a digit (a number, an article, a date) within a short reach:
# the text is scanned once for digits and those patterns run only on the windows around them, so a
# page of prose without numbers costs one pass of a one-character class. The reach covers the longest
# head before a number ("Agravo Regimental nos Embargos de Declaração no Recurso Especial nº") and the
# longest tail after one (a spelled-out date, a court's full name).
_DIGIT_RUN = re.compile(r"\d+")
_BEFORE, _AFTER = 240, 160


def digit_windows(text: str) -> list[tuple[int, int]]:
    wins: list[tuple[int, int]] = []
    n = len(text)
    s0 = e0 = -1
    for m in _DIGIT_RUN.finditer(text):
        s, e = m.start() - _BEFORE, m.end() + _AFTER
        if s <= e0:
            e0 = e
            continue
        if e0 >= 0:
            wins.append((max(0, s0), min(n, e0)))
        s0, e0 = s, e
    if e0 >= 0:
        wins.append((max(0, s0), min(n, e0)))
    return wins


def _scan(pattern: re.Pattern, text: str, wins: list[tuple[int, int]]):
    for s, e in wins:
        yield from pattern.finditer(text, s, e)


class Triggers:
    """Where each family of patterns may start, found in one pass over the lower-cased text: the first
    words of every head in the pattern data (patterns.json: norm kinds, case classes, incidents, named
    norms, "triggers"), and the starts of digit runs for the number-first patterns (CNJ, old TRF, TJDFT).
    Every pattern starts at a word start with one of its first words, so trying it only there finds
    what scanning the whole text would, and a page of prose costs one regex pass."""

    def __init__(self, text: str):
        C = compiled()
        self.at: dict[str, list[int]] = {f: [] for f in ("norm", "case", "named", "provision", "sumula", "tema")}
        low = text.lower()
        self.ok = len(low) == len(text)         # lower() keeps offsets for every character legal text has
        if self.ok:
            at = self.at
            for m in C.triggers.finditer(low):
                for f in C.families(m.group(0)):
                    at[f].append(m.start())
        # number-first patterns, by the digit run they start with: CNJ "NNNNNNN-DD." (1-7 digits, a
        # dash), old TRF "AAAA.NN." (4 digits, a dot), TJDFT "AAAANNNNNNNNNN" + letters (14 digits)
        cnj, trf, tjdft = [], [], []
        for m in _DIGIT_RUN.finditer(text):
            s, e = m.span()
            n = e - s
            if n <= 7 and (text.startswith("-", e) or text.startswith(" -", e)):
                cnj.append(s)
            elif n == 4 and text.startswith(".", e):
                trf.append(s)
            elif n == 14:
                tjdft.append(s)
        self.at.update(cnj=cnj, old_trf=trf, tjdft=tjdft)


def _at(pattern: re.Pattern, text: str, starts: list[int]):
    """pattern.finditer(text), tried only at `starts` (sorted): the same non-overlapping matches."""
    last = -1
    for p in starts:
        if p < last:
            continue
        m = pattern.match(text, p)
        if m:
            last = m.end()
            yield m


def _find(pattern: re.Pattern, text: str, wins, trig: Triggers | None, family: str):
    if trig is not None and trig.ok:
        return _at(pattern, text, trig.at[family])
    if family == "named":
        return pattern.finditer(text)
    return _scan(pattern, text, wins)


# --------------------------------------------------------------------------- legislation

def _plural(text: str, start: int, end: int) -> bool:
    head = text[start:end]
    if re.match(r"[A-Z]{2,}S\b", head):          # "MS", "ADIS": an abbreviation, not a plural
        return bool(re.search(r"(?i:n\.?\s?[º°o]s|n[úu]meros)\s?$", head))
    return bool(_rx()["plural"].search(head))


@lru_cache(maxsize=1)
def _local_qualifiers() -> frozenset[str]:
    return frozenset(fold_key(w) for w in load_json("patterns.json")["norm_qualifiers"]["local"])


def _norm_from_numbered(m: re.Match, text: str) -> Citation:
    C = compiled()
    g = m.groupdict()
    kind_word = g["kind"] or g["kindy"]
    kind = C.kind_lookup.get(fold_key(kind_word), "lei")
    quals = " ".join(q for q in (g.get("qual1"), g.get("qual2")) if q)
    local_words = _local_qualifiers()
    local = bool(g.get("lsuf")) or any(fold_key(q) in local_words for q in (g.get("qual1"), g.get("qual2")) if q) \
        or bool(re.search(r"(?i)distrital|estadual|municipal|/DF", quals))
    if re.search(r"(?i)complementar", quals) and kind == "lei":
        kind = "lei_complementar"
    c = Citation(kind="legislation", text=m.group(0), start=m.start(), end=m.end(), norm_kind=kind, local=local,
                 norm_text=m.group(0))
    if g.get("cnjnum"):
        c.number = g["cnjnum"]
        c.cnj = _cnj_normal(g["cnjnum"])
        return c
    num = g["num"] or g["numy"]
    c.norm_number = _int_number(num)
    c.norm_suffix = g.get("suffix")
    c.norm_year = _year4(g.get("year") or g.get("yeary") or g.get("year2"))
    nd = _date_from(m, "n")
    if nd:
        c.norm_date = nd
        c.norm_year = nd.year
    if kind in ("lei", "lei_complementar", "decreto_lei", "emenda_constitucional", "medida_provisoria", "decreto") and not local:
        c.norm_key = f"{kind}:{c.norm_number}"
    return c


def _norm_from_named(m: re.Match) -> Citation:
    C = compiled()
    name = m.group("name")
    nn = C.named_lookup.get(fold_key(name))
    if nn is None:
        for rx, cand in C.named_regex_keys:
            if rx.fullmatch(name):
                nn = cand
                break
    key = nn.key if nn else None
    c = Citation(kind="legislation", text=m.group(0), start=m.start(), end=m.end(), norm_kind="named", norm_key=key,
                 local=bool(nn and nn.local), norm_text=m.group(0))
    y = _year4(m.group("nyear") or m.group("nyear2"))
    if y:
        c.norm_year = y
    elif key and re.search(r"(?:/|de\s+)(\d{2,4})$", name):
        c.norm_year = _year4(re.search(r"(\d{2,4})$", name).group(1))
    return c


def _match_norm(text: str, pos: int, limit: int) -> Citation | None:
    C = compiled()
    rx = _rx()
    m = rx["attach_conn"].match(text, pos, limit)
    starts = [m.end()]
    a = rx["attach_adj"].match(text, m.end(), limit)
    if a:
        starts.append(a.end())
    for s in starts:
        n = C.numbered.match(text, s, limit)
        if n:
            return _norm_from_numbered(n, text)
        n = C.named_attach.match(text, s, limit)
        if n:
            return _norm_from_named(n)
    return None


def _parse_chain(text: str, pos: int, limit: int) -> tuple[int, list[str], int] | None:
    """Walk a provision chain ("art. 5º, § 2º, inciso IV e art. 7º") from `pos`.

    Returns (end of the last provision, article numbers, end of the last accepted token) or None."""
    tok = _rx()["tok"]
    expect = None            # token kinds wanted next: "num" after art/§, "val" after inciso/alínea
    last_end = -1
    articles: list[str] = []
    has_value = False
    in_article = False
    prev = None
    for _ in range(MAX_CHAIN_TOKENS):
        m = tok.match(text, pos, limit)
        if not m:
            break
        k = m.lastgroup
        if k == "art":
            if expect:
                break
            expect, in_article = "num", True
        elif k == "par":
            if expect:
                break
            expect = "num"
        elif k == "item":
            if expect:
                break
            expect = "val"
        elif k in ("unico", "caput", "seg", "same"):
            if expect:
                break
            last_end, expect = m.end(), None
        elif k == "num":
            if expect not in ("num", "val") and not (prev in ("sep", "of") and in_article):
                break
            if expect == "num" and in_article and prev == "art" or (prev == "sep" and in_article and expect is None):
                articles.append(re.sub(r"[\s.º°ªo]", "", m.group("num")).replace("-", "-"))
            elif expect == "num" and prev == "art":
                articles.append(re.sub(r"[\s.º°ªo]", "", m.group("num")))
            last_end, expect, has_value = m.end(), None, True
        elif k == "roman":
            if expect not in ("val", None) or (expect is None and prev not in ("sep",)):
                break
            last_end, expect, has_value = m.end(), None, True
        elif k == "letter":
            if expect not in ("val", None) or (expect is None and prev not in ("sep",)):
                break
            last_end, expect, has_value = m.end(), None, True
        elif k == "bletter":
            if expect != "val":
                break
            last_end, expect, has_value = m.end(), None, True
        elif k == "sep":
            if expect:
                break
        elif k == "of":
            if expect:
                break
            nxt = tok.match(text, m.end(), limit)
            if not nxt or nxt.lastgroup not in ("art", "par", "item", "same"):
                break
        prev = k
        pos = m.end()
    if not has_value and last_end < 0:
        return None
    if last_end < 0:
        return None
    return last_end, articles, pos


def _legislation(text: str, wins: list[tuple[int, int]], trig: Triggers | None = None) -> list[Citation]:
    C = compiled()
    rx = _rx()
    out: list[Citation] = []
    n = len(text)
    for m in _find(C.numbered, text, wins, trig, "norm"):
        c = _norm_from_numbered(m, text)
        out.append(c)
        pos = m.end()
        # a plural head ("Leis nºs", "Decretos-Leis") lists numbers without years too
        plural = _plural(text, m.start(), m.start("num") if m.group("num") else m.start())
        while True:          # "Leis 3.318/2004, 3.355/2004 e 3.782/2006"
            lm = rx["list_cont"].match(text, pos, min(n, pos + 40))
            if not lm or (lm.group("year") is None and not plural):
                break
            out.append(Citation(kind="legislation", text=lm.group(0).lstrip(" ,e").lstrip(), start=0, end=lm.end(),
                                norm_kind=c.norm_kind, norm_number=_int_number(lm.group("num")),
                                norm_year=_year4(lm.group("year")), local=c.local))
            last = out[-1]
            last.start = lm.end() - len(last.text)
            last.core_start = last.start
            last.norm_text = last.text
            if last.norm_kind and not last.local:
                last.norm_key = f"{last.norm_kind}:{last.norm_number}"
            pos = lm.end()
    for m in _find(C.named, text, wins, trig, "named"):
        out.append(_norm_from_named(m))
    # provision chains, attached to the norm that follows them
    covered = -1          # triggers inside a chain already walked start no new walk (keeps it linear)
    for t in _find(rx["prov_trigger"], text, wins, trig, "provision"):
        start = t.start()
        if start < covered:
            continue
        limit = min(n, start + 4000)
        parsed = _parse_chain(text, start, limit)
        if not parsed:
            continue
        end, articles, covered = parsed
        norm = _match_norm(text, end, min(n, end + 200))
        if norm is None:
            continue
        norm.start, norm.core_start = start, start
        norm.provisions = text[start:end]
        norm.articles = articles
        norm.text = text[start:norm.end]
        out.append(norm)
    # "Constituição Federal, em seu art. 24, inciso XII"
    extended = []
    for c in out:
        if c.provisions is None:
            em = rx["em_seu"].match(text, c.end, min(n, c.end + 20))
            if em:
                parsed = _parse_chain(text, em.end(), min(n, em.end() + 1500))
                if parsed:
                    end, articles, _ = parsed
                    c.provisions = text[em.end():end]
                    c.articles = articles
                    c.end = c.core_end = end
                    c.text = text[c.start:end]
        extended.append(c)
    return extended


# --------------------------------------------------------------------------- case law

def _cnj_normal(s: str) -> str | None:
    digits = re.sub(r"\D", "", s)
    m = re.match(r"(\d{1,7})\s?-\s?(\d{2})\.(\d{4})\.(\d)\.(\d{2})\.(\d{4})$", re.sub(r"\s", "", s))
    if m:
        return f"{int(m.group(1)):07d}-{m.group(2)}.{m.group(3)}.{m.group(4)}.{m.group(5)}.{m.group(6)}"
    if len(digits) == 20:
        return f"{digits[:7]}-{digits[7:9]}.{digits[9:13]}.{digits[13]}.{digits[14:16]}.{digits[16:]}"
    return None


_CNJ_FORMAT = re.compile(r"\d{1,7}\s?-\s?\d{2}\.\d{4}\.\d\.\d{2}\.\d{4}$|\d{20}$")


def _cases(text: str, wins: list[tuple[int, int]], trig: Triggers | None = None) -> list[Citation]:
    C = compiled()
    rx = _rx()
    out: list[Citation] = []
    for m in _find(C.case_core, text, wins, trig, "case"):
        cls_text = m.group("cls")
        entry = C.class_lookup.get(fold_key(cls_text)) or {}
        num = m.group("cnum")
        if entry.get("pre_cnj_only") and not re.fullmatch(r"\d{3}\.\d{3}/(?:19|20)\d{2}-\d", num):
            continue
        c = Citation(kind="case", text=m.group(0), start=m.start(), end=m.end(), case_class=entry.get("id", cls_text),
                     court=entry.get("court"), number=num, uf=m.group("uf"))
        if _CNJ_FORMAT.match(num):
            c.cnj = _cnj_normal(num)
        elif re.match(r"(?:19|20)\d{12}[A-Z]{3}$", num):
            c.court = "TJDFT"
        elif re.match(r"\d\.\d{4}\.\d{2}\.", num):
            c.court = "TJMG"
        if m.group("pre"):
            c.incidents += [p.strip() for p in re.split(r"\s+(?i:n[oa]s?|em)(?=\s|$)", m.group("pre").strip()) if p.strip()]
        if m.group("suf"):
            c.incidents += [s for s in re.split(r"[\s-]+", m.group("suf").strip()) if s]
        out.append(c)
        if _plural(text, m.start("cls"), m.start("cnum")):
            pos = m.end()
            while True:
                lm = rx["case_cont"].match(text, pos, min(len(text), pos + 40))
                if not lm:
                    break
                s0 = lm.start("num")
                out.append(Citation(kind="case", text=text[s0:lm.end()], start=s0, end=lm.end(), case_class=c.case_class,
                                    court=c.court, number=lm.group("num"), uf=lm.group("uf")))
                pos = lm.end()
    for m in _find(rx["old_trf"], text, wins, trig, "old_trf"):
        out.append(Citation(kind="case", text=m.group(0), start=m.start(), end=m.end(), number=m.group(0)))
    for m in _find(rx["tjdft"], text, wins, trig, "tjdft"):
        out.append(Citation(kind="case", text=m.group(0), start=m.start(), end=m.end(), court="TJDFT",
                            case_class=m.group(0)[-3:], number=m.group(0)))
    for m in _find(rx["cnj"], text, wins, trig, "cnj"):
        out.append(Citation(kind="cnj", text=m.group(0), start=m.start(), end=m.end(), cnj=_cnj_normal(m.group(0)),
                            number=m.group(0)))
    for m in _find(rx["sumula"], text, wins, trig, "sumula"):
        sw = fold_key(m.group("sw") or "sv")
        court = None
        if m.group("sv") or "vinculante" in sw:
            series, court = "sumula_vinculante", "STF"
        elif "administrativ" in sw:
            series = "enunciado_administrativo"
        elif sw.startswith("oj") or sw.startswith("orienta"):
            series, court = "oj_sdi1", "TST"
        else:
            series = "sumula"
        ct = m.group("court1") or m.group("court2")
        if ct:
            court = C.court_lookup.get(fold_key(ct), court)
        if sw.startswith("enunciado") and series == "sumula" and not ct:
            continue             # "enunciado 5" alone is too vague (FONAJE, CJF, ...)
        tail = fold_key(m.group("tail") or m.group("ojsdi") or "")
        if sw.startswith("oj") and not tail:
            continue
        if series == "oj_sdi1" and ("pleno" in tail or re.search(r"di-?\s?(?:2|ii)\b", tail)):
            series = "oj_other"          # OJs of the SBDI-2 or of the Tribunal Pleno: another numbering
        nums = [_int_number(m.group("n1"))] + [_int_number(x) for x in re.findall(r"\d\.\d{3}|\d{1,4}", m.group("more") or "")]
        out.append(Citation(kind="sumula", text=m.group(0), start=m.start(), end=m.end(), court=court,
                            series=series, numbers=nums))
    for m in _find(rx["tema"], text, wins, trig, "tema"):
        if not (m.group("pre") or m.group("q")):
            continue
        court = m.group("qc") or m.group("qc2")
        if not court and m.group("qn"):
            court = C.court_lookup.get(fold_key(m.group("qn")))
        words = fold_key((m.group("pre") or "") + " " + (m.group("qw") or ""))
        if not court and "repercussao" in words:
            court = "STF"
        if not court and "repetitiv" in words:
            court = "STJ"
        out.append(Citation(kind="tema", text=m.group(0), start=m.start(), end=m.end(), court=court, series="tema",
                            numbers=[_int_number(m.group("n"))]))
    return out


def _attach_meta(text: str, c: Citation, limit: int) -> None:
    """Group the relator, órgão julgador, court and dates that follow a case citation into it."""
    C = compiled()
    rx = _rx()
    # court written just before: "(STJ, REsp ...", "STF - RE ..."
    b = rx["court_before"].search(text, max(0, c.start - 30), c.start)
    if b:
        c.court = C.court_lookup.get(fold_key(b.group("c")), c.court) or c.court
    win_end = min(limit, c.end + META_WINDOW, len(text))
    stop = re.compile(r"[);]|\n\s*\n").search(text, c.end, win_end)
    if stop:
        win_end = stop.start()
    pos = c.end
    end = c.end
    for m in rx["meta"].finditer(text, c.end, win_end):
        if m.start() - pos > META_GAP:
            break
        k = m.lastgroup
        if k == "rel":
            name = _clean_name(m.group("name"), m.start("name"))
            if name is None:
                continue
            if m.group("pac"):
                c.relator_acordao = name
            elif c.relator is None:
                c.relator = name
            pos = end = name.end
            continue
        if k == "jul":
            c.judgment_date = _date_from(m, "j")
        elif k == "pub":
            c.publication_date = _date_from(m, "p")
        elif k == "org":
            c.orgao = m.group(0)
        elif k == "court":
            c.court = C.court_lookup.get(fold_key(m.group(0)), c.court) or c.court
        pos = end = m.end()
    if end > c.end:
        c.end = end
        c.text = text[c.start:end]


def _clean_name(raw: str, start: int) -> Span | None:
    words = re.finditer(r"\S+", raw)
    last_end = None
    for w in words:
        wk = fold_key(w.group(0)).strip(".,")
        if wk in _NAME_STOP:
            break
        last_end = w.end()
    if last_end is None:
        return None
    name = raw[:last_end].rstrip(".,-")
    if len(name) < 3:
        return None
    return Span(name, start, start + len(name))


# --------------------------------------------------------------------------- public API

def _merge_aliases(text: str, cits: list[Citation]) -> list[Citation]:
    """"Código de Processo Penal (CPC)", "Lei nº 8.078/1990 (CDC)": a norm followed by another name of a
    norm that fills a pair of parentheses is one citation; the checker compares the two names."""
    out: list[Citation] = []
    paren = _rx()["paren_alias"]
    i = 0
    while i < len(cits):
        c = cits[i]
        nxt = cits[i + 1] if i + 1 < len(cits) else None
        if c.kind == "legislation" and nxt is not None and nxt.kind == "legislation" and not nxt.provisions:
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
    cands = _legislation(text, wins, trig) + _cases(text, wins, trig)
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
            _attach_meta(text, c, nxt)
    for c in kept:
        assert text[c.start:c.end] == c.text
    return kept
