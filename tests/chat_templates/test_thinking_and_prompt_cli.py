"""--thinking through the Drafter (reasoning apart from the answer, stored in the history), the
`legalprompt prompt` command, and the refusal + --chat-format plain fallback, on template copies."""

from __future__ import annotations

import json

import pytest

from legalprompt.cli import main
from legalprompt.config import load_settings
from legalprompt.drafting import Drafter, DraftRequest
from legalprompt.engine.llama_engine import Engine
from legalprompt.engine.models import ModelRef
from legalprompt.engine.params import LoadOptions
from legalprompt.errors import TemplateError
from legalprompt.store.history import History

from .copies import CopyMaker, template_files

pytestmark = pytest.mark.model

R1 = "deepseek-ai-DeepSeek-R1-Distill-Llama-8B"
LLAMA = "meta-llama-Llama-3.1-8B-Instruct"
DOC = "O réu foi absolvido por falta de provas, nos termos do art. 386, VII, do CPP. Recurso não provido."


@pytest.fixture(scope="module")
def copies() -> dict[str, str]:
    maker = CopyMaker()
    return {n: str(maker.make(n, template_files()[n].read_text(encoding="utf-8"))) for n in (R1, LLAMA)}


def test_thinking_reasons_first_then_prefill_and_keeps_reasoning_apart(copies):
    eng = Engine(ModelRef(R1, copies[R1], "path"), LoadOptions(n_ctx=2048))
    history = History()
    drafter = Drafter(eng, load_settings()[0], history)
    req = DraftRequest(template="ementa", document=DOC, prefill="EMENTA: DIREITO PENAL.", max_tokens=12, seed=5,
                       temperature=0.0, thinking=True)
    seen: list[str] = []
    prep = drafter.prepare(req)
    assert prep.prompt.thinking and prep.prompt.text.endswith("<think>\n")
    result = None
    for ev in drafter.stream(prep, on_reasoning=seen.append):
        result = ev
    assert result.output.startswith("EMENTA: DIREITO PENAL.")
    assert result.reasoning is not None and result.reasoning == "".join(seen).strip()
    assert result.reasoning  # the model produced some reasoning tokens before the answer
    assert result.reasoning not in result.output
    row = history.get(result.run_id)
    assert row.reasoning == result.reasoning and row.output == result.output
    assert row.prompt == prep.prompt.text  # the stage-1 prompt; the reasoning is stored apart
    # The same request without --thinking closes the block: no reasoning, the prefill after </think>.
    plain = drafter.run(DraftRequest(template="ementa", document=DOC, prefill="EMENTA:", max_tokens=4, seed=5))
    assert plain.reasoning is None and "</think>\n\nEMENTA:" in plain.prepared.prompt.text
    assert history.get(plain.run_id).reasoning is None


def test_prompt_command_text_and_json(copies, capsys, tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC, encoding="utf-8")
    assert main(["prompt", str(doc), "--prefill", "EMENTA: DIREITO PENAL.", "--model", copies[LLAMA], "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["text"].endswith("<|start_header_id|>assistant<|end_header_id|>\n\nEMENTA: DIREITO PENAL.")
    assert info["text"][info["prefill_start_char"]:] == "EMENTA: DIREITO PENAL."
    toks = info["tokens"]
    assert len(toks) == info["prompt_tokens"] and info["n_ctx"] == 4096
    k = info["prefill_start_token"]
    assert all(t["part"] == "prefill" for t in toks[k:]) and toks[k - 1]["part"] == "markup"
    assert {"piece": "<|eot_id|>", "id": 2} in info["end_of_turn_tokens"]
    assert any(t["special"] and t["piece"] == "<|start_header_id|>" for t in toks)
    assert main(["prompt", str(doc), "--prefill", "EMENTA:", "--model", copies[R1]]) == 0
    out = capsys.readouterr().out
    assert "⟦<｜Assistant｜>⟧⟦<think>⟧\n\n⟦</think>⟧\n\n▶EMENTA:" in out
    assert "tokens de prompt" in out and "do contexto" in out and "fim de turno" in out


def test_template_of_another_model_is_refused_and_plain_fallback_works(copies, capsys, tmp_path):
    eng = Engine(ModelRef(LLAMA, copies[LLAMA], "path"), LoadOptions(n_ctx=1024))
    eng.meta.metadata["tokenizer.chat_template"] = template_files()[R1].read_text(encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        eng.build_prompt(DOC, "EMENTA:")
    assert "<｜User｜>" in info.value.message and "--chat-format plain" in info.value.message
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC, encoding="utf-8")
    assert main(["prompt", str(doc), "--model", copies[LLAMA], "--chat-format", "plain", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["chat_format"] == "plain" and "<|start_header_id|>" not in info["text"]
    assert main(["prompt", str(doc), "--model", copies[LLAMA], "--thinking"]) == 2
    assert "não tem bloco de raciocínio" in capsys.readouterr().err
