"""The comparison's orchestration on the fake decoder (no model load): seeds per arm, the order of requests
(interleaved per seed, so consecutive requests share their prefix), one history row per sample, cold runs,
limar arms, and a corpus that skips what cannot run. On a real model: test_compare_model.py."""

from __future__ import annotations

import hashlib
from pathlib import Path

from legalprompt.compare import ArmSpec, CompareDocument, EnginePool, compare_corpus, compare_document
from legalprompt.config import Settings
from legalprompt.engine.fake import FakeDecoder
from legalprompt.store.history import History

REPO = Path(__file__).resolve().parents[2]
PETICAO = (REPO / "examples" / "peticao-curta.txt").read_text(encoding="utf-8")
ARMS = [ArmSpec("A", "ementa-tradicional", prefill=""), ArmSpec("B", "ementa-tradicional", prefill=None)]


def _pool(fake: FakeDecoder) -> EnginePool:
    return EnginePool(Settings(), loader=lambda settings: fake)


def test_arms_share_seeds_interleaved_and_each_sample_is_one_history_row():
    fake = FakeDecoder(" CIVIL. Responsabilidade civil. Recurso provido.")
    h = History()
    res = compare_document(CompareDocument("peticao.txt", PETICAO), ARMS, settings=Settings(), seeds=[41, 42],
                           pool=_pool(fake), history=h, max_tokens=8)
    a, b = res.arms
    assert [s.seed for s in a.samples] == [s.seed for s in b.samples] == [41, 42]
    # per seed, arm A then arm B: the same document prefix twice in a row
    assert [c.params.seed for c in fake.calls] == [41, 41, 42, 42]
    assert [c.prefill for c in fake.calls] == ["", b.prefill, "", b.prefill] and b.prefill
    assert all(s.output == s.prefill + s.generated for s in a.samples + b.samples)
    rows = h.search()
    assert sorted(r.id for r in rows) == sorted(s.run_id for s in a.samples + b.samples)
    assert all(r.command == "compare" and r.status == "ok" and r.citations is not None for r in rows)
    assert a.params == b.params and a.params["max_tokens"] == 8


def test_cold_drops_the_warm_prefix_before_every_generation():
    fake = FakeDecoder(" texto.")
    compare_document(CompareDocument("peticao.txt", PETICAO), ARMS, settings=Settings(), seeds=[1, 2],
                     pool=_pool(fake), max_tokens=4, cold=True)
    assert fake.forgets == 4 == len(fake.calls)


def test_limar_arm_prompts_the_limed_document_and_checks_citations_against_the_whole():
    fake = FakeDecoder(" nos termos do art. 186 do Código Civil.")
    arms = [ArmSpec("A", "ementa-tradicional", prefill="EMENTA:"),
            ArmSpec("B", "ementa-tradicional", prefill="EMENTA:", limar="strong")]
    h = History()
    res = compare_document(CompareDocument("peticao.txt", PETICAO), arms, settings=Settings(), seeds=[5],
                           pool=_pool(fake), history=h, max_tokens=12)
    a, b = res.arms
    assert b.document_input == "limado (strong)"
    assert len(fake.calls[1].prompt) < len(fake.calls[0].prompt)
    assert b.samples[0].usage["prompt_tokens"] < a.samples[0].usage["prompt_tokens"]
    # the request's document (what citations are checked against, and what the history hashes) is the whole one
    full = hashlib.sha256(PETICAO.encode("utf-8")).hexdigest()
    assert [h.get(s.run_id).document_sha256 for s in (a.samples[0], b.samples[0])] == [full, full]


def test_corpus_skips_what_cannot_run_and_pools_the_rest():
    fake = FakeDecoder(" texto.", n_ctx=4096)
    docs = [CompareDocument("peticao.txt", PETICAO), CompareDocument("vazio.txt", "   "),
            CompareDocument("longo.txt", "palavra " * 5000),
            CompareDocument("ruim.pdf", "", error="ruim.pdf: o PDF não tem texto")]
    res = compare_corpus(docs, ARMS, source="mem", settings=Settings(), seeds=[3], pool=_pool(fake), max_tokens=4)
    assert [d.document for d in res.done] == ["peticao.txt"]
    errors = {d.document: d.error for d in res.skipped}
    assert errors["vazio.txt"] == "o documento está vazio: passe um arquivo com texto ou cole o texto"
    assert errors["ruim.pdf"] == "ruim.pdf: o PDF não tem texto"
    assert "--max-tokens" in errors["longo.txt"]
    assert [a.metrics["documents"] for a in res.arms] == [1, 1] and len(fake.calls) == 2
