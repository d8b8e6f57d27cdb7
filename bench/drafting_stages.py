"""Where the drafting path's time goes: each stage added on top of the bare engine, measured one at a time.

One process, one loaded model, the same prompt tokens and greedy sampling for every stage; the stages run
interleaved (rotating order each repetition) so that noise from other work hits them alike:
  engine     Engine.generate, events consumed and dropped (the baseline)
  drafter    Drafter.stream with no history and no citation check (text assembly, result object)
  +history   the same with the SQLite history: the row written first, the partial answer saved every second
  +check     plus the citation check of the answer at the end (what `run` does)
  +print     plus each piece written and flushed to a terminal-like sink (/dev/null through a text stream)
Generation tokens per second use the one definition used everywhere: tokens after the first, over the time
from the first generated token to the end of the stage's work (the final check and history write included).

    .venv/bin/python bench/drafting_stages.py [--model smollm2-135m] [--reps 5] [--gen-tokens 96] [--threads 2]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, document_excerpt, loadavg  # noqa: E402

STAGES = ["engine", "drafter", "+history", "+check", "+print"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--gen-tokens", type=int, default=96)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--doc", default=str(REPO / "examples" / "acordao-rhc-115078.txt"))
    ap.add_argument("--doc-chars", type=int, default=2400,
                    help="cut the document to about this many characters (2400: a ~1000-token prompt); 0: whole")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ["LEGALPROMPT_DATA_DIR"] = tmp
    from legalprompt.config import load_settings
    from legalprompt.drafting import DraftRequest, Drafter, DraftResult
    from legalprompt.engine.events import DoneEvent, TextEvent
    from legalprompt.engine.loader import load_engine
    from legalprompt.store.history import History

    settings, _ = load_settings({"model": args.model, "threads": args.threads, "n_ctx": 4096})
    engine = load_engine(settings)
    text = document_excerpt(args.doc, args.doc_chars)
    history = History(Path(tmp) / "h.sqlite3")

    def request(check: bool) -> DraftRequest:
        return DraftRequest(template="resumo", document=text, temperature=0.0, max_tokens=args.gen_tokens, seed=0,
                            check_citations=check)

    base = Drafter(engine, settings).prepare(request(False))
    sink = io.TextIOWrapper(open(os.devnull, "wb"), encoding="utf-8", line_buffering=False)

    def run_stage(stage: str) -> float:
        t_first = None
        n = 0
        if stage == "engine":
            for ev in engine.generate(base.tokens, base.params, prefill=base.prefill):
                if isinstance(ev, TextEvent):
                    t_first = t_first or time.perf_counter()
                elif isinstance(ev, DoneEvent):
                    n = ev.usage.completion_tokens
            end = time.perf_counter()
        else:
            drafter = Drafter(engine, settings, history if stage != "drafter" else None)
            prep = drafter.prepare(request(stage in ("+check", "+print")))
            for ev in drafter.stream(prep):
                if isinstance(ev, TextEvent):
                    t_first = t_first or time.perf_counter()
                    if stage == "+print":
                        sink.write(ev.text)
                        sink.flush()
                elif isinstance(ev, DraftResult):
                    n = ev.done.usage.completion_tokens
            end = time.perf_counter()
        return (n - 1) / (end - t_first) if n > 1 and t_first else 0.0

    run_stage("engine")  # warm the prompt's prefix so every stage generates after the same cached prompt
    results: dict[str, list[float]] = {s: [] for s in STAGES}
    load0 = loadavg()
    for rep in range(args.reps):
        order = STAGES[rep % len(STAGES):] + STAGES[:rep % len(STAGES)]
        for stage in order:
            results[stage].append(run_stage(stage))
        print(f"rep {rep + 1}: " + "  ".join(f"{s} {results[s][-1]:.1f}" for s in STAGES), flush=True)
    base_m = statistics.median(results["engine"])
    print(f"\n{args.model}, {len(base.tokens)}-token prompt (cached), {args.gen_tokens} greedy tokens, "
          f"{args.threads} threads, load {load0:.1f} -> {loadavg():.1f}")
    print(f"{'stage':<10} {'median tok/s':>12} {'vs engine':>10}")
    for s in STAGES:
        m = statistics.median(results[s])
        print(f"{s:<10} {m:>12.1f} {m / base_m:>10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
