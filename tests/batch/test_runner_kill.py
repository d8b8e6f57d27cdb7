"""A batch killed with SIGKILL mid-way and run again: each document exactly once, every output whole."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

MINI = """---
name: mini
description: resumo curtíssimo (testes)
inputs:
  documento: {type: text, required: true}
prefill: "Resumo:"
sampling: {temperature: 0.3, max_tokens: 3}
---
Resuma:
{{ documento }}
"""


def _cmd(src: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "legalprompt", "batch", str(src), "--template", "mini", "--out", str(out),
            "--model", "smollm2-135m", "--n-ctx", "512", "--max-tokens", "3", "--json"]


def _lines(out: Path) -> list[dict]:
    p = out / "manifest.jsonl"
    if not p.exists():
        return []
    raw = p.read_text(encoding="utf-8")
    return [json.loads(x) for x in raw.split("\n")[:-1] if x.strip()]  # the last piece may be torn


def test_sigkill_then_resume_is_exactly_once(tmp_path, isolated_dirs):
    (isolated_dirs["config"] / "templates").mkdir()
    (isolated_dirs["config"] / "templates" / "mini.j2").write_text(MINI, encoding="utf-8")
    src = tmp_path / "in"
    src.mkdir()
    n_docs = 6
    for i in range(n_docs):
        (src / f"doc{i}.txt").write_text(f"Processo {i}. O recurso {i} foi provido.", encoding="utf-8")
    out = tmp_path / "out"
    env = dict(os.environ)
    proc = subprocess.Popen(_cmd(src, out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 300
    try:
        while len(_lines(out)) < 2:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the batch did not write two manifest lines in time"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    first = _lines(out)
    assert 2 <= len(first) < n_docs, "killed too late to test a resume"

    done = subprocess.run(_cmd(src, out), capture_output=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    lines = _lines(out)
    raw = (out / "manifest.jsonl").read_text(encoding="utf-8")
    assert raw.endswith("\n")
    assert lines[:len(first)] == first  # earlier lines untouched
    paths = [e["path"] for e in lines]
    assert sorted(paths) == sorted(str(src / f"doc{i}.txt") for i in range(n_docs))  # exactly once each
    assert all(e["status"] == "ok" for e in lines)
    for e in lines:
        body = Path(e["output_file"]).read_text(encoding="utf-8")
        assert body.startswith("# mini") and "Resumo:" in body and "## Citações" in body and body.endswith("\n")
    assert sorted(p.name for p in out.iterdir()) == sorted(["manifest.jsonl"] + [f"doc{i}.md" for i in range(n_docs)])
    summary = json.loads(done.stdout.decode()[done.stdout.decode().index('{\n'):])
    assert summary["resumed"] == len(first) and summary["ok"] == n_docs - len(first)
