"""The consistency probe on the fake decoder: each sample is a request through the drafting core, and the
agreement counts normalised answers."""

from __future__ import annotations

from legalprompt.config import Settings
from legalprompt.drafting import Drafter
from legalprompt.engine.fake import FakeDecoder
from legalprompt.store.history import History
from legalprompt.techniques.probe import ask, normalise


def test_agreement_counts_normalised_answers_across_seeds():
    fake = FakeDecoder([" Paris.", " paris", " Lyon.\nmais texto"])
    h = History()
    res = ask(Drafter(fake, Settings(), h), "Qual é a capital da França?", samples=3, seed=10, max_tokens=8)
    assert res.answers == ["Paris.", "paris", "Lyon."]  # the stop at the line's end cut the third
    assert res.seeds == [10, 11, 12] and [c.params.seed for c in fake.calls] == [10, 11, 12]
    assert res.majority == ("paris", 2) and abs(res.agreement - 2 / 3) < 1e-9
    assert all(c.params.temperature == 0.8 and c.params.max_tokens == 8 for c in fake.calls)
    assert fake.calls[0].prompt.endswith("Pergunta: Qual é a capital da França?\n\nResposta:")
    rows = {r.id: r for r in h.search()}
    assert sorted(rows) == sorted(res.run_ids)
    assert [rows[i].output for i in res.run_ids] == ["Resposta: Paris.", "Resposta: paris", "Resposta: Lyon."]


def test_normalise_ignores_case_accents_punctuation_and_later_sentences():
    assert normalise("Brasília. Fica no Centro-Oeste.") == normalise("brasilia") == "brasilia"
