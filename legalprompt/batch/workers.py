"""The batch's generations: N worker threads, each taking a request through the drafting core.

Every generation of a batch, whatever the decoder (the local engine one request at a time, parallel sequences
in one context for `--jobs N`, or `--endpoint` servers), goes through `Drafter.prepare` and `Drafter.stream`,
as `legalprompt run` does: one history row, the citation check and the template's shape check. The decoder
decides how the N requests in flight share the machine: the engine serialises them, the parallel decoder
batches them into one llama_decode per step, the endpoint decoder spreads them over its servers.
"""

from __future__ import annotations

import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from legalprompt.errors import LegalPromptError


@dataclass
class GenOutput:
    output: str
    generated: str
    stop_reason: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0
    seconds: float = 0.0
    run_id: int | None = None
    citations: dict | None = None  # the drafting core's check (against the request's document)
    shape: dict | None = None      # the drafting core's shape verdict
    served_by: str | None = None   # the endpoint that generated it (--endpoint)


class DraftWorkers:
    """`submit(tag, request)` runs it on a free worker; `poll()` returns finished ones as (tag, GenOutput or
    the LegalPromptError that failed it). `close()` cancels what runs (their history rows say cancelled)."""

    def __init__(self, drafter, capacity: int):
        self.drafter = drafter
        self.capacity = max(1, capacity)
        self.cancel = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=self.capacity, thread_name_prefix="legalprompt-batch")
        self._futures: dict[Future, Any] = {}
        self._tokens = 0
        self._lock = threading.Lock()

    def take_tokens(self) -> int:
        """Tokens generated since the last call (for the progress line, drawn by the main thread)."""
        with self._lock:
            n, self._tokens = self._tokens, 0
        return n

    def pending(self) -> int:
        return len(self._futures)

    def submit(self, tag: Any, req) -> None:
        self._futures[self._pool.submit(self._one, req)] = tag

    def _one(self, req) -> GenOutput:
        from legalprompt.drafting import DraftResult
        from legalprompt.engine.events import TextEvent

        d = self.drafter
        result = None
        for ev in d.stream(d.prepare(req), self.cancel):
            if isinstance(ev, TextEvent):
                with self._lock:
                    self._tokens += len(ev.token_ids)
            elif isinstance(ev, DraftResult):
                result = ev
        done = result.done
        if done.stop_reason == "cancelled":
            raise KeyboardInterrupt
        return GenOutput(done.output, done.generated, done.stop_reason, done.usage.prompt_tokens,
                         done.usage.completion_tokens, done.usage.cached_prompt_tokens, done.timings.total_s,
                         result.run_id, result.citations.to_dict() if result.citations else None, result.shape,
                         done.served_by)

    def poll(self, timeout: float | None = None) -> list[tuple[Any, GenOutput | LegalPromptError]]:
        """Finished requests (waits up to `timeout` for one). An error that is not the user's to fix (a bug) is
        raised here, in the main thread."""
        if not self._futures:
            return []
        done, _ = wait(list(self._futures), timeout=timeout, return_when=FIRST_COMPLETED)
        out = []
        for f in done:
            tag = self._futures.pop(f)
            exc = f.exception()
            if exc is not None and not isinstance(exc, LegalPromptError):
                raise exc
            out.append((tag, exc if exc is not None else f.result()))
        return out

    def close(self) -> None:
        self.cancel.set()
        for f in self._futures:
            f.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._futures.clear()
