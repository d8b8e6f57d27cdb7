"""The drafting core in a process of its own, for a front end that must outlive the engine (the TUI).

llama.cpp is native code: an illegal instruction, a segmentation fault or the out-of-memory killer ends the
whole process, and a long prompt evaluation cannot be interrupted from Python. Run in a child process, the
engine can die or be killed while the front end stays up, keeps what the user wrote and starts a new child on
the next request. The child keeps its model and context between requests, so a second draft of the same
document only evaluates what changed. A separate process also keeps the front end's Python (redraws, citation
checks) off the generation loop's interpreter lock.

`DraftWorker` (a child process) and `InProcessDrafts` (the same events from an engine loaded in this process,
for tests and tools that share one engine) offer one interface: `draft(request, cancel=...)` yields
`WorkerEvent`s, `next_tokens(text, k)` returns the most probable next tokens.

Protocol (multiprocessing pipe, pickled tuples). Parent -> child: ("draft", request fields),
("next", text, top_k), ("quit",). Child -> parent: ("ready", engine info, warnings),
("prompt", n_tokens, prefill), ("progress", (evaluated, to_evaluate, reused)), ("text", piece, is_prefill),
("result", DraftSummary), ("candidates", [(id, piece, prob)]), ("error", pt-BR message).
Cancelling is a shared event the child checks between prompt batches and between tokens; a child that does not
answer within `grace` seconds (busy in one long native call) is killed.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from dataclasses import dataclass, fields
from typing import Any

from legalprompt.config import Settings
from legalprompt.engine.events import DoneEvent
from legalprompt.errors import LegalPromptError

_SIGNAL_HINTS = {
    "SIGILL": "instrução que este processador não executa; rode `legalprompt doctor`",
    "SIGSEGV": "falha no llama.cpp (modelo corrompido ou motor mal compilado); rode `legalprompt doctor`",
    "SIGKILL": "processo morto pelo sistema: provavelmente faltou memória para o modelo; feche outros programas "
               "ou escolha um modelo menor (F8)",
    "SIGBUS": "arquivo do modelo truncado ou disco cheio",
    "SIGABRT": "o llama.cpp abortou (memória insuficiente ou modelo inválido); rode `legalprompt doctor`",
}


class WorkerDied(LegalPromptError):
    """The engine's process ended in the middle of a request."""

    def __init__(self, message: str, signal_name: str | None, partial: str, run_id: int | None = None):
        super().__init__(message)
        self.signal_name = signal_name
        self.partial = partial  # the answer so far, prefill included
        self.run_id = run_id    # its history row (now 'interrupted'), when known


@dataclass
class DraftSummary:
    """What a front end needs of a finished draft (a DraftResult without the live template and prompt)."""

    done: DoneEvent
    run_id: int | None
    status: str
    citations: dict | None
    shape_ok: bool | None
    shape: dict | None
    template: str
    citation_mode: str
    staged: bool = False  # written section by section (staged priming)

    @property
    def output(self) -> str:
        return self.done.output

    @classmethod
    def of(cls, r) -> DraftSummary:
        citations = r.citations.to_dict() if hasattr(r.citations, "to_dict") else r.citations  # a typed report
        return cls(r.done, r.run_id, r.status, citations, r.shape_ok, r.shape, r.prepared.template.name,
                   r.prepared.citation_mode, r.prepared.staged)


@dataclass
class WorkerEvent:
    kind: str                  # "prompt" | "progress" | "text" | "result" | "cancelled"
    text: str = ""             # "text": the new piece; "cancelled": the answer so far (prefill included)
    n_prompt: int = 0          # "prompt": tokens of the prompt
    prefill: str = ""          # "prompt": the prefill the answer starts with
    progress: tuple[int, int, int] = (0, 0, 0)  # "progress": (evaluated, to evaluate, reused from the last prompt)
    is_prefill: bool = False   # "text": written into the model's mouth (a staged section title), not generated
    result: DraftSummary | None = None  # "result"
    run_id: int | None = None  # "cancelled": the history row, when known


def request_fields(request) -> dict[str, Any]:
    """A DraftRequest (or a dict of its fields) as plain fields for the pipe."""
    if isinstance(request, dict):
        return dict(request)
    return {f.name: getattr(request, f.name) for f in fields(request)}


SEND_EVERY_S = 0.05  # how often generated text crosses the pipe (the TUI redraws every 0.5 s or less often)
WORKER_NICE = 2
"""The engine process runs a little below the front end, so a key press is painted ahead of llama.cpp's spinning
threads. bench/tui_latency.py (smollm2, quiet, 40 presses): key-to-paint while generating against idle was 2.06x
twice at the same priority (generation 0.97x `legalprompt run`); at +2 three runs gave 1.89x, 1.85x, 1.90x with
generation 0.98x, 0.95x, 0.96x; at +5, 1.91x but generation fell to 0.92x."""


def _serve(conn, cancel, settings_data: dict, log_path: str | None = None) -> None:  # runs in the child
    from legalprompt.drafting import DraftRequest, Drafter, DraftResult
    from legalprompt.engine.events import TextEvent
    from legalprompt.engine.loader import load_engine
    from legalprompt.store.history import History

    class AnnouncingDrafter(Drafter):
        def start_record(self, prep):  # the parent learns the history row before any token
            run_id = super().start_record(prep)
            conn.send(("run", run_id))
            return run_id

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C belongs to the front end
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICE)
    if log_path:  # the parent's terminal belongs to its UI: what native code prints goes to a file
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    try:
        settings = Settings(**settings_data)
        engine = load_engine(settings)
        drafter = AnnouncingDrafter(engine, settings, History())
    except LegalPromptError as exc:
        conn.send(("error", exc.message))
        return
    # The front end's CPU (its redraws while we generate) is not another program's: it must not cost a thread.
    engine.count_cpu_as_own(os.getppid())
    engine.on_prompt_progress = lambda done, total, reused: conn.send(("progress", (done, total, reused)))
    conn.send(("ready", engine.info(), list(engine.warnings)))
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        try:
            if msg[0] == "quit":
                return
            if msg[0] == "next":
                cands = engine.next_tokens(msg[1], top_k=msg[2])
                conn.send(("candidates", [(c.id, c.piece, c.prob) for c in cands]))
                continue
            prep = drafter.prepare(DraftRequest(**msg[1]))
            conn.send(("prompt", len(prep.tokens), prep.prefill))
            # Text goes to the front end in pieces of at most SEND_EVERY_S, not one message per token: each
            # message wakes the front end, and on few cores its CPU is taken from llama.cpp's threads.
            pending, pending_prefill, last_send = "", False, time.monotonic()
            for ev in drafter.stream(prep, cancel):
                if isinstance(ev, TextEvent):
                    if pending and ev.prefill != pending_prefill:
                        conn.send(("text", pending, pending_prefill))
                        pending, last_send = "", time.monotonic()
                    pending += ev.text
                    pending_prefill = ev.prefill
                    if ev.prefill or time.monotonic() - last_send >= SEND_EVERY_S:
                        conn.send(("text", pending, pending_prefill))
                        pending, last_send = "", time.monotonic()
                elif isinstance(ev, DraftResult):
                    if pending:
                        conn.send(("text", pending, pending_prefill))
                    conn.send(("result", DraftSummary.of(ev)))
        except LegalPromptError as exc:
            conn.send(("error", exc.message))


class DraftWorker:
    """One engine process; requests are served one at a time (a llama.cpp context is not shared)."""

    def __init__(self, settings: Settings, *, start_timeout: float = 600.0, log_path: Path | None = None):
        """`log_path`: where the engine process writes its stdout and stderr (a UI owns the terminal)."""
        self.settings = settings
        self.log_path = log_path
        self.start_timeout = start_timeout
        self._ctx = mp.get_context("spawn")  # a fresh interpreter: nothing of the parent's threads or UI
        self._proc = None
        self._conn = None
        with _real_stderr():  # a semaphore: it starts multiprocessing's resource tracker
            self._cancel = self._ctx.Event()
        self._lock = threading.Lock()  # one request at a time, whichever thread asks
        self._open = False  # a request was sent and its end not yet read
        self.info: dict[str, Any] = {}
        self.warnings: list[str] = []
        self.starts = 0  # engine processes started so far

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.is_alive()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self) -> dict[str, Any]:
        if self.alive:
            return self.info
        parent, child = self._ctx.Pipe()
        self._proc = self._ctx.Process(
            target=_serve, args=(child, self._cancel, self.settings.model_dump(),
                                 str(self.log_path) if self.log_path else None),
            daemon=True, name="legalprompt-engine")
        with _real_stderr():
            self._proc.start()
        self.starts += 1
        child.close()
        self._conn = parent
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._conn.poll(0.05):
                try:
                    msg = self._conn.recv()
                except EOFError:
                    raise self._died("", starting=True) from None
                if msg[0] == "ready":
                    self.info, self.warnings = msg[1], msg[2]
                    return self.info
                self._stop()
                raise LegalPromptError(msg[1])
            if not self._proc.is_alive():
                raise self._died("", starting=True)
        self._stop(kill=True)
        raise LegalPromptError(f"o modelo não carregou em {self.start_timeout:g} s")

    def draft(self, request, *, cancel: threading.Event | None = None, grace: float = 0.5) -> Iterator[WorkerEvent]:
        """Yield events for one request (a DraftRequest or its fields). Setting `cancel` (or calling
        `cancel()`) stops it: between batches or tokens the child ends it as cancelled (a "result" with
        status 'cancelled'); a child still busy `grace` seconds later is killed ("cancelled" event; its
        history row becomes 'interrupted'). Raises WorkerDied if the engine process dies meanwhile."""
        with self._lock:
            self.start()
            self._cancel.clear()
            self._conn.send(("draft", request_fields(request)))
            self._open = True  # until the child's result, error or end
            try:
                yield from self._events(cancel, grace)
            finally:
                if self._open and self.alive:
                    self._abandon()
                self._open = False

    def _events(self, cancel: threading.Event | None, grace: float) -> Iterator[WorkerEvent]:
        prefill, partial = "", ""
        run_id = None
        cancel_at = None
        while True:
            if cancel is not None and cancel.is_set():
                self._cancel.set()
            if self._cancel.is_set() and cancel_at is None:
                cancel_at = time.monotonic()
            if cancel_at is not None and time.monotonic() - cancel_at > grace:
                # Busy in native code (one long evaluation): kill it; its history row becomes 'interrupted'.
                self._stop(kill=True)
                _reap_history(run_id, prefill + partial)
                yield WorkerEvent("cancelled", text=prefill + partial, run_id=run_id)
                return
            if self._conn.poll(0.02):
                try:
                    msg = self._conn.recv()
                except EOFError:
                    raise self._died(prefill + partial, run_id) from None
                kind = msg[0]
                if kind in ("result", "error"):
                    self._open = False
                if kind == "run":
                    run_id = msg[1]
                elif kind == "progress":
                    yield WorkerEvent("progress", progress=msg[1])
                elif kind == "text":
                    partial += msg[1]
                    yield WorkerEvent("text", text=msg[1], is_prefill=msg[2])
                elif kind == "prompt":
                    prefill = msg[2]
                    yield WorkerEvent("prompt", n_prompt=msg[1], prefill=msg[2])
                elif kind == "result":
                    yield WorkerEvent("result", result=msg[1])
                    return
                elif kind == "error":
                    raise LegalPromptError(msg[1])
            elif not self._proc.is_alive():
                raise self._died(prefill + partial, run_id)

    def next_tokens(self, text: str, top_k: int = 10) -> list:
        """The most probable next tokens after `text` (the Tokens screen), computed by the engine process."""
        from legalprompt.engine.events import Candidate

        with self._lock:
            self.start()
            self._conn.send(("next", text, top_k))
            while True:
                while not self._conn.poll(0.05):
                    if not self._proc.is_alive():
                        raise self._died("")
                try:
                    msg = self._conn.recv()
                except EOFError:
                    raise self._died("") from None
                if msg[0] == "error":
                    raise LegalPromptError(msg[1])
                if msg[0] == "candidates":  # prompt progress messages are skipped
                    break
            return [Candidate(*c) for c in msg[1]]

    def cancel(self) -> None:
        self._cancel.set()

    def close(self) -> None:
        if self.alive:
            try:
                self._conn.send(("quit",))
                self._proc.join(2)
            except (OSError, EOFError, ValueError):
                pass
        self._stop(kill=True)

    # -- internals --------------------------------------------------------------------------------
    def _abandon(self) -> None:
        """The caller stopped reading mid-request (or failed): cancel it and drain the child's answer, so the
        next request does not read this one's events; a child that does not finish within 2 s is killed."""
        self._cancel.set()
        deadline = time.monotonic() + 2.0
        try:
            while time.monotonic() < deadline:
                if self._conn.poll(0.05):
                    if self._conn.recv()[0] in ("result", "error"):  # "run", "text"... are dropped
                        return
                elif not self._proc.is_alive():
                    break
        except (EOFError, OSError):
            pass
        self._stop(kill=True)
        _reap_history(None, "")

    def _stop(self, kill: bool = False) -> None:
        if self._proc is not None:
            if kill and self._proc.is_alive():
                self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc = None
        self._conn = None

    def _died(self, partial: str, run_id: int | None = None, starting: bool = False) -> WorkerDied:
        code = None
        if self._proc is not None:
            self._proc.join(5)  # the pipe can report the end before the process is reaped
            code = self._proc.exitcode
        self._stop()
        if not starting:
            _reap_history(run_id, partial)
        sig = None
        if code is not None and code < 0:
            try:
                sig = signal.Signals(-code).name
            except ValueError:
                sig = f"sinal {-code}"
        what = f"com {sig}" if sig else f"com código {code}"
        hint = _SIGNAL_HINTS.get(sig or "", "veja `legalprompt doctor`")
        if self.log_path:
            hint += f"; o que o motor escreveu está em {self.log_path}"
        if starting:
            return WorkerDied(f"o motor parou {what} ao carregar o modelo ({hint}).", sig, "")
        return WorkerDied(f"o motor parou {what} ({hint}). O documento, o início da resposta e o texto já gerado "
                          "foram mantidos; a execução ficou no histórico como interrompida. F5 inicia um motor novo.",
                          sig, partial, run_id)


@contextlib.contextmanager
def _real_stderr():
    """Starting a process passes sys.stderr's file descriptor to multiprocessing's resource tracker; a UI
    (Textual) replaces sys.stderr with an object whose fileno() is -1. Use the real one meanwhile."""
    try:
        ok = sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        ok = False
    if ok or sys.__stderr__ is None:
        yield
        return
    saved, sys.stderr = sys.stderr, sys.__stderr__
    try:
        yield
    finally:
        sys.stderr = saved


def _reap_history(run_id: int | None, partial: str) -> None:
    """Mark the dead child's running row 'interrupted' now, not at the next start (opening the history does
    it), with the answer as far as this side saw it: the child saved it only every second."""
    from legalprompt.store.history import History

    try:
        history = History()
        try:
            history.reap_dead_runs()
            rec = history.get(run_id) if run_id is not None else None
            if rec is not None and rec.status == "interrupted" and len(partial) > len(rec.output or ""):
                history.update_output(run_id, partial)
        finally:
            history.close()
    except LegalPromptError:
        pass


class InProcessDrafts:
    """DraftWorker's interface over an engine loaded in this process (tests, tools sharing one engine). A
    crash here ends the process: front ends that must survive the engine use DraftWorker."""

    def __init__(self, engine, settings: Settings):
        self.engine = engine
        self.settings = settings
        self.info = engine.info()
        self.warnings = list(engine.warnings)
        self.starts = 1
        self._lock = threading.Lock()

    alive = True

    def start(self) -> dict[str, Any]:
        return self.info

    def draft(self, request, *, cancel: threading.Event | None = None, grace: float = 0.5) -> Iterator[WorkerEvent]:
        from queue import SimpleQueue

        from legalprompt.drafting import DraftRequest, Drafter, DraftResult
        from legalprompt.engine.events import TextEvent
        from legalprompt.store.history import History

        req = request if not isinstance(request, dict) else DraftRequest(**request)
        cancel = cancel or threading.Event()
        with self._lock:
            history = History()  # this thread's connection (SQLite connections belong to their thread)
            progress: SimpleQueue = SimpleQueue()
            self.engine.on_prompt_progress = lambda d, t, r: progress.put((d, t, r))
            try:
                drafter = Drafter(self.engine, self.settings, history)
                prep = drafter.prepare(req)
                yield WorkerEvent("prompt", n_prompt=len(prep.tokens), prefill=prep.prefill)
                for ev in drafter.stream(prep, cancel):
                    while not progress.empty():
                        yield WorkerEvent("progress", progress=progress.get())
                    if isinstance(ev, TextEvent):
                        yield WorkerEvent("text", text=ev.text, is_prefill=ev.prefill)
                    elif isinstance(ev, DraftResult):
                        yield WorkerEvent("result", result=DraftSummary.of(ev))
            finally:
                self.engine.on_prompt_progress = None
                history.close()

    def next_tokens(self, text: str, top_k: int = 10) -> list:
        return self.engine.next_tokens(text, top_k=top_k)

    def cancel(self) -> None:  # pragma: no cover - cancelling goes through the request's event here
        pass

    def close(self) -> None:
        pass
