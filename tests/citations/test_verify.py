"""Every INCONSISTENT rule with a positive and a negative case; warnings for low-confidence facts."""

from __future__ import annotations

import datetime as dt

import pytest

from legalprompt.citations import Verdict, check_text
from legalprompt.citations.verify import cnj_check_digits_ok

TODAY = dt.date(2025, 6, 1)


def check1(text, **kw):
    rep = check_text(text, today=kw.pop("today", TODAY), **kw)
    assert len(rep.citations) == 1, [c.text for c in rep.citations]
    return rep.citations[0]


def codes(c, severity=None):
    return {r.code for r in c.reasons if severity is None or r.severity == severity}


# CNJ check digits (ISO 7064 mod 97-10, after zero padding)
def test_cnj_valid_and_invalid():
    assert cnj_check_digits_ok("0060465-92.2010.8.02.0001")
    ok = check1("processo 0060465-92.2010.8.02.0001")
    assert ok.verdict is Verdict.UNVERIFIED
    bad = check1("processo 0060465-93.2010.8.02.0001")
    assert bad.verdict is Verdict.INCONSISTENT and "CNJ_CHECK_DIGITS" in codes(bad)
    # without leading zeros: padded before the check
    assert check1("autos 60465-92.2010.8.02.0001").verdict is Verdict.UNVERIFIED


def test_cnj_inside_case_citation():
    bad = check1("Recurso em Sentido Estrito nº 0060465-11.2010.8.02.0001")
    assert "CNJ_CHECK_DIGITS" in codes(bad)


def test_invalid_calendar_date():
    bad = check1("(REsp 1.000.000/SP, julgado em 31/02/2020)")
    assert "DATE_INVALID" in codes(bad) and bad.verdict is Verdict.INCONSISTENT
    good = check1("(REsp 1.000.000/SP, julgado em 28/02/2020)")
    assert good.verdict is Verdict.UNVERIFIED


def test_future_dates():
    bad = check1("(REsp 1.000.000/SP, julgado em 10/10/2025)")
    assert "DATE_FUTURE" in codes(bad)
    good = check1("(REsp 1.000.000/SP, julgado em 10/10/2024)")
    assert good.verdict is Verdict.UNVERIFIED
    assert "DATE_FUTURE" not in codes(check1("(REsp 1.000.000/SP, julgado em 10/10/2025)", today=dt.date(2026, 1, 1)))


def test_judged_after_published():
    bad = check1("(REsp 1.000.000/SP, julgado em 14/11/2017, DJe 01/02/2017)")
    assert "JUDGED_AFTER_PUBLISHED" in codes(bad)
    good = check1("(REsp 1.000.000/SP, julgado em 14/11/2017, DJe 01/02/2018)")
    assert good.verdict is Verdict.UNVERIFIED


def test_relator_not_in_office():
    # Marco Aurélio left the STF on 2021-07-12 (high confidence)
    bad = check1("(RE 123.456, Rel. Min. Marco Aurélio, julgado em 25/08/2022)")
    assert "RELATOR_NOT_IN_OFFICE" in codes(bad, "error") and bad.verdict is Verdict.INCONSISTENT
    good = check1("(RE 123.456, Rel. Min. Marco Aurélio, julgado em 25/08/2020)")
    assert good.verdict is Verdict.UNVERIFIED
    # not yet in office: Flávio Dino took office 2024-02-22
    early = check1("(ADI 1.234, Rel. Min. Flávio Dino, julgado em 10/01/2024)")
    assert "RELATOR_NOT_YET_IN_OFFICE" in codes(early, "error")
    # same name, other court: Marco Aurélio Bellizze (STJ) is not Marco Aurélio (STF)
    other = check1("(REsp 1.000/SP, Rel. Min. Marco Aurélio Bellizze, julgado em 25/08/2022)")
    assert other.verdict is Verdict.UNVERIFIED


def test_relator_low_confidence_only_warns():
    # Ricardo Lewandowski's posse date is low confidence: a date before it only warns
    c = check1("(HC 1.234, STF, Rel. Min. Ricardo Lewandowski, julgado em 01/01/2006)")
    assert "RELATOR_NOT_YET_IN_OFFICE" in codes(c, "warning")
    assert c.verdict is not Verdict.INCONSISTENT
    # Humberto Martins (STJ) took office in "2006" (low, year only): never an error
    c = check1("(REsp 1.000/SP, Rel. Min. Humberto Martins, julgado em 10/03/2005)")
    assert c.verdict is not Verdict.INCONSISTENT


def test_partial_dates_are_bounds():
    # Francisco Falcão: STJ since "1999-06" (medium): a judgment on 1999-06-15 is possible
    c = check1("(REsp 1.000/SP, Rel. Min. Francisco Falcão, julgado em 15/06/1999)")
    assert c.verdict is Verdict.UNVERIFIED
    c = check1("(REsp 1.000/SP, Rel. Min. Francisco Falcão, julgado em 15/05/1999)")
    assert c.verdict is Verdict.INCONSISTENT


def test_law_number_outside_year_range():
    bad = check1("art. 11 da Lei n. 11.555/2002")
    assert "NUMBER_OUT_OF_YEAR_RANGE" in codes(bad, "error")
    good = check1("art. 11 da Lei n. 11.555/2007")
    assert good.verdict is Verdict.UNVERIFIED
    # a low-confidence year row only warns (lei 1988 is low)
    warn = check1("Lei 9.000/1988")
    assert "NUMBER_OUT_OF_YEAR_RANGE" in codes(warn, "warning") and warn.verdict is not Verdict.INCONSISTENT
    # below every federal number known: could be a state law, not judged
    assert check1("Lei 5.815/2017").verdict is Verdict.UNVERIFIED
    # local laws are never judged against federal numbering
    assert check1("Lei Distrital nº 15.555/2002").verdict is Verdict.UNVERIFIED
    # no ordinary constitutional amendment in 1994
    assert "NUMBER_NOT_IN_YEAR" in codes(check1("Emenda Constitucional 5/1994"))


def test_known_norm_wrong_year():
    bad = check1("Lei nº 8.078, de 11 de setembro de 1991")
    assert "KNOWN_NORM_WRONG_YEAR" in codes(bad, "error") and bad.verdict is Verdict.INCONSISTENT
    good = check1("Lei nº 8.078, de 11 de setembro de 1990")
    assert good.verdict is Verdict.VERIFIED and "KNOWN_NORM" in codes(good)
    # low-confidence date (Lei do Mandado de Segurança: 'unsourced general knowledge') only warns
    low = check1("Lei 12.016/2010")
    assert "KNOWN_NORM_WRONG_YEAR" in codes(low, "warning")


def test_article_out_of_range():
    bad = check1("art. 300 da Constituição Federal")
    assert "ARTICLE_OUT_OF_RANGE" in codes(bad, "error")
    assert check1("art. 250 da Constituição Federal").verdict is Verdict.VERIFIED
    bad = check1("art. 120 do CDC")
    assert bad.verdict is Verdict.INCONSISTENT
    # CPC's count is low-confidence: past every version the name can mean (2015: 1072, 1973: 1220), even
    # with the margin, it is a contradiction; inside the 1973 code only, a warning and not VERIFIED
    assert "ARTICLE_OUT_OF_RANGE" in codes(check1("art. 2.000 do CPC"), "error")
    old = check1("art. 1.100 do CPC")
    assert "ARTICLE_OTHER_VERSION" in codes(old, "warning") and old.verdict is Verdict.UNVERIFIED
    # within the margin of a low-confidence count: a warning only
    near = check1("art. 1.076 do CPC/2015")
    assert "ARTICLE_ABOVE_KNOWN" in codes(near, "warning") and near.verdict is Verdict.UNVERIFIED


def test_sumula_out_of_range():
    assert "SUMULA_OUT_OF_RANGE" in codes(check1("Súmula 737 do STF"), "error")
    assert check1("Súmula 736 do STF").verdict is Verdict.UNVERIFIED
    # active series: a little above the known ceiling is only a warning, far above is impossible
    near = check1("Súmula 680 do STJ")
    assert near.verdict is Verdict.UNVERIFIED and "SUMULA_ABOVE_KNOWN" in codes(near, "warning")
    assert check1("Súmula 950 do STJ").verdict is Verdict.INCONSISTENT
    assert check1("SV 66").verdict is Verdict.UNVERIFIED
    assert check1("SV 200").verdict is Verdict.INCONSISTENT
    # OJ ceiling is low confidence: warning only
    oj = check1("OJ 500 da SBDI-1")
    assert oj.verdict is not Verdict.INCONSISTENT


def test_not_in_tables_is_never_inconsistent():
    for text in ("Lei 15.999/2026", "(REsp 1.000/SP, Rel. Min. Fulano de Tal, julgado em 01/01/2020)",
                 "Portaria MPS 204/2008", "Tema 9999 do STF", "Decreto 99.999/2019"):
        rep = check_text(text, today=dt.date(2026, 12, 1))
        assert not rep.has_inconsistent, text
    # a year in the future is, though
    assert "NORM_YEAR_FUTURE" in codes(check1("Lei 15.999/2026", today=TODAY))


def test_in_sources():
    src = "Aplica-se o art. 6º do CDC e a Súmula 7/STJ (REsp 1.694.984/MS). Lei 8.078/90."
    rep = check_text("Conforme o art. 6º do CDC, a Súmula nº 7 do STJ, o REsp 1694984/MS e a Súmula 83/STJ.",
                     sources=[src], today=TODAY)
    got = {c.text: c.in_sources for c in rep.citations}
    assert got == {"art. 6º do CDC": True, "Súmula nº 7 do STJ": True, "REsp 1694984/MS": True, "Súmula 83/STJ": False}
    assert [c.verdict for c in rep.citations][:3] == [Verdict.VERIFIED] * 3
    assert rep.citations[3].verdict is Verdict.UNVERIFIED
    assert "NOT_IN_SOURCES" in codes(rep.citations[3])
    # the same law with another year is not what the source says
    assert check_text("Lei 8.078/1991", sources=[src], today=TODAY).citations[0].in_sources is False
    # without sources, in_sources is None
    assert check_text("Súmula 83/STJ", today=TODAY).citations[0].in_sources is None


def test_report_shape():
    text = "art. 11 da Lei n. 11.555/2002 e Súmula 7/STJ"
    rep = check_text(text, today=TODAY)
    d = rep.to_dict()
    assert list(d) == ["citations", "quotes"] and d["quotes"] == []
    for c in d["citations"]:
        assert set(c) == {"kind", "text", "start", "end", "verdict", "in_sources", "checks", "reasons"}
        assert text[c["start"]:c["end"]] == c["text"]
        for r in c["reasons"]:
            assert set(r) == {"code", "message"}
    assert rep.has_inconsistent
    assert rep.counts == {"INCONSISTENT": 1, "VERIFIED": 0, "UNVERIFIED": 1}


@pytest.mark.parametrize("text", [
    "(STJ, REsp n. 1694984/MS, Rel. Ministro LUIS FELIPE SALOMÃO, QUARTA TURMA, julgado em 14/11/2017, DJe 01/02/2018)",
    "(RE 631.240, Rel. Min. Roberto Barroso, Tribunal Pleno, julgado em 03/09/2014, DJe 10/11/2014)",
    "(HC 94.016 ED, Rel. Min. Celso de Mello, Segunda Turma, julgado em 16/09/2008)",
])
def test_real_citations_pass(text):
    assert check1(text).verdict is not Verdict.INCONSISTENT


def test_in_sources_matches_norm_cited_by_name_in_source():
    from legalprompt.citations import check_text

    src = "com fundamento no art. 14 do Código de Defesa do Consumidor (Lei nº 8.078/1990)"
    r = check_text("Conforme o art. 14 da Lei 8.078/1990 e o art. 15 da Lei 8.078/1990.", sources=[src])
    assert [c.in_sources for c in r.citations] == [True, False]
