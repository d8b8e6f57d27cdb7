"""Legislation: numbered norms ("Lei nº 8.078/1990"), named norms and codes ("CDC", "Código Civil"),
enumerations ("Leis nºs A e B") and the provision chains attached to a norm ("art. 5º, § 2º, inciso IV")."""

from __future__ import annotations

import re
from functools import lru_cache

from legalprompt.citations.models import Citation
from legalprompt.citations.patterns import compiled, fold_key, load_json
from legalprompt.citations.prefilter import Triggers, find_at_triggers
from legalprompt.citations.walk import cnj_normal, may_continue, plural_head, date_from, int_number, walk_patterns, year4

MAX_CHAIN_TOKENS = 400
_LOCAL_WORDS = re.compile(r"(?i)distrital|estadual|municipal|/DF")
_COMPLEMENTAR = re.compile(r"(?i)complementar")
_NAME_YEAR = re.compile(r"(?:/|de\s+)(\d{2,4})$")
_NAME_YEAR_DIGITS = re.compile(r"(\d{2,4})$")
_ARTICLE_NOISE = re.compile(r"[\s.º°ªo]")


# --------------------------------------------------------------------------- legislation



@lru_cache(maxsize=1)
def _local_qualifiers() -> frozenset[str]:
    return frozenset(fold_key(w) for w in load_json("patterns.json")["norm_qualifiers"]["local"])


def _norm_from_numbered(m: re.Match, text: str) -> Citation:
    C = compiled()
    g = m.groupdict()
    kind_word = g["kind"] or g["kindy"]
    kind = C.kind_lookup.get(fold_key(kind_word), "lei")
    q1, q2 = g.get("qual1"), g.get("qual2")
    local = bool(g.get("lsuf"))
    if q1 or q2:
        quals = " ".join(q for q in (q1, q2) if q)
        local_words = _local_qualifiers()
        local = local or any(fold_key(q) in local_words for q in (q1, q2) if q) or bool(_LOCAL_WORDS.search(quals))
        if kind == "lei" and _COMPLEMENTAR.search(quals):
            kind = "lei_complementar"
    c = Citation(kind="legislation", text=m.group(0), start=m.start(), end=m.end(), norm_kind=kind, local=local,
                 norm_text=m.group(0))
    if g.get("cnjnum"):
        c.number = g["cnjnum"]
        c.cnj = cnj_normal(g["cnjnum"])
        return c
    num = g["num"] or g["numy"]
    c.norm_number = int_number(num)
    c.norm_suffix = g.get("suffix")
    c.norm_year = year4(g.get("year") or g.get("yeary") or g.get("year2"))
    nd = date_from(m, "n")
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
    y = year4(m.group("nyear") or m.group("nyear2"))
    if y:
        c.norm_year = y
    elif key and _NAME_YEAR.search(name):
        c.norm_year = year4(_NAME_YEAR_DIGITS.search(name).group(1))
    return c


def _match_norm(text: str, pos: int, limit: int, norm_starts: set[int] | None = None) -> Citation | None:
    """The norm a provision chain is attached to, after its connector ("da", "do mesmo"). A numbered
    norm can only start where the pre-filter proposed a norm's first word (`norm_starts`, when known)."""
    C = compiled()
    rx = walk_patterns()
    m = rx["attach_conn"].match(text, pos, limit)
    starts = [m.end()]
    a = rx["attach_adj"].match(text, m.end(), limit)
    if a:
        starts.append(a.end())
    for s in starts:
        n = C.numbered.match(text, s, limit) if norm_starts is None or s in norm_starts else None
        if n:
            return _norm_from_numbered(n, text)
        n = C.named_attach.match(text, s, limit)
        if n:
            return _norm_from_named(n)
    return None


def _parse_chain(text: str, pos: int, limit: int) -> tuple[int, list[str], int] | None:
    """Walk a provision chain ("art. 5º, § 2º, inciso IV e art. 7º") from `pos`.

    Returns (end of the last provision, article numbers, end of the last accepted token) or None."""
    tok = walk_patterns()["tok"]
    expect = None            # token kinds wanted next: "num" after art/§, "val" after inciso/alínea
    last_end = -1
    articles: list[str] = []
    has_value = False
    in_article = False
    prev = None
    # tokens follow each other: a scanner reads each from where the last one ended (the token after an
    # "of" is read ahead, and is the next one taken)
    tokens = tok.scanner(text, pos, limit)
    nxt = None
    for _ in range(MAX_CHAIN_TOKENS):
        m = nxt if nxt is not None else tokens.match()
        nxt = None
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
                articles.append(_ARTICLE_NOISE.sub("", m.group("num")).replace("-", "-"))
            elif expect == "num" and prev == "art":
                articles.append(_ARTICLE_NOISE.sub("", m.group("num")))
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
            nxt = tokens.match()
            if not nxt or nxt.lastgroup not in ("art", "par", "item", "same"):
                nxt = None
                break
        prev = k
        pos = m.end()
    if not has_value and last_end < 0:
        return None
    if last_end < 0:
        return None
    return last_end, articles, pos


def legislation_candidates(text: str, wins: list[tuple[int, int]], trig: Triggers | None = None) -> list[Citation]:
    C = compiled()
    rx = walk_patterns()
    out: list[Citation] = []
    n = len(text)
    for m in find_at_triggers(C.numbered, text, wins, trig, "norm"):
        c = _norm_from_numbered(m, text)
        out.append(c)
        pos = m.end()
        # a plural head ("Leis nºs", "Decretos-Leis") lists numbers without years too
        plural = plural_head(text, m.start(), m.start("num") if m.group("num") else m.start())
        while may_continue(text, pos):          # "Leis 3.318/2004, 3.355/2004 e 3.782/2006"
            lm = rx["list_cont"].match(text, pos, min(n, pos + 40))
            if not lm or (lm.group("year") is None and not plural):
                break
            out.append(Citation(kind="legislation", text=lm.group(0).lstrip(" ,e").lstrip(), start=0, end=lm.end(),
                                norm_kind=c.norm_kind, norm_number=int_number(lm.group("num")),
                                norm_year=year4(lm.group("year")), local=c.local))
            last = out[-1]
            last.start = lm.end() - len(last.text)
            last.core_start = last.start
            last.norm_text = last.text
            if last.norm_kind and not last.local:
                last.norm_key = f"{last.norm_kind}:{last.norm_number}"
            pos = lm.end()
    for m in find_at_triggers(C.named, text, wins, trig, "named"):
        out.append(_norm_from_named(m))
    # provision chains, attached to the norm that follows them
    covered = -1          # triggers inside a chain already walked start no new walk (keeps it linear)
    norm_starts = set(trig.at["norm"]) if trig is not None and trig.ok else None
    for t in find_at_triggers(rx["prov_trigger"], text, wins, trig, "provision"):
        start = t.start()
        if start < covered:
            continue
        limit = min(n, start + 4000)
        parsed = _parse_chain(text, start, limit)
        if not parsed:
            continue
        end, articles, covered = parsed
        norm = _match_norm(text, end, min(n, end + 200), norm_starts)
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
        if c.provisions is None and "art" in text[c.end:c.end + 20].lower():
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
