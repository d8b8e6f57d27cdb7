"""Send batch work to an OpenAI-compatible completion server instead of the local model.

Works with llama.cpp's `llama-server` (parallel slots, `-np N`), `python -m llama_cpp.server`, and
vLLM. Choice made here: POST `{URL}/v1/completions` with the prompt as plain text, rendered by us as
the same plain frame the local base models get (template instructions, then the document, then the
prefill), not `/v1/chat/completions`. A chat endpoint cannot continue a prefilled assistant turn,
and a plain completion keeps the instructions as the shared first part of every prompt, which the
servers' prefix caches (llama-server's `cache_prompt`, vLLM's automatic prefix caching) reuse.

No third-party HTTP client is needed: urllib, called from the batch's worker threads, keeps N requests in
flight (`endpoint_decoder.EndpointDecoder` spreads them across servers). Transient
failures (HTTP 408/409/425/429/5xx, connection refused or reset, timeouts) are retried with
exponential backoff and jitter, honouring `Retry-After`; anything else fails the document at once
with the server's message.
"""

from __future__ import annotations

import ipaddress
import json
import os
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from legalprompt.engine.params import SamplingParams
from legalprompt.errors import ModelError, UserInputError

TRANSIENT_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}
API_KEY_ENV = "LEGALPROMPT_API_KEY"
# No ProxyHandler from the environment: http_proxy/all_proxy would see every document and the key,
# and could forge the answers. The server named by --endpoint is the only party spoken to.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def is_loopback_host(host: str) -> bool:
    """True for 'localhost' and loopback addresses (127.0.0.0/8, ::1); names are not resolved."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Completion:
    text: str
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int
    elapsed_s: float
    attempts: int = 1
    model: str | None = None


@dataclass
class EndpointClient:
    url: str
    model: str | None = None
    api_key: str | None = None
    timeout_s: float = 600.0
    max_retries: int = 5
    backoff_s: float = 1.0
    max_backoff_s: float = 30.0
    allow_remote: bool = False  # documents may go to a host other than this machine
    retried: int = field(default=0, init=False)  # transient failures retried so far (all requests)
    warnings: list[str] = field(default_factory=list, init=False)  # pt-BR, for the command to print

    def __post_init__(self) -> None:
        u = self.url.strip().rstrip("/")
        if not u.startswith(("http://", "https://")):
            raise UserInputError("--endpoint espera uma URL http:// ou https://, como http://127.0.0.1:8080")
        if u.endswith("/v1"):
            u = u[:-3]
        self.base = u
        parts = urllib.parse.urlsplit(u)
        try:
            host = parts.hostname or ""
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            raise UserInputError("--endpoint: a porta da URL não é válida; use algo como http://127.0.0.1:8080") from None
        if not host:
            raise UserInputError("--endpoint: a URL não tem servidor; use algo como http://127.0.0.1:8080")
        if not is_loopback_host(host):
            if not self.allow_remote:
                raise UserInputError(
                    f"--endpoint {host} não é esta máquina: os documentos sairiam dela. Se é isso mesmo, "
                    "acrescente --allow-remote (e prefira https://).")
            self.warnings.append(f"atenção: os documentos saem desta máquina e vão para {host}.")
            if parts.scheme == "http":
                self.warnings.append("atenção: http:// envia os documentos sem criptografia; use https://.")
        if self.api_key is None:
            self.api_key = os.environ.get(API_KEY_ENV) or None

    # -- HTTP ---------------------------------------------------------------------------------------
    def _request(self, method: str, path: str, body: dict | None = None) -> tuple[dict, int]:
        """One call with retries. Returns (json, attempts)."""
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        attempt = 0
        while True:
            attempt += 1
            req = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
            retry_after = None
            try:
                with _OPENER.open(req, timeout=self.timeout_s) as resp:
                    raw = resp.read()
                try:
                    return json.loads(raw.decode("utf-8")), attempt
                except (ValueError, UnicodeDecodeError):
                    raise ModelError(f"o servidor {self.base} respondeu algo que não é JSON em {path}: "
                                     f"{raw[:200]!r}") from None
            except urllib.error.HTTPError as exc:
                detail = _error_detail(exc)
                if exc.code not in TRANSIENT_STATUS:
                    hint = " Confira a URL (a API deve estar em /v1)." if exc.code == 404 else ""
                    raise ModelError(f"o servidor {self.base} recusou o pedido (HTTP {exc.code}): {detail}.{hint}") from None
                reason = f"HTTP {exc.code}: {detail}"
                retry_after = _retry_after(exc)
            except (urllib.error.URLError, ConnectionError, socket.timeout, TimeoutError) as exc:
                reason = str(getattr(exc, "reason", exc))
            if attempt > self.max_retries:
                raise ModelError(f"o servidor {self.base} não respondeu depois de {attempt} tentativas "
                                 f"({reason}). Confira se ele está no ar e tente de novo.")
            self.retried += 1
            delay = min(self.max_backoff_s, self.backoff_s * 2 ** (attempt - 1))
            delay = retry_after if retry_after is not None else delay * (0.5 + random.random())
            time.sleep(min(delay, self.max_backoff_s))

    def models(self) -> list[str]:
        data, _ = self._request("GET", "/v1/models")
        return [m.get("id") for m in data.get("data", []) if isinstance(m, dict) and m.get("id")]

    def resolve_model(self) -> str:
        """The model to name in requests: the one given, else the first the server lists."""
        if self.model:
            return self.model
        ids = self.models()
        if not ids:
            raise ModelError(f"o servidor {self.base} não lista nenhum modelo em /v1/models; passe --endpoint-model.")
        self.model = ids[0]
        return self.model

    def complete(self, prompt: str, params: SamplingParams) -> Completion:
        body: dict[str, Any] = {
            "model": self.model or "default", "prompt": prompt, "max_tokens": params.max_tokens,
            "temperature": params.temperature, "top_p": params.top_p, "top_k": params.top_k,
            "min_p": params.min_p, "seed": params.seed, "stream": False,
            # llama.cpp servers read repeat_penalty, vLLM reads repetition_penalty
            "repeat_penalty": params.repeat_penalty, "repetition_penalty": params.repeat_penalty,
        }
        if params.stop:
            body["stop"] = list(params.stop)
        t0 = time.perf_counter()
        data, attempts = self._request("POST", "/v1/completions", body)
        try:
            choice = data["choices"][0]
            text = choice.get("text") or ""
        except (KeyError, IndexError, TypeError):
            raise ModelError(f"resposta inesperada de {self.base}/v1/completions: {str(data)[:200]}") from None
        usage = data.get("usage") or {}
        return Completion(text=text, finish_reason=choice.get("finish_reason"),
                          prompt_tokens=int(usage.get("prompt_tokens") or 0),
                          completion_tokens=int(usage.get("completion_tokens") or 0),
                          elapsed_s=time.perf_counter() - t0, attempts=attempts, model=data.get("model"))


def _error_detail(exc: urllib.error.HTTPError) -> str:
    try:
        raw = exc.read().decode("utf-8", errors="replace")
    except Exception:  # a broken error body must not hide the status code
        return exc.reason or ""
    try:
        data = json.loads(raw)
        err = data.get("error", data) if isinstance(data, dict) else data
        msg = err.get("message") if isinstance(err, dict) else None
        return str(msg or err)[:300]
    except ValueError:
        return raw[:300] or str(exc.reason)


def _retry_after(exc: urllib.error.HTTPError) -> float | None:
    v = exc.headers.get("Retry-After") if exc.headers else None
    try:
        return max(0.0, float(v)) if v is not None else None
    except ValueError:
        return None


def parse_endpoint_spec(spec: str) -> tuple[str, int | None]:
    """`URL` or `URL#N`: N requests in flight to that server (the fragment is never sent)."""
    url, sep, n = spec.partition("#")
    if not sep:
        return spec, None
    try:
        jobs = int(n)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise UserInputError(f"--endpoint {spec}: depois de # vem o número de pedidos simultâneos (ex.: "
                             "http://127.0.0.1:8080#4)")
    return url, jobs
