"""Pure tests of the comparison figures and the word diff (no model)."""

from dataclasses import dataclass, field

import pytest

from legalprompt.compare.diff import DELETE, EQUAL, INSERT, side, word_diff
from legalprompt.compare.metrics import (
    agreement, arm_metrics, citation_counts, normalise_words, paired_similarity, similarity,
)


@dataclass
class S:
    output: str
    generated: str = None
    citations: list = field(default_factory=list)
    shape_ok: bool | None = None
    quotes: list = field(default_factory=list)
    usage: dict = field(default_factory=lambda: {"prompt_tokens": 100, "completion_tokens": 10,
                                                 "cached_prompt_tokens": 0})
    timings: dict = field(default_factory=lambda: {"time_to_first_token_s": 0.5, "generation_tokens_per_s": 20.0,
                                                   "total_s": 1.0})

    def __post_init__(self):
        if self.generated is None:
            self.generated = self.output


def test_normalise_ignores_case_punctuation_and_spacing():
    assert normalise_words("Recurso  PROVIDO.\n") == ["recurso", "provido"]
    assert normalise_words("art. 5º, X") == normalise_words("Art. 5o x") == ["art", "5o", "x"]  # NFKC: º -> o


def test_similarity_bounds():
    assert similarity("Recurso provido.", "recurso   provido") == 1.0
    assert similarity("um dois três", "quatro cinco seis") == 0.0
    assert similarity("", "") == 1.0
    assert similarity("algo", "") == 0.0
    s = similarity("recurso conhecido e provido", "recurso conhecido e desprovido")
    assert s == pytest.approx(0.75)


def test_agreement_is_mean_pairwise_and_none_for_one():
    assert agreement(["a b", "a b", "a b"]) == 1.0
    assert agreement(["só um"]) is None
    # pairs: (x,x)=1, (x,y)=0, (x,y)=0 -> 1/3
    assert agreement(["a b", "a b", "c d"]) == pytest.approx(1 / 3)


def test_citation_counts():
    cits = [{"verdict": "INCONSISTENT", "in_sources": False}, {"verdict": "VERIFIED", "in_sources": True},
            {"verdict": "UNVERIFIED", "in_sources": False}, {"verdict": "UNVERIFIED", "in_sources": None}]
    c = citation_counts(cits)
    assert c == {"total": 4, "INCONSISTENT": 1, "VERIFIED": 1, "UNVERIFIED": 2, "not_in_sources": 2}


def test_arm_metrics():
    bad = {"verdict": "INCONSISTENT", "in_sources": False}
    samples = [S("EMENTA: A. B.", "A. B.", [bad], True), S("EMENTA: A. C.", "A. C.", [], False),
               S("EMENTA: A. B.", "A. B.", [bad, bad], True)]
    m = arm_metrics(samples)
    assert m["samples"] == 3
    assert m["shape_checked"] is True
    assert m["shape_ok"] == 2
    assert m["shape_pass_rate"] == pytest.approx(2 / 3)
    assert m["inconsistent"] == 3
    assert m["not_in_sources"] == 3
    assert m["samples_with_inconsistent"] == 2
    # agreement is on the generated part: (1 + 0.5 + 0.5) / 3
    assert m["agreement"] == pytest.approx((0.5 + 1.0 + 0.5) / 3)
    assert m["mean_words"] == pytest.approx(3.0)
    assert m["prompt_tokens"] == 300


def test_arm_metrics_counts_quotes_not_found():
    samples = [S("a", quotes=[{"found": False}, {"found": True}]), S("b", quotes=[{"found": False}]),
               S("c", quotes=[{"found": None}])]
    m = arm_metrics(samples)
    assert m["quotes"] == 4 and m["quotes_not_found"] == 2


def test_arm_metrics_without_shape_check_and_grouped_agreement():
    samples = [S("x y"), S("x y"), S("z w"), S("z w")]
    m = arm_metrics(samples, groups=[samples[:2], samples[2:]])
    assert m["shape_pass_rate"] is None and m["shape_checked"] is False
    assert m["agreement"] == 1.0  # each document agrees with itself; documents are not compared
    assert arm_metrics(samples)["agreement"] == pytest.approx(2 / 6)


def test_agreement_leaves_the_prefill_out():
    # Same prefill, different continuations: the prefill must not make them look alike.
    samples = [S("EMENTA: DIREITO. um dois", "um dois"), S("EMENTA: DIREITO. três quatro", "três quatro")]
    assert arm_metrics(samples)["agreement"] == 0.0


def test_paired_similarity():
    assert paired_similarity(["a b", "c"], ["a b", "d"]) == pytest.approx(0.5)
    assert paired_similarity([], []) is None


@pytest.mark.parametrize("a,b", [
    ("o recurso foi provido", "o recurso foi desprovido em parte"),
    ("", "texto novo"),
    ("texto velho", ""),
    ("linha 1\nlinha  2", "linha 1\n\nlinha 2 <b>"),
    ("igual", "igual"),
])
def test_word_diff_rebuilds_both_sides(a, b):
    pieces = word_diff(a, b)
    assert side(pieces, "a") == a
    assert side(pieces, "b") == b
    assert all(op in (EQUAL, DELETE, INSERT) and text for op, text in pieces)


def test_word_diff_marks_whole_words():
    pieces = word_diff("recurso provido", "recurso desprovido")
    assert (DELETE, "provido") in pieces and (INSERT, "desprovido") in pieces
    assert pieces[0] == (EQUAL, "recurso ")
