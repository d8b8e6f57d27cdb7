"""Privacy: the commands work with every socket call made to fail (no network use at run time, no
telemetry); `models pull` is the only code that connects and fails fast offline; document text reaches
no file but the history database.

Each command runs in a fresh interpreter whose wrapper replaces `socket.socket`, `socket.create_connection`,
`socket.getaddrinfo` and `socket.socketpair` with functions that record the attempt and raise, then calls
`legalprompt.cli.main([...])` and reports what happened as one JSON line on fd 3's stand-in (a file).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.cli.helpers import REPO, SMALL

pytestmark = pytest.mark.model

SECRET = "SEGREDO-7Q4X-CLIENTE"  # appears in the document only
DOCUMENT = (f"PETIÇÃO INICIAL. A autora {SECRET}, residente em Belo Horizonte, propõe ação de indenização "
            "com base no art. 186 do Código Civil e na Lei nº 8.078/90. O réu não pagou R$ 15.000,00.\n")

WRAPPER = textwrap.dedent("""
    import json, socket, sys
    attempts = []

    def _blocked(name):
        def f(*a, **k):
            attempts.append(name)
            raise OSError(101, "rede bloqueada pelo teste de privacidade")
        return f

    for _name in ("create_connection", "getaddrinfo", "socketpair", "gethostbyname"):
        setattr(socket, _name, _blocked(_name))

    class _NoSocket(socket.socket):
        def __init__(self, *a, **k):
            attempts.append("socket")
            raise OSError(101, "rede bloqueada pelo teste de privacidade")

    socket.socket = _NoSocket
    report_path, argv = sys.argv[1], sys.argv[2:]
    from legalprompt.cli import main
    try:
        code = main(argv)
    except SystemExit as e:
        code = e.code
    mods = sorted(m for m in sys.modules if m.split(".")[0] in ("huggingface_hub", "requests", "httpx",
                                                               "urllib3", "aiohttp", "http"))
    with open(report_path, "w") as f:
        json.dump({"code": code, "attempts": attempts, "modules": mods}, f)
""")


def offline(tmp_path: Path, *args: str) -> tuple[dict, subprocess.CompletedProcess]:
    report = tmp_path / "relatorio-rede.json"
    p = subprocess.run([sys.executable, "-c", WRAPPER, str(report), *args], capture_output=True, text=True,
                       cwd=REPO, timeout=300, env=os.environ.copy())
    assert report.exists(), p.stderr[-3000:]
    return json.loads(report.read_text()), p


@pytest.fixture
def doc(tmp_path) -> Path:
    p = tmp_path / "peticao.txt"
    p.write_text(DOCUMENT, encoding="utf-8")
    return p


def _commands(doc: Path) -> dict[str, list[str]]:
    d = str(doc)
    return {
        "run": ["run", d, *SMALL, "--max-tokens", "4", "--json"],
        "check": ["check", d, "--json"],
        "limar": ["limar", d],
        "tokens": ["tokens", d, *SMALL, "--json"],
        "next": ["next", "O céu é", *SMALL, "--top", "3", "--json"],
        "probe": ["probe", "Qual é a capital do Brasil?", "-n", "1", "--max-tokens", "3", *SMALL, "--json"],
        "templates": ["templates", "--json"],
        "models": ["models", "--json"],
        "config": ["config", "--json"],
        "history": ["history", "--json"],
    }


def _expect_output(name: str, out: str) -> None:
    data = json.loads(out) if out.lstrip().startswith("{") else None
    if name == "run":
        assert data["output"].startswith("DIREITO") and data["usage"]["completion_tokens"] >= 1  # ementa: CNJ 154 header
    elif name == "check":
        assert any("8.078" in c["text"] for c in data["citations"])
    elif name == "limar":
        assert "art. 186" in out and "8.078/90" in out
    elif name == "tokens":
        assert data["count"] > 10
    elif name == "next":
        assert len(data["candidates"]) == 3
    elif name == "probe":
        assert data["probes"][0]["question"].startswith("Qual") and "agreement" in data["probes"][0]
    elif name == "templates":
        assert any(t["name"] == "ementa" for t in data["templates"])
    elif name == "models":
        assert any(m["name"] == "smollm2-135m" for m in data["models"])
    elif name == "config":
        assert "settings" in data and "paths" in data
    elif name == "history":
        assert "runs" in data


@pytest.mark.parametrize("name", list(_commands(Path("x"))), ids=lambda n: f"{n}-sem_rede")
def test_commands_work_with_every_socket_call_failing(name, doc, tmp_path):
    report, p = offline(tmp_path, *_commands(doc)[name])
    assert report["code"] in (0, None), p.stderr[-3000:]
    assert "Traceback" not in p.stderr
    assert report["attempts"] == [], report  # nothing even tried to open a socket
    assert not [m for m in report["modules"] if m.startswith("huggingface_hub")], report["modules"]
    _expect_output(name, p.stdout)


def test_models_pull_offline_fails_fast_with_a_clear_message(tmp_path, isolated_dirs):
    report, p = offline(tmp_path, "models", "pull", "bartowski/Qwen2.5-0.5B-Instruct-GGUF", "modelo.gguf",
                        "--timeout", "3")
    assert report["code"] == 2
    assert "Traceback" not in p.stderr
    assert p.stderr.strip().startswith("erro: sem conexão com huggingface.co")
    assert "coloque-o em" in p.stderr and str(isolated_dirs["data"] / "models") in p.stderr
    # One connectivity probe, no retries, and the download library never imported.
    assert report["attempts"] == ["create_connection"], report
    assert not [m for m in report["modules"] if m.startswith("huggingface_hub")]
    assert not (isolated_dirs["data"] / "models").exists()


def test_document_text_reaches_no_file_but_the_history(doc, tmp_path, isolated_dirs):
    """Run the main commands on a document with a unique marker, then read every file the tool wrote
    (data dir, config dir, the current folder): the marker is only in the history database."""
    from legalprompt.paths import cache_dir

    work = tmp_path / "work"
    work.mkdir()
    cmds = _commands(doc)
    for name in ("run", "check", "limar", "tokens", "history"):
        p = subprocess.run([sys.executable, "-m", "legalprompt", *cmds[name]], capture_output=True, text=True,
                           cwd=work, timeout=300, env=os.environ.copy())
        assert p.returncode == 0, (name, p.stderr[-2000:])
        assert SECRET not in p.stderr  # progress and status lines never echo the document
    history_files = {"history.sqlite3", "history.sqlite3-wal", "history.sqlite3-shm"}
    seen_in = []
    roots = [isolated_dirs["data"], isolated_dirs["config"], work]
    cache = cache_dir()
    if cache.is_dir():
        roots.append(cache)
    for root in roots:
        for f in root.rglob("*"):
            if not f.is_file() or f.suffix == ".gguf" or f.stat().st_size > 50_000_000:
                continue
            if SECRET.encode() in f.read_bytes():
                seen_in.append(f)
    assert seen_in and {f.name for f in seen_in} <= history_files, seen_in
    assert not [f for r in roots for f in r.rglob("*.log")], "a log file was written"


def test_no_module_opens_the_network_except_download_and_endpoint():
    """Static guard: only engine/download.py (models pull) and batch/endpoint.py (`batch --endpoint URL`,
    a server the user names) import networking modules."""
    allowed = {Path("legalprompt/engine/download.py"), Path("legalprompt/batch/endpoint.py")}
    net = ("import socket", "import urllib.request", "from urllib.request", "import http.client",
           "from http.client", "import requests", "import httpx", "import huggingface_hub", "from huggingface_hub",
           "import aiohttp", "import urllib3")
    offenders = []
    for f in sorted((REPO / "legalprompt").rglob("*.py")):
        rel = f.relative_to(REPO)
        text = f.read_text(encoding="utf-8")
        if rel not in allowed and any(n in text for n in net):
            offenders.append(str(rel))
    assert offenders == []
