"""Check extracted citations against the reference tables and the user's source documents.

Verdicts (one per citation):
* INCONSISTENT: a provable contradiction (reason with severity "error"). Facts marked low-confidence
  in the tables only ever give warnings, and "not in our tables" is never a contradiction.
* VERIFIED: the citation is in the source documents, or it names a known norm consistently.
* UNVERIFIED: well formed, nothing known contradicts it.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable

from legalprompt.citations import tables
from legalprompt.citations.extract import extract
from legalprompt.citations.models import Citation, CheckedCitation, CheckReport, DateRef, Reason, Verdict
from legalprompt.citations.patterns import fold_key
from legalprompt.citations.quotes import check_quotes, padded

_KIND_LABEL = {"lei": "Lei", "lei_complementar": "Lei Complementar", "decreto_lei": "Decreto-Lei",
               "emenda_constitucional": "Emenda Constitucional", "medida_provisoria": "Medida Provisória",
               "decreto": "Decreto", "constituicao": "Constituição"}


def _fmt(d: _dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def _num(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _sev(confidence: str | None) -> str:
    return "warning" if (confidence or "low") == "low" else "error"


# --------------------------------------------------------------------------- individual rules

def cnj_check_digits_ok(cnj: str) -> bool:
    """ISO 7064 mod 97-10 over NNNNNNN AAAA J TR OOOO DD (CNJ Resolução 65/2008)."""
    m = re.fullmatch(r"(\d{7})-(\d{2})\.(\d{4})\.(\d)\.(\d{2})\.(\d{4})", cnj)
    if not m:
        return False
    n, dd, a, j, tr, o = m.groups()
    return int(n + a + j + tr + o + dd) % 97 == 1


def cnj_check_digits(cnj: str) -> str:
    """The two check digits a CNJ number must carry."""
    n, _, a, j, tr, o = re.fullmatch(r"(\d{7})-(\d{2})\.(\d{4})\.(\d)\.(\d{2})\.(\d{4})", cnj).groups()
    return f"{98 - int(n + a + j + tr + o + '00') % 97:02d}"


def _check_cnj(c: Citation, today: _dt.date) -> list[Reason]:
    out: list[Reason] = []
    cnj = c.cnj
    if not cnj:
        return out
    if not cnj_check_digits_ok(cnj):
        out.append(Reason("CNJ_CHECK_DIGITS",
                          f"número CNJ {cnj} com dígito verificador errado: deveria ser {cnj_check_digits(cnj)} "
                          "(módulo 97, Resolução CNJ 65/2008)"))
    year = int(cnj[11:15])
    if year > today.year:
        out.append(Reason("CNJ_YEAR_FUTURE", f"número CNJ com ano de ajuizamento {year}, no futuro"))
    if cnj[16] == "0":
        out.append(Reason("CNJ_SEGMENT_INVALID", "número CNJ com segmento do Judiciário 0, que não existe"))
    return out


def _check_date(d: DateRef | None, label: str, today: _dt.date) -> list[Reason]:
    if d is None:
        return []
    if d.value is None:
        return [Reason("DATE_INVALID", f"data de {label} {d.text} não existe no calendário")]
    if d.value > today:
        return [Reason("DATE_FUTURE", f"data de {label} {_fmt(d.value)} está no futuro (hoje é {_fmt(today)})")]
    return []


def _ministers_for(court: str, name: str) -> list[tables.Minister]:
    return tables.ministers_by_name().get((court, fold_key(name)), [])


# Courts that hear a class, for a citation that does not name its court. Only the courts whose ministers
# are in our tables are listed; a class with a court of its own in patterns.json uses that court.
_CLASS_COURTS = {cls: ("STF", "STJ") for cls in ("HC", "RHC", "HD", "MS", "RMS", "Rcl", "AP", "Inq", "Pet", "AR",
                                                   "SS", "SL", "STA", "AC")}
_TABLE_COURTS = ("STF", "STJ")
# How far past a date of office a judgment may fall before it contradicts it, by the date's confidence.
_DATE_MARGIN_DAYS = {"high": 0, "medium": 0, "low": 366}


def _relator_courts(c: Citation) -> tuple[str, ...]:
    if c.court:
        return (c.court,) if c.court in _TABLE_COURTS else ()
    return _CLASS_COURTS.get(c.case_class or "", ())


def _relator_is_judge_title(c: Citation, span) -> bool:
    """"Rel. Des. Fulano" is a state or federal judge: never in the ministers' tables."""
    before = c.text[max(0, span.start - c.start - 24):span.start - c.start]
    return bool(re.search(r"(?i)\b(?:des\.|desa\.|desembargador|ju[ií]za?|conselheir|cons\.)", before))


def _check_relator(c: Citation, today: _dt.date) -> list[Reason]:
    out: list[Reason] = []
    courts = _relator_courts(c)
    if not courts:
        return out
    jd = c.judgment_date.value if c.judgment_date else None
    pd = c.publication_date.value if c.publication_date else None
    for span, role in ((c.relator, "relator"), (c.relator_acordao, "relator para o acórdão")):
        if span is None or _relator_is_judge_title(c, span):
            continue
        rows = [r for ct in courts for r in _ministers_for(ct, span.text)]
        where = "/".join(courts)
        if not rows:
            elsewhere = sorted({ct for ct in _TABLE_COURTS if ct not in courts and _ministers_for(ct, span.text)})
            if elsewhere:
                out.append(Reason("RELATOR_WRONG_COURT",
                                  f"{role} {span.text} nunca foi ministro(a) do {where}, que julga {c.case_class or 'o caso'}; "
                                  f"foi do {'/'.join(elsewhere)}"))
            continue
        date = jd if jd is not None and jd <= today else None
        if date is None:
            if pd is not None and pd <= today and all(pd < r.took_min - _dt.timedelta(_DATE_MARGIN_DAYS.get(r.confidence, 366))
                                                       for r in rows):
                out.append(Reason("RELATOR_NOT_YET_IN_OFFICE",
                                  f"{role} {span.text} só tomou posse no {rows[0].court} em {rows[0].took_office}, "
                                  f"depois da publicação em {_fmt(pd)}"))
            continue
        if any(r.took_min <= date and (r.left_max is None or date <= r.left_max) for r in rows):
            continue
        def within(r):
            m = _dt.timedelta(_DATE_MARGIN_DAYS.get(r.confidence, 366))
            return r.took_min - m <= date and (r.left_max is None or date <= r.left_max + m)
        sev = "warning" if any(within(r) for r in rows) else "error"
        before = all(date < r.took_min for r in rows)
        if before:
            r0 = min(rows, key=lambda r: r.took_min)
            msg = (f"{role} {span.text} ainda não era ministro(a) do {r0.court} em {_fmt(date)} "
                   f"(posse: {r0.took_office})")
            out.append(Reason("RELATOR_NOT_YET_IN_OFFICE", msg, sev))
        else:
            last = max(rows, key=lambda r: r.left_max or _dt.date.max)
            msg = (f"{role} {span.text} já não era ministro(a) do {last.court} em {_fmt(date)} "
                   f"(saída: {last.left_office})")
            out.append(Reason("RELATOR_NOT_IN_OFFICE", msg, sev))
    return out


def _check_case(c: Citation, today: _dt.date) -> list[Reason]:
    out = _check_cnj(c, today)
    out += _check_date(c.judgment_date, "julgamento", today)
    out += _check_date(c.publication_date, "publicação", today)
    jd = c.judgment_date.value if c.judgment_date else None
    pd = c.publication_date.value if c.publication_date else None
    if jd and pd and jd > pd:
        out.append(Reason("JUDGED_AFTER_PUBLISHED",
                          f"julgado em {_fmt(jd)}, depois da publicação em {_fmt(pd)}"))
    out += _check_relator(c, today)
    return out


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
    if c.norm_kind == "lei_complementar" and not re.search(r"(?i)federal", c.norm_text or ""):
        return False
    domain = _numbering_domain_min(c.norm_kind)
    # below every federal number we know: more likely a state or municipal norm than a federal one
    return domain is not None and c.norm_number >= domain


def _check_numbering(c: Citation, today: _dt.date) -> list[Reason]:
    kind, n, y = c.norm_kind, c.norm_number, c.norm_year
    rows = tables.law_numbering().get(kind or "")
    if not federal_numbering_applies(c):
        return []
    label = _KIND_LABEL.get(kind, kind)
    row = next((r for r in rows if r.year_from <= y <= r.year_to), None)
    if row is None:
        return []
    if row.first is None and row.last is None:
        return [Reason("NUMBER_NOT_IN_YEAR", f"nenhuma {label} foi editada em {y}", _sev(row.confidence))]
    lo = row.first if row.first is not None else 1
    hi = row.last
    if row.year_to == max(r.year_to for r in rows):
        hi = None             # the newest year in the table is still open: later numbers may exist
    if lo <= n and (hi is None or n <= hi):
        return []
    years = sorted({yy for r in rows if r.first is not None and r.first <= n and (r.last is None or n <= r.last)
                    for yy in range(r.year_from, r.year_to + 1)})
    where = f"; esse número é de {years[0]}" + (f"–{years[-1]}" if len(years) > 1 else "") if years else ""
    rng = f"{_num(lo)} a {_num(hi)}" if hi is not None else f"a partir de {_num(lo)}"
    return [Reason("NUMBER_OUT_OF_YEAR_RANGE",
                   f"{label} {_num(n)}/{y} impossível: as de {y} vão de {rng}{where}", _sev(row.confidence))]


def _article_int(a: str) -> int | None:
    m = re.match(r"\d+", a.replace(".", ""))
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
    bare = c.norm_kind == "named" and c.norm_year is None and not re.search(r"(?i)\d|novo|ncpc|ncc", c.norm_text or "")
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
        n = _article_int(a) or 0
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
    from legalprompt.citations.provisions import parse

    arts = tables.cf_provisions()[body]
    label = "ADCT" if body == "adct" else "Constituição"
    out: list[Reason] = []
    all_checked = True
    for p in parse(c.provisions or ""):
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


def _check_legislation(c: Citation, today: _dt.date) -> tuple[list[Reason], list[str]]:
    """(reasons, what was checked: "norma conhecida", "artigo no intervalo", "dispositivo no intervalo")."""
    out: list[Reason] = []
    checks: list[str] = []
    out += _check_date(c.norm_date, "edição da norma", today)
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
        top = max(int(re.match(r"\d+", k).group(0)) for k in cf)
        over = [a for a in c.articles if (_article_int(a) or 0) > top]
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
                              _sev(known.date_confidence)))
        elif c.norm_date and c.norm_date.value and c.norm_date.value != known.date:
            out.append(Reason("KNOWN_NORM_OTHER_DATE",
                              f"{known.nickname} é de {_fmt(known.date)}; o texto diz {c.norm_date.text}", "warning"))
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


def _has_sub_provisions(chain: str) -> bool:
    from legalprompt.citations.provisions import parse

    return any(p.paragraph is not None or p.inciso is not None or p.alinea for p in parse(chain))


def _legislation_verified(checks: list[str], c: Citation) -> bool:
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


def _check_sumula(c: Citation, today: _dt.date) -> list[Reason]:
    out: list[Reason] = []
    court = c.court
    series = c.series
    if series not in ("sumula", "sumula_vinculante", "oj_sdi1") or court is None:
        return out
    row = tables.sumula_series().get((court, series))
    if row is None:
        return out
    label = {"sumula": "Súmula", "sumula_vinculante": "Súmula Vinculante", "oj_sdi1": "OJ da SBDI-1"}[series]
    for n in c.numbers:
        if n < 1:
            out.append(Reason("SUMULA_NUMBER_INVALID", f"{label} {n} não existe"))
            continue
        if n <= row.max_number:
            continue
        if row.closed:
            out.append(Reason("SUMULA_OUT_OF_RANGE",
                              f"{label} {n} do {court} não existe: a série terminou na {row.max_number}",
                              _sev(row.confidence)))
            continue
        years = max(0.0, (today - row.as_of).days / 365.25) if row.as_of else 0.0
        allowance = row.max_number + math.ceil(row.growth_per_year * max(1.0, years))
        if n > allowance:
            out.append(Reason("SUMULA_OUT_OF_RANGE",
                              f"{label} {n} do {court} não pode existir: a última conhecida é a {row.max_number} "
                              f"({_fmt(row.as_of) if row.as_of else 'data desconhecida'}) e, no ritmo de edição da série, a numeração não chega a {n} até hoje",
                              _sev(row.confidence)))
        else:
            out.append(Reason("SUMULA_ABOVE_KNOWN",
                              f"{label} {n} do {court} é posterior à última que conhecemos ({row.max_number})",
                              "warning"))
    return out


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
            return {f"{ident}#art{_article_int(a)}" for a in c.articles}
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


# --------------------------------------------------------------------------- entry point

def check_citation(c: Citation, today: _dt.date, index: SourceIndex | None = None) -> CheckedCitation:
    reasons: list[Reason] = []
    checks: list[str] = []
    if c.kind in ("case", "cnj"):
        reasons += _check_case(c, today)
    elif c.kind == "legislation":
        if c.cnj:
            reasons += _check_cnj(c, today)
        r, checks = _check_legislation(c, today)
        reasons += r
    elif c.kind == "sumula":
        reasons += _check_sumula(c, today)
    in_sources = None
    if index is not None:
        in_sources = index.contains(c)
        if in_sources:
            checks.append("consta da fonte")
            reasons.append(Reason("IN_SOURCES", "consta dos documentos de origem", "info"))
        else:
            reasons.append(Reason("NOT_IN_SOURCES", "não consta dos documentos de origem", "warning"))
    if any(r.severity == "error" for r in reasons):
        verdict = Verdict.INCONSISTENT
    elif in_sources or (c.kind == "legislation" and _legislation_verified(checks, c)):
        verdict = Verdict.VERIFIED
    else:
        verdict = Verdict.UNVERIFIED
    return CheckedCitation(c, verdict, in_sources, reasons, checks)


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


def check_text(text: str, sources: list[str] | SourceIndex | None = None, today: _dt.date | None = None) -> CheckReport:
    """Extract every citation and quotation of `text` and give each a verdict.

    `sources`: texts of the documents the answer was based on, or their `SourceIndex` (None: no source
    check, in_sources and found are None). `today`: the date that counts as "now" for future-date
    checks (default: the real today)."""
    today = today or _dt.date.today()
    if sources is None or isinstance(sources, SourceIndex):
        index = sources
    else:
        index = source_index(sources)
    cits = extract(text)
    resolve_locality(cits)
    quotes = check_quotes(text, index.quote_texts if index is not None else None)
    return CheckReport(text, [check_citation(c, today, index) for c in cits], quotes)


def resolve_locality(cits: list[Citation]) -> None:
    """A norm written once as local ("Lei Paulista nº 11.819/2005") is local everywhere in the same text."""
    local = {(c.norm_kind, c.norm_number) for c in cits if c.kind == "legislation" and c.local and c.norm_number}
    for c in cits:
        if c.kind == "legislation" and not c.local and (c.norm_kind, c.norm_number) in local:
            c.local = True
            c.norm_key = None
