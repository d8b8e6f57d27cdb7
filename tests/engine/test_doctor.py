"""`legalprompt doctor`: a broken engine is reported with the rebuild command, never a traceback; a working one
generates a token in the child and reports its build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _doctor(*args: str, pythonpath: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join([pythonpath, str(REPO), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", "legalprompt", "doctor", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=300, env=env)


@pytest.fixture
def sigill_engine(tmp_path: Path) -> str:
    """A test double of llama_cpp that dies with SIGILL when imported, as an AMX build does on first use."""
    pkg = tmp_path / "fake" / "llama_cpp"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("import os, signal\nos.kill(os.getpid(), signal.SIGILL)\n")
    return str(tmp_path / "fake")


def test_doctor_reports_sigill_with_rebuild_command(sigill_engine):
    p = _doctor("--no-scan", pythonpath=sigill_engine)
    out = p.stdout + p.stderr
    assert p.returncode == 1, out
    assert "Traceback" not in out
    assert "SIGILL" in out and "instrução ilegal" in out
    assert "ao carregar a biblioteca do llama.cpp" in out
    assert "-mno-amx-int8" in out and "--force-reinstall --no-cache-dir" in out and "make engine" in out


def test_setup_check_stops_in_ptbr(sigill_engine):
    p = _doctor("--setup", pythonpath=sigill_engine)
    assert p.returncode == 1
    assert p.stderr.startswith("legalprompt doctor: FALHOU") and "SIGILL" in p.stderr
    assert "Traceback" not in p.stderr + p.stdout


def test_doctor_json_on_a_broken_engine(sigill_engine):
    p = _doctor("--json", "--no-scan", pythonpath=sigill_engine)
    data = json.loads(p.stdout)
    assert p.returncode == 1 and data["ok"] is False
    assert data["check"]["signal"] == "SIGILL" and data["check"]["stage"] == "import"


@pytest.mark.model
def test_doctor_on_the_real_engine():
    p = _doctor("--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    check = data["check"]
    assert data["ok"] and check["stage"] == "done" and check["info"]["token"].strip()
    assert check["info"]["llama_cpp_version"] == "0.3.36"
    assert check["info"]["cpu_features"], check["info"]["system_info"]
    assert data["amx_instructions_in_engine"] == {}
    assert "AMX_INT8" not in check["info"]["cpu_features"]
