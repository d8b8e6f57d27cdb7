import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def cli(*args: str, input: str | None = None, timeout: float = 240, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m legalprompt ...` in a subprocess, inheriting the test's isolated dirs."""
    return subprocess.run([sys.executable, "-m", "legalprompt", *args], capture_output=True, text=True,
                          input=input, timeout=timeout, cwd=REPO, env={**os.environ, **(env or {})})


def assert_clean_error(proc: subprocess.CompletedProcess, code: int = 2, match: str | None = None) -> None:
    """One short pt-BR message on stderr, the documented exit code, never a traceback."""
    assert proc.returncode == code, (proc.returncode, proc.stdout[-500:], proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
    assert lines and lines[-1].startswith(("erro:", "legalprompt")), proc.stderr
    if match:
        assert match in proc.stderr, proc.stderr
