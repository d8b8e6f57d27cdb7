"""Peak memory of a run against the model file's size.

For each bundled model, in child processes run one after the other (interleaved over repetitions):
- ours: `legalprompt run DOC --model M --temperature 0 --max-tokens N` (template, history, citation check);
- direct: a bare llama-cpp-python program doing the same generation (same n_ctx, threads, prompt tokens);
- python: `import llama_cpp` and nothing else (the floor of any llama-cpp-python program).
The peak RSS of each child is its /proc VmHWM, polled while it runs. The model file is memory-mapped, so its
pages count in RSS once touched.

    .venv/bin/python bench/memory.py [--models ...] [--reps 2] [--max-tokens 32]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MODELS, REPO, interleaved, legal_text, load_note, loadavg, machine, median, print_table, write_json  # noqa: E402

MB = 1_000_000

_DIRECT = """
import sys, llama_cpp
from legalprompt.engine.models import resolve_model
from legalprompt.engine.params import physical_cores
model, doc_path, n_ctx, max_tokens = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ref = resolve_model(model)
llm = llama_cpp.Llama(model_path=str(ref.path), n_ctx=n_ctx, n_batch=512, n_threads=physical_cores(),
                      n_threads_batch=physical_cores(), n_gpu_layers=0, logits_all=False, verbose=False)
text = open(doc_path, encoding="utf-8").read()
toks = llm.tokenize(text.encode("utf-8"), add_bos=True)
out = []
for t in llm.generate(toks, temp=0.0, repeat_penalty=1.0):
    if llama_cpp.llama_vocab_is_eog(llm._model.vocab, t) or len(out) >= max_tokens:
        break
    out.append(t)
print(len(toks), len(out))
"""


def _vm_hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def peak_rss(cmd: list[str], env: dict) -> tuple[int, float, str]:
    """(peak RSS bytes, seconds, stderr tail) of one child process.

    Read from the child's own /proc VmHWM while it runs (it is monotonic, so the last reading is the
    peak). Not ru_maxrss from wait4: on Linux a child's ru_maxrss starts at its parent's RSS at fork,
    so after run_all.py has loaded models every child would report the parent's size."""
    import threading

    t = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]

    def watch():
        while p.poll() is None:
            peak[0] = max(peak[0], _vm_hwm(p.pid))
            time.sleep(0.02)

    w = threading.Thread(target=watch, daemon=True)
    w.start()
    err = p.stderr.read().decode("utf-8", "replace") if p.stderr else ""
    p.wait()
    w.join()
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}): {err[-600:]}")
    return peak[0], time.perf_counter() - t, err[-300:]


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", nargs="+", default=list(MODELS))
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--max-tokens", type=int, default=32)
    ap.add_argument("--doc-chars", type=int, default=3000)
    ap.add_argument("--n-ctx", type=int, default=4096, help="the CLI's default context")
    args = ap.parse_args(argv)
    info = machine()
    from legalprompt.engine.gguf_meta import read_gguf
    from legalprompt.engine.models import resolve_model

    exe = Path(sys.executable).parent / "legalprompt"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "legalprompt"]
    results = []
    with tempfile.TemporaryDirectory(prefix="lp-mem-") as tmp:
        doc = Path(tmp) / "documento.txt"
        doc.write_text(legal_text()[: args.doc_chars], encoding="utf-8")
        env = dict(os.environ, LEGALPROMPT_CONFIG_DIR=os.path.join(tmp, "cfg"),
                   LEGALPROMPT_DATA_DIR=os.path.join(tmp, "data"))
        for model in args.models:
            ref = resolve_model(model)
            size = ref.path.stat().st_size
            meta = read_gguf(ref.path)
            res = interleaved(args.reps, {
                "ours": lambda r, m=model: peak_rss(cli + ["run", str(doc), "--model", m, "--temperature", "0",
                                                           "--seed", "0", "--max-tokens", str(args.max_tokens),
                                                           "--n-ctx", str(args.n_ctx)], env),
                "direct": lambda r, m=model: peak_rss([sys.executable, "-c", _DIRECT, m, str(doc), str(args.n_ctx),
                                                       str(args.max_tokens)], env),
                "import_llama_cpp": lambda r: peak_rss([sys.executable, "-c", "import llama_cpp"], env),
            })
            m = {k: median([x[0] for x in v]) for k, v in res.items()}
            results.append({"model": model, "file_bytes": size, "weights_bytes": meta.data_size,
                            "n_ctx": args.n_ctx, "peak_rss_ours": m["ours"], "peak_rss_direct": m["direct"],
                            "peak_rss_import_llama_cpp": m["import_llama_cpp"],
                            "ours_over_file": m["ours"] / size, "ours_minus_direct": m["ours"] - m["direct"]})
    info["loadavg_end"] = loadavg()
    note = load_note(info["loadavg_start"], info["loadavg_end"])
    rows = []
    for r in results:
        rows.append([r["model"], f"{r['file_bytes'] / MB:.0f}", f"{r['peak_rss_ours'] / MB:.0f}",
                     f"{r['peak_rss_direct'] / MB:.0f}", f"{r['peak_rss_import_llama_cpp'] / MB:.0f}",
                     f"{r['ours_over_file']:.2f}", f"{r['ours_minus_direct'] / MB:+.0f}"])
    text = print_table(f"peak memory of `legalprompt run` (MB, n_ctx {args.n_ctx}, {args.max_tokens} tokens; medians of "
                       f"{args.reps})", ["model", "file", "ours", "direct", "import only", "ours/file",
                                         "ours-direct"], rows)
    if note:
        print(f"note: {note}")
    data = {"benchmark": "memory", "machine": info, "note": note, "args": vars(args), "results": results,
            "table": text}
    print(f"json: {write_json('memory', data)}")
    return data


if __name__ == "__main__":
    main()
