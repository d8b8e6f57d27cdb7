"""The thread that drives a `ParallelDecoder` for callers on other threads (its `generate()`).

Batch workers each run one request through the Drafter and call `generate()` from their own thread. Requests
wait in an inbox; the driver thread moves them to the scheduler's queue, steps the batch (one llama_decode for
every sequence) and hands each sequence's events to the thread that asked for it, through its own queue. The
scheduler is touched by the driver thread only.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Iterator
from typing import Any

from legalprompt.engine.events import DoneEvent, TextEvent
from legalprompt.errors import ModelError


class SequenceDriver:
    def __init__(self, scheduler):
        self.scheduler = scheduler   # has queue, has_work(), step(), reset(); SeqText/SeqDone events by key
        self._cv = threading.Condition()
        self._inbox: deque = deque()
        self._sinks: dict[Any, queue.Queue] = {}
        self._thread: threading.Thread | None = None
        self._closing = False

    def follow(self, req) -> Iterator[TextEvent | DoneEvent]:
        """Submit `req` and yield its events as the batch produces them. A reader that stops early (closes the
        generator) ends its sequence; the others go on."""
        sink: queue.Queue = queue.Queue()
        with self._cv:
            if self._closing:
                raise ModelError("o decodificador paralelo já foi fechado")
            self._sinks[req.key] = sink
            self._inbox.append(req)
            if self._thread is None:
                self._thread = threading.Thread(target=self._drive, name="legalprompt-parallel", daemon=True)
                self._thread.start()
            self._cv.notify()
        try:
            while True:
                ev = sink.get()
                if isinstance(ev, BaseException):
                    raise ev
                yield ev
                if isinstance(ev, DoneEvent):
                    return
        finally:
            req.cancel.set()  # finished already, or its reader stopped: the scheduler ends it at its next step
            with self._cv:
                self._sinks.pop(req.key, None)
                self._cv.notify()

    def _drive(self) -> None:
        from legalprompt.engine.parallel import SeqText

        s = self.scheduler
        while True:
            with self._cv:
                while not self._inbox and not s.has_work() and not self._closing:
                    self._cv.wait()
                if self._closing:
                    return
                while self._inbox:
                    s.queue.append(self._inbox.popleft())
            try:
                events = s.step()
            except BaseException as exc:  # noqa: BLE001 - every waiting reader must hear of it
                self._fail_all(exc)
                continue
            for ev in events:
                with self._cv:
                    sink = self._sinks.get(ev.key)
                if sink is not None:
                    sink.put(TextEvent(ev.text, ev.token_ids) if isinstance(ev, SeqText) else ev.done)

    def _fail_all(self, exc: BaseException) -> None:
        self.scheduler.reset()
        with self._cv:
            sinks = list(self._sinks.values())
        for sink in sinks:
            sink.put(exc)

    def close(self) -> None:
        with self._cv:
            self._closing = True
            self._cv.notify_all()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            self._fail_all(ModelError("o decodificador paralelo foi fechado no meio de uma geração"))
