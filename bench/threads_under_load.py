"""Time to first token and generation tok/s of `legalprompt run`, quiet and with a competing process busy on one
core: the default thread choice against fixed --threads 1 and --threads 2, interleaved.

    .venv/bin/python bench/threads_under_load.py [--model smollm2-135m] [--reps 3] [--gen-tokens 64]
        [--doc examples/peticao-curta.txt]
The competitor is a Python busy loop (what `stress --cpu 1` does), started before and killed after each
loaded run. Each figure is the median of --reps runs; every run is a fresh `legalprompt run` process.
"""

from __future__ import annotations

import argparse
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

CONFIGS = {"default": [], "--threads 1": ["--threads", "1"], "--threads 2": ["--threads", "2"]}


def run_once(args, extra: list[str], env: dict) -> dict:
    p = subprocess.run([sys.executable, "-m", "legalprompt", "run", args.doc, "-t", "resumo", "--json", "--model",
                        args.model, "--max-tokens", str(args.gen_tokens), "--temperature", "0", "--seed", "0",
                        *extra], capture_output=True, text=True, cwd=REPO, env=env)
    if p.returncode != 0:
        raise SystemExit(p.stderr[-800:])
    t = json.loads(p.stdout)["timings"]
    return {"ttft": t["time_to_first_token_s"], "tps": t["generation_tokens_per_s"], "threads": t.get("threads")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--gen-tokens", type=int, default=64)
    ap.add_argument("--doc", default=str(REPO / "examples" / "peticao-curta.txt"))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    env = dict(os.environ, LEGALPROMPT_DATA_DIR=tmp)
    results: dict[tuple[str, str], list[dict]] = {}
    print(f"{args.model}, {args.gen_tokens} greedy tokens, {os.cpu_count()} CPUs, load {loadavg():.1f}")
    for rep in range(args.reps):
        for cond in ("quiet", "loaded"):
            names = list(CONFIGS) if rep % 2 == 0 else list(CONFIGS)[::-1]
            for name in names:
                spin = None
                if cond == "loaded":
                    spin = subprocess.Popen([sys.executable, "-c", "while True: pass"])
                    time.sleep(0.5)
                try:
                    r = run_once(args, CONFIGS[name], env)
                finally:
                    if spin is not None:
                        spin.kill()
                        spin.wait()
                results.setdefault((cond, name), []).append(r)
                print(f"  rep {rep + 1} {cond:<6} {name:<12} ttft {r['ttft']:6.2f} s  {r['tps']:6.1f} tok/s  "
                      f"threads {r['threads']}", flush=True)
    print(f"\n{'condition':<8} {'threads':<12} {'ttft (s)':>9} {'tok/s':>7} {'used':>5}")
    for cond in ("quiet", "loaded"):
        for name in CONFIGS:
            rs = results[(cond, name)]
            print(f"{cond:<8} {name:<12} {statistics.median(r['ttft'] for r in rs):>9.2f} "
                  f"{statistics.median(r['tps'] for r in rs):>7.1f} {rs[-1]['threads']!s:>5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
