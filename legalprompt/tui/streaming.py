"""Run one drafting request in a worker thread, reporting coalesced partial answers.

Used by the Redação and Comparar screens so that history, citations and cancellation behave exactly as
in the CLI (both go through `Drafter.prepare/stream`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from legalprompt.drafting import Drafter, DraftRequest, DraftResult, PreparedDraft
from legalprompt.engine.events import TextEvent

UPDATE_INTERVAL_S = 0.08
"""Partial answers reach the UI at most this often (bench/tui_latency.py measures the cost of redraws)."""
CHECK_INTERVAL_S = 0.5
"""Citations are re-checked on the partial answer at most this often while streaming."""

OnUpdate = Callable[[str, "list[dict[str, Any]] | None", "PreparedDraft | None"], None]


def stream_request(engine, settings, req: DraftRequest, cancel: threading.Event, on_update: OnUpdate,
                   interval: float | None = None, check_interval: float | None = None,
                   prefill_spans: list[tuple[int, int]] | None = None) -> DraftResult:
    """Prepare and stream `req`; call `on_update(text_so_far, citations_or_None, prepared_or_None)` at most
    every `interval` seconds (first call: the prefill, with the prepared draft). Returns the DraftResult
    (status 'cancelled' when `cancel` was set). `prefill_spans`, when given, receives the (start, end)
    of every piece written into the model's mouth after the prefill (staged section titles). Runs in a worker thread: the history connection is
    opened here, because SQLite connections belong to the thread that opens them."""
    from legalprompt.store.history import History

    interval = UPDATE_INTERVAL_S if interval is None else interval
    check_interval = CHECK_INTERVAL_S if check_interval is None else check_interval
    history = History()
    try:
        drafter = Drafter(engine, settings, history)
        prep = drafter.prepare(req)
        text = prep.prefill
        on_update(text, None, prep)
        last = last_check = time.monotonic()
        for ev in drafter.stream(prep, cancel):
            if isinstance(ev, TextEvent):
                if ev.prefill and prefill_spans is not None:
                    prefill_spans.append((len(text), len(text) + len(ev.text)))
                text += ev.text
                now = time.monotonic()
                if now - last >= interval:
                    cits = None
                    if req.check_citations and check_interval >= 0 and now - last_check >= check_interval:
                        cits = Drafter.check_citations(text, req.document).citation_dicts()
                        last_check = now
                    on_update(text, cits, None)
                    last = time.monotonic()
            else:
                return ev
        raise AssertionError("the drafting stream ended without a result")  # pragma: no cover
    finally:
        history.close()
