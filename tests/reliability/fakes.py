"""Loopback HTTP fakes for the endpoint tests: an OpenAI-style completion server that records what it
got, and a 'proxy' that records whatever reaches it and answers with a forged completion."""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _handler(answer: str, seen: list):
    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def _reply(self, payload: dict) -> None:
            raw = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self):
            seen.append({"method": "GET", "path": self.path, "headers": dict(self.headers), "body": None})
            self._reply({"data": [{"id": "fake"}]})

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", "replace")
            seen.append({"method": "POST", "path": self.path, "headers": dict(self.headers), "body": body})
            self._reply({"model": "fake", "choices": [{"text": answer, "finish_reason": "stop"}],
                         "usage": {"prompt_tokens": 5, "completion_tokens": 2}})

    return H


@contextmanager
def serve(answer: str = " resumo do servidor."):
    """Yields (url, seen): a completion server on 127.0.0.1 and the list of requests it received."""
    seen: list = []
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _handler(answer, seen))
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", seen
    finally:
        srv.shutdown()
        srv.server_close()
