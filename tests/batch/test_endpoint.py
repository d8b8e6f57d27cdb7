"""The --endpoint backend: retries against a flaky loopback server, and a real batch against
llama-cpp-python's OpenAI-compatible server on the bundled SmolLM2."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from legalprompt.batch.endpoint import EndpointClient
from legalprompt.batch.runner import BatchOptions, BatchRunner
from legalprompt.config import load_settings
from legalprompt.engine.models import resolve_model
from legalprompt.engine.params import SamplingParams
from legalprompt.errors import ModelError


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Flaky(BaseHTTPRequestHandler):
    """Answers 503, then 429, then a completion; records every body it got."""
    script: list[int] = []
    bodies: list[dict] = []

    def log_message(self, *a):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).bodies.append(body)
        code = type(self).script.pop(0) if type(self).script else 200
        if code != 200:
            payload = json.dumps({"error": {"message": f"falha {code}"}}).encode()
            self.send_response(code)
            if code == 429:
                self.send_header("Retry-After", "0")
        else:
            payload = json.dumps({"model": "m", "choices": [{"text": " ok", "finish_reason": "stop"}],
                                  "usage": {"prompt_tokens": 3, "completion_tokens": 1}}).encode()
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def flaky():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    _Flaky.bodies = []
    yield srv
    srv.shutdown()
    srv.server_close()


def test_retries_transient_errors_then_succeeds(flaky):
    _Flaky.script = [503, 429]
    c = EndpointClient(f"http://127.0.0.1:{flaky.server_address[1]}/v1/", model="m", backoff_s=0.01)
    r = c.complete("Resuma:", SamplingParams(max_tokens=5, seed=3, stop=["\n\n"]))
    assert r.text == " ok" and r.attempts == 3 and c.retried == 2
    b = _Flaky.bodies[-1]
    assert b["prompt"] == "Resuma:" and b["max_tokens"] == 5 and b["seed"] == 3 and b["stop"] == ["\n\n"]


def test_gives_up_after_retries_and_fails_fast_on_client_errors(flaky):
    url = f"http://127.0.0.1:{flaky.server_address[1]}"
    _Flaky.script = [500] * 10
    with pytest.raises(ModelError, match="3 tentativas"):
        EndpointClient(url, model="m", max_retries=2, backoff_s=0.01).complete("x", SamplingParams())
    _Flaky.script = [400]
    n = len(_Flaky.bodies)
    with pytest.raises(ModelError, match="HTTP 400"):
        EndpointClient(url, model="m", backoff_s=0.01).complete("x", SamplingParams())
    assert len(_Flaky.bodies) == n + 1  # no retry on a 400


def test_connection_refused_is_retried_then_reported():
    c = EndpointClient(f"http://127.0.0.1:{_free_port()}", model="m", max_retries=1, backoff_s=0.01)
    with pytest.raises(ModelError, match="não respondeu"):
        c.complete("x", SamplingParams())


def _start_server(log: Path, threads: int | None = None):
    """A real llama_cpp.server on the bundled SmolLM2, on a free loopback port. Returns (process, url, log file)."""
    port = _free_port()
    logf = open(log, "wb")  # a file, not a pipe: the server's load log would fill a pipe and block it
    model = resolve_model("smollm2-135m").path
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", "2048"]
    if threads:
        cmd += ["--n_threads", str(threads)]
    proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            pytest.fail("llama_cpp.server exited: " + log.read_text(errors="replace")[-2000:])
        try:
            with urllib.request.urlopen(url + "/v1/models", timeout=2) as r:
                if r.status == 200:
                    return proc, url, logf
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("llama_cpp.server did not answer /v1/models in time")
        time.sleep(0.3)


def _stop_server(proc, logf) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    logf.close()


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    proc, url, logf = _start_server(tmp_path_factory.mktemp("server") / "server.log")
    try:
        yield url
    finally:
        _stop_server(proc, logf)


@pytest.mark.model
def test_batch_against_a_real_llama_server(tmp_path, llama_server):
    src = tmp_path / "in"
    src.mkdir()
    texts = ["O Tribunal negou provimento ao recurso.", "Embargos de declaração rejeitados.", "Habeas corpus concedido."]
    for i, t in enumerate(texts):
        (src / f"d{i}.txt").write_text(t, encoding="utf-8")
    (src / "vazio.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    settings = load_settings({})[0]
    opts = BatchOptions(inputs=[str(src)], template="resumo", out_dir=out, max_tokens=4, jobs=2, progress=False)
    s = BatchRunner(opts, settings, endpoint=EndpointClient(llama_server)).run()
    assert s.ok == 3 and s.failed == 1
    lines = [json.loads(x) for x in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    ok = [e for e in lines if e["status"] == "ok"]
    assert sorted(Path(e["path"]).name for e in ok) == ["d0.txt", "d1.txt", "d2.txt"]
    for e in ok:
        assert 1 <= e["usage"]["completion_tokens"] <= 4 and e["usage"]["prompt_tokens"] > 10
        body = Path(e["output_file"]).read_text(encoding="utf-8")
        assert "Resumo:" in body and "## Citações" in body
    assert [e for e in lines if e["status"] == "error"][0]["error"].endswith("arquivo vazio. Confira se é o arquivo certo.")
    # the same command again: everything is skipped, no line added
    s2 = BatchRunner(opts, settings, endpoint=EndpointClient(llama_server)).run()
    assert s2.ok == 0 and s2.resumed == 3 and s2.previous_failures == 1
    assert len((out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()) == len(lines)


@pytest.fixture(scope="module")
def two_llama_servers(tmp_path_factory):
    d = tmp_path_factory.mktemp("servers")
    started = []
    try:
        for i in range(2):
            started.append(_start_server(d / f"server{i}.log", threads=1))
        yield [url for _, url, _ in started]
    finally:
        for proc, _, logf in started:
            _stop_server(proc, logf)


@pytest.mark.model
def test_batch_over_two_endpoints_spreads_and_resumes_after_sigkill(tmp_path, two_llama_servers):
    """Documents go to both servers; a batch killed with SIGKILL and run again processes each exactly once."""
    import os
    import signal

    src = tmp_path / "in"
    src.mkdir()
    n_docs = 10
    for i in range(n_docs):
        (src / f"doc{i}.txt").write_text(f"Processo {i}. O Tribunal negou provimento ao recurso de apelação "
                                         f"interposto pela parte autora número {i}.", encoding="utf-8")
    out = tmp_path / "out"
    a, b = two_llama_servers
    cmd = [sys.executable, "-m", "legalprompt", "batch", str(src), "--out", str(out), "-t", "resumo",
           "--endpoint", a + "#1", "--endpoint", b + "#1", "--max-tokens", "24", "--temperature", "0", "--json",
           "--no-check"]
    repo = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(cmd, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    manifest = out / "manifest.jsonl"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if manifest.exists() and len(manifest.read_text(encoding="utf-8").splitlines()) >= 2:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the batch ended before it could be killed: " + proc.stderr.read().decode()[-500:]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    first = [json.loads(x) for x in manifest.read_text(encoding="utf-8").splitlines() if x.strip()]
    assert 2 <= len(first) < n_docs

    done = subprocess.run(cmd, cwd=repo, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(x) for x in manifest.read_text(encoding="utf-8").splitlines()]
    assert sorted(e["path"] for e in lines) == sorted(str(src / f"doc{i}.txt") for i in range(n_docs))
    assert all(e["status"] == "ok" for e in lines)
    served = [tuple(e["endpoints"]) for e in lines]
    assert {s for (s,) in served} == {a, b}, served  # both servers did work, each document on one
