"""Property tests: arbitrary text never raises, spans lie inside the text, ordered, non-overlapping."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from legalprompt.citations import check_text, extract

# pieces that make the extractor work hard when glued together at random
PIECES = ["art. ", "arts. ", "§ ", "inciso ", "alínea ", "\"a\"", "Lei ", "nº ", "n. ", "8.078", "/90", "/2002", ", de ",
          "11 de setembro de 1990", " do CPC", " da CF/88", "REsp ", "AgRg no ", "HC ", "1.694.984", "/MS", ", Rel. Min. ",
          "Marco Aurélio", ", julgado em ", "31/02/2020", ", DJe ", "01/02/2018", "Súmula ", "7", "/STJ", " do STF",
          "SV ", "Tema ", " da repercussão geral", "0060465-92.2010.8.02.0001", " e ", ", ", "\n", "(", ")", ";", "ª",
          "º", "°", "IV", "XX", "c/c ", "todos da ", "Lei Orgânica", "Constituição", " ", ".", "-", "/", "0", "9"]

legal_text = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
any_text = st.one_of(st.text(max_size=400), legal_text,
                     st.lists(st.one_of(st.text(max_size=8), st.sampled_from(PIECES)), max_size=60).map("".join))


def _check_spans(text, cits):
    last = 0
    for c in cits:
        assert 0 <= c.start < c.end <= len(text)
        assert text[c.start:c.end] == c.text
        assert c.start >= last
        assert c.start <= c.core_start <= c.core_end <= c.end
        last = c.end


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_extract_spans_valid(text):
    _check_spans(text, extract(text))


@settings(max_examples=200, deadline=None)
@given(any_text, st.one_of(st.none(), st.lists(legal_text, max_size=2)),
       st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)))
def test_check_text_never_raises(text, sources, today):
    rep = check_text(text, sources=sources, today=today)
    _check_spans(text, [c.citation for c in rep.citations])
    for c in rep.citations:
        assert (c.in_sources is None) == (sources is None)
        assert c.verdict.value in ("INCONSISTENT", "VERIFIED", "UNVERIFIED")
        assert all(r.message and r.code for r in c.reasons)
    assert rep.has_inconsistent == (rep.counts["INCONSISTENT"] > 0)
