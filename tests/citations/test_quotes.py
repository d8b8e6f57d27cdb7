"""Quotations: the check (found in the source or not, with a reason) and the anchored guard."""

import pytest

from legalprompt.citations import check_text
from legalprompt.citations.anchor import AllowedCitations, CitationGuard
from legalprompt.citations.quotes import fragments, normalise, open_quote

SOURCE = ("O fornecedor de serviços responde, independentemente da existência de culpa, pela reparação dos danos "
          "causados aos consumidores (art. 14 do CDC).\nA responsabilidade é OBJETIVA.")


def test_normalise_folds_case_accents_punctuation_and_spaces():
    assert normalise("  Responde,  INDEPENDENTEMENTE\n da existência — de culpa!") == \
        "responde independentemente da existencia de culpa"


@pytest.mark.parametrize("quote,found", [
    ('"o fornecedor de serviços responde independentemente da existência de culpa"', True),   # comma dropped
    ("“O FORNECEDOR DE SERVICOS RESPONDE”", True),                                           # case, accents
    ("«pela reparação dos danos causados aos consumidores»", True),
    ('"o fornecedor de serviços (...) pela reparação dos danos"', True),                      # an omission
    ('"pela reparação dos danos (...) o fornecedor de serviços"', False),                     # parts out of order
    ("“o fornecedor de serviços responde sempre por tudo”", False),
    ('"ornecedor de serviços responde independentemente"', False),                            # not on a word start
    ('"a responsabilidade é objetiva e solidária"', False),
])
def test_quotes_are_found_in_the_source_or_get_a_reason(quote, found):
    rep = check_text(f"Diz a decisão: {quote}.", sources=[SOURCE])
    assert [q.found for q in rep.quotes] == [found]
    q = rep.quotes[0]
    assert q.text == quote and (q.reason is None) is found
    assert rep.quotes_not_found == (0 if found else 1)
    assert rep.to_dict()["quotes"][0]["found"] is found


def test_short_quoted_terms_are_not_quotations():
    rep = check_text('O "caput" do artigo e a expressão “habeas corpus” e «tal e qual».', sources=[SOURCE])
    assert rep.quotes == []


def test_without_sources_quotes_are_listed_but_not_judged():
    rep = check_text('Diz: "uma frase de quatro palavras".')
    assert [q.found for q in rep.quotes] == [None]


def test_fragments_and_open_quote():
    assert fragments("a b [...] c d … e") == ["a b", "c d", "e"]
    assert open_quote('x "a b" e “c d') == len('x "a b" e “')
    assert open_quote('x "a b" e “c d”') == -1
    assert open_quote('diz "a b') == len('diz "')
    assert open_quote("diz “a b “c d") == len("diz “")          # a mark opened inside an open quote is nested


@pytest.fixture(scope="module")
def guard():
    return CitationGuard(AllowedCitations([SOURCE]))


def writes(guard, before, piece):
    return all(guard.accepts(before + piece[:i], piece[i]) for i in range(len(piece)))


@pytest.mark.parametrize("before,piece,ok", [
    ("Segundo a fonte, “", "o fornecedor de serviços responde, independentemente", True),
    ("Segundo a fonte, “", "o fornecedor de serviços responde sempre", False),
    ("Segundo a fonte, “o fornecedor de serviços", "”, e mais", True),          # leaving the quote: always
    ("Segundo a fonte, “o fornecedor", " paga”", True),                         # three words: a term, not a quote
    ("Segundo a fonte, “o fornecedor de serviços", " paga”", False),           # the closing piece writes words too
    ('Segundo a fonte, "', "A RESPONSABILIDADE É OBJETIVA", True),
    ("Segundo a fonte, «", "pela reparação dos danos (...) aos consumidores", True),
    ("Segundo a fonte, “o fornecedor de serviços responde, “", "paga tudo", False),   # nested mark: same quote
])
def test_guard_keeps_an_open_quote_inside_the_source(guard, before, piece, ok):
    assert writes(guard, before, piece) is ok


def test_an_open_quote_is_closed_when_nothing_fits(guard):
    assert guard.completion("Segundo a fonte, “o fornecedor de serviços responde") == "”"
    assert guard.completion('Segundo a fonte, "o fornecedor de serviços') == '"'


def test_a_wrong_quote_in_the_prefill_is_not_refused(guard):
    assert guard.accepts("Segundo a fonte, “isto não está na fonte", " e segue")
