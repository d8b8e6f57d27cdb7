"""Issue 14, checker half: VERIFIED means verified, new kinds are read, and the adversarial set holds."""

import datetime as dt
import importlib.util
from pathlib import Path

from legalprompt.citations import Verdict, check_text, extract

TODAY = dt.date(2026, 11, 30)
REPO = Path(__file__).resolve().parents[2]


def one(text, sources=None):
    cits = check_text(text, sources=sources, today=TODAY).citations
    assert len(cits) == 1, [c.text for c in cits]
    return cits[0]


def test_tui_examples_are_not_verified():
    # art. 312 of the CPP has no incisos, and we have no table of the CPP's incisos: not VERIFIED
    c = one("artigo 312, II, do Código de Processo Penal")
    assert c.verdict is Verdict.UNVERIFIED and "inciso/parágrafo não conferido" in c.checks
    # art. 5º ends at inciso LXXIX
    assert one("art. 5º, LXXXV, da CF").verdict is Verdict.INCONSISTENT
    ok = one("art. 5º, LXXIX, da CF")
    assert ok.verdict is Verdict.VERIFIED
    assert ok.checks == ["norma conhecida", "artigo no intervalo", "dispositivo no intervalo"]
    # name and abbreviation contradict each other
    bad = one("Código de Processo Penal (CPC)")
    assert bad.verdict is Verdict.INCONSISTENT and any(r.code == "NAME_ABBR_MISMATCH" for r in bad.reasons)
    assert one("Código de Processo Civil de 1973 (CPC)").verdict is not Verdict.INCONSISTENT
    assert one("Código Eleitoral (CE)").verdict is not Verdict.INCONSISTENT


def test_checks_name_what_was_checked():
    assert one("Lei nº 8.078/1990").checks == ["norma conhecida"]
    src = one("art. 14 do CDC", sources=["Conforme o art. 14 do CDC, o fornecedor responde."])
    assert "consta da fonte" in src.checks and src.verdict is Verdict.VERIFIED
    assert one("art. 2º, parágrafo único, da Constituição Federal").verdict is Verdict.INCONSISTENT
    assert one("art. 1º, parágrafo único, da Constituição Federal").verdict is Verdict.VERIFIED
    assert one("inc. II do § 4º do art. 40 da Constituição Federal").verdict is Verdict.UNVERIFIED


def test_relator_without_court_named():
    # RE is heard only by the STF, where Nancy Andrighi never sat
    assert one("RE 574.706/PR, Rel. Min. Nancy Andrighi, julgado em 15/03/2017").verdict is Verdict.INCONSISTENT
    # HC: STF or STJ; Teori Zavascki left both before 2019
    assert one("HC 1/SP, Rel. Min. Teori Zavascki, julgado em 17/02/2019").verdict is Verdict.INCONSISTENT
    assert one("HC 126.292/SP, Rel. Min. Teori Zavascki, julgado em 17/02/2016").verdict is not Verdict.INCONSISTENT
    # low-confidence dates get a margin: a few weeks off warns, years off contradicts
    assert one("STJ, REsp 1/SP, Rel. Min. Eliana Calmon, julgado em 20/01/2014").verdict is Verdict.UNVERIFIED
    assert one("STJ, REsp 1/SP, Rel. Min. Eliana Calmon, julgado em 10/06/2016").verdict is Verdict.INCONSISTENT
    # a desembargador is not a minister, whatever the name
    assert one("ADI 2008.00.2.016888-0, Rel. Des. Flávio Dino, julgado em 08/09/2009").verdict is not Verdict.INCONSISTENT


def test_new_kinds_are_extracted():
    def nums(t):
        return [(c.kind, c.norm_number or c.number or c.numbers) for c in extract(t)]
    assert nums("Leis nºs 8.112 e 8.666, ambas da União") == [("legislation", 8112), ("legislation", 8666)]
    assert [k for k, _ in nums("Mandados de Segurança 26.602, 26.603 e 26.604")] == ["case"] * 3
    assert nums("Súmula nº 1.002 do STJ") == [("sumula", [1002])]
    assert nums("Processo TC 012.345/2004-5") == [("case", "012.345/2004-5")]
    assert nums("TST-RR-123.456/2003-900-02-00.1") == [("case", "123.456/2003-900-02-00.1")]
    assert nums("OJ-SDI1-342") == [("sumula", [342])]
    assert extract("art. 12 do RITJMG")[0].norm_key == "regimento_tj"
    assert extract("art. 5º da CB/88")[0].norm_key == "constituicao:1988"
    assert extract("MS 123 e 456 votos")[0].text == "MS 123" and len(extract("MS 123 e 456 votos")) == 1


def test_adversarial_held_out_half_holds():
    spec = importlib.util.spec_from_file_location("adv", REPO / "bench" / "citations_adversarial.py")
    adv = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(adv)
    rows = adv.load()
    assert len(rows) >= 100 and {r["split"] for r in rows} == {"tune", "held"}
    st, _ = adv.score([r for r in rows if r["split"] == "held"])
    s = st["all"]
    # figures measured after the change (recall 0.959, precision 1.0, no false INCONSISTENT); floors below them
    assert s["found"] / s["gold"] >= 0.93
    assert s["pred_ok"] / s["pred"] >= 0.95
    assert s["false_inc"] == 0
