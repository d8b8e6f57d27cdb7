"""Batch orchestration with no model: `--endpoint` over two loopback fake servers (documents spread across
both, one history row each, a second run resumes without asking again), and Ctrl+C on the fake decoder.
The same against two real llama_cpp.server processes, with a SIGKILL: tests/batch/test_endpoint.py."""

from __future__ import annotations

import json

from legalprompt.batch.endpoint import EndpointClient
from legalprompt.batch.runner import BatchOptions, BatchRunner
from legalprompt.config import Settings
from legalprompt.store.history import History
from tests.drafting.mini_template import install_mini
from tests.reliability.fakes import serve



def _six_documents(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(6):
        (src / f"doc{i}.txt").write_text(f"Documento {i}: recurso provido.", encoding="utf-8")
    return src


def test_documents_spread_over_two_servers_and_resume(tmp_path, isolated_dirs):
    install_mini(isolated_dirs["config"], max_tokens=8)
    src = _six_documents(tmp_path)
    out = tmp_path / "out"
    h = History()
    with serve(" resumo A.") as (url_a, seen_a), serve(" resumo B.") as (url_b, seen_b):
        servers = [(EndpointClient(url_a), 2), (EndpointClient(url_b), 2)]
        opts = BatchOptions(inputs=[str(src)], template="mini", out_dir=out, jobs=4, progress=False)
        s = BatchRunner(opts, Settings(), endpoint=servers, history=h).run()
        posts_a = [x for x in seen_a if x["method"] == "POST"]
        posts_b = [x for x in seen_b if x["method"] == "POST"]
        assert s.ok == 6 and len(posts_a) + len(posts_b) == 6 and posts_a and posts_b
        entries = [json.loads(x) for x in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
        by_server = {e["endpoints"][0] for e in entries}
        assert by_server == {url_a, url_b}
        rows = h.search()
        assert len(rows) == 6 and all(r.command == "batch" and r.shape == {"ok": True} for r in rows)
        for e in entries:  # the file says which server wrote it, and the answer is that server's
            answer = " resumo A." if e["endpoints"] == [url_a] else " resumo B."
            assert answer in open(e["output_file"], encoding="utf-8").read()

        s2 = BatchRunner(opts, Settings(), endpoint=servers, history=h).run()
        assert s2.resumed == 6 and s2.ok == 0
        assert len([x for x in seen_a + seen_b if x["method"] == "POST"]) == 6  # nothing asked again
        assert len(h.search()) == 6


def test_ctrl_c_cancels_what_runs_and_a_second_run_finishes_the_rest(tmp_path, isolated_dirs):
    """On the fake decoder, two workers: Ctrl+C in the middle leaves no history row 'running' and no manifest
    line for an unfinished document; the same batch again does only what is left."""
    import _thread
    import signal

    import pytest

    from legalprompt.engine.fake import FakeDecoder

    install_mini(isolated_dirs["config"], max_tokens=40)
    src = _six_documents(tmp_path)
    out = tmp_path / "out"
    h = History()
    started = []

    def answer(prompt: str) -> str:  # Ctrl+C as the third document starts
        started.append(prompt)
        if len(started) == 3:
            _thread.interrupt_main()
        return " um dois três quatro cinco seis sete oito nove dez"

    slow = FakeDecoder(answer, token_s=0.03)
    opts = BatchOptions(inputs=[str(src)], template="mini", out_dir=out, jobs=2, progress=False)
    # interrupt_main does nothing while SIGINT is ignored, as it is for a suite started in the background
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            BatchRunner(opts, Settings(), decoder=slow, history=h).run()
    finally:
        signal.signal(signal.SIGINT, previous)
    rows = h.search()
    assert rows and not [r for r in rows if r.status == "running"]
    cancelled = [r for r in rows if r.status == "cancelled"]
    assert cancelled and all(r.output.startswith("Resumo:") for r in cancelled)
    manifest = out / "manifest.jsonl"
    done = [json.loads(x) for x in manifest.read_text(encoding="utf-8").splitlines()] if manifest.exists() else []
    assert len(done) < 6 and all(e["status"] == "ok" for e in done)

    fast = FakeDecoder(" um dois três quatro cinco seis sete oito nove dez")
    s = BatchRunner(opts, Settings(), decoder=fast, history=h).run()
    assert s.resumed == len(done) and s.ok == 6 - len(done) and len(fast.calls) == 6 - len(done)
