"""`batch --endpoint` over several servers, on loopback fakes (no model): documents are spread across the
servers, each generation is one history row, and a second run resumes without asking any server again.
The same against two real llama_cpp.server processes, with a SIGKILL: tests/batch/test_endpoint.py."""

from __future__ import annotations

import json

from legalprompt.batch.endpoint import EndpointClient
from legalprompt.batch.runner import BatchOptions, BatchRunner
from legalprompt.config import Settings
from legalprompt.store.history import History
from tests.reliability.fakes import serve

MINI = """---
name: mini
description: resumo curtíssimo (testes)
inputs:
  documento: {type: text, required: true}
prefill: "Resumo:"
sampling: {temperature: 0.3, max_tokens: 8}
check: {named: nonempty}
---
Resuma:
{{ documento }}
"""


def test_documents_spread_over_two_servers_and_resume(tmp_path, isolated_dirs):
    d = isolated_dirs["config"] / "templates"
    d.mkdir(exist_ok=True)
    (d / "mini.j2").write_text(MINI, encoding="utf-8")
    src = tmp_path / "in"
    src.mkdir()
    for i in range(6):
        (src / f"doc{i}.txt").write_text(f"Documento {i}: recurso provido.", encoding="utf-8")
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
