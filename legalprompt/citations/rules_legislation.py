"""The rules for legislation: federal numbering by year, known norms (year, articles in range for every
version the name can mean), the Constitution's incisos and parágrafos, and a name against its
abbreviation. Says what was checked, so that VERIFIED means verified."""

from __future__ import annotations

import datetime as _dt
import math
import re
from functools import lru_cache

from legalprompt.citations import tables
from legalprompt.citations.models import Citation, Reason
from legalprompt.citations.patterns import fold_key
from legalprompt.citations.provisions import parse_cached
from legalprompt.citations.rules_common import check_date, fmt_date, severity

_KIND_LABEL = {"lei": "Lei", "lei_complementar": "Lei Complementar", "decreto_lei": "Decreto-Lei",
               "emenda_constitucional": "Emenda Constitucional", "medida_provisoria": "Medida Provisória",
               "decreto": "Decreto", "constituicao": "Constituição"}

_FEDERAL = re.compile(r"(?i)federal")
_LEADING_DIGITS = re.compile(r"\d+")
_NAMES_A_VERSION = re.compile(r"(?i)\d|novo|ncpc|ncc")


def _num(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@lru_cache(maxsize=None)
def _numbering_domain_min(kind: str) -> int | None:
    rows = [r for r in tables.law_numbering().get(kind, []) if r.first is not None]
    return min(r.first for r in rows) if rows else None


def federal_numbering_applies(c: Citation) -> bool:
    """Whether the federal numbering table can judge this citation's number and year.

    Not for local norms; not for complementary laws unless written "federal" (state and municipal
    complementary laws share the same small numbers, so "LC 85/98" in a state court's text is
    usually a state law)."""
    if c.kind != "legislation" or c.local or c.norm_number is None or c.norm_year is None:
        return False
    if c.norm_kind not in tables.law_numbering():
        return False
    if c.norm_kind == "lei_complementar" and not _FEDERAL.search(c.norm_text or ""):
        return False
    domain = _numbering_domain_min(c.norm_kind)
    # below every federal number we know: more likely a state or municipal norm than a federal one
    return domain is not None and c.norm_number >= domain


@lru_cache(maxsize=None)
def _rows_by_year(kind: str) -> tuple[dict, int]:
    """A kind's numbering rows by year (the first row that covers it), and the newest year covered."""
    rows = tables.law_numbering()[kind]
    by_year: dict = {}
    for r in rows:
        for y in range(r.year_from, r.year_to + 1):
            by_year.setdefault(y, r)
    return by_year, max(r.year_to for r in rows)


def _check_numbering(c: Citation, today: _dt.date) -> list[Reason]:
    kind, n, y = c.norm_kind, c.norm_number, c.norm_year
    rows = tables.law_numbering().get(kind or "")
    if not federal_numbering_applies(c):
        return []
    label = _KIND_LABEL.get(kind, kind)
    by_year, newest = _rows_by_year(kind)
    row = by_year.get(y)
    if row is None:
        return []
    if row.first is None and row.last is None:
        return [Reason("NUMBER_NOT_IN_YEAR", f"nenhuma {label} foi editada em {y}", severity(row.confidence))]
    lo = row.first if row.first is not None else 1
    hi = row.last
    if row.year_to == newest:
        hi = None             # the newest year in the table is still open: later numbers may exist
    if lo <= n and (hi is None or n <= hi):
        return []
    years = sorted({yy for r in rows if r.first is not None and r.first <= n and (r.last is None or n <= r.last)
                    for yy in range(r.year_from, r.year_to + 1)})
    where = f"; esse número é de {years[0]}" + (f"–{years[-1]}" if len(years) > 1 else "") if years else ""
    rng = f"{_num(lo)} a {_num(hi)}" if hi is not None else f"a partir de {_num(lo)}"
    return [Reason("NUMBER_OUT_OF_YEAR_RANGE",
                   f"{label} {_num(n)}/{y} impossível: as de {y} vão de {rng}{where}", severity(row.confidence))]


def article_int(a: str) -> int | None:
    m = _LEADING_DIGITS.match(a.replace(".", ""))
    return int(m.group(0)) if m else None


# A bare name ("CPC", "Código Civil") can mean the code in force or the one it replaced: an article is
# out of range only when it is out of range for every version the name can mean.
_VERSIONS = {"lei:13105": ("lei:13105", "lei:5869"), "lei:10406": ("lei:10406", "lei:3071")}
# Names that are the same norm for the name-against-abbreviation check.
_FAMILY = {"lei:5869": "lei:13105", "lei:3071": "lei:10406", "constituicao": "constituicao:1988"}
_CF_KEYS = {"constituicao:1988": "cf", "adct": "adct"}


def _article_margin(count: int, confidence: str | None) -> int:
    """How far past a table's last article a citation must be to contradict it: none for a sourced
    count, a little for one taken from general knowledge (a margin, not a veto)."""
    if confidence == "high":
        return 0
    if confidence == "medium":
        return max(1, math.ceil(count * 0.005))
    return max(5, math.ceil(count * 0.01))


def _versions(c: Citation, known: tables.KnownNorm) -> list[tables.KnownNorm]:
    keys = _VERSIONS.get(known.key)
    bare = c.norm_kind == "named" and c.norm_year is None and not _NAMES_A_VERSION.search(c.norm_text or "")
    if not keys or not bare:
        return [known]
    return [tables.known_norms()[k] for k in keys if k in tables.known_norms()]


def _check_articles(c: Citation, known: tables.KnownNorm) -> tuple[list[Reason], bool]:
    """(reasons, every article checked to be in range)."""
    if not c.articles:
        return [], True
    if not known.articles:
        return [Reason("ARTICLE_NOT_CHECKED", f"não sabemos quantos artigos tem {known.nickname}", "info")], False
    versions = [v for v in _versions(c, known) if v.articles]
    out: list[Reason] = []
    ok = True
    for a in c.articles:
        n = article_int(a) or 0
        if n <= known.articles:
            continue
        ok = False
        if any(n <= v.articles for v in versions):
            other = next(v for v in versions if n <= v.articles)
            out.append(Reason("ARTICLE_OTHER_VERSION",
                              f"art. {a} não existe em {known.nickname} ({known.articles} artigos); existia em {other.nickname}",
                              "warning"))
        elif all(n > v.articles + _article_margin(v.articles, v.articles_confidence) for v in versions):
            names = " nem em ".join(f"{v.nickname} ({v.articles} artigos)" for v in versions)
            out.append(Reason("ARTICLE_OUT_OF_RANGE", f"art. {a} não existe em {names}"))
        else:
            out.append(Reason("ARTICLE_ABOVE_KNOWN",
                              f"art. {a} está acima do último artigo que conhecemos de {known.nickname} ({known.articles})",
                              "warning"))
        break
    return out, ok


def _check_cf_provisions(c: Citation, body: str) -> tuple[list[Reason], bool]:
    """Incisos and parágrafos of the Constitution (or the ADCT) against its compiled text.

    Returns (reasons, every part of the chain was checked). The counts are those of the compiled text
    up to EC 108/2020 plus the later amendments we list; an inciso or parágrafo at most 2 past the
    count may come from a later amendment, so it is only a warning."""
    arts = tables.cf_provisions()[body]
    label = "ADCT" if body == "adct" else "Constituição"
    out: list[Reason] = []
    all_checked = True
    for p in parse_cached(c.provisions or ""):
        entry = arts.get(str(p.article))
        if entry is None:
            all_checked = False
            continue
        if p.alinea:
            all_checked = False
            continue
        if p.inciso is not None and p.paragraph is not None:
            all_checked = False           # incisos of a parágrafo: not in the table
            continue
        if p.inciso is not None:
            have, what = entry["incisos"], f"inciso {_roman(p.inciso)}"
            n = p.inciso
        elif p.paragraph == "unico":
            if entry["unico"] or entry["paragrafos"] == 1:
                continue
            have, what, n = 0 if entry["paragrafos"] == 0 else entry["paragrafos"], "parágrafo único", 1
            if entry["paragrafos"] > 1:
                out.append(Reason("PROVISION_OUT_OF_RANGE",
                                  f"o art. {p.article} da {label} tem {entry['paragrafos']} parágrafos numerados, não um parágrafo único"))
                continue
        elif p.paragraph is not None:
            have, what, n = entry["paragrafos"], f"§ {p.paragraph}º", p.paragraph
        else:
            continue
        if n <= have:
            continue
        if p.inciso is None and n >= 10 and n % 10 == 0 and n // 10 <= have:
            continue                       # "§ 30" for "§ 3º": the ordinal sign read as a zero
        margin = 2 if have > 0 else 0
        has = (f"tem {have} incisos" if p.inciso is not None else f"tem {have} parágrafos") if have else (
            "não tem incisos" if p.inciso is not None else "não tem parágrafos")
        if n > have + margin:
            out.append(Reason("PROVISION_OUT_OF_RANGE", f"{what} do art. {p.article} da {label} não existe: o artigo {has}"))
        else:
            all_checked = False
            out.append(Reason("PROVISION_ABOVE_KNOWN",
                              f"{what} do art. {p.article} da {label}: o texto compilado que temos (até a EC 108/2020) {has}",
                              "warning"))
    return out, all_checked


def _roman(n: int) -> str:
    from legalprompt.citations.provisions import _to_roman

    return _to_roman(n)


def _check_alias(c: Citation) -> list[Reason]:
    """"Código de Processo Penal (CPC)": the parenthesised name must be able to mean the same norm."""
    if not c.alias_text or not c.norm_key:
        return []
    from legalprompt.citations.patterns import compiled

    can_mean = set(compiled().alias_keys.get(fold_key(c.alias_text), set()))
    if c.alias_key:
        can_mean.add(c.alias_key)
    if not can_mean:
        return []
    fam = _FAMILY.get(c.norm_key, c.norm_key)
    if fam in {_FAMILY.get(k, k) for k in can_mean}:
        return []
    known = tables.known_norms()
    other = sorted(known[k].nickname if k in known else k for k in can_mean)[0]
    this = known[c.norm_key].nickname if c.norm_key in known else c.norm_text
    return [Reason("NAME_ABBR_MISMATCH", f"{this} e {c.alias_text} são normas diferentes ({c.alias_text} é {other})")]


def check_legislation(c: Citation, today: _dt.date) -> tuple[list[Reason], list[str]]:
    """(reasons, what was checked: "norma conhecida", "artigo no intervalo", "dispositivo no intervalo")."""
    out: list[Reason] = []
    checks: list[str] = []
    if c.norm_date is not None:
        out += check_date(c.norm_date, "edição da norma", today)
    if c.norm_year and c.norm_year > today.year:
        out.append(Reason("NORM_YEAR_FUTURE", f"norma datada de {c.norm_year}, no futuro"))
    out += _check_numbering(c, today)
    out += _check_alias(c)
    key = c.norm_key
    if key in _CF_KEYS and c.provisions and not c.local:
        # the Constitution's own table: articles, incisos and parágrafos
        body = _CF_KEYS[key]
        cf = tables.cf_provisions()[body]
        checks.append("norma conhecida")
        top = _last_article(body)
        over = [a for a in c.articles if (article_int(a) or 0) > top]
        unknown = [a for a in c.articles if a.replace(".", "").upper() not in cf]
        if over:
            label = "ADCT" if body == "adct" else "Constituição"
            out.append(Reason("ARTICLE_OUT_OF_RANGE", f"art. {over[0]} não existe: a {label} vai até o art. {top}"))
        if c.articles and not over and not unknown:
            checks.append("artigo no intervalo")
        r, all_checked = _check_cf_provisions(c, body)
        out += r
        if _has_sub_provisions(c.provisions):
            if all_checked and not r and c.articles and not unknown and not over:
                checks.append("dispositivo no intervalo")
            elif not r:
                checks.append("inciso/parágrafo não conferido")
        return out, checks
    known = tables.known_norms().get(key or "")
    if known is not None and not c.local:
        consistent = True
        if c.norm_year and c.norm_year != known.date.year and c.norm_kind != "named":
            consistent = False
            out.append(Reason("KNOWN_NORM_WRONG_YEAR",
                              f"{known.nickname} é de {known.date.year}, não de {c.norm_year}",
                              severity(known.date_confidence)))
        elif c.norm_date and c.norm_date.value and c.norm_date.value != known.date:
            out.append(Reason("KNOWN_NORM_OTHER_DATE",
                              f"{known.nickname} é de {fmt_date(known.date)}; o texto diz {c.norm_date.text}", "warning"))
        r, arts_ok = _check_articles(c, known)
        out += r
        if consistent:
            checks.append("norma conhecida")
            out.append(Reason("KNOWN_NORM", f"norma conhecida: {known.nickname}", "info"))
            if c.articles and arts_ok:
                checks.append("artigo no intervalo")
        if c.articles and not arts_ok:
            checks = [x for x in checks if x != "norma conhecida"] + ["norma conhecida (artigo não conferido)"]
        elif c.provisions and _has_sub_provisions(c.provisions):
            out.append(Reason("PROVISION_NOT_CHECKED",
                              f"incisos, parágrafos e alíneas de {known.nickname} não constam das nossas tabelas", "info"))
            checks.append("inciso/parágrafo não conferido")
    return out, checks


@lru_cache(maxsize=None)
def _last_article(body: str) -> int:
    """The last article of the Constitution ("cf") or of the ADCT, from the compiled text's table."""
    return max(int(re.match(r"\d+", k).group(0)) for k in tables.cf_provisions()[body])


@lru_cache(maxsize=4096)
def _has_sub_provisions(chain: str) -> bool:
    return any(p.paragraph is not None or p.inciso is not None or p.alinea for p in parse_cached(chain))


def legislation_verified(checks: list[str], c: Citation) -> bool:
    """A known norm is VERIFIED only when every part of the citation was checked."""
    if "norma conhecida" not in checks:
        return False
    if not c.provisions:
        return True
    if "inciso/parágrafo não conferido" in checks:
        return False
    if not c.articles:
        return False
    if "artigo no intervalo" not in checks:
        return False
    if _has_sub_provisions(c.provisions):
        return "dispositivo no intervalo" in checks
    return True
