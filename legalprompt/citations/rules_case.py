"""The rules for case law: CNJ numbers, dates, the relator against the ministers' tables (by court and
date of office), and súmula numbers against their series."""

from __future__ import annotations

import datetime as _dt
import math
import re

from legalprompt.citations import tables
from legalprompt.citations.models import Citation, Reason
from legalprompt.citations.patterns import fold_key
from legalprompt.citations.rules_common import check_date, fmt_date, severity

_CNJ_PARTS = re.compile(r"(\d{7})-(\d{2})\.(\d{4})\.(\d)\.(\d{2})\.(\d{4})")
_JUDGE_TITLE = re.compile(r"(?i)\b(?:des\.|desa\.|desembargador|ju[ií]za?|conselheir|cons\.)")


# --------------------------------------------------------------------------- individual rules

def cnj_check_digits_ok(cnj: str) -> bool:
    """ISO 7064 mod 97-10 over NNNNNNN AAAA J TR OOOO DD (CNJ Resolução 65/2008)."""
    m = _CNJ_PARTS.fullmatch(cnj)
    if not m:
        return False
    n, dd, a, j, tr, o = m.groups()
    return int(n + a + j + tr + o + dd) % 97 == 1


def cnj_check_digits(cnj: str) -> str:
    """The two check digits a CNJ number must carry."""
    n, _, a, j, tr, o = _CNJ_PARTS.fullmatch(cnj).groups()
    return f"{98 - int(n + a + j + tr + o + '00') % 97:02d}"


def check_cnj(c: Citation, today: _dt.date) -> list[Reason]:
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


def relator_is_judge_title(c: Citation, span) -> bool:
    """"Rel. Des. Fulano" is a state or federal judge: never in the ministers' tables."""
    before = c.text[max(0, span.start - c.start - 24):span.start - c.start]
    return bool(_JUDGE_TITLE.search(before))


def _check_relator(c: Citation, today: _dt.date) -> list[Reason]:
    out: list[Reason] = []
    courts = _relator_courts(c)
    if not courts:
        return out
    jd = c.judgment_date.value if c.judgment_date else None
    pd = c.publication_date.value if c.publication_date else None
    for span, role in ((c.relator, "relator"), (c.relator_acordao, "relator para o acórdão")):
        if span is None or relator_is_judge_title(c, span):
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
                                  f"depois da publicação em {fmt_date(pd)}"))
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
            msg = (f"{role} {span.text} ainda não era ministro(a) do {r0.court} em {fmt_date(date)} "
                   f"(posse: {r0.took_office})")
            out.append(Reason("RELATOR_NOT_YET_IN_OFFICE", msg, sev))
        else:
            last = max(rows, key=lambda r: r.left_max or _dt.date.max)
            msg = (f"{role} {span.text} já não era ministro(a) do {last.court} em {fmt_date(date)} "
                   f"(saída: {last.left_office})")
            out.append(Reason("RELATOR_NOT_IN_OFFICE", msg, sev))
    return out


def check_case(c: Citation, today: _dt.date) -> list[Reason]:
    out = check_cnj(c, today)
    out += check_date(c.judgment_date, "julgamento", today)
    out += check_date(c.publication_date, "publicação", today)
    jd = c.judgment_date.value if c.judgment_date else None
    pd = c.publication_date.value if c.publication_date else None
    if jd and pd and jd > pd:
        out.append(Reason("JUDGED_AFTER_PUBLISHED",
                          f"julgado em {fmt_date(jd)}, depois da publicação em {fmt_date(pd)}"))
    out += _check_relator(c, today)
    return out


def check_sumula(c: Citation, today: _dt.date) -> list[Reason]:
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
                              severity(row.confidence)))
            continue
        years = max(0.0, (today - row.as_of).days / 365.25) if row.as_of else 0.0
        allowance = row.max_number + math.ceil(row.growth_per_year * max(1.0, years))
        if n > allowance:
            out.append(Reason("SUMULA_OUT_OF_RANGE",
                              f"{label} {n} do {court} não pode existir: a última conhecida é a {row.max_number} "
                              f"({fmt_date(row.as_of) if row.as_of else 'data desconhecida'}) e, no ritmo de edição da série, a numeração não chega a {n} até hoje",
                              severity(row.confidence)))
        else:
            out.append(Reason("SUMULA_ABOVE_KNOWN",
                              f"{label} {n} do {court} é posterior à última que conhecemos ({row.max_number})",
                              "warning"))
    return out
