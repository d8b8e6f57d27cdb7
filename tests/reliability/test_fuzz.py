"""Fuzzing what tests/citations/test_properties.py, tests/techniques/test_limar.py and
tests/documents/test_readers.py do not already cover:

- limar keeps, verbatim, every citation that the citation extractor (`legalprompt.citations.extract`)
  finds, on generated legal text (not only on limar's own span finder);
- the readers decode Portuguese text saved as UTF-8, Latin-1 or Windows-1252 back to the same text;
- citation extraction, verification, decoding and limar stay linear on long hostile inputs (CPU time of
  a 10x longer input against the short one, interleaved, best of three: a ratio, not a time limit);
- a document argument read through the CLI helpers never raises anything but the documented errors.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from legalprompt.citations import check_text, extract
from legalprompt.errors import LegalPromptError
from legalprompt.techniques.limar import limar

PIECES = ["art. ", "arts. ", "§ ", "§ 1º ", "inciso ", "IV", ", ", " e ", "alínea \"a\" ", "Lei ", "nº ", "n. ",
          "8.078", "/90", "/2002", "10.406", ", de 11 de setembro de 1990", " do CPC", " da CF/88", " da CF",
          " do Código Civil", "REsp ", "AgRg no ", "HC ", "1.694.984", "/MS", ", Rel. Min. ", "Marco Aurélio",
          ", julgado em ", "12/03/2019", ", DJe ", "Súmula ", "7", "/STJ", " do STF", "Súmula Vinculante ",
          "Tema ", "1.046", " da repercussão geral", "0060465-92.2010.8.02.0001", "; ", ". ", "\n", "(", ")",
          "não ", "nega-se provimento ", "o réu ", "a sentença ", "conforme ", "nos termos do ", "R$ 1.000,00 ",
          "prisão preventiva ", "improcedente ", "Decreto-Lei ", "3.689", "/41", "EC ", "45", "/2004"]
legal_text = st.lists(st.sampled_from(PIECES), min_size=1, max_size=80).map("".join)
LEVELS = ["light", "medium", "strong"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(legal_text, st.sampled_from(LEVELS))
def test_limar_keeps_every_citation_the_extractor_finds(text, level):
    r = limar(text, level)
    for c in extract(text):
        assert c.text in r.text, (c.text, r.text)


PT_ALPHABET = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?()-\n"
               "áéíóúâêôãõçàüÁÉÍÓÚÂÊÔÃÕÇÀº ª§")
CP1252_EXTRA = "“”‘’–—…€"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.text(alphabet=PT_ALPHABET, min_size=1, max_size=12), min_size=8, max_size=60),
       encoding=st.sampled_from(["utf-8", "latin-1", "cp1252"]),
       quotes=st.booleans())
def test_readers_decode_portuguese_in_each_encoding(words, encoding, quotes, tmp_path_factory):
    from legalprompt.documents import read_document

    text = " ".join(words)
    assume(sum(ch in "áéíóúâêôãõçÁÉÍÓÚÂÊÔÃÕÇ" for ch in text) >= 3)  # enough accents to tell the encodings apart
    if quotes and encoding != "latin-1":
        text = f"“{text}” – {text}…"
    assume(text.strip())
    path = tmp_path_factory.mktemp("enc") / "doc.txt"
    path.write_bytes(text.encode(encoding))
    got = read_document(path).text
    assert got.strip() == text.replace("\r\n", "\n").strip()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000))
def test_cli_document_argument_raises_only_documented_errors(data, tmp_path_factory):
    from legalprompt.commands._common import read_text_arg, text_or_file

    path = tmp_path_factory.mktemp("arg") / "entrada.txt"
    path.write_bytes(data)
    for fn in (read_text_arg, text_or_file):
        try:
            fn(str(path))
        except LegalPromptError as exc:
            assert exc.message and exc.exit_code == 2


# --- linear time -----------------------------------------------------------------------------------------

def _cpu(fn, arg) -> float:
    t0 = time.process_time()
    fn(arg)
    return time.process_time() - t0


def _ratio(fn, small, big) -> float:
    """CPU time of `big` over `small`, best of three, measured interleaved."""
    ts, tb = [], []
    for _ in range(3):
        ts.append(_cpu(fn, small))
        tb.append(_cpu(fn, big))
    return max(min(tb), 1e-4) / max(min(ts), 2e-3)


HOSTILE = {
    "digitos": "1" * 400 + " ",
    "pontos_numericos": "1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1/1.1.1.1 ",
    "artigos_encadeados": "art. 5º, " * 20,
    "leis_sem_numero": "Lei nº Lei nº Lei nº Lei n. Lei ",
    "parenteses": "(" * 200 + ")" * 50,
    "cnj_quase": "0060465-92.2010.8.02.000" * 5 + " ",
    "processos": "REsp AgRg no HC REsp n. ",
    "sumulas": "Súmula Súmula Súmula 7/STJ Súmula n. ",
    "espacos": " \t\n" * 200,
    "rel_min": ", Rel. Min. , Rel. Min. Marco Aurélio, julgado em , DJe ",
    "datas": "31/02/2020 11 de setembro de 1990 de de de ",
}


@pytest.mark.parametrize("unit", list(HOSTILE.values()), ids=list(HOSTILE))
@pytest.mark.parametrize("what", ["extract", "check_text", "limar"])
def test_time_is_linear_on_long_hostile_input(what, unit):
    fn = {"extract": extract, "check_text": check_text, "limar": lambda t: limar(t, "strong")}[what]
    small = unit * max(1, 20_000 // len(unit))
    big = small * 10
    fn(small)  # warm caches (pattern compilation, tables)
    ratio = _ratio(fn, small, big)
    assert ratio < 30, f"{what}: 10x the input took {ratio:.1f}x the time (quadratic would be ~100x)"


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_decoding_is_linear(encoding):
    from legalprompt.documents.encoding import decode_bytes

    unit = "Ação rescisória não conhecida — “prazo” decadencial… ".encode(encoding)
    small = unit * 4000
    big = small * 10
    decode_bytes(small, label="x")
    assert _ratio(lambda b: decode_bytes(b, label="x"), small, big) < 30
