"""How fast the TUI reacts to a key press while the model generates, against the same measure when idle;
and whether the UI's redraws slow generation down.

    .venv/bin/python bench/tui_latency.py [--rounds 2] [--max-tokens 96] [--presses 25]

The app runs headless (Textual's run_test) on the bundled model. A key (F12, bound to a probe action) is
posted to the app; we record (a) when its action runs and (b) when the screen refresh that follows it has
been composed. Idle and generating presses are taken in the same process, interleaved by round.

Generation speed (tokens/s from the engine's own timings) is measured, interleaved round by round, for:
bare Drafter stream in a thread (no UI) | app, updates coalesced every 80 ms (the default) | app, an update
per token (no coalescing) | app with llama.cpp on cores-1 threads (one core left to the UI).
Figures are medians; on a shared machine compare the ratios, not the absolute values.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from textual import events  # noqa: E402
from textual.binding import Binding  # noqa: E402

from legalprompt.tui import streaming  # noqa: E402
from legalprompt.tui.app import LegalPromptApp  # noqa: E402

DOC = REPO / "examples" / "peticao-curta.txt"
PREFILL = "EMENTA: DIREITO DO CONSUMIDOR. RESPONSABILIDADE CIVIL. INSCRIÇÃO INDEVIDA."


class ProbeApp(LegalPromptApp):
    BINDINGS = [*LegalPromptApp.BINDINGS, Binding("f12", "probe", show=False, priority=True)]

    def __init__(self, **kw):
        super().__init__(**kw)
        self.sent: float = 0.0
        self.handled: list[float] = []
        self.painted: list[float] = []

    def action_probe(self) -> None:
        t = time.perf_counter()
        self.handled.append(t - self.sent)
        # the visible reaction: scroll the answer, then note when the refresh has been composed
        self.screen.refresh()
        self.call_after_refresh(lambda: self.painted.append(time.perf_counter() - self.sent))


def ms(values: list[float]) -> str:
    if not values:
        return "—"
    v = sorted(values)
    p95 = v[min(len(v) - 1, int(0.95 * len(v)))]
    return f"{1000 * statistics.median(v):6.1f} ms (p95 {1000 * p95:6.1f})"


async def press_probe(app: ProbeApp) -> None:
    n = len(app.painted)
    app.sent = time.perf_counter()
    app.post_message(events.Key("f12", None))
    while len(app.painted) == n:
        await asyncio.sleep(0.002)


async def app_round(engine, *, presses: int, max_tokens: int, interval: float) -> dict:
    """Idle presses, then a generation with presses during it. Returns latencies and tokens/s."""
    streaming.UPDATE_INTERVAL_S = interval
    app = ProbeApp(document=str(DOC), load_model=False)
    out: dict = {}
    async with app.run_test(size=(120, 36)) as pilot:
        app.use_engine(engine)
        d = app.draft_screen
        while "Maria" not in d.document_text():
            await pilot.pause(0.05)
        from textual.widgets import Input, TextArea

        d.query_one("#prefill", TextArea).load_text(PREFILL)
        d.query_one("#max-tokens", Input).value = str(max_tokens)
        d.query_one("#seed", Input).value = "1"
        d.query_one("#temperature", Input).value = "0.7"
        await pilot.pause(0.6)  # let the token count finish
        for _ in range(presses):
            await press_probe(app)
            await asyncio.sleep(0.03)
        out["idle_handled"], out["idle_painted"] = list(app.handled), list(app.painted)
        app.handled.clear()
        app.painted.clear()
        await pilot.press("f5")
        while d.generating and len(d.answer.text) <= len(PREFILL):
            await asyncio.sleep(0.01)
        while d.generating:
            await press_probe(app)
            await asyncio.sleep(0.05)
        while d.generating or d.last_result is None:
            await asyncio.sleep(0.02)
        out["gen_handled"], out["gen_painted"] = list(app.handled), list(app.painted)
        done = d.last_result.done
        out["tps"] = done.timings.generation_tokens_per_s
        out["tokens"] = done.usage.completion_tokens
    streaming.UPDATE_INTERVAL_S = 0.08
    return out


def bare_round(engine, settings, max_tokens: int) -> float:
    from legalprompt.drafting import Drafter, DraftRequest, DraftResult

    req = DraftRequest(template="ementa", document=DOC.read_text(encoding="utf-8"), prefill=PREFILL,
                       max_tokens=max_tokens, seed=1, temperature=0.7)
    box: dict = {}

    def work():
        d = Drafter(engine, settings, None)
        for ev in d.stream(d.prepare(req), threading.Event()):
            if isinstance(ev, DraftResult):
                box["r"] = ev

    t = threading.Thread(target=work)
    t.start()
    t.join()
    return box["r"].done.timings.generation_tokens_per_s


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--max-tokens", type=int, default=96)
    ap.add_argument("--presses", type=int, default=25)
    args = ap.parse_args()
    os.environ.setdefault("LEGALPROMPT_DATA_DIR", "/tmp/legalprompt-bench-tui")

    from legalprompt.config import load_settings
    from legalprompt.engine.loader import load_engine
    from legalprompt.engine.params import physical_cores

    settings, _ = load_settings({})
    cores = physical_cores()
    engine = load_engine(settings)
    engine_less = load_engine(settings.model_copy(update={"threads": max(1, cores - 1)})) if cores > 1 else None
    print(f"model {engine.ref.name} · {engine.n_threads} threads (cores-1 variant: "
          f"{engine_less.n_threads if engine_less else '—'}) · load average {os.getloadavg()[0]:.1f} · "
          f"{args.rounds} rounds × {args.max_tokens} tokens")

    res: dict[str, dict[str, list[float]]] = {}

    def add(name: str, key: str, vals):
        res.setdefault(name, {}).setdefault(key, []).extend(vals if isinstance(vals, list) else [vals])

    for r in range(args.rounds):
        add("bare", "tps", bare_round(engine, settings, args.max_tokens))
        for name, eng, interval in (("app 80ms", engine, 0.08), ("app per-token", engine, 0.0),
                                    ("app cores-1", engine_less, 0.08)):
            if eng is None:
                continue
            o = asyncio.run(app_round(eng, presses=args.presses, max_tokens=args.max_tokens, interval=interval))
            for k in ("idle_handled", "idle_painted", "gen_handled", "gen_painted", "tps"):
                add(name, k, o[k])
        print(f"round {r + 1}/{args.rounds} done (load {os.getloadavg()[0]:.1f})", flush=True)

    base = statistics.median(res["bare"]["tps"])
    print(f"\n{'variant':<15} {'tokens/s':>9} {'vs bare':>8}   {'key idle → action':<26} "
          f"{'key generating → action':<26} {'key idle → painted':<26} {'key generating → painted':<26}")
    for name, r in res.items():
        tps = statistics.median(r["tps"])
        print(f"{name:<15} {tps:9.1f} {tps / base:8.2f}   {ms(r.get('idle_handled', [])):<26} "
              f"{ms(r.get('gen_handled', [])):<26} {ms(r.get('idle_painted', [])):<26} {ms(r.get('gen_painted', [])):<26}")


if __name__ == "__main__":
    main()
