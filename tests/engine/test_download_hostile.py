"""Issue 19 (low): `models pull` validates the file name itself, checks the announced sha256 and the
GGUF header after download (a bad body is never saved, an existing file is never lost), probes the
host of HF_ENDPOINT (with its port), and turns huggingface_hub telemetry off. Runs against a fake Hub
on 127.0.0.1."""

from __future__ import annotations

import hashlib
import struct
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.cli.helpers import assert_clean_error, assert_ok, invoke

COMMIT = "a" * 40


def tiny_gguf() -> bytes:
    key, val = b"general.architecture", b"llama"
    return (b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", len(key)) + key + struct.pack("<I", 8)
            + struct.pack("<Q", len(val)) + val)


@contextmanager
def fake_hub(body: bytes, announced_sha: str):
    seen = []

    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def _head(self):
            self.send_response(200)
            self.send_header("X-Repo-Commit", COMMIT)
            self.send_header("ETag", f'"{announced_sha}"')
            self.send_header("X-Linked-Etag", f'"{announced_sha}"')
            self.send_header("X-Linked-Size", str(len(body)))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()

        def do_HEAD(self):
            seen.append(("HEAD", self.path))
            self._head()

        def do_GET(self):
            seen.append(("GET", self.path))
            self._head()
            self.wfile.write(body)

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", seen
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.mark.parametrize("name", ["../../../x.gguf", "/tmp/x.gguf", "sub/../../x.gguf", "a\\..\\x.gguf",
                                  "..gguf", ".gguf", "modelo.gguf\n"])
def test_bad_file_names_are_refused_before_any_connection(name):
    assert_clean_error(invoke("models", "pull", "org/repo", name), code=2, match="nome")


@pytest.mark.parametrize("repo", ["../repo", "org/../x", "org", "org/repo/extra", "org/re po"])
def test_bad_repo_ids_are_refused(repo):
    assert_clean_error(invoke("models", "pull", repo, "m.gguf"), code=2)


def test_good_download_is_checked_and_saved_privately(monkeypatch, isolated_dirs):
    body = tiny_gguf()
    with fake_hub(body, hashlib.sha256(body).hexdigest()) as (url, seen):
        monkeypatch.setenv("HF_ENDPOINT", url)
        r = invoke("models", "pull", "org/repo", "sub/modelo.gguf")
    assert_ok(r)
    saved = isolated_dirs["data"] / "models" / "modelo.gguf"
    assert saved.read_bytes() == body
    import huggingface_hub.constants as c

    assert c.HF_HUB_DISABLE_TELEMETRY is True


@pytest.mark.parametrize("case", ["sha256-errado", "nao-gguf"])
def test_bad_body_is_not_saved_and_an_existing_file_survives(monkeypatch, isolated_dirs, case):
    models = isolated_dirs["data"] / "models"
    models.mkdir(parents=True)
    (models / "modelo.gguf").write_bytes(b"GGUF o modelo bom que ja estava aqui")
    body = tiny_gguf() if case == "sha256-errado" else b"<html>login</html>" * 10
    announced = "0" * 64 if case == "sha256-errado" else hashlib.sha256(body).hexdigest()
    with fake_hub(body, announced) as (url, _):
        monkeypatch.setenv("HF_ENDPOINT", url)
        r = invoke("models", "pull", "org/repo", "modelo.gguf")
    assert_clean_error(r, code=2)
    assert (models / "modelo.gguf").read_bytes() == b"GGUF o modelo bom que ja estava aqui"
    assert sorted(p.name for p in models.iterdir() if not p.name.startswith(".")) == ["modelo.gguf"]
