"""Extraction of every citation form the issue lists, with offsets into the original text."""

from __future__ import annotations

import pytest

from legalprompt.citations import extract


def one(text, kind=None):
    cits = extract(text)
    assert len(cits) == 1, [(c.kind, c.text) for c in cits]
    c = cits[0]
    assert text[c.start:c.end] == c.text
    if kind:
        assert c.kind == kind
    return c


@pytest.mark.parametrize("text,number,year", [
    ("Lei nº 8.078, de 11 de setembro de 1990", 8078, 1990),
    ("Lei 8.078/90", 8078, 1990),
    ("L. 8.078/1990", 8078, 1990),
    ("Lei n.º 10.406/2002", 10406, 2002),
    ("LEI Nº 8.078/1990", 8078, 1990),
    ("Lei no 9.717, de 1998", 9717, 1998),
])
def test_law_forms(text, number, year):
    c = one(text, "legislation")
    assert (c.norm_kind, c.norm_number, c.norm_year) == ("lei", number, year)
    assert c.text == text


@pytest.mark.parametrize("text,kind,number", [
    ("Lei Complementar nº 101/2000", "lei_complementar", 101),
    ("LC 123/2006", "lei_complementar", 123),
    ("Decreto-Lei nº 5.452, de 1º de maio de 1943", "decreto_lei", 5452),
    ("Decreto nº 8.940/16", "decreto", 8940),
    ("Medida Provisória nº 2.200-2/2001", "medida_provisoria", 2200),
    ("Emenda Constitucional nº 45/2004", "emenda_constitucional", 45),
    ("EC 32/2001", "emenda_constitucional", 32),
])
def test_norm_kinds(text, kind, number):
    c = one(text, "legislation")
    assert (c.norm_kind, c.norm_number) == (kind, number)


@pytest.mark.parametrize("text,key", [
    ("CF", "constituicao:1988"), ("CF/88", "constituicao:1988"), ("Constituição Federal", "constituicao:1988"),
    ("Carta Magna", "constituicao:1988"), ("CPC", "lei:13105"), ("CC", "lei:10406"), ("CPP", "decreto_lei:3689"),
    ("CP", "decreto_lei:2848"), ("CLT", "decreto_lei:5452"), ("CDC", "lei:8078"), ("CTN", "lei:5172"),
    ("ECA", "lei:8069"), ("LGPD", "lei:13709"), ("Código de Defesa do Consumidor", "lei:8078"),
    ("Código Civil", "lei:10406"), ("Lei Maria da Penha", "lei:11340"),
])
def test_codes_by_name_or_abbreviation(text, key):
    c = one(f"conforme o {text}, ", "legislation")
    assert c.norm_key == key


def test_provisions_attached_to_norm():
    c = one("nos termos do art. 5º, inciso LV, da CF/88, e", "legislation")
    assert c.text == "art. 5º, inciso LV, da CF/88"
    assert c.articles == ["5"] and c.norm_key == "constituicao:1988"
    c = one("o § 2º do art. 240 do CPC dispõe", "legislation")
    assert c.text == "§ 2º do art. 240 do CPC" and c.articles == ["240"]
    c = one("art. 1.022, parágrafo único, alínea \"a\", do CPC", "legislation")
    assert c.articles == ["1022"]
    c = one("arts. 15, incisos XIV e XV, 19, caput, e 53 da Lei 8.078/90", "legislation")
    assert c.articles == ["15", "19", "53"]
    c = one("art. 121, §2º, II e IV, c/c art. 14, II, ambos do CP", "legislation")
    assert c.articles == ["121", "14"]


def test_bare_article_without_norm_is_not_a_citation():
    assert extract("o art. 279 do mesmo diploma diz") == []


def test_case_citation_grouped():
    text = ("(STJ, REsp n. 1694984/MS, Rel. Ministro LUIS FELIPE SALOMÃO, QUARTA TURMA, "
            "julgado em 14/11/2017, DJe 01/02/2018).")
    c = one(text, "case")
    assert c.core_text == "REsp n. 1694984/MS"
    assert (c.court, c.case_class, c.uf) == ("STJ", "REsp", "MS")
    assert c.relator.text == "LUIS FELIPE SALOMÃO"
    assert c.orgao == "QUARTA TURMA"
    assert c.judgment_date.value.isoformat() == "2017-11-14"
    assert c.publication_date.value.isoformat() == "2018-02-01"
    assert c.text.endswith("DJe 01/02/2018")


@pytest.mark.parametrize("text,cls,incidents", [
    ("HC 94.016 ED", "HC", ["ED"]),
    ("AgRg no REsp 1.234.567/SP", "REsp", ["AgRg"]),
    ("AgInt no AREsp 1.000.000/RJ", "AREsp", ["AgInt"]),
    ("EDcl no AgRg no HC 123.456/SP", "HC", ["EDcl", "AgRg"]),
    ("ADPF 347 MC", "ADPF", ["MC"]),
    ("RE 631.240 QO", "RE", ["QO"]),
    ("Recurso Extraordinário 574.706", "RE", []),
    ("AÇÃO DIRETA DE INCONSTITUCIONALIDADE 3.510", "ADI", []),
    ("Rcl 4.335/AC", "Rcl", []),
    ("RR 1000-71.2012.5.06.0018", "RR", []),
])
def test_case_classes(text, cls, incidents):
    c = one(text, "case")
    assert c.case_class == cls
    assert c.incidents == incidents


def test_relator_variants():
    c = one("(RE 123.456, Relator Ministro Marco Aurélio, Tribunal Pleno, j. 25/08/2010)", "case")
    assert c.relator.text == "Marco Aurélio" and c.court == "STF"
    assert c.judgment_date.value.isoformat() == "2010-08-25"
    c = one("(ADI 4.277, Rel. Min. Ayres Britto, Rel. p/ acórdão Min. Luiz Fux, publicado em 14/10/2011)")
    assert c.relator.text == "Ayres Britto" and c.relator_acordao.text == "Luiz Fux"
    assert c.publication_date.value.isoformat() == "2011-10-14"
    c = one("(Apelação Criminal 0000123-45.2019.8.02.0001, Des. Washington Luiz D. Freitas)")


def test_cnj_numbers():
    c = one("processo 0060465-92.2010.8.02.0001, em", "cnj")
    assert c.cnj == "0060465-92.2010.8.02.0001"
    c = one("autos 60465-92.2010.8.02.0001", "cnj")
    assert c.cnj == "0060465-92.2010.8.02.0001"


@pytest.mark.parametrize("text,series,court,numbers", [
    ("Súmula 7/STJ", "sumula", "STJ", [7]),
    ("Súmula nº 7 do STJ", "sumula", "STJ", [7]),
    ("SV 13", "sumula_vinculante", "STF", [13]),
    ("Súmula Vinculante nº 13", "sumula_vinculante", "STF", [13]),
    ("Enunciado 331 do TST", "sumula", "TST", [331]),
    ("Súmulas 282 e 356 do STF", "sumula", "STF", [282, 356]),
    ("SÚMULA 691/STF", "sumula", "STF", [691]),
])
def test_sumulas(text, series, court, numbers):
    c = one(text, "sumula")
    assert (c.series, c.court, c.numbers) == (series, court, numbers)


@pytest.mark.parametrize("text,court,n", [
    ("Tema 810 da repercussão geral", "STF", 810),
    ("Tema 1.046 do STF", "STF", 1046),
    ("Tema Repetitivo 1.076", "STJ", 1076),
    ("Tema 106 dos recursos repetitivos", "STJ", 106),
])
def test_temas(text, court, n):
    c = one(text, "tema")
    assert (c.court, c.numbers) == (court, [n])


def test_all_caps_ementa():
    text = ("PROCESSUAL CIVIL. AGRAVO REGIMENTAL NO RECURSO ESPECIAL Nº 971.113 - SP. VIOLAÇÃO DO ART. 535 DO CPC. "
            "INCIDÊNCIA DA SÚMULA 7/STJ. LEI Nº 8.078/90.")
    kinds = [(c.kind, c.text) for c in extract(text)]
    assert ("case", "AGRAVO REGIMENTAL NO RECURSO ESPECIAL Nº 971.113 - SP") in kinds
    assert ("legislation", "ART. 535 DO CPC") in kinds
    assert ("sumula", "SÚMULA 7/STJ") in kinds
    assert ("legislation", "LEI Nº 8.078/90") in kinds


def test_line_breaks_inside_citations():
    text = "conforme o art. 5º da Lei\nnº 8.078,\nde 11 de setembro\nde 1990, e o REsp\n1.694.984/MS, Rel. Min.\nNancy Andrighi, julgado em\n14/11/2017."
    cits = extract(text)
    assert [c.kind for c in cits] == ["legislation", "case"]
    assert cits[0].norm_year == 1990 and cits[0].articles == ["5"]
    assert cits[1].relator.text == "Nancy Andrighi"
    assert cits[1].judgment_date.value.isoformat() == "2017-11-14"
    for c in cits:
        assert text[c.start:c.end] == c.text


def test_latin1_decoded_text():
    from legalprompt.documents.encoding import decode_bytes

    raw = "Viola o art. 5º, § 1º, da Lei nº 8.078/90 e a Súmula nº 7 do STJ.".encode("latin-1")
    text = decode_bytes(raw, label="t.txt")
    cits = extract(text)
    assert [c.kind for c in cits] == ["legislation", "sumula"]
    assert cits[0].norm_number == 8078 and cits[0].articles == ["5"]


def test_local_laws_marked_local():
    assert one("Lei Distrital nº 5.815/2017").local
    assert one("LEI Nº 10.640/1998 DO ESTADO DE SANTA CATARINA").local
    assert not one("Lei Federal 9.717/98").local


def test_list_of_laws_split():
    cits = extract("Leis 3.318/2004, 3.355/2004 e 3.782/2006.")
    assert [c.norm_number for c in cits] == [3318, 3355, 3782]
    assert [c.norm_year for c in cits] == [2004, 2004, 2006]


def test_plain_text_has_no_citations():
    assert extract("O réu compareceu à audiência em 12 de março e nada disse sobre o contrato.") == []
    assert extract("") == []


def test_ementa_subject_followed_by_numbered_point_is_not_a_case():
    from legalprompt.citations import extract

    for text in ["RECURSO DE REVISTA. 1. A jurisprudência desta Corte", "RECURSO ORDINÁRIO EM HABEAS CORPUS. 1. Prisão"]:
        assert [c for c in extract(text) if c.kind == "case"] == []
    assert [c.text for c in extract("REsp. 1.234.567/SP")] == ["REsp. 1.234.567/SP"]
