"""The engine in its own process: a request streams, a killed engine leaves the caller up with its partial
answer (history: interrompida) and the next request starts a new one, and cancelling stops a prompt
evaluation that native code will not interrupt."""

from __future__ import annotations

import os
import signal

import pytest

from legalprompt.config import load_settings
from legalprompt.engine.worker import DraftWorker, WorkerDied
from legalprompt.store.history import History

pytestmark = pytest.mark.model

LONG = {"template": "resumo", "document": "O recorrente alega nulidade do processo. " * 40, "max_tokens": 200,
        "temperature": 0.0, "seed": 1, "prefill": "Resumo: o caso trata"}


@pytest.fixture
def worker():
    settings, _ = load_settings({"model": "smollm2-135m", "n_ctx": 2048, "threads": 1})
    w = DraftWorker(settings)
    yield w
    w.close()


def test_draft_streams_and_records(worker):
    events = list(worker.draft({**LONG, "max_tokens": 12}))
    kinds = [e.kind for e in events]
    assert kinds[0] == "prompt" and kinds[-1] == "result" and "text" in kinds
    result = events[-1].result
    assert result["output"].startswith("Resumo: o caso trata")
    assert result["output"] == "Resumo: o caso trata" + "".join(e.text for e in events if e.kind == "text")
    rec = History().get(result["run_id"])
    assert rec.status == "ok" and rec.output == result["output"]


def test_killed_engine_keeps_partial_and_restarts(worker):
    first_pid = None
    got = ""
    with pytest.raises(WorkerDied) as died:
        for ev in worker.draft(LONG):
            if ev.kind == "text":
                got += ev.text
                if len(got) > 20 and first_pid is None:
                    first_pid = worker.pid
                    os.kill(first_pid, signal.SIGKILL)
    assert died.value.signal_name == "SIGKILL" and "SIGKILL" in died.value.message
    assert died.value.partial.startswith(got[:20])
    runs = History().search(limit=1)
    assert runs[0].status == "interrupted" and runs[0].output.startswith("Resumo: o caso trata")
    # The next request starts a new engine process.
    events = list(worker.draft({**LONG, "max_tokens": 4}))
    assert events[-1].kind == "result" and worker.pid != first_pid


def test_cancel_during_prompt_evaluation(worker):
    worker.start()
    long_doc = {**LONG, "document": "O recorrente alega nulidade do processo por cerceamento de defesa. " * 70}
    order = []
    for ev in worker.draft(long_doc, grace=0.5):
        order.append(ev.kind)
        if ev.kind == "prompt":
            worker.cancel()  # Esc as soon as the prompt evaluation starts
    # Event order, not a timing: after the cancel, no text came, and the request ended as cancelled.
    assert order == ["prompt", "cancelled"], order
    # Whether it was stopped between tokens or killed mid-evaluation, the next request must work.
    events = list(worker.draft({**LONG, "max_tokens": 4}))
    assert events[-1].kind == "result"
