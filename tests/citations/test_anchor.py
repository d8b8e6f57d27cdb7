"""The citation guard of anchored mode, without a model: which continuations it lets through."""

import pytest

from legalprompt.citations.anchor import AllowedCitations, CitationGuard

SOURCE = ("O fornecedor responde nos termos do art. 14 do CDC (Lei nº 8.078/1990). Ver REsp 1.234.567/SP, "
          "Rel. Min. Nancy Andrighi, julgado em 10/10/2015, e a Súmula 7 do STJ. A Lei nº 11.101/2005 trata "
          "da recuperação judicial. Tema 1.046 do STF.")


@pytest.fixture(scope="module")
def guard():
    return CitationGuard(AllowedCitations([SOURCE]))


def writes(guard, before, piece):
    """Whether the guard lets `piece` be written after `before`, one character at a time."""
    return all(guard.accepts(before + piece[:i], piece[i]) for i in range(len(piece)))


@pytest.mark.parametrize("before,piece,ok", [
    # legislation: sources, equivalent forms, shipped tables with the article in range
    ("nos termos da Lei nº 11.", "101/2005", True),
    ("nos termos da Lei nº 11.", "340/2006", True),           # Lei Maria da Penha: a table norm
    ("nos termos da Lei nº 11.", "999/2010", False),
    ("a Lei nº 8.078/", "90, que", True),
    ("a Lei nº 8.078/", "1991", False),
    ("o art. 14 do ", "CDC.", True),
    ("o art. ", "800 do CPP", True),
    ("o art. ", "900 do CPP", False),                           # the CPP has 811 articles
    ("o art. ", "5º do contrato", True),                        # not a norm: the model left the citation
    # case law, súmulas, temas, relatores: only from the sources
    ("conforme o REsp ", "1.234.567/SP", True),
    ("conforme o REsp ", "9.999/SP", False),
    ("na ADI ", "4.277", False),
    ("a Súmula ", "7 do STJ.", True),
    ("a Súmula ", "7 do TST", False),
    ("a Súmula ", "8", False),
    ("o Tema ", "1.046", True),
    ("o Tema ", "999", False),
    ("Rel. Min. ", "Nancy Andrighi", True),
    ("Rel. Min. ", "Gilmar Mendes", False),
    # leaving before any number is always possible
    ("conforme a ", "Lei de Murphy", True),
    ("a Súmula ", "da reunião", True),
])
def test_guard(guard, before, piece, ok):
    assert writes(guard, before, piece) is ok


def test_text_before_the_draft_is_never_refused(guard):
    # an invented citation already in the prefill cannot be undone: the guard lets the draft go on
    assert guard.accepts("da Lei nº 99.999/2020", ", e")


def test_completion_finishes_an_open_citation_with_an_allowed_one(guard):
    rest = guard.completion("nos termos da Lei nº 11.")
    assert rest is not None and writes(guard, "nos termos da Lei nº 11.", rest)
    assert guard.completion("conforme o REsp 1.") == "234.567"


def test_an_open_citation_is_detected_for_completion(guard):
    # what the engine asks when the token budget runs out: "art. 52 da Lei nº 8." would read as Lei nº 8
    text = "Em síntese, nos termos do art. 52 da Lei nº 8."
    assert guard.violation(text + " ") == len(text)  # "Lei nº 8." cannot end there: no such allowed law
    rest = guard.completion(text)
    assert rest and writes(guard, text, rest + " ")
    assert guard.violation("Em síntese, nos termos do art. 14 do CDC" + " ") < 0


def test_a_parenthesised_alias_must_name_the_same_norm(guard):
    # seen in the compare run: "art. 312 do Código de Processo Penal (CPC)", which the checker calls INCONSISTENT
    assert not writes(guard, "nos termos do art. 312 do Código de Processo Penal", " (CPC)")
    assert writes(guard, "nos termos do art. 312 do Código de Processo Penal", " (CPP)")
    assert writes(guard, "nos termos do art. 312 do Código de Processo Penal", " (fls. 3)")
