"""The text-assembly module every decoder shares: UTF-8 across tokens, stop strings held back, the prefill."""

from __future__ import annotations

from legalprompt.engine.assembly import TextAssembler, find_stop
from legalprompt.engine.events import Timings, Usage


def _feed(asm: TextAssembler, pieces) -> list[str]:
    out = []
    for p in pieces:
        ev = asm.add(None, p)
        if ev is not None:
            out.append(ev.text)
        if asm.stopped:
            break
    ev = asm.finish()
    if ev is not None:
        out.append(ev.text)
    return out


def test_a_character_split_across_tokens_is_held_until_whole():
    data = "ação".encode("utf-8")
    asm = TextAssembler()
    shown = []
    for b in data:
        ev = asm.add(None, bytes([b]))
        shown.append(ev.text if ev else None)
    assert "".join(s for s in shown if s) == "ação"
    assert all("\ufffd" not in s for s in shown if s)
    assert shown[1] is None  # the first byte of "ç" alone shows nothing


def test_text_that_may_start_a_stop_string_is_held_back_then_released():
    asm = TextAssembler(["FIM"])
    shown = ""
    after = []
    for p in ["abc ", "F", "I", "X", " ok"]:
        ev = asm.add(None, p)
        shown += ev.text if ev else ""
        after.append(shown)
    assert "F" not in after[1] and "F" not in after[2]   # "F", "FI" could still become "FIM"
    assert after[3].startswith("abc F")                  # "FIX" cannot: the F is released
    ev = asm.finish()
    assert shown + (ev.text if ev else "") == "abc FIX ok" and not asm.stopped


def test_a_stop_string_cuts_the_answer_and_is_never_shown():
    asm = TextAssembler(["FIM"], prefill="Resumo:")
    out = _feed(asm, [" um", " dois F", "IM três"])
    assert "".join(out) == " um dois "
    done = asm.done("eos", Usage(), Timings(), seed=3)
    assert done.stop_reason == "stop" and done.output == "Resumo: um dois " and done.generated == " um dois "
    assert done.prefill == "Resumo:" and done.seed == 3


def test_an_incomplete_character_at_the_end_becomes_a_replacement_mark():
    asm = TextAssembler()
    out = _feed(asm, [b"ok ", "é".encode("utf-8")[:1]])
    assert "".join(out) == "ok \ufffd"


def test_the_earliest_stop_string_wins():
    assert find_stop("a FIM b\n\n", ["\n\n", "FIM"], 0) == 2
    assert find_stop("a FIM", ["FIM"], 3) == -1
