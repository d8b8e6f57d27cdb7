"""Issue 19, findings 1 and 10: the endpoint client never uses a proxy from the environment, and
documents leave the machine only when the user says so (--allow-remote), with a warning."""

from __future__ import annotations

import pytest

from legalprompt.batch.endpoint import EndpointClient
from legalprompt.engine.params import SamplingParams
from legalprompt.errors import UserInputError
from tests.reliability.fakes import serve
from tests.cli.helpers import assert_clean_error, assert_ok, invoke

SECRET = "CLÁUSULA SIGILOSA 7f3a: o cliente pagará R$ 1.234.567,89"


@pytest.mark.parametrize("var", ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"])
def test_proxy_from_environment_is_never_used(var, monkeypatch, tmp_path):
    with serve(" resposta do servidor") as (url, seen), serve(" RESPOSTA FORJADA PELO PROXY") as (proxy, pseen):
        monkeypatch.setenv(var, proxy)
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.setenv("LEGALPROMPT_API_KEY", "chave-secreta-123")
        c = EndpointClient(url, model="fake", max_retries=0)
        r = c.complete(SECRET, SamplingParams(max_tokens=4))
        assert r.text == " resposta do servidor"
        assert pseen == [], "the proxy received a request"
        assert any(SECRET in (s["body"] or "") for s in seen)


def test_batch_cli_ignores_proxy(monkeypatch, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(SECRET, encoding="utf-8")
    with serve(" resposta do servidor") as (url, seen), serve(" RESPOSTA FORJADA") as (proxy, pseen):
        monkeypatch.setenv("http_proxy", proxy)
        monkeypatch.setenv("LEGALPROMPT_API_KEY", "chave-secreta-123")
        r = invoke("batch", str(src), "--out", str(tmp_path / "out"), "--endpoint", url, "-q")
        assert_ok(r)
        assert pseen == []
        out = (tmp_path / "out" / "a.md").read_text(encoding="utf-8")
        assert "resposta do servidor" in out and "FORJADA" not in out


@pytest.mark.parametrize("url", ["http://192.0.2.10:8080", "https://api.example.com", "http://10.0.0.5/v1",
                                 "http://[2001:db8::1]:8080"])
def test_remote_host_refused_without_allow_remote(url):
    with pytest.raises(UserInputError, match="--allow-remote"):
        EndpointClient(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080",
                                 "http://127.8.9.10"])
def test_loopback_needs_no_flag_and_gives_no_warning(url):
    assert EndpointClient(url).warnings == []


def test_remote_with_flag_warns_and_plain_http_warns_about_encryption():
    https = EndpointClient("https://api.example.com", allow_remote=True)
    assert len(https.warnings) == 1 and "saem desta máquina" in https.warnings[0]
    plain = EndpointClient("http://192.0.2.10:8080", allow_remote=True)
    assert any("sem criptografia" in w for w in plain.warnings)


def test_batch_cli_refuses_remote_before_sending(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(SECRET, encoding="utf-8")
    r = invoke("batch", str(src), "--out", str(tmp_path / "out"), "--endpoint", "http://192.0.2.10:9", "-q")
    assert_clean_error(r, code=2, match="--allow-remote")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.md"))
