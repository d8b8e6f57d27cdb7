"""The drafting core in a process of its own, for a front end that must outlive the engine (the TUI).

llama.cpp is native code: an illegal instruction, a segmentation fault or the out-of-memory killer ends the
whole process, and a long prompt evaluation cannot be interrupted from Python. Run in a child process, the
engine can die or be killed while the front end stays up, keeps what the user wrote and starts a new child on
the next request. The child keeps its model and context between requests, so a second draft of the same
document only evaluates what changed.

Protocol (multiprocessing pipe, pickled tuples). Parent -> child: ("draft", request fields), ("quit",).
Child -> parent: ("ready", engine info), ("prompt", n_tokens), ("text", piece), ("result", summary),
("error", pt-BR message). Cancelling is a shared event the child checks between tokens; a child that does not
answer within `grace` seconds (busy evaluating a prompt) is killed.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from legalprompt.config import Settings
from legalprompt.errors import LegalPromptError

_SIGNAL_HINTS = {
    "SIGILL": "instrução que este processador não executa; rode `legalprompt doctor`",
    "SIGSEGV": "falha no llama.cpp (modelo corrompido ou motor mal compilado); rode `legalprompt doctor`",
    "SIGKILL": "processo morto pelo sistema: provavelmente faltou memória para o modelo",
    "SIGBUS": "arquivo do modelo truncado ou disco cheio",
}


class WorkerDied(LegalPromptError):
    """The engine's process ended in the middle of a request."""

    def __init__(self, message: str, signal_name: str | None, partial: str):
        super().__init__(message)
        self.signal_name = signal_name
        self.partial = partial


@dataclass
class WorkerEvent:
    kind: str                  # "prompt" | "text" | "result" | "cancelled"
    text: str = ""             # "text": the new piece; "cancelled": the answer so far
    n_prompt: int = 0          # "prompt": tokens to evaluate
    result: dict[str, Any] = field(default_factory=dict)  # "result": output, status, run_id, timings...


def _serve(conn, cancel, settings_data: dict) -> None:  # runs in the child
    from legalprompt.drafting import DraftRequest, Drafter, DraftResult
    from legalprompt.engine.events import TextEvent
    from legalprompt.engine.loader import load_engine
    from legalprompt.store.history import History

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C belongs to the front end
    try:
        settings = Settings(**settings_data)
        engine = load_engine(settings)
        drafter = Drafter(engine, settings, History())
    except LegalPromptError as exc:
        conn.send(("error", exc.message))
        return
    conn.send(("ready", engine.info()))
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg[0] == "quit":
            return
        try:
            prep = drafter.prepare(DraftRequest(**msg[1]))
            conn.send(("prompt", len(prep.tokens)))
            for ev in drafter.stream(prep, cancel):
                if isinstance(ev, TextEvent):
                    conn.send(("text", ev.text))
                elif isinstance(ev, DraftResult):
                    conn.send(("result", {
                        "output": ev.output, "status": ev.status, "run_id": ev.run_id, "shape_ok": ev.shape_ok,
                        "citations": ev.citations.to_dict() if ev.citations else None, "stop_reason": ev.done.stop_reason,
                        "timings": asdict(ev.done.timings), "usage": asdict(ev.done.usage), "seed": ev.done.seed}))
        except LegalPromptError as exc:
            conn.send(("error", exc.message))


class DraftWorker:
    """One engine process; requests are served one at a time (a llama.cpp context is not shared)."""

    def __init__(self, settings: Settings, *, start_timeout: float = 600.0):
        self.settings = settings
        self.start_timeout = start_timeout
        self._ctx = mp.get_context("spawn")  # a fresh interpreter: nothing of the parent's threads or UI
        self._proc = None
        self._conn = None
        self._cancel = self._ctx.Event()
        self.info: dict[str, Any] = {}

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
        self._proc = self._ctx.Process(target=_serve, args=(child, self._cancel, self.settings.model_dump()),
                                       daemon=True, name="legalprompt-engine")
        self._proc.start()
        child.close()
        self._conn = parent
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._conn.poll(0.05):
                kind, payload = self._recv()
                if kind == "ready":
                    self.info = payload
                    return payload
                self._stop()
                raise LegalPromptError(payload)
            if not self._proc.is_alive():
                raise self._died("")
        self._stop()
        raise LegalPromptError(f"o modelo não carregou em {self.start_timeout:g} s")

    def draft(self, request: dict[str, Any], *, grace: float = 0.5) -> Iterator[WorkerEvent]:
        """Yield events for one request. Raises WorkerDied if the engine process dies meanwhile."""
        self.start()
        self._cancel.clear()
        self._conn.send(("draft", request))
        partial = ""
        cancel_at = None
        while True:
            if self._cancel.is_set() and cancel_at is None:
                cancel_at = time.monotonic()
            if cancel_at is not None and time.monotonic() - cancel_at > grace:
                # Busy in native code (a long prompt evaluation): kill it; its history row becomes 'interrupted'.
                self._stop(kill=True)
                _reap_history()
                yield WorkerEvent("cancelled", text=partial)
                return
            if self._conn.poll(0.02):
                try:
                    kind, payload = self._recv()
                except EOFError:
                    raise self._died(partial) from None
                if kind == "prompt":
                    yield WorkerEvent("prompt", n_prompt=payload)
                elif kind == "text":
                    partial += payload
                    yield WorkerEvent("text", text=payload)
                elif kind == "result":
                    yield WorkerEvent("result", result=payload)
                    return
                elif kind == "error":
                    raise LegalPromptError(payload)
            elif not self._proc.is_alive():
                raise self._died(partial)

    def cancel(self) -> None:
        self._cancel.set()

    def close(self) -> None:
        if self.alive:
            try:
                self._conn.send(("quit",))
                self._proc.join(2)
            except (OSError, EOFError):
                pass
        self._stop(kill=True)

    # -- internals --------------------------------------------------------------------------------
    def _recv(self):
        return self._conn.recv()

    def _stop(self, kill: bool = False) -> None:
        if self._proc is not None:
            if kill and self._proc.is_alive():
                self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc = None
        self._conn = None

    def _died(self, partial: str) -> WorkerDied:
        code = None
        if self._proc is not None:
            self._proc.join(5)  # the pipe can report the end before the process is reaped
            code = self._proc.exitcode
        self._stop()
        _reap_history()
        sig = None
        if code is not None and code < 0:
            try:
                sig = signal.Signals(-code).name
            except ValueError:
                sig = f"sinal {-code}"
        what = f"com {sig}" if sig else f"com código {code}"
        hint = _SIGNAL_HINTS.get(sig or "", "veja `legalprompt doctor`")
        return WorkerDied(f"o motor parou {what} ({hint}). O documento, o início da resposta e o texto já gerado "
                          "foram mantidos; a execução ficou no histórico como interrompida. F5 inicia um motor novo.",
                          sig, partial)


def _reap_history() -> None:
    """Mark the dead child's running row 'interrupted' now, not at the next start."""
    from legalprompt.store.history import History

    try:
        History().reap_dead_runs()
    except LegalPromptError:
        pass
