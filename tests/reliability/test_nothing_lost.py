"""Nothing lost: a stopped generation keeps its partial answer, a killed batch resumes with every document
exactly once, and two processes writing the history at the same time both succeed.

(Ctrl+C in the CLI is covered by tests/cli/test_run.py::test_ctrl_c_keeps_partial_answer_as_cancelled.)
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest

from legalprompt.store.history import History

from tests.cli.helpers import REPO, SMALL, SMOL

pytestmark = pytest.mark.model

LONG_TEMPLATE = ("---\nname: longo\ndescription: uma resposta longa\nprefill: 'Era uma vez'\n"
                 "sampling: {max_tokens: 400, temperature: 0.0}\n---\nConte uma longa história sobre {{ documento }}\n")


# --- Esc in the TUI ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def smol_engine():
    from legalprompt.config import load_settings
    from legalprompt.engine.loader import load_engine

    settings, _ = load_settings({"model": SMOL, "threads": 1, "n_ctx": 1024})
    return load_engine(settings)


async def test_tui_escape_keeps_the_partial_answer_in_history(smol_engine, isolated_dirs):
    from textual.widgets import Select, TextArea

    from legalprompt.tui.app import LegalPromptApp

    tdir = isolated_dirs["config"] / "templates"
    tdir.mkdir()
    (tdir / "longo.j2").write_text(LONG_TEMPLATE, encoding="utf-8")
    app = LegalPromptApp(load_model=False)
    async with app.run_test() as pilot:
        app.use_engine(smol_engine)
        while app.draft_screen is None:
            await pilot.pause(0.05)
        d = app.draft_screen
        d.query_one("#document", TextArea).load_text("um advogado e um recurso especial")
        d.query_one("#template", Select).value = "longo"
        await pilot.pause(0.2)
        await pilot.press("f5")
        for _ in range(6000):  # until some tokens past the prefill are on screen (bounded by the test timeout)
            if d.generating and len(d.answer.text) > len("Era uma vez") + 15:
                break
            await pilot.pause(0.05)
        assert d.generating, "generation finished before Esc could stop it"
        await pilot.press("escape")
        for _ in range(6000):
            if not d.generating and d.last_result is not None:
                break
            await pilot.pause(0.05)
        result = d.last_result
        shown = d.answer.text
    assert result.status == "cancelled" and result.done.stop_reason == "cancelled"
    rec = History().get(result.run_id)
    assert rec.status == "cancelled"
    assert rec.output == result.done.output == shown
    assert rec.output.startswith("Era uma vez") and len(rec.output) > len("Era uma vez") + 15
    assert rec.finished_at is not None and rec.command == "tui"


# --- SIGKILL during a batch ------------------------------------------------------------------------------

N_DOCS = 6


def _make_corpus(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for i in range(N_DOCS):
        p = folder / f"processo-{i:02d}.txt"
        p.write_text(f"Processo {i}. O réu, citado, não apresentou contestação. Pedido {i} julgado procedente.\n",
                     encoding="utf-8")
        paths.append(p)
    return paths


def _batch_cmd(src: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "legalprompt", "batch", str(src), "--out", str(out), "-t", "resumo", *SMALL,
            "--max-tokens", "3", "--seed", "1", "--quiet", "--no-check"]


def _manifest(out: Path) -> list[dict]:
    path = out / "manifest.jsonl"
    if not path.exists():
        return []
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            lines.append(json.loads(raw))
        except json.JSONDecodeError:
            pass  # a torn last line: the next run cuts it off
    return lines


def _kill_after(cmd: list[str], out: Path, done_lines: int, extra_delay: float) -> None:
    """Start the batch, wait until the manifest has `done_lines` lines, wait `extra_delay`, SIGKILL it."""
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while len(_manifest(out)) < done_lines and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(extra_delay)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)


def test_batch_killed_at_random_points_resumes_every_document_exactly_once(tmp_path):
    src = tmp_path / "autos"
    docs = _make_corpus(src)
    out = tmp_path / "saida"
    cmd = _batch_cmd(src, out)
    rng = random.Random(20240917)
    # Kill points: during start-up (nothing done), then after 1, 2 and 4 documents, each with a random
    # extra delay so the kill lands at varying moments (mid-generation, mid-write, mid-manifest line).
    for done_lines in (0, 1, 2, 4):
        _kill_after(cmd, out, done_lines, rng.uniform(0.0, 0.6))
    before = _manifest(out)
    done_before = {e["path"] for e in before if e["status"] == "ok"}
    assert len(done_before) < N_DOCS, "killed too late to test a resume"
    final = subprocess.run(cmd + ["--json"], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr[-2000:]
    summary = json.loads(final.stdout[final.stdout.index("{\n"):])
    assert summary["resumed"] == len(done_before) and summary["ok"] == N_DOCS - len(done_before)
    assert (out / "manifest.jsonl").read_text(encoding="utf-8").endswith("\n")  # no torn line left
    entries = _manifest(out)
    assert entries[:len(before)] == before  # the manifest is only appended to: earlier lines untouched
    ok = [e for e in entries if e["status"] == "ok"]
    assert Counter(Path(e["path"]).name for e in ok) == Counter(p.name for p in docs)  # each exactly once
    assert not [e for e in entries if e["status"] == "error"]
    # Exactly the manifest and one whole output per document: no temporary (.lp-tmp-*) left behind.
    assert sorted(p.name for p in out.iterdir()) == sorted(["manifest.jsonl"] + [f"{p.stem}.md" for p in docs])
    for p in out.glob("*.md"):
        text = p.read_text(encoding="utf-8")
        assert text.startswith("# resumo") and text.endswith("\n")
        assert "## Citações" in text and text.rstrip().endswith("(--no-check).")  # whole files only
    # Running again does nothing new: every document is already done.
    again = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and len(_manifest(out)) == len(entries)


# --- two processes writing the history at once -----------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from legalprompt.store.history import History
    tag, n = sys.argv[1], int(sys.argv[2])
    h = History()
    for i in range(n):
        rid = h.start_run(command="run", template="ementa", document=f"{tag}-{i}", prompt=f"prompt {tag} {i}",
                          params={"i": i}, seed=i, model_name="m")
        h.update_output(rid, f"{tag}-{i} parcial")
        h.finish_run(rid, status="ok", output=f"{tag}-{i} resposta completa")
    print("ok")
""")


def test_two_processes_write_the_history_at_once(isolated_dirs):
    n = 150
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, tag, str(n)], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=os.environ.copy()) for tag in ("A", "B")]
    results = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0 and out.strip() == "ok", err[-2000:]
    runs = History().search(limit=10_000)
    assert len(runs) == 2 * n
    assert {r.document for r in runs} == {f"{t}-{i}" for t in "AB" for i in range(n)}
    assert all(r.status == "ok" and r.output == f"{r.document} resposta completa" for r in runs)
    assert all(r.prompt == f"prompt {r.document.replace('-', ' ')}" for r in runs)


# --- a run whose process is killed -----------------------------------------------------------------------

def test_sigkilled_run_shows_as_interrupted_with_its_partial_answer(isolated_dirs):
    """SIGKILL mid-generation (what the OOM killer or a crashing engine does): the run cannot write its end,
    and the next command shows it as 'interrompida' with the partial answer saved while it streamed."""
    tdir = isolated_dirs["config"] / "templates"
    tdir.mkdir()
    (tdir / "longo.j2").write_text(LONG_TEMPLATE, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "legalprompt", "run", "-", "-t", "longo", "--model", SMOL,
                             "--threads", "1", "--n-ctx", "1024"], cwd=REPO, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    proc.stdin.write(b"um advogado e um recurso especial")
    proc.stdin.close()
    db = isolated_dirs["data"] / "history.sqlite3"
    partial = ""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and len(partial) <= len("Era uma vez") + 10:
        time.sleep(0.3)
        if db.exists():
            runs = History(db).search(limit=1)
            partial = runs[0].output if runs else ""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert partial.startswith("Era uma vez") and len(partial) > len("Era uma vez") + 10, partial

    shown = subprocess.run([sys.executable, "-m", "legalprompt", "history"], cwd=REPO, capture_output=True,
                           text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert "interrompida" in shown.stdout and "em andamento" not in shown.stdout, shown.stdout
    rec = History(db).search(limit=1)[0]
    assert rec.status == "interrupted" and rec.output.startswith(partial), (rec.status, rec.output, partial)
