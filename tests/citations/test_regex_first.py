"""first_chars lists a superset of the characters a match can start with, so a look-ahead built from it
never changes what a pattern matches."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from legalprompt.citations.regex_first import first_chars
from legalprompt.citations.walk import walk_patterns


def _accepts(first: str, alphabet: str = "abxDRrdJ5٣Kk\u212a ") -> str:
    return "".join(c for c in alphabet if re.fullmatch(first, c))


def test_literals_classes_case_and_optional_parts():
    assert first_chars(r"a?b") == "[ab]"
    assert _accepts(first_chars(r"(?i:rel)|DJe|\d{2}")) == "DRr5٣"       # \d: digits of every script
    assert first_chars(r"(?<![\w])x") == "[x]"            # a look-behind says nothing about the first character
    assert _accepts(first_chars(r"(?i)k")) == "Kk\u212a"   # the Kelvin sign too, as the engine folds it
    assert _accepts(first_chars(r"k")) == "k"
    assert first_chars(r"[^a]") is None                    # everything but a: not listed
    assert first_chars(r"a*") is None                      # can match the empty string
    assert first_chars(r".x") is None


_ALPHABET = list("RrEeLlJjDdSsTtPpOoCcNnQq 0123456789.,:-/()ªºÉéÓóãçáí") + ["Rel. Min. ", "julgado em ", "DJe ",
                                                                             "STF", "Tribunal Pleno", "Segunda Turma"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), min_size=1, max_size=12))
def test_no_match_starts_outside_the_listed_characters(pieces):
    text = "".join(pieces)
    for name in ("meta", "court_before", "court_after", "tok", "sumula", "tema"):
        rx = walk_patterns()[name]
        first = first_chars(rx.pattern)
        if first is None:
            continue
        for i in range(len(text)):
            if rx.match(text, i):
                assert re.match(first, text[i]), (name, text, i)
