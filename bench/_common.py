"""Helpers shared by the performance benchmarks: machine description, load warning, medians,
interleaving, the test document, the table printer and the JSON writer.

Benchmarks are plain scripts (not part of the test run). Every figure is measured next to its baseline
in the same process, interleaved (A B B A ...), so that noise from other work on the machine hits both
sides alike; what matters is the ratio of medians, not the absolute figure.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SHARED = REPO.parent / "shared" / "data"
RESULTS = REPO / "bench" / "results"
LOADED = 1.5  # load average above which figures are marked as taken on a loaded machine
MODELS = ("gemma3-270m", "smollm2-135m")


def loadavg() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return os.getloadavg()[0]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=10)
        return out.stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine() -> dict:
    from legalprompt.engine.params import physical_cores

    try:
        from importlib.metadata import version

        llama_version = version("llama-cpp-python")
    except Exception:  # noqa: BLE001 - not installed is a fact to report, not an error
        llama_version = None
    return {
        "cpu": cpu_model(), "logical_cpus": os.cpu_count(), "physical_cores": physical_cores(),
        "python": platform.python_version(), "llama_cpp_python": llama_version,
        "os": f"{platform.system()} {platform.release()}", "commit": git_commit(),
        "loadavg_start": loadavg(),
    }


def load_note(load_start: float, load_end: float) -> str | None:
    worst = max(load_start, load_end)
    if worst > LOADED:
        return (f"figures taken on a loaded machine (load average {load_start:.2f} at start, {load_end:.2f} at "
                f"end, > {LOADED}): absolute figures are low and noisy; the engine/baseline ratios, measured "
                "interleaved, are what to read")
    return None


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def interleaved(reps: int, sides: dict) -> dict[str, list]:
    """Run each side `reps` times, alternating the order every repetition (A B, B A, A B ...) so
    neither side always runs right after the other. Each side is a callable(rep) -> result."""
    names = list(sides)
    out: dict[str, list] = {n: [] for n in names}
    for rep in range(reps):
        order = names if rep % 2 == 0 else list(reversed(names))
        for n in order:
            out[n].append(sides[n](rep))
    return out


def legal_text(min_chars: int = 40_000) -> str:
    """Real Brazilian court text (the rulingbr sample), repeated until long enough."""
    parts = []
    for f in sorted((SHARED / "rulingbr-sample").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        if d.get("full_text"):
            parts.append(d["full_text"])
    if not parts:
        raise SystemExit(f"no documents in {SHARED / 'rulingbr-sample'}")
    text = "\n\n".join(parts)
    while len(text) < min_chars:
        text += "\n\n" + text
    return text


def fmt(v, digits: int = 1) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        if v != v:  # nan
            return "-"
        return f"{v:.{digits}f}"
    return str(v)


def print_table(title: str, headers: list[str], rows: list[list], file=None) -> str:
    cells = [[fmt(c) if not isinstance(c, str) else c for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    lines = [title, "  ".join(h.ljust(w) for h, w in zip(headers, widths)),
             "  ".join("-" * w for w in widths)]
    for r in cells:
        lines.append("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))))
    text = "\n".join(lines)
    print(text, file=file or sys.stdout, flush=True)
    return text


def write_json(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    latest = RESULTS / f"{name}-latest.json"
    latest.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def document_excerpt(path: str | Path, chars: int, folder: str | Path | None = None) -> str:
    """The document cut to about `chars` characters at a word boundary (0: whole). With `folder`, the excerpt
    is also written there and its path returned instead (for benches that pass a file to the CLI)."""
    text = Path(path).read_text(encoding="utf-8")
    if chars and len(text) > chars:
        cut = text.rfind(" ", 0, chars)
        text = text[: cut if cut > chars // 2 else chars]
    if folder is None:
        return text
    out = Path(folder) / f"excerpt-{chars}-{Path(path).name}"
    out.write_text(text, encoding="utf-8")
    return str(out)
