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
    assert events[0].prefill == "Resumo: o caso trata"
    # progress between prompt batches comes before the first token, and ends with the whole prompt evaluated
    first_text = kinds.index("text")
    progress = [e.progress for e in events if e.kind == "progress"]
    assert "progress" in kinds[:first_text] and "progress" not in kinds[first_text:]
    assert progress[-1][0] + 1 == progress[-1][1] and progress[-1][1] + progress[-1][2] == events[0].n_prompt
    result = events[-1].result
    assert result.output.startswith("Resumo: o caso trata")
    assert result.output == "Resumo: o caso trata" + "".join(e.text for e in events if e.kind == "text")
    rec = History().get(result.run_id)
    assert rec.status == "ok" and rec.output == result.output


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
    assert died.value.partial.startswith("Resumo: o caso trata" + got[:20])
    runs = History().search(limit=1)
    assert runs[0].status == "interrupted" and runs[0].id == died.value.run_id
    # the row keeps the answer as far as the caller saw it (the child saved it only every second)
    assert runs[0].output == died.value.partial
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
        if ev.kind == "result":
            assert ev.result.status == "cancelled" and ev.result.done.usage.completion_tokens == 0
    # Event order, not a timing: after the cancel, no text came, and the request ended as cancelled:
    # between two prompt batches (a result), or killed in the middle of one (cancelled).
    order = [k for k in order if k != "progress"]
    assert order in (["prompt", "result"], ["prompt", "cancelled"]), order
    # Whether it was stopped between tokens or killed mid-evaluation, the next request must work.
    events = list(worker.draft({**LONG, "max_tokens": 4}))
    assert events[-1].kind == "result"


def test_a_request_left_half_read_does_not_leak_into_the_next(worker):
    events = worker.draft(LONG)
    for ev in events:
        if ev.kind == "text":
            break
    events.close()  # the caller stopped reading (an app that closed the screen)
    pid = worker.pid
    follow = list(worker.draft({**LONG, "max_tokens": 4, "prefill": "EMENTA:"}))
    assert follow[0].kind == "prompt" and follow[0].prefill == "EMENTA:"
    assert follow[-1].kind == "result" and follow[-1].result.output.startswith("EMENTA:")
    assert worker.pid == pid  # drained, not killed: the model stayed loaded


def test_cancel_event_of_the_caller_stops_between_tokens(worker):
    import threading

    cancel = threading.Event()
    kinds = []
    for ev in worker.draft(LONG, cancel=cancel):
        kinds.append(ev.kind)
        if ev.kind == "text":
            cancel.set()
    assert kinds[-1] in ("result", "cancelled")
    if kinds[-1] == "result":
        assert ev.result.status == "cancelled"


def test_next_tokens_from_the_engine_process(worker, smol):
    text = "O Supremo Tribunal Federal decidiu que"
    here = smol.next_tokens(text, top_k=5)
    there = worker.next_tokens(text, top_k=5)
    assert [c.id for c in there][:3] == [c.id for c in here][:3]
    assert all(0 < c.prob <= 1 for c in there)


def test_a_segfault_is_named_with_what_to_do_and_the_engine_output_goes_to_its_log(tmp_path):
    settings, _ = load_settings({"model": "smollm2-135m", "n_ctx": 2048, "threads": 1})
    log = tmp_path / "motor.log"
    w = DraftWorker(settings, log_path=log)
    try:
        with pytest.raises(WorkerDied) as died:
            for ev in w.draft(LONG):
                if ev.kind == "text":
                    os.kill(w.pid, signal.SIGSEGV)
        assert died.value.signal_name == "SIGSEGV"
        assert "legalprompt doctor" in died.value.message and str(log) in died.value.message
        assert log.exists()  # the child's stdout and stderr went there, not to the caller's terminal
    finally:
        w.close()
