"""Prompt evaluation reports its progress between batches, can be cancelled between them, and keeps
the batches it evaluated; a vocabulary-only engine builds and counts prompts without the weights."""

import threading

import pytest

from legalprompt.engine.events import DoneEvent, TextEvent
from legalprompt.engine.llama_engine import Engine
from legalprompt.engine.models import resolve_model
from legalprompt.engine.params import LoadOptions, SamplingParams

pytestmark = pytest.mark.model

DOC = "O recorrente alega nulidade do processo por cerceamento de defesa, nos termos do art. 5º da CF. "


def _events(eng, prompt, cancel=None, **kw):
    return list(eng.generate(prompt, SamplingParams(**{"max_tokens": 6, "seed": 3, "temperature": 0.7, **kw}),
                             cancel))


def test_progress_between_batches_reaches_the_total(smol):
    smol.forget_context()
    prompt = smol.build_prompt(DOC * 12, prefill="EMENTA:")
    n = len(smol.prompt_tokens(prompt))
    seen = []
    smol.on_prompt_progress = lambda done, total, reused: seen.append((done, total, reused))
    try:
        events = _events(smol, prompt)
    finally:
        smol.on_prompt_progress = None
    chunk = smol.llm.n_batch
    assert n > 3 * chunk
    assert seen[0] == (0, n, 0) and seen[-1] == (n - 1, n, 0)
    done_counts = [d for d, _, _ in seen]
    assert done_counts == sorted(done_counts) and len(seen) == (n - 1 + chunk - 1) // chunk + 1
    assert isinstance(events[-1], DoneEvent) and events[-1].stop_reason != "cancelled"


def test_cancel_between_batches_ends_before_any_token_and_keeps_the_evaluated_batches(smol):
    smol.forget_context()
    prompt = smol.build_prompt(DOC * 12, prefill="EMENTA:")
    n = len(smol.prompt_tokens(prompt))
    cancel = threading.Event()
    calls = []

    def progress(done, total, reused):
        calls.append(done)
        if len(calls) == 3:  # Esc after two batches
            cancel.set()

    smol.on_prompt_progress = progress
    try:
        events = _events(smol, prompt, cancel)
    finally:
        smol.on_prompt_progress = None
    assert [type(e) for e in events] == [DoneEvent]
    done = events[0]
    assert done.stop_reason == "cancelled" and done.output == "EMENTA:" and done.usage.completion_tokens == 0
    assert len(calls) == 3  # no batch was evaluated after the cancel
    # The next request reuses the two batches evaluated before the cancel, and answers as a cold run does.
    again = _events(smol, prompt)
    assert again[-1].usage.cached_prompt_tokens == 2 * smol.llm.n_batch
    smol.forget_context()
    cold = _events(smol, prompt)
    assert again[-1].output == cold[-1].output
    assert "".join(e.text for e in again if isinstance(e, TextEvent)) == again[-1].generated
    assert n > 2 * smol.llm.n_batch


def test_vocab_only_engine_counts_like_the_full_one(smol):
    ref = resolve_model("smollm2-135m")
    light = Engine(ref, LoadOptions(n_ctx=2048), vocab_only=True)
    try:
        prompt_full = smol.build_prompt(DOC * 3, prefill="EMENTA:")
        prompt_light = light.build_prompt(DOC * 3, prefill="EMENTA:")
        assert prompt_light.text == prompt_full.text
        assert light.prompt_tokens(prompt_light) == smol.prompt_tokens(prompt_full)
        assert light.n_ctx == smol.n_ctx
    finally:
        light.close()
