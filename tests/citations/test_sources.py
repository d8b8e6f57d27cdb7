"""The source index: built once per set of documents and reused by every later check."""

from legalprompt.citations import CheckReport, check_text
from legalprompt.citations.sources import SourceIndex, source_index

DOC = "O fornecedor responde nos termos do art. 14 do CDC (Lei nº 8.078/1990). Incide a Súmula 7 do STJ."


def test_the_index_of_a_document_is_built_once(monkeypatch):
    built = []
    real_init = SourceIndex.__init__

    def counting_init(self, sources):
        built.append(1)
        real_init(self, sources)

    monkeypatch.setattr(SourceIndex, "__init__", counting_init)
    doc = DOC + " (única neste teste)"
    a = source_index([doc])
    for partial in ("Súmula 7", "Súmula 7 do STJ e o art. 14", "Súmula 7 do STJ e o art. 14 do CDC."):
        rep = check_text(partial, sources=[doc])      # what the TUI does every 0.5 s while streaming
        assert all(c.in_sources for c in rep.citations)
    assert source_index([doc]) is a and len(built) == 1
    assert source_index([doc + " outro"]) is not a and len(built) == 2


def test_check_text_takes_an_index_too():
    idx = source_index([DOC])
    rep = check_text("Aplica-se a Súmula 7 do STJ e a Súmula 83 do STJ.", sources=idx)
    assert isinstance(rep, CheckReport)
    assert [c.in_sources for c in rep.citations] == [True, False] and rep.not_in_sources == 1


def test_drafter_check_gives_a_typed_report():
    from legalprompt.drafting import Drafter

    rep = Drafter.check_citations('A fonte diz: "o fornecedor responde sempre por tudo".', DOC)
    assert isinstance(rep, CheckReport)
    assert rep.quotes_not_found == 1 and rep.to_dict()["quotes"][0]["found"] is False
    assert rep.citation_dicts() == rep.to_dict()["citations"]
