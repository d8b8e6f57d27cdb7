"""The drafting core on the fake decoder (no model): prepare/measure, streaming, the history row, the citation
and shape checks, cancellation, failures, and the citation mode a decoder can honour."""

from __future__ import annotations

import threading

import pytest

from legalprompt.config import Settings
from legalprompt.drafting import Drafter, DraftRequest, DraftResult
from legalprompt.engine.events import TextEvent
from legalprompt.engine.fake import FakeDecoder
from legalprompt.errors import ContextOverflowError, ModelError, UserInputError
from legalprompt.store.history import History

from .conftest import ANSWER, DOC


def _req(**kw) -> DraftRequest:
    return DraftRequest(**{"template": "mini", "document": DOC, "document_label": "doc.txt", **kw})


def _stream(drafter: Drafter, req: DraftRequest, cancel=None):
    texts, result = [], None
    for ev in drafter.stream(drafter.prepare(req), cancel):
        if isinstance(ev, TextEvent):
            texts.append(ev.text)
        else:
            result = ev
    return texts, result


def test_a_request_leaves_one_history_row_with_citations_and_shape():
    h = History()
    d = Drafter(FakeDecoder(ANSWER), Settings(), h)
    texts, r = _stream(d, _req(seed=7))
    assert isinstance(r, DraftResult) and r.status == "ok"
    # the prefill is not streamed again; the stop string cuts the answer
    assert "".join(texts) == " provido, nos termos do art. 5º da CF/1988. "
    assert r.output == "Resumo: provido, nos termos do art. 5º da CF/1988. "
    rows = h.search()
    assert [x.id for x in rows] == [r.run_id]
    row = rows[0]
    assert row.status == "ok" and row.output == r.output and row.command == "run" and row.seed == 7
    assert row.shape == {"ok": True} and r.shape_ok is True
    assert [c["text"] for c in row.citations] == ["art. 5º da CF/1988"]
    assert row.citations[0]["in_sources"] is True
    assert row.prompt.endswith(DOC + "\n\nResumo:") and row.model_name == "fake"


def test_shape_verdict_fails_for_an_empty_answer():
    r = Drafter(FakeDecoder(" FIM"), Settings(), History()).run(_req(prefill=""))
    assert r.output == " " and r.shape_ok is False


def test_measure_does_not_refuse_what_prepare_refuses():
    d = Drafter(FakeDecoder(ANSWER, n_ctx=64), Settings())
    long_doc = "palavra " * 100
    prep = d.measure(_req(document=long_doc))
    assert prep.fits is False and prep.n_tokens > 64 and prep.answer_budget == 40
    with pytest.raises(ContextOverflowError) as exc:
        d.prepare(_req(document=long_doc))
    assert "--max-tokens" in exc.value.message and "contexto" in exc.value.message
    assert d.measure(_req()).fits is True
    assert d.measure(_req(document="")).n_tokens < d.measure(_req()).n_tokens  # the template's own overhead


def test_an_empty_document_is_refused_in_portuguese():
    with pytest.raises(UserInputError, match="documento está vazio"):
        Drafter(FakeDecoder(), Settings()).prepare(_req(document="  \n"))


def test_cancelling_keeps_the_partial_answer_in_the_history():
    h = History()
    d = Drafter(FakeDecoder(" um dois três quatro cinco seis sete"), Settings(), h)
    cancel = threading.Event()
    seen, result = [], None
    for ev in d.stream(d.prepare(_req()), cancel):
        if isinstance(ev, TextEvent):
            seen.append(ev.text)
            if len(seen) == 2:
                cancel.set()
        else:
            result = ev
    assert result.status == "cancelled" and result.done.stop_reason == "cancelled"
    assert result.output == "Resumo: um dois"
    row = h.get(result.run_id)
    assert row.status == "cancelled" and row.output == "Resumo: um dois"


def test_a_decoder_failure_is_recorded_with_its_message():
    h = History()
    d = Drafter(FakeDecoder(" um dois três quatro", fail_after=2), Settings(), h)
    with pytest.raises(ModelError):
        d.run(_req())
    (row,) = h.search()
    assert row.status == "error" and "falhou de propósito" in row.error
    assert row.output.startswith("Resumo:")


def test_unicode_split_across_byte_pieces_arrives_whole():
    r = Drafter(FakeDecoder(" ação, ênfase e petição.", byte_pieces=True), Settings()).run(_req())
    assert r.output == "Resumo: ação, ênfase e petição." and "\ufffd" not in r.output
    assert r.done.usage.completion_tokens == 4  # four words, however many bytes each


class _RemoteLike(FakeDecoder):
    steers = False


def test_anchored_needs_a_decoder_that_steers():
    d = Drafter(_RemoteLike(ANSWER), Settings(), History())
    # the template's default (anchored) becomes free, and the history says so
    r = d.run(_req())
    assert r.prepared.citation_mode == "free" and d.decoder.calls[-1].guarded is False
    with pytest.raises(UserInputError, match="--citations free"):
        d.prepare(_req(citation_mode="anchored"))


def test_anchored_request_hands_the_guard_to_the_decoder():
    fake = FakeDecoder(ANSWER)
    r = Drafter(fake, Settings()).run(_req(citation_mode="anchored"))
    assert r.prepared.citation_mode == "anchored" and fake.calls[-1].guarded is True
    free = FakeDecoder(ANSWER)
    Drafter(free, Settings()).run(_req(citation_mode="free"))
    assert free.calls[-1].guarded is False


def test_the_model_free_decoders_implement_the_interface():
    from legalprompt.batch.endpoint import EndpointClient
    from legalprompt.batch.endpoint_decoder import EndpointDecoder
    from legalprompt.engine.decoder import Decoder

    remote = EndpointDecoder([(EndpointClient("http://127.0.0.1:9", model="m"), 2)], n_ctx=4096)
    for dec in (FakeDecoder(), remote):
        assert isinstance(dec, Decoder)
    assert remote.steers is False and remote.capacity == 2 and remote.model_id() == "endpoint:m"
    # the prompt survives the piece tokenizer exactly, and is counted at about three bytes a token
    text = "Ementa: ação rescisória — art. 966 do CPC."
    ids = remote.tokenize(text)
    assert remote.vocab.text(ids) == text and len(ids) >= len(text.encode()) // 3


def test_staged_drafting_writes_each_title_and_grows_one_prompt():
    """A template with a skeleton: one generation per stage, each prompt the previous one plus what was written
    since (so a real engine evaluates only the suffix), the titles in the answer in order, the stages in the
    history row."""
    h = History()
    fake = FakeDecoder(" Texto da seção, art. 5º da CF/1988.\n\nUma segunda resposta que não entra")
    r = Drafter(fake, Settings(), h).run(DraftRequest(template="ementa", document=DOC))
    titles = ["I. CASO EM EXAME", "II. QUESTÃO EM DISCUSSÃO", "III. RAZÕES DE DECIDIR", "IV. DISPOSITIVO E TESE"]
    assert r.prepared.staged and len(fake.calls) == 1 + len(titles)
    assert [r.output.index(t) for t in titles] == sorted(r.output.index(t) for t in titles)
    assert "Uma segunda resposta" not in r.output  # the blank line closed every section
    for before, after in zip(fake.calls, fake.calls[1:]):
        assert after.prompt.startswith(before.prompt) and len(after.prompt) > len(before.prompt)
    row = h.get(r.run_id)
    assert [s["title"].strip().split("\n")[0] for s in row.skeleton[1:]] == titles
    assert row.output == r.output and row.citations and row.shape is not None
