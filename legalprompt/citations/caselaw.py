"""Case law: class and number ("REsp nº 1.234.567/SP", "AgRg no HC 123"), CNJ and older process
numbers, súmulas, OJs and temas, and the relator, órgão julgador, court and dates that follow a case."""

from __future__ import annotations

import re
from functools import lru_cache

from legalprompt.citations.models import Citation, Span
from legalprompt.citations.patterns import compiled, fold_key
from legalprompt.citations.prefilter import Triggers, find_at_triggers
from legalprompt.citations.regex_first import first_chars
from legalprompt.citations.walk import cnj_normal, may_continue, plural_head, date_from, int_number, walk_patterns

META_WINDOW = 320
META_GAP = 60

_NAME_STOP = {"turma", "tribunal", "pleno", "plenario", "secao", "camara", "corte", "julgado", "julgada", "julgamento",
              "dje", "dj", "dju", "publicado", "publicada", "data", "orgao", "primeira", "segunda", "terceira",
              "quarta", "quinta", "sexta", "setima", "oitava", "j.", "stf", "stj", "tst", "in", "e", "unanime"}


# --------------------------------------------------------------------------- case law



_CNJ_FORMAT = re.compile(r"\d{1,7}\s?-\s?\d{2}\.\d{4}\.\d\.\d{2}\.\d{4}$|\d{20}$")
_TCU_NUMBER = re.compile(r"\d{3}\.\d{3}/(?:19|20)\d{2}-\d")
_TJDFT_NUMBER = re.compile(r"(?:19|20)\d{12}[A-Z]{3}$")
_TJMG_NUMBER = re.compile(r"\d\.\d{4}\.\d{2}\.")
_WORD = re.compile(r"\S+")
_PRE_SPLIT = re.compile(r"\s+(?i:n[oa]s?|em)(?=\s|$)")
_SUF_SPLIT = re.compile(r"[\s-]+")
_SDI2 = re.compile(r"di-?\s?(?:2|ii)\b")
_MORE_NUMBERS = re.compile(r"\d\.\d{3}|\d{1,4}")


def case_candidates(text: str, wins: list[tuple[int, int]], trig: Triggers | None = None) -> list[Citation]:
    C = compiled()
    rx = walk_patterns()
    out: list[Citation] = []
    for m in find_at_triggers(C.case_core, text, wins, trig, "case"):
        cls_text = m.group("cls")
        entry = C.class_lookup.get(fold_key(cls_text)) or {}
        num = m.group("cnum")
        if entry.get("pre_cnj_only") and not _TCU_NUMBER.fullmatch(num):
            continue
        c = Citation(kind="case", text=m.group(0), start=m.start(), end=m.end(), case_class=entry.get("id", cls_text),
                     court=entry.get("court"), number=num, uf=m.group("uf"))
        if _CNJ_FORMAT.match(num):
            c.cnj = cnj_normal(num)
        elif _TJDFT_NUMBER.match(num):
            c.court = "TJDFT"
        elif _TJMG_NUMBER.match(num):
            c.court = "TJMG"
        if m.group("pre"):
            c.incidents += [p.strip() for p in _PRE_SPLIT.split(m.group("pre").strip()) if p.strip()]
        if m.group("suf"):
            c.incidents += [s for s in _SUF_SPLIT.split(m.group("suf").strip()) if s]
        out.append(c)
        if plural_head(text, m.start("cls"), m.start("cnum")):
            pos = m.end()
            while may_continue(text, pos):
                lm = rx["case_cont"].match(text, pos, min(len(text), pos + 40))
                if not lm:
                    break
                s0 = lm.start("num")
                out.append(Citation(kind="case", text=text[s0:lm.end()], start=s0, end=lm.end(), case_class=c.case_class,
                                    court=c.court, number=lm.group("num"), uf=lm.group("uf")))
                pos = lm.end()
    for m in find_at_triggers(rx["old_trf"], text, wins, trig, "old_trf"):
        out.append(Citation(kind="case", text=m.group(0), start=m.start(), end=m.end(), number=m.group(0)))
    for m in find_at_triggers(rx["tjdft"], text, wins, trig, "tjdft"):
        out.append(Citation(kind="case", text=m.group(0), start=m.start(), end=m.end(), court="TJDFT",
                            case_class=m.group(0)[-3:], number=m.group(0)))
    for m in find_at_triggers(rx["cnj"], text, wins, trig, "cnj"):
        out.append(Citation(kind="cnj", text=m.group(0), start=m.start(), end=m.end(), cnj=cnj_normal(m.group(0)),
                            number=m.group(0)))
    for m in find_at_triggers(rx["sumula"], text, wins, trig, "sumula"):
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
        if series == "oj_sdi1" and ("pleno" in tail or _SDI2.search(tail)):
            series = "oj_other"          # OJs of the SBDI-2 or of the Tribunal Pleno: another numbering
        nums = [int_number(m.group("n1"))] + [int_number(x) for x in _MORE_NUMBERS.findall(m.group("more") or "")]
        out.append(Citation(kind="sumula", text=m.group(0), start=m.start(), end=m.end(), court=court,
                            series=series, numbers=nums))
    for m in find_at_triggers(rx["tema"], text, wins, trig, "tema"):
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
                            numbers=[int_number(m.group("n"))]))
    return out


_STOP = re.compile(r"[);]|\n\s*\n")
_COURT_SIGNS = ",:/–-"
_META_NEAR: re.Pattern | None = None


def _meta_near() -> re.Pattern:
    """The meta pattern tried only at the next META_GAP + 1 offsets: `match(text, pos)` finds the same
    leftmost match as `search` when it starts within META_GAP of `pos`, and none when the leftmost one
    starts further (attach_meta stops there anyway), without scanning the rest of the window. Every
    alternative of the meta pattern is one named group, so `m.lastgroup` and the group's span are the
    alternative's."""
    global _META_NEAR
    if _META_NEAR is None:
        # every alternative starts at a word start, with one of a few letters: asked once per offset,
        # not once per alternative
        meta = walk_patterns()["meta"].pattern
        first = first_chars(meta)
        _META_NEAR = re.compile(r"(?s:.{0,%d}?)(?<![\w])%s(?:%s)" % (META_GAP, f"(?={first})" if first else "", meta))
    return _META_NEAR


@lru_cache(maxsize=1)
def _court_before() -> re.Pattern:
    """The court_before pattern with the letters a court's name starts with looked at first: the search
    tries it at each of 30 offsets."""
    rx = walk_patterns()["court_before"].pattern
    first = first_chars(rx)
    return re.compile(f"(?={first})(?:{rx})" if first else rx)


def attach_meta(text: str, c: Citation, limit: int) -> None:
    """Group the relator, órgão julgador, court and dates that follow a case citation into it."""
    C = compiled()
    rx = walk_patterns()
    # court written just before: "(STJ, REsp ...", "STF - RE ..."; a court's name ends with a letter or
    # a digit, at most three characters (a space, a sign, a space) before the citation
    before = text[max(0, c.start - 4):c.start].rstrip().rstrip(_COURT_SIGNS).rstrip()
    b = _court_before().search(text, max(0, c.start - 30), c.start) if before and before[-1].isalnum() else None
    if b:
        c.court = C.court_lookup.get(fold_key(b.group("c")), c.court) or c.court
    win_end = min(limit, c.end + META_WINDOW, len(text))
    stop = _STOP.search(text, c.end, win_end)
    if stop:
        win_end = stop.start()
    pos = c.end
    end = c.end
    near = _meta_near()
    cur = c.end
    while True:
        # the next match at or after `cur`, as finditer would give it, if it starts within META_GAP of cur
        m = near.match(text, cur, win_end)
        if m is None:
            break
        k = m.lastgroup
        cur = m.end()
        if m.start(k) - pos > META_GAP:
            break
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
            c.judgment_date = date_from(m, "j")
        elif k == "pub":
            c.publication_date = date_from(m, "p")
        elif k == "org":
            c.orgao = m.group(k)
        elif k == "court":
            c.court = C.court_lookup.get(fold_key(m.group(k)), c.court) or c.court
        pos = end = m.end()
    if end > c.end:
        c.end = end
        c.text = text[c.start:end]


def _clean_name(raw: str, start: int) -> Span | None:
    words = _WORD.finditer(raw)
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
