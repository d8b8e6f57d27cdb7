"""Every chat template that llama.cpp ships (vendor/llama.cpp/models/templates/ in the llama-cpp-python
0.3.36 source archive), each on a GGUF copy of SmolLM2 carrying it (see copies.py): the prefill lands
in the assistant turn, after a closed reasoning block (default) or after the model's reasoning
(--thinking), nothing ends the turn before it, and a few tokens are generated.

One model load per template, a few tokens each: about a minute on 2 cores once the copies are cached.
"""

from __future__ import annotations

import pytest

from legalprompt.engine.llama_engine import Engine
from legalprompt.engine.models import ModelRef
from legalprompt.engine.params import LoadOptions, SamplingParams
from legalprompt.engine.prompt import continue_after_reasoning, render_template_text
from legalprompt.errors import LegalPromptError, TemplateError

from .copies import CopyMaker, template_files

pytestmark = pytest.mark.model

SYSTEM = "Você é um assistente jurídico."
USER = "Resuma: o réu foi absolvido por falta de provas (art. 386, VII, do CPP)."
PREFILL = "EMENTA: DIREITO PENAL."

# Templates that cannot carry a plain system + user + assistant conversation, with the reason. The
# test asserts this list: a template that starts or stops working shows up here.
REFUSED = {
    "fireworks-ai-llama-3-firefunction-v2": "'functions' is undefined",  # made for function calling only
}

# Reasoning tag pairs, to check the placement independently of how prompt.py finds them.
REASONING_PAIRS = [("<think>", "</think>"), ("[THINK]", "[/THINK]"), ("<|START_THINKING|>", "<|END_THINKING|>"),
                   ("<seed:think>", "</seed:think>"), ("<thinking>", "</thinking>"), ("<mm:think>", "</mm:think>"),
                   ("<|channel|>analysis<|message|>", "<|end|>"), ("<|think|>", "<|end|>"),
                   ("to=self<|message|>", "<|eom|>"), ("<|channel>thought", "<channel|>")]

TEMPLATES = template_files()


@pytest.fixture(scope="module")
def maker() -> CopyMaker:
    return CopyMaker()


def _open_pair(text: str) -> tuple[str, str] | None:
    """The reasoning pair whose opening tag is the last one in `text` and is not closed after it."""
    best = None
    for open_tag, close_tag in REASONING_PAIRS:
        i = text.rfind(open_tag)
        if i >= 0 and close_tag not in text[i + len(open_tag):] and (best is None or i > best[0]):
            best = (i, open_tag, close_tag)
    return best[1:] if best else None


def _own_generation_prompt(source: str, eng: Engine, merged: bool, thinking: bool) -> str:
    """The template's own text up to and including its generation prompt, rendered here directly."""
    msgs = ([{"role": "user", "content": SYSTEM + "\n\n" + USER}] if merged else
            [{"role": "system", "content": SYSTEM}, {"role": "user", "content": USER}])
    return render_template_text(source, messages=msgs, add_generation_prompt=True, bos_token=eng._bos_text,
                                eos_token=eng._eos_text, enable_thinking=thinking)


def _check_default(name: str, source: str, eng: Engine) -> None:
    prompt = eng.build_prompt(USER, PREFILL, SYSTEM)
    text = prompt.text
    merged = any("mensagem de sistema" in n for n in prompt.notes)
    assert text.endswith(PREFILL) and prompt.segments[-1].text == PREFILL and not prompt.segments[-1].special
    own = _own_generation_prompt(source, eng, merged, thinking=False)
    assert text.startswith(own), f"{name}: the template's own generation prompt was altered"
    extension = text[len(own):len(text) - len(PREFILL)]
    ids = eng.tokenize(extension, special=True) if extension else []
    assert not any(eng.is_eog(t) for t in ids), f"{name}: an end-of-turn token between assistant opening and prefill"
    assistant_part = own[own.rfind(USER) + len(USER):] + extension
    pair = _open_pair(own[own.rfind(USER) + len(USER):])
    if pair:  # the template opened a reasoning block: it must be closed before the prefill
        assert pair[1] in extension, f"{name}: reasoning block {pair[0]} left open before the prefill"
    assert _open_pair(assistant_part) is None
    tokens = eng.prompt_tokens(prompt)
    events = list(eng.generate(tokens, SamplingParams(max_tokens=3, seed=1, temperature=0.0), prefill=PREFILL))
    done = events[-1]
    assert done.output.startswith(PREFILL) and done.usage.prompt_tokens == len(tokens)
    assert done.stop_reason in ("length", "eos", "stop")
    eot = prompt.end_of_turn.strip()
    if eot:  # the template's end of turn stops generation: an EOG token, or else a stop string
        first = eng.tokenize(eot, special=True)[0]
        assert eng.is_eog(first) or eng.turn_stops(prompt) == [eot], f"{name}: {eot!r} would not stop generation"


def _check_thinking(name: str, source: str, eng: Engine) -> bool:
    try:
        stage = eng.build_prompt(USER, PREFILL, SYSTEM, thinking=True)
    except LegalPromptError as exc:
        assert "não tem bloco de raciocínio" in exc.message
        return False
    assert stage.thinking and PREFILL not in stage.text and stage.prefill_start is None
    tail = stage.text[stage.text.rfind(USER) + len(USER):]
    pair = _open_pair(tail)
    assert pair is not None, f"{name}: --thinking prompt does not end inside a reasoning block"
    assert stage.text.rstrip().endswith(pair[0].rstrip()), f"{name}: something follows the opened reasoning block"
    assert pair[1] in stage.reasoning_close
    answer = continue_after_reasoning(stage, "O réu foi absolvido.")
    assert answer.text.endswith(stage.reasoning_close + PREFILL)
    assert answer.text.startswith(stage.text)
    tokens = eng.prompt_tokens(stage)
    events = list(eng.generate(tokens, SamplingParams(max_tokens=2, seed=1, temperature=0.0), prefill="",
                               special_text=True))
    assert events[-1].usage.prompt_tokens == len(tokens)
    return True


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_template_places_prefill(name, maker):
    source = TEMPLATES[name].read_text(encoding="utf-8")
    path = maker.make(name, source)
    eng = Engine(ModelRef(name, path, "path"), LoadOptions(n_ctx=2048, n_threads=1))
    if name in REFUSED:
        with pytest.raises(TemplateError) as info:
            eng.build_prompt(USER, PREFILL, SYSTEM)
        assert REFUSED[name] in info.value.message and "--chat-format plain" in info.value.message
        return
    _check_default(name, source, eng)
    _check_thinking(name, source, eng)


def test_refused_list_names_real_templates():
    assert set(REFUSED) <= set(TEMPLATES)
    assert len(TEMPLATES) >= 60  # the archive ships about 70; an empty extraction must not pass
