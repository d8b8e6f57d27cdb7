"""Run one drafting request through the app's engine (a worker process, or an in-process engine in tests) in a
thread of the app, and report coalesced updates to the screen.

Used by the Redação and Comparar screens, so history, citations and cancellation behave as in the CLI (the
engine side goes through `Drafter.prepare/stream`). The engine process streams every token; this thread
gathers them and hands the screen at most one update per UPDATE_INTERVAL_S, with the citations of the partial
answer re-checked at most every CHECK_INTERVAL_S against the document's source index (built once)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from legalprompt.engine.events import DoneEvent
from legalprompt.engine.worker import DraftSummary

UPDATE_INTERVAL_S = 0.5
"""Partial answers reach the UI at most this often while the answer is short. Every redraw's CPU is taken from
llama.cpp's threads on a 2-core machine. bench/tui_latency.py (smollm2, 128 tokens, quiet, 6 pairs), the app (engine in
its own process) against `legalprompt run`: redraws every 0.25 s gave 0.91-0.93x, every 0.5 s 0.97x
(and key-to-paint latency while generating 2.1x idle instead of 2.2-2.4x). Two redraws a second still read as
live; the first token is shown at once."""
INTERVAL_PER_1000_CHARS_S = 0.05
"""A redraw re-renders and re-wraps the whole answer: measured here 7 ms of CPU at 300 characters, 11 at 1500,
18 at 4000. So the interval grows with the answer, keeping the app's share of the CPU roughly constant."""
MAX_INTERVAL_S = 1.0


def update_interval(n_chars: int, base: float = UPDATE_INTERVAL_S) -> float:
    """How long to gather tokens before the next redraw of an answer of `n_chars` characters."""
    if base <= 0:
        return 0.0
    return min(MAX_INTERVAL_S, max(base, base + INTERVAL_PER_1000_CHARS_S * (n_chars - 1000) / 1000))


CHECK_INTERVAL_S = 1.0
"""Citations are re-checked on the partial answer at most this often while streaming."""


@dataclass
class StreamUpdate:
    text: str = ""                    # the answer so far, prefill included
    citations: list[dict[str, Any]] | None = None  # re-checked citations, or None (keep the last ones)
    n_prompt: int | None = None       # the prompt's size, on the first update
    prefill: str | None = None        # the prefill the answer starts with, on the first update
    evaluated: int = 0                # prompt tokens evaluated so far (of to_evaluate), before the first token
    to_evaluate: int = 0
    reused: int = 0                   # prompt tokens reused from the last request (not evaluated again)
    elapsed_s: float = 0.0            # since the request started
    first_token_s: float | None = None  # time to first token, once it came


OnUpdate = Callable[[StreamUpdate], None]


class StreamingChecker:
    """Citation checks of a growing answer against one document: the document's source index is built once."""

    def __init__(self, document: str):
        from legalprompt.citations.verify import SourceIndex

        self.index = SourceIndex([document])

    def check(self, text: str) -> list[dict[str, Any]]:
        import datetime as dt

        from legalprompt.citations import extract
        from legalprompt.citations.models import CheckReport
        from legalprompt.citations.verify import check_citation, resolve_locality

        cits = extract(text)
        resolve_locality(cits)
        today = dt.date.today()
        return CheckReport(text, [check_citation(c, today, self.index) for c in cits]).to_dict()["citations"]


def stream_request(drafts, req, cancel: threading.Event, on_update: OnUpdate, interval: float | None = None,
                   check_interval: float | None = None,
                   prefill_spans: list[tuple[int, int]] | None = None) -> DraftSummary:
    """Stream `req` through `drafts` (DraftWorker or InProcessDrafts); call `on_update` at most every
    `update_interval(len(answer), interval)` seconds (always once with the prepared prompt, and at the first
    token). Returns the summary
    (status 'cancelled' when `cancel` was set). Raises WorkerDied when the engine process dies, LegalPromptError
    for refused requests. `prefill_spans` receives the (start, end) of every piece written into the model's
    mouth after the prefill (staged section titles)."""
    interval = UPDATE_INTERVAL_S if interval is None else interval
    check_interval = CHECK_INTERVAL_S if check_interval is None else check_interval
    checker = StreamingChecker(req.document) if req.check_citations and check_interval >= 0 else None
    t0 = time.monotonic()
    up = StreamUpdate()
    prefill = ""
    last = last_check = float("-inf")

    def send(update: StreamUpdate) -> None:
        on_update(replace(update))  # a copy: this one goes on changing

    for ev in drafts.draft(req, cancel=cancel):
        now = time.monotonic()
        up.elapsed_s = now - t0
        if ev.kind == "prompt":
            prefill = ev.prefill
            up.text, up.prefill, up.n_prompt = ev.prefill, ev.prefill, ev.n_prompt
            send(up)
            up = StreamUpdate(text=up.text)
            last = now
        elif ev.kind == "progress":
            up.evaluated, up.to_evaluate, up.reused = ev.progress
            if now - last >= interval:
                send(up)
                last = now
        elif ev.kind == "text":
            if ev.is_prefill and prefill_spans is not None:
                prefill_spans.append((len(up.text), len(up.text) + len(ev.text)))
            up.text += ev.text
            first = up.first_token_s is None
            if first:
                up.first_token_s = now - t0
            if first or now - last >= update_interval(len(up.text), interval):
                if checker is not None and now - last_check >= check_interval:
                    up.citations = checker.check(up.text)
                    last_check = now
                send(up)
                up.citations = None
                last = time.monotonic()
        elif ev.kind == "result":
            return ev.result
        elif ev.kind == "cancelled":  # killed in the middle of a prompt batch
            return _killed_summary(req, ev, prefill, checker)
    raise AssertionError("the drafting stream ended without a result")  # pragma: no cover


def _killed_summary(req, ev, prefill: str, checker: StreamingChecker | None) -> DraftSummary:
    done = DoneEvent(output=ev.text, prefill=prefill, generated=ev.text[len(prefill):], stop_reason="cancelled")
    citations = {"citations": checker.check(ev.text)} if checker is not None else None
    return DraftSummary(done, ev.run_id, "cancelled", citations, None, None, req.template,
                        req.citation_mode or "free")


def seconds(value: float) -> str:
    """A duration for the status line, with a decimal comma: '1,4 s'."""
    from legalprompt.tui.numbers import br_num

    return f"{br_num(value)} s"


def progress_label(up: StreamUpdate) -> str:
    """What the answer's title says while waiting: how far the prompt evaluation got, and for how long."""
    if up.first_token_s is not None:
        return f"gerando… primeiro token em {seconds(up.first_token_s)}"
    from legalprompt.tui.numbers import br_int

    if up.to_evaluate:
        reused = f" ({br_int(up.reused)} reaproveitados)" if up.reused else ""
        return (f"lendo o prompt: {br_int(up.evaluated)} de {br_int(up.to_evaluate)} tokens{reused} · "
                f"{seconds(up.elapsed_s)}")
    if up.n_prompt is not None:
        return f"gerando… prompt de {br_int(up.n_prompt)} tokens"
    return "gerando…"
