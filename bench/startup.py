"""Start-up time: `legalprompt --help`, `legalprompt models` and the TUI's first paint, each next to a
baseline run interleaved in the same loop (bare interpreter start; an empty Textual app's first paint).

Also checks that `legalprompt --help` does not import llama_cpp (nor numpy, textual): the modules it
loads are listed from the child's `sys.modules`.

    .venv/bin/python bench/startup.py [--reps 7]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, interleaved, load_note, loadavg, machine, median, print_table, ratio, write_json  # noqa: E402

PY = sys.executable
HEAVY = ("llama_cpp", "numpy", "textual", "pydantic", "jinja2", "yaml")

_HELP_MODULES = """
import io, sys, contextlib
from legalprompt.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(["--help"])
    except SystemExit:
        pass
print(",".join(sorted(m for m in %r if m in sys.modules)))
""" % (HEAVY,)

# First paint: the app's first screen has been composed and rendered once (call_after_refresh from
# on_mount runs after that refresh). The child prints time.time() at that moment and exits.
_TUI_PAINT = """
import sys, time
from pathlib import Path
import legalprompt.tui.app as tui_app
from legalprompt.tui.app import LegalPromptApp

class Timed(LegalPromptApp):
    CSS_PATH = str(Path(tui_app.__file__).parent / LegalPromptApp.CSS_PATH)

    def on_mount(self):
        super().on_mount()
        self.call_after_refresh(self._painted)

    def _painted(self):
        print(f"PAINTED {time.time():.6f}", flush=True)
        self.exit()

Timed(load_model=False).run(headless=True, size=(120, 40))
"""

_EMPTY_TEXTUAL = """
import time
from textual.app import App
from textual.widgets import Footer, Header, Static

class Empty(App):
    def compose(self):
        yield Header()
        yield Static("ok")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self._painted)

    def _painted(self):
        print(f"PAINTED {time.time():.6f}", flush=True)
        self.exit()

Empty().run(headless=True, size=(120, 40))
"""


def _cli() -> list[str]:
    exe = Path(PY).parent / "legalprompt"
    return [str(exe)] if exe.exists() else [PY, "-m", "legalprompt"]


def _env(tmp: str) -> dict:
    env = dict(os.environ)
    # Isolated config and history, but the real cache (the reassembled Gemma and sha256s live there).
    env["LEGALPROMPT_CONFIG_DIR"] = os.path.join(tmp, "config")
    env["LEGALPROMPT_DATA_DIR"] = os.path.join(tmp, "data")
    env.pop("LEGALPROMPT_MODEL", None)
    return env


def timed_run(cmd: list[str], env: dict) -> float:
    t = time.perf_counter()
    p = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr[-500:]}")
    return dt


def time_to_paint(code: str, env: dict) -> float:
    t0 = time.time()
    p = subprocess.run([PY, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    for line in p.stdout.splitlines():
        if "PAINTED" in line:
            return float(line.split("PAINTED", 1)[1].split()[0]) - t0
    raise SystemExit(f"the app did not paint: {p.stderr[-800:]}")


def main(argv: list[str] | None = None) -> dict:
    import tempfile

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=7)
    args = ap.parse_args(argv)
    info = machine()
    cli = _cli()
    with tempfile.TemporaryDirectory(prefix="lp-startup-") as tmp:
        env = _env(tmp)
        timed_run(cli + ["models"], env)  # first call may compute sha256s: not what we measure
        res = interleaved(args.reps, {
            "python": lambda r: timed_run([PY, "-c", "pass"], env),
            "help": lambda r: timed_run(cli + ["--help"], env),
            "models": lambda r: timed_run(cli + ["models"], env),
        })
        loaded = subprocess.run([PY, "-c", _HELP_MODULES], env=env, cwd=REPO, capture_output=True, text=True,
                                timeout=60).stdout.strip()
        tui_available = importlib.util.find_spec("legalprompt.tui.app") is not None
        tui = None
        if tui_available:
            paint = interleaved(args.reps, {
                "legalprompt": lambda r: time_to_paint(_TUI_PAINT, env),
                "empty_textual": lambda r: time_to_paint(_EMPTY_TEXTUAL, env),
            })
            tui = {"first_paint_s": median(paint["legalprompt"]),
                   "empty_textual_first_paint_s": median(paint["empty_textual"])}
    info["loadavg_end"] = loadavg()
    note = load_note(info["loadavg_start"], info["loadavg_end"])
    py = median(res["python"])
    out = {
        "python_start_s": py, "help_s": median(res["help"]), "models_s": median(res["models"]),
        "help_imports_heavy": [m for m in loaded.split(",") if m], "tui": tui,
        "tui_note": None if tui_available else "legalprompt.tui not present: first paint not measurable yet",
    }
    rows = [
        ["legalprompt --help (s)", out["help_s"], py, f"{ratio(out['help_s'], py):.2f}x"],
        ["legalprompt models (s)", out["models_s"], py, f"{ratio(out['models_s'], py):.2f}x"],
    ]
    if tui:
        rows.append(["TUI first paint (s) vs empty Textual app", tui["first_paint_s"],
                     tui["empty_textual_first_paint_s"],
                     f"{ratio(tui['first_paint_s'], tui['empty_textual_first_paint_s']):.2f}x"])
    else:
        rows.append(["TUI first paint", "not yet measurable", "-", "-"])
    text = print_table(f"start-up ({args.reps} interleaved reps, medians; baseline: bare `python -c pass`)",
                       ["command", "ours", "baseline", "ours/baseline"], [[r[0], *(f"{v:.3f}" if isinstance(v, float)
                                                                                else v for v in r[1:])] for r in rows])
    heavy = out["help_imports_heavy"]
    print(f"--help imports heavy modules: {', '.join(heavy) if heavy else 'none'} (checked: {', '.join(HEAVY)})")
    if note:
        print(f"note: {note}")
    data = {"benchmark": "startup", "machine": info, "note": note, "results": out, "table": text}
    print(f"json: {write_json('startup', data)}")
    return data


if __name__ == "__main__":
    main()
