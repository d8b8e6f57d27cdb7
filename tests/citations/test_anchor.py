"""The citation guard of anchored mode, without a model: which continuations it lets through."""

import pytest

from legalprompt.citations.anchor import AllowedCitations, CitationGuard

SOURCE = ("O fornecedor responde nos termos do art. 14 do CDC (Lei nº 8.078/1990). Ver REsp 1.234.567/SP, "
          "Rel. Min. Nancy Andrighi, julgado em 10/10/2015, e a Súmula 7 do STJ. A Lei nº 11.101/2005 trata "
          "da recuperação judicial. Tema 1.046 do STF.")


@pytest.fixture(scope="module")
def guard():
    return CitationGuard(AllowedCitations([SOURCE]))


@pytest.fixture(scope="module")
def table_guard():
    """Sources and the shipped tables' norms (the explicit option, or a request without sources)."""
    return CitationGuard(AllowedCitations([SOURCE], tables=True))


def writes(guard, before, piece):
    """Whether the guard lets `piece` be written after `before`, one character at a time."""
    return all(guard.accepts(before + piece[:i], piece[i]) for i in range(len(piece)))


@pytest.mark.parametrize("before,piece,ok", [
    # legislation: the sources, in equivalent forms; the tables' norms are not allowed when sources exist
    ("nos termos da Lei nº 11.", "101/2005", True),
    ("nos termos da Lei nº 11.", "340/2006", False),          # Lei Maria da Penha: a table norm, not in the source
    ("nos termos da Lei nº 11.", "999/2010", False),
    ("a Lei nº 8.078/", "90, que", True),
    ("a Lei nº 8.078/", "1991", False),
    ("o art. 14 do ", "CDC.", True),
    ("o art. 14 da ", "Lei nº 8.078/1990", True),              # the same provision in another form
    ("o art. ", "800 do CPP", False),                          # in the CPP's range, but not in the source
    ("o art. ", "15 do CDC", False),                           # a source norm, another article
    ("o art. ", "5º do contrato", True),                        # not a norm: the model left the citation
    ("o art. ", "52 da lei 11.101", False),
    ("o art. ", "52º da lei \n11", False),                        # a line break inside the citation                     # a source norm in lower case, another article
    ("o art. 5º do ", "código civil, ", False),                 # a table norm named in lower case
    ("o art. 5º do ", "código de ética do clube", True),
    ("regido pelo ", "CPC, ", False),                            # a table norm's name, not in the source
    ("regido pelo ", "CDC, ", True),                             # the source's norm by its name
    ("regido pelo ", "Código de Defesa do Consumidor.", True),
    ("regido pelo ", "Código Civil.", False),
    ("segundo o ", "cp do clube", True),                         # not written as the abbreviation
    ("a ", "recuperação judicial, ", True),                     # words of the source, whatever they are
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


@pytest.mark.parametrize("before,piece,ok", [
    ("nos termos da Lei nº 11.", "101/2005", True),
    ("nos termos da Lei nº 11.", "340/2006", True),            # Lei Maria da Penha: a table norm
    ("nos termos da Lei nº 11.", "999/2010", False),
    ("o art. ", "800 do CPP", True),
    ("o art. ", "900 do CPP", False),                           # the CPP has 811 articles
    ("conforme o REsp ", "9.999/SP", False),                    # case law only ever from the sources
])
def test_guard_with_the_tables(table_guard, before, piece, ok):
    assert writes(table_guard, before, piece) is ok


def test_tables_are_allowed_by_default_only_without_sources():
    assert AllowedCitations([SOURCE]).with_tables is False
    assert AllowedCitations([]).with_tables is True
    assert AllowedCitations(["  \n"]).with_tables is True
    no_sources = CitationGuard(AllowedCitations([]))
    assert writes(no_sources, "nos termos da Lei nº 11.", "340/2006")
    assert not writes(no_sources, "nos termos da Lei nº 11.", "999/2010, ")


def test_text_before_the_draft_is_never_refused(guard):
    # an invented citation already in the prefill cannot be undone: the guard lets the draft go on
    assert guard.accepts("da Lei nº 99.999/2020", ", e")


def test_completion_finishes_an_open_citation_with_an_allowed_one(guard):
    rest = guard.completion("nos termos da Lei nº 11.")
    assert rest is not None and writes(guard, "nos termos da Lei nº 11.", rest)
    assert guard.completion("conforme o REsp 1.") == "234.567"


def test_an_open_citation_is_detected_for_completion(guard):
    # what the engine asks when the token budget runs out: "art. 14 da Lei nº 8." would read as Lei nº 8
    text = "Em síntese, nos termos do art. 14 da Lei nº 8."
    assert guard.violation(text + " ") == len(text)  # "Lei nº 8." cannot end there: no such allowed law
    rest = guard.completion(text)
    assert rest and writes(guard, text, rest + " ")
    assert guard.violation("Em síntese, nos termos do art. 14 do CDC" + " ") < 0


def test_a_parenthesised_alias_must_name_the_same_norm(guard, table_guard):
    # seen in the compare run: "art. 312 do Código de Processo Penal (CPC)", which the checker calls INCONSISTENT
    assert not writes(table_guard, "nos termos do art. 312 do Código de Processo Penal", " (CPC)")
    assert writes(table_guard, "nos termos do art. 312 do Código de Processo Penal", " (CPP)")
    assert writes(table_guard, "nos termos do art. 312 do Código de Processo Penal", " (fls. 3)")
    # with the sources alone, only the source's alias
    assert writes(guard, "nos termos do art. 14 do CDC", " (Lei nº 8.078/1990)")
    assert not writes(guard, "nos termos do art. 14 do CDC", " (CPC)")


def test_a_name_the_source_contains_is_allowed_in_any_form_the_checker_finds_in_it():
    g = CitationGuard(AllowedCitations(["A Constituição Federal garante o direito de petição."]))
    assert writes(g, "a ", "Constituição, ")            # the checker finds "Constituição" in the source's text
    assert writes(g, "a ", "Constituição Federal, ")
    assert not writes(g, "o ", "Código Civil, ")
