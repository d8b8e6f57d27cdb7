"""The comparison on the bundled default model, with tiny generations on examples/peticao-curta.txt."""

import json
from pathlib import Path

import pytest

from legalprompt.compare import (
    ArmSpec, CompareDocument, EnginePool, compare_corpus, compare_document, make_seeds,
)
from legalprompt.config import load_settings

pytestmark = pytest.mark.model  # every test here generates with the bundled default model

REPO = Path(__file__).resolve().parents[2]
PETICAO = (REPO / "examples" / "peticao-curta.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LEGALPROMPT_CONFIG_DIR", str(tmp_path_factory.mktemp("cfg")))
        settings, _ = load_settings({"n_ctx": 2048})
    p = EnginePool(settings)
    p.get(None)
    yield p
    p.close()


@pytest.fixture(scope="module")
def priming(pool):
    arms = [ArmSpec("A", "ementa-tradicional", prefill=""), ArmSpec("B", "ementa-tradicional", prefill=None)]
    return compare_document(CompareDocument("peticao-curta.txt", PETICAO), arms, settings=pool.settings,
                            seeds=make_seeds(41, 2), pool=pool, max_tokens=8)


def test_both_arms_use_the_same_seeds(priming):
    assert priming.seeds == [41, 42]
    assert [s.seed for s in priming.arms[0].samples] == [41, 42]
    assert [s.seed for s in priming.arms[1].samples] == [41, 42]


def test_arm_b_starts_with_the_prefill_and_arm_a_has_none(priming):
    a, b = priming.arms
    assert a.prefill == "" and all(s.prefill == "" for s in a.samples)
    assert b.prefill == "EMENTA: DIREITO."
    for s in b.samples:
        assert s.output.startswith("EMENTA: DIREITO.")
        assert s.output == s.prefill + s.generated
    # same sampling parameters on both sides
    assert a.params == b.params and a.params["max_tokens"] == 8


def test_samples_and_metrics_are_complete(priming):
    from legalprompt.techniques.templates import load_template

    tpl = load_template("ementa-tradicional")
    for arm in priming.arms:
        assert arm.metrics["samples"] == 2
        assert arm.metrics["shape_checked"] is True
        for s in arm.samples:
            assert s.usage["completion_tokens"] >= 1 and s.usage["prompt_tokens"] > 100
            assert s.timings["time_to_first_token_s"] > 0
            # the template's own check, run on this sample's output
            assert s.shape_ok is tpl.check_output(s.output, sources=[PETICAO])
        assert arm.metrics["shape_ok"] == sum(s.shape_ok for s in arm.samples)
    d = priming.to_dict()
    assert [a["name"] for a in d["arms"]] == ["A", "B"]
    sample = d["arms"][1]["samples"][0]
    assert set(sample) >= {"seed", "output", "citations", "shape_ok", "usage", "timings"}
    json.dumps(d)


def test_same_seed_same_output_on_a_rerun(pool, priming):
    """A comparison is reproducible: the prefix cache does not change what a seed produces."""
    arms = [ArmSpec("A", "ementa-tradicional", prefill=""), ArmSpec("B", "ementa-tradicional", prefill=None)]
    again = compare_document(CompareDocument("peticao-curta.txt", PETICAO), arms, settings=pool.settings,
                             seeds=[42], pool=pool, max_tokens=8)
    assert again.arms[0].samples[0].output == priming.arms[0].samples[1].output
    assert again.arms[1].samples[0].output == priming.arms[1].samples[1].output


def test_limar_arm_gets_the_limed_document_but_citations_checked_against_full(pool):
    arms = [ArmSpec("A", "ementa-tradicional", prefill="EMENTA:"), ArmSpec("B", "ementa-tradicional", prefill="EMENTA:", limar="strong")]
    res = compare_document(CompareDocument("peticao-curta.txt", PETICAO), arms, settings=pool.settings,
                           seeds=[5], pool=pool, max_tokens=4)
    a, b = res.arms
    assert b.document_input == "limado (strong)"
    assert b.samples[0].usage["prompt_tokens"] < a.samples[0].usage["prompt_tokens"]


def test_corpus_skips_what_cannot_run_and_pools_the_rest(pool):
    docs = [CompareDocument("peticao.txt", PETICAO), CompareDocument("vazio.txt", "   "),
            CompareDocument("ruim.pdf", "", error="ruim.pdf: o PDF não tem texto")]
    arms = [ArmSpec("A", "ementa-tradicional", prefill=""), ArmSpec("B", "ementa-tradicional", prefill=None)]
    res = compare_corpus(docs, arms, source="mem", settings=pool.settings, seeds=[3], pool=pool, max_tokens=4)
    assert [d.document for d in res.done] == ["peticao.txt"]
    assert {d.document: d.error for d in res.skipped} == {
        "vazio.txt": "o documento está vazio: passe um arquivo com texto ou cole o texto",
        "ruim.pdf": "ruim.pdf: o PDF não tem texto"}
    assert [a.metrics["documents"] for a in res.arms] == [1, 1]
    assert res.arms[1].samples[0].output.startswith("EMENTA: DIREITO.")
