"""tui/streaming.py without a model: the order of updates a screen sees, the citation checker with its index
built once, the kill path's summary, and the redraw interval that grows with the answer."""

from __future__ import annotations

import threading

from legalprompt.citations import check_text
from legalprompt.drafting import DraftRequest
from legalprompt.engine.events import DoneEvent
from legalprompt.engine.worker import DraftSummary, WorkerEvent
from legalprompt.tui.streaming import (
    MAX_INTERVAL_S, UPDATE_INTERVAL_S, StreamingChecker, StreamUpdate, progress_label, stream_request, update_interval,
)

DOC = "O autor invoca o art. 14 do CDC (Lei nº 8.078/1990) e a Súmula 385 do STJ."


class FakeDrafts:
    """Plays a fixed list of events, as DraftWorker would stream them."""

    def __init__(self, events):
        self.events = events
        self.cancel_seen = None

    def draft(self, request, *, cancel=None):
        self.cancel_seen = cancel
        yield from self.events


def _summary(output: str, prefill: str) -> DraftSummary:
    done = DoneEvent(output=output, prefill=prefill, generated=output[len(prefill):], stop_reason="eos")
    return DraftSummary(done, 3, "ok", None, None, None, "resumo", "free")


def _run(events, **kw):
    seen: list[StreamUpdate] = []
    spans: list[tuple[int, int]] = []
    req = DraftRequest(template="resumo", document=DOC)
    result = stream_request(FakeDrafts(events), req, threading.Event(), lambda up: seen.append(up),
                            prefill_spans=spans, **kw)
    return result, seen, spans


def test_updates_in_order_prompt_then_progress_then_text_per_token_without_coalescing():
    events = [WorkerEvent("prompt", n_prompt=300, prefill="Resumo:"),
              WorkerEvent("progress", progress=(0, 300, 0)), WorkerEvent("progress", progress=(64, 300, 0)),
              WorkerEvent("text", text=" o autor"), WorkerEvent("text", text="\nII. ", is_prefill=True),
              WorkerEvent("text", text="pede"), WorkerEvent("result", result=_summary("Resumo: o autor\nII. pede",
                                                                                  "Resumo:"))]
    result, seen, spans = _run(events, interval=0.0, check_interval=-1)
    assert result.output == "Resumo: o autor\nII. pede"
    assert seen[0].prefill == "Resumo:" and seen[0].n_prompt == 300 and seen[0].text == "Resumo:"
    assert [u.evaluated for u in seen[1:3]] == [0, 64] and all(u.first_token_s is None for u in seen[:3])
    assert [u.text for u in seen[3:]] == ["Resumo: o autor", "Resumo: o autor\nII. ", "Resumo: o autor\nII. pede"]
    assert seen[3].first_token_s is not None
    assert spans == [(len("Resumo: o autor"), len("Resumo: o autor\nII. "))]  # the staged title, shown as prefill


def test_coalesced_updates_always_show_the_prompt_and_the_first_token():
    events = [WorkerEvent("prompt", n_prompt=10, prefill="")] + [WorkerEvent("text", text="x") for _ in range(50)]
    events.append(WorkerEvent("result", result=_summary("x" * 50, "")))
    result, seen, _ = _run(events, interval=30.0, check_interval=-1)
    assert seen[0].n_prompt == 10 and seen[1].text == "x" and seen[1].first_token_s is not None
    assert len(seen) == 2  # nothing else within 30 s; the final text comes with the result
    assert result.output == "x" * 50


def test_killed_during_prompt_evaluation_gives_a_cancelled_summary():
    events = [WorkerEvent("prompt", n_prompt=900, prefill="EMENTA:"), WorkerEvent("progress", progress=(64, 900, 0)),
              WorkerEvent("cancelled", text="EMENTA:", run_id=9)]
    result, _, _ = _run(events, interval=0.0)
    assert result.status == "cancelled" and result.run_id == 9 and result.done.stop_reason == "cancelled"
    assert result.output == "EMENTA:" and result.done.generated == "" and result.citations == {"citations": []}


def test_streaming_checker_agrees_with_check_text():
    answer = "Aplica-se o art. 14 do CDC (Lei nº 8.078/1990) e a Súmula 999 do STJ."
    checker = StreamingChecker(DOC)
    assert checker.check(answer) == check_text(answer, sources=[DOC]).to_dict()["citations"]
    assert checker.check(answer + " Lei nº 8.078/1990.") == check_text(
        answer + " Lei nº 8.078/1990.", sources=[DOC]).to_dict()["citations"]


def test_redraw_interval_grows_with_the_answer_and_is_bounded():
    values = [update_interval(n) for n in range(0, 40000, 500)]
    assert values == sorted(values) and values[0] == UPDATE_INTERVAL_S and values[-1] == MAX_INTERVAL_S
    assert update_interval(4000) > update_interval(1000)
    assert update_interval(5000, 0.0) == 0.0  # per-token updates stay per token


def test_progress_label_in_portuguese_with_brazilian_numbers():
    up = StreamUpdate(evaluated=1280, to_evaluate=2540, reused=1024, elapsed_s=12.25)
    assert progress_label(up) == "lendo o prompt: 1.280 de 2.540 tokens (1.024 reaproveitados) · 12,2 s"
    up.first_token_s = 14.0
    assert progress_label(up) == "gerando… primeiro token em 14,0 s"
