"""The automaton pre-filter proposes every position the trigger regexes find (it may propose more: the
patterns tried there decide), and extraction through it equals the full scan, also on text with
accents, capitals, characters outside Latin-1 and digits of other scripts."""

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legalprompt.citations.extract import extract
from legalprompt.citations.patterns import compiled
from legalprompt.citations.prefilter import Triggers, digit_windows, fold_text
from legalprompt.citations.quotes import has_words, word_count

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SHARED = REPO.parent / "shared" / "data"


def regex_triggers(text: str) -> dict[str, set[int]]:
    """The reference: the trigger regex's matches that start in a digit window (named norms: all of
    them). Scanned over the whole text, not window by window: a window's end would cut "resguardo"
    to the trigger "re"."""
    C = compiled()
    low = text.lower()
    at: dict[str, set[int]] = {f: set() for f in ("norm", "case", "named", "provision", "sumula", "tema")}
    wins = digit_windows(text)
    for m in C.triggers.finditer(low):
        if any(s <= m.start() < e for s, e in wins):
            # the families of the word matched, not of the shorter words it starts with: no head word
            # is followed by a letter (the extraction tests below hold the pre-filter to the full scan)
            for f in C.word_families(m.group(0)) if _whole(m.group(0)) else C.families(m.group(0)):
                at[f].add(m.start())
    at["named"] = {m.start() for m in C.named_triggers.finditer(low)}
    return at


def _whole(word: str) -> bool:
    """A trigger word without a flexible part (spaces, dashes): the automaton proposes its own families."""
    return not re.search(r"[\s-]", word)


def assert_superset(text: str) -> None:
    got = Triggers(text)
    assert got.ok
    for fam, want in regex_triggers(text).items():
        assert want <= set(got.at[fam]), (fam, sorted(want - set(got.at[fam]))[:5], text[:200])


def _key(cits):
    return [(c.kind, c.start, c.end, c.core_end, c.norm_key, c.number, tuple(c.numbers), tuple(c.articles),
             c.court, c.relator and c.relator.text) for c in cits]


def test_fold_keeps_every_offset():
    text = "Art. 5º, § 2º — “Lei nº 8.078/90”; ΑΒΓ ١٢٣ x_y São Paulo\u2028fim"
    f = fold_text(text)
    assert len(f) == len(text) + 2
    assert f[1:-1] == "art. 0o  § 0o    lei no 0.000 00   xxx 000 x_y sao paulo fim"


def test_proposes_every_trigger_of_the_regex_scan_on_real_text():
    texts = [(REPO / "examples" / n).read_text(encoding="utf-8") for n in ("acordao-rhc-115078.txt", "peticao-curta.txt")]
    texts += [json.loads(line)["text"] for line in (HERE / "data" / "adversarial.jsonl").open(encoding="utf-8")]
    for t in texts:
        assert_superset(t)


@pytest.mark.skipif(not (SHARED / "lener-br").exists(), reason="shared reference data not present")
def test_proposes_every_trigger_on_lener_br():
    text = "\n".join(json.loads(line)["text"] for line in (SHARED / "lener-br" / "citations-dev.jsonl").open(encoding="utf-8"))
    assert_superset(text)


def test_words_after_unusual_openers_and_before_glued_signs():
    for text in ["§Lei 8.078", "x.Lei nº 1", "(Dec.-Lei 200/67)", "Decreto - Lei 200", "Lein° 12.034/2009",
                 "A G .REG. no RE 123", "a  g .reg. no RE 123", "LEI\u00a0Nº 9.099", "ÁRT. 5º", "CF/88, art.5º",
                 "Súmula_1 e súmula 2", "tema 1.000/STF", "0000001-23.2020.8.26.0100", "2014.01.00.123456-7",
                 "20140110012345APC", "inciso\tII do art. 5º"]:
        assert_superset(text)
        assert _key(extract(text)) == _key(extract(text, prefilter=False)), text


_PIECES = st.sampled_from([
    "Lei", "lei", "LEI", "Leis nºs", "Decreto-Lei", "Dec.-Lei", "art.", "Art", "artigo", "§", "§§", "inciso", "alínea",
    "REsp", "RE", "re", "HC", "AgRg no", "Súmula", "SÚMULA", "súmula vinculante", "Tema", "OJ", "CF", "CF/88", "CPC",
    "Código Civil", "código de processo civil", "Constituição Federal", "Rel. Min.", "julgado em", "DJe", "STF",
    "nº", "n°", "n.", "º", "ª", "1", "12", "8.078", "1990", "/90", "/2015", "-", ".", ",", ";", ":", "(", ")", "“",
    "”", '"', " ", " ", " ", "\n", "\t", "\u00a0", "é", "ç", "ã", "Ω", "ж", "١٢", "３", "İ", "K", "_", "x", "de",
    "do", "da", "e", "a", "0000001-23.2020.8.26.0100", "2014.01.00.123456-7", "20140110012345APC",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=40))
def test_random_legal_soup_extracts_as_the_full_scan(pieces):
    text = "".join(pieces)
    if len(text.lower()) != len(text):
        return                        # "İ": lower() changes the length; the regex fallback takes it
    assert_superset(text)
    got = extract(text)
    assert _key(got) == _key(extract(text, prefilter=False))
    assert all(text[c.start:c.end] == c.text for c in got)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .…()[]_-\n\"“”1éΩ")), max_size=60), st.integers(1, 6))
def test_has_words_counts_as_word_count(content, n):
    assert has_words(content, n) == (word_count(content) >= n)
