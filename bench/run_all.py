"""Run every performance benchmark, print one table, write one JSON under bench/results/.

    .venv/bin/python bench/run_all.py [--quick] [--only engine startup memory prefix throughput]

Each benchmark also writes its own JSON (bench/results/<name>-<time>.json and <name>-latest.json); this
one writes bench/results/all-<time>.json with the machine, the load average before and after, and all
results. Set LLAMA_BENCH to a llama-bench binary to add llama.cpp's own figures (see bench/README.md).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import load_note, loadavg, machine, print_table, write_json  # noqa: E402

import engine_vs_direct  # noqa: E402
import memory  # noqa: E402
import prefix_cache  # noqa: E402
import startup  # noqa: E402
import throughput  # noqa: E402

BENCHES = {
    "engine": (engine_vs_direct, [], ["--quick"]),
    "prefix": (prefix_cache, [], ["--quick"]),
    "startup": (startup, [], ["--reps", "3"]),
    "throughput": (throughput, [], ["--mb", "0.5", "--reps", "2"]),
    "memory": (memory, [], ["--reps", "1", "--max-tokens", "16"]),
}


def summary_rows(name: str, data: dict) -> list[list]:
    rows = []
    if name == "engine":
        for r in data["results"]:
            m, p, g = r["model"], r["prompt"], r["generation"]
            rows.append([f"{m}: prompt eval tok/s (engine / direct)", f"{p['engine_tps']:.1f}", f"{p['direct_tps']:.1f}",
                         f"{p['ratio']:.3f}"])
            rows.append([f"{m}: prompt eval vs same-shape direct", f"{p['engine_tps']:.1f}",
                         f"{p['direct_same_shape_tps']:.1f}", f"{p['ratio_same_shape']:.3f}"])
            rows.append([f"{m}: generation tok/s (engine / direct)", f"{g['engine_tps']:.1f}", f"{g['direct_tps']:.1f}",
                         f"{g['ratio']:.3f}"])
            if "included" in r:
                i = r["included"]
                rows.append([f"{m}: drafting path prompt tok/s", f"{i['prompt_tps']:.1f}", f"{i['direct_prompt_tps']:.1f}",
                             f"{i['prompt_ratio']:.3f}"])
                rows.append([f"{m}: drafting path generation tok/s", f"{i['gen_tps']:.1f}", f"{i['direct_gen_tps']:.1f}",
                             f"{i['gen_ratio']:.3f}"])
            lb = r.get("llama_bench")
            if lb and "error" not in lb:
                rows.append([f"{m}: llama-bench pp / tg tok/s (record)", f"{lb.get('prompt_tps') or 0:.1f}",
                             f"{lb.get('gen_tps') or 0:.1f}", "-"])
    elif name == "prefix":
        for r in data["results"]:
            m = r["model"]
            rows.append([f"{m}: TTFT s cold / warm prefix (engine)", f"{r['engine_cold_ttft_s']:.3f}",
                         f"{r['engine_warm_ttft_s']:.3f}", f"{r['engine_speedup']:.2f}x"])
            rows.append([f"{m}: TTFT s cold / warm prefix (direct)", f"{r['direct_cold_ttft_s']:.3f}",
                         f"{r['direct_warm_ttft_s']:.3f}", f"{r['direct_speedup']:.2f}x"])
            rows.append([f"{m}: TTFT s cold / warm (drafting, new prefill)", f"{r['draft_cold_ttft_s']:.3f}",
                         f"{r['draft_warm_ttft_s']:.3f}", f"{r['draft_speedup']:.2f}x"])
    elif name == "startup":
        r = data["results"]
        rows.append(["legalprompt --help s (ours / python -c pass)", f"{r['help_s']:.3f}", f"{r['python_start_s']:.3f}",
                     f"{r['help_s'] / r['python_start_s']:.2f}x"])
        rows.append(["legalprompt models s (ours / python -c pass)", f"{r['models_s']:.3f}",
                     f"{r['python_start_s']:.3f}", f"{r['models_s'] / r['python_start_s']:.2f}x"])
        if r["tui"]:
            t = r["tui"]
            rows.append(["TUI first paint s (ours / empty Textual app)", f"{t['first_paint_s']:.3f}",
                         f"{t['empty_textual_first_paint_s']:.3f}",
                         f"{t['first_paint_s'] / t['empty_textual_first_paint_s']:.2f}x"])
        else:
            rows.append(["TUI first paint", "not yet measurable", "-", "-"])
        rows.append(["--help imports llama_cpp/numpy/textual...", ", ".join(r["help_imports_heavy"]) or "none",
                     "-", "-"])
    elif name == "throughput":
        f = data["results"]["figures"]
        base = f["regex_baseline"]["mb_per_s"]
        for k, v in f.items():
            if k != "regex_baseline":
                rows.append([f"{k} MB/s (ours / one regex word pass)", f"{v['mb_per_s']:.2f}", f"{base:.2f}",
                             f"{v['x_regex_pass']:.1f}x slower"])
    elif name == "memory":
        for r in data["results"]:
            rows.append([f"{r['model']}: peak RSS MB (ours / direct), file {r['file_bytes'] / 1e6:.0f} MB",
                         f"{r['peak_rss_ours'] / 1e6:.0f}", f"{r['peak_rss_direct'] / 1e6:.0f}",
                         f"{r['ours_over_file']:.2f}x file"])
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="each benchmark's short settings")
    ap.add_argument("--only", nargs="+", choices=list(BENCHES), default=list(BENCHES))
    ap.add_argument("--verbose", action="store_true", help="show each benchmark's own output too")
    args = ap.parse_args(argv)
    info = machine()
    t0 = time.perf_counter()
    results, rows = {}, []
    for name in args.only:
        mod, full, quick = BENCHES[name]
        print(f"running {name} ...", file=sys.stderr, flush=True)
        buf = io.StringIO()
        if args.verbose:
            data = mod.main(quick if args.quick else full)
        else:
            with redirect_stdout(buf):
                data = mod.main(quick if args.quick else full)
        results[name] = data
        rows += summary_rows(name, data)
    info["loadavg_end"] = loadavg()
    info["elapsed_s"] = time.perf_counter() - t0
    note = load_note(info["loadavg_start"], info["loadavg_end"])
    title = (f"legalprompt performance on {info['cpu']} ({info['physical_cores']} physical cores, "
             f"{info['logical_cpus']} logical), llama-cpp-python {info['llama_cpp_python']}, commit {info['commit']}; "
             f"load average {info['loadavg_start']:.2f} -> {info['loadavg_end']:.2f}")
    text = print_table(title, ["figure", "ours", "baseline", "ratio"], rows)
    if note:
        print(f"note: {note}")
    path = write_json("all", {"machine": info, "note": note, "table": text, "results": results})
    print(f"json: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
