"""Generation speed inside the TUI against a bare `legalprompt run`, and how fast the TUI answers a key while
the model generates against when idle.

    .venv/bin/python bench/tui_latency.py [--model smollm2-135m] [--pairs 5] [--max-tokens 128] [--presses 20]
        [--doc examples/peticao-curta.txt] [--with-inprocess]

Each pair is one `legalprompt run --json` (a fresh process) and one generation in the app (no key presses), run headless
(Textual's run_test) with its engine in the worker process as a user gets it; same model, document, template,
prefill, seed and temperature, so both write the same tokens. The order inside a pair alternates (run, app;
app, run; ...). Tokens/s come from the engine's own timings on both sides (first token to last). The figure
is the median of the per-pair ratios app/run; the goal is at least 0.95.

Key latency, in one more app generation per pair: a key (F12, bound to a probe action) is posted to the app; we record when its action runs and
when the refresh that follows it has been composed: idle presses before the generation, then presses during
it, in the same app. Goal: generating at most 2x idle. Also printed: the CPU the app's own process used while
generating (its UI and streaming threads; with a worker process the engine is not in it), as a share of one
core: on a 2-core machine that share is taken from llama.cpp's threads.

--with-inprocess adds a third member to each pair: the app generating in its own process (the old path,
`use_engine`), to show what the worker process changes. Figures are medians; on a shared machine compare
ratios, not absolute values.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, loadavg  # noqa: E402

from textual import events  # noqa: E402
from textual.binding import Binding  # noqa: E402

from legalprompt.tui.app import LegalPromptApp  # noqa: E402

TEMPLATE = "resumo"  # no staged sections: one generation, the same on both sides
PREFILL = "Resumo: o caso trata"


class ProbeApp(LegalPromptApp):
    BINDINGS = [*LegalPromptApp.BINDINGS, Binding("f12", "probe", show=False, priority=True)]

    def __init__(self, **kw):
        super().__init__(**kw)
        self.sent = 0.0
        self.handled: list[float] = []
        self.painted: list[float] = []

    def action_probe(self) -> None:
        self.handled.append(time.perf_counter() - self.sent)
        self.screen.refresh()
        self.call_after_refresh(lambda: self.painted.append(time.perf_counter() - self.sent))


async def press_probe(app: ProbeApp) -> None:
    n = len(app.painted)
    app.sent = time.perf_counter()
    app.post_message(events.Key("f12", None))
    while len(app.painted) == n:
        await asyncio.sleep(0.002)


def cli_run(args, env: dict) -> dict:
    p = subprocess.run([sys.executable, "-m", "legalprompt", "run", args.doc, "-t", TEMPLATE, "--prefill", PREFILL,
                        "--json", "--model", args.model, "--max-tokens", str(args.max_tokens), "--temperature",
                        "0.7", "--seed", "1"], capture_output=True, text=True, cwd=REPO, env=env)
    if p.returncode != 0:
        raise SystemExit(p.stderr[-800:])
    out = json.loads(p.stdout)
    return {"tps": out["timings"]["generation_tokens_per_s"], "tokens": out["usage"]["completion_tokens"],
            "output": out["output"], "threads": out["timings"].get("threads")}


async def app_run(args, settings, engine=None, presses: int = 0) -> dict:
    """One generation in a fresh headless app; `engine` given: generate in this process (the old path)."""
    from textual.widgets import Input, Select, TextArea

    app = ProbeApp(settings=settings, document=args.doc, load_model=engine is None)
    out: dict = {}
    async with app.run_test(size=(120, 36)) as pilot:
        if engine is not None:
            app.use_engine(engine)
        while app.model_status != "ready" or app.draft_screen is None:
            if app.model_status == "error":
                raise SystemExit(app.model_message)
            await pilot.pause(0.05)
        d = app.draft_screen
        while not d.document_text().strip():
            await pilot.pause(0.05)
        d.query_one("#template", Select).value = TEMPLATE
        await pilot.pause()
        d.query_one("#prefill", TextArea).load_text(PREFILL)
        d.query_one("#max-tokens", Input).value = str(args.max_tokens)
        d.query_one("#seed", Input).value = "1"
        d.query_one("#temperature", Input).value = "0.7"
        await pilot.pause(0.6)  # let the token count finish
        for _ in range(presses):
            await press_probe(app)
            await asyncio.sleep(0.03)
        out["idle_handled"], out["idle_painted"] = list(app.handled), list(app.painted)
        app.handled.clear()
        app.painted.clear()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await pilot.press("f5")
        while d.generating and len(d.answer.text) <= len(PREFILL):
            await asyncio.sleep(0.01)
        while d.generating:
            if presses:
                await press_probe(app)
            await asyncio.sleep(0.05)
        # CPU this process (UI thread, streaming thread; in-process: the engine too) used while generating
        out["app_cpu"] = (time.process_time() - cpu0) / max(1e-9, time.perf_counter() - wall0)
        while d.last_result is None:
            await asyncio.sleep(0.02)
        out["gen_handled"], out["gen_painted"] = list(app.handled), list(app.painted)
        done = d.last_result.done
        out.update(tps=done.timings.generation_tokens_per_s, tokens=done.usage.completion_tokens, output=done.output,
                   threads=done.timings.threads)
    return out


def ms(values: list[float]) -> str:
    if not values:
        return "—"
    v = sorted(values)
    p95 = v[min(len(v) - 1, int(0.95 * len(v)))]
    return f"{1000 * statistics.median(v):6.1f} ms (p95 {1000 * p95:6.1f})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--presses", type=int, default=20)
    ap.add_argument("--doc", default=str(REPO / "examples" / "peticao-curta.txt"))
    ap.add_argument("--with-inprocess", action="store_true")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="legalprompt-bench-tui-")
    os.environ["LEGALPROMPT_DATA_DIR"] = tmp  # the app and the CLI write their histories there
    env = dict(os.environ)

    from legalprompt.config import load_settings

    settings, _ = load_settings({"model": args.model})
    engine = None
    if args.with_inprocess:
        from legalprompt.engine.loader import load_engine

        engine = load_engine(settings)
    print(f"{args.model} · {args.max_tokens} tokens · {os.cpu_count()} CPUs · load {loadavg():.1f} · "
          f"{args.pairs} pairs")
    rows = []
    keys: dict[str, list[float]] = {}
    for i in range(args.pairs):
        members = ["run", "app"] + (["app in-process"] if engine is not None else [])
        if i % 2:
            members.reverse()
        row = {}
        for m in members:
            if m == "run":
                row[m] = cli_run(args, env)
            else:
                row[m] = asyncio.run(app_run(args, settings, engine if m == "app in-process" else None))
        if args.presses:  # key latency in a generation of its own: the probes' redraws cost CPU too
            o = asyncio.run(app_run(args, settings, None, presses=args.presses))
            for k in ("idle_handled", "idle_painted", "gen_handled", "gen_painted"):
                keys.setdefault(k, []).extend(o[k])
        same = "sim" if row["run"]["output"] == row["app"]["output"] else "NÃO"
        extra = f"  app process CPU {100 * row['app']['app_cpu']:.0f}% of a core"
        extra += (f"  in-process {row['app in-process']['tps']:6.1f} "
                 f"({row['app in-process']['tps'] / row['run']['tps']:.2f}x)" if engine is not None else "")
        print(f"pair {i + 1}: run {row['run']['tps']:6.1f} tok/s ({row['run']['threads']} threads)  "
              f"app {row['app']['tps']:6.1f} tok/s ({row['app']['threads']} threads)  "
              f"ratio {row['app']['tps'] / row['run']['tps']:.2f}  same answer: {same}{extra}  "
              f"(load {loadavg():.1f})", flush=True)
        rows.append(row)
    ratios = [r["app"]["tps"] / r["run"]["tps"] for r in rows if r["run"]["tps"] > 0]
    print(f"\nmedian ratio app/run: {statistics.median(ratios):.2f}  (goal ≥ 0.95)")
    if engine is not None:
        ip = [r["app in-process"]["tps"] / r["run"]["tps"] for r in rows if r["run"]["tps"] > 0]
        print(f"median ratio app in-process/run: {statistics.median(ip):.2f}")
    if keys:
        idle = statistics.median(keys["idle_painted"]) if keys.get("idle_painted") else 0
        gen = statistics.median(keys["gen_painted"]) if keys.get("gen_painted") else 0
        print(f"key → action   idle {ms(keys['idle_handled'])}   generating {ms(keys['gen_handled'])}")
        print(f"key → painted  idle {ms(keys['idle_painted'])}   generating {ms(keys['gen_painted'])}"
              + (f"   ratio {gen / idle:.2f} (goal ≤ 2)" if idle else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
