"""`legalprompt run` (the real CLI process) against llama-cpp-python called directly, in interleaved pairs.

Each pair runs, in alternating order:
- run:    `python -m legalprompt run DOC --json ...`, reading its own `generation_tokens_per_s`;
- direct: a child process with a bare `llama_cpp.Llama` on the same GGUF, the same prompt token ids (taken from
          the drafting core's `Drafter.prepare`, so both sides see the same tokens), the same n_ctx, n_batch,
          threads and greedy sampling with the template's repeat penalty, generating the same number of tokens.
Both count generation tokens per second the same way: tokens after the first, over the time from the first
generated token to the last (the definition used by the engine, `run --json`, the history and the TUI).

    .venv/bin/python bench/run_vs_direct.py [--models gemma3-270m smollm2-135m] [--pairs 10] [--gen-tokens 96]
        [--threads 2] [--doc examples/acordao-rhc-115078.txt] [--template resumo]
Prints each ratio (run / direct) and the median per model.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, document_excerpt, loadavg, median  # noqa: E402

DIRECT = r"""
import json, sys, time
import llama_cpp
path, ids_file, n_gen, threads, n_ctx, n_batch, rp = sys.argv[1:8]
ids = json.load(open(ids_file))
llm = llama_cpp.Llama(model_path=path, n_ctx=int(n_ctx), n_batch=int(n_batch), n_threads=int(threads),
                      n_threads_batch=int(threads), n_gpu_layers=0, logits_all=False, verbose=False)
vocab = llm._model.vocab
n = 0; t_first = t_last = None
t0 = time.perf_counter()
for tok in llm.generate(ids, temp=0.0, repeat_penalty=float(rp), reset=True):
    now = time.perf_counter()
    if t_first is None:
        t_first = now
    if llama_cpp.llama_vocab_is_eog(vocab, tok):
        break
    n += 1
    t_last = now
    if n >= int(n_gen):
        break
print(json.dumps({"generation_tokens_per_s": (n - 1) / (t_last - t_first) if n > 1 else 0.0, "n": n,
                  "ttft_s": t_first - t0}))
"""


def prompt_ids(model: str, doc: str, template: str, n_ctx: int, threads: int, gen: int) -> tuple[list[int], dict]:
    from legalprompt.config import load_settings
    from legalprompt.drafting import DraftRequest, Drafter
    from legalprompt.engine.loader import load_engine

    settings, _ = load_settings({"model": model, "n_ctx": n_ctx, "threads": threads})
    engine = load_engine(settings)
    text = Path(doc).read_text(encoding="utf-8")
    prep = Drafter(engine, settings).prepare(DraftRequest(template=template, document=text, temperature=0.0,
                                                          max_tokens=gen, seed=0))
    info = {"path": str(engine.ref.path), "n_ctx": engine.n_ctx, "n_batch": engine.llm.n_batch,
            "repeat_penalty": prep.params.repeat_penalty}
    return list(prep.tokens), info


def run_cli(model, doc, template, n_ctx, threads, gen, env) -> dict:
    p = subprocess.run([sys.executable, "-m", "legalprompt", "run", doc, "-t", template, "--json", "--model", model,
                        "--n-ctx", str(n_ctx), "--threads", str(threads), "--max-tokens", str(gen),
                        "--temperature", "0", "--seed", "0"], capture_output=True, text=True, cwd=REPO, env=env)
    if p.returncode != 0:
        raise SystemExit(f"legalprompt run failed: {p.stderr[-500:]}")
    data = json.loads(p.stdout)
    t = data["timings"]
    return {"generation_tokens_per_s": t["generation_tokens_per_s"], "n": data["usage"]["completion_tokens"],
            "ttft_s": t["time_to_first_token_s"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", nargs="+", default=["gemma3-270m", "smollm2-135m"])
    ap.add_argument("--pairs", type=int, default=10)
    ap.add_argument("--gen-tokens", type=int, default=96)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n-ctx", type=int, default=4096)
    ap.add_argument("--doc", default=str(REPO / "examples" / "acordao-rhc-115078.txt"))
    ap.add_argument("--doc-chars", type=int, default=2400,
                    help="cut the document to about this many characters (2400: a ~1000-token prompt); 0: whole")
    ap.add_argument("--template", default="resumo")
    args = ap.parse_args()
    load0 = loadavg()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, LEGALPROMPT_DATA_DIR=str(Path(tmp, "data")), LEGALPROMPT_CONFIG_DIR=str(Path(tmp, "cfg")))
        args.doc = document_excerpt(args.doc, args.doc_chars, tmp)
        for model in args.models:
            ids, info = prompt_ids(model, args.doc, args.template, args.n_ctx, args.threads, args.gen_tokens)
            ids_file = Path(tmp, "ids.json")
            ids_file.write_text(json.dumps(ids))
            print(f"{model}: {len(ids)}-token prompt, {args.gen_tokens} greedy tokens, {args.threads} threads, "
                  f"n_ctx {info['n_ctx']}, n_batch {info['n_batch']}, repeat penalty {info['repeat_penalty']}")
            ratios = []
            for i in range(args.pairs):
                res = {}
                for side in (("run", "direct") if i % 2 == 0 else ("direct", "run")):
                    if side == "run":
                        res[side] = run_cli(model, args.doc, args.template, args.n_ctx, args.threads,
                                            args.gen_tokens, env)
                    else:
                        p = subprocess.run([sys.executable, "-c", DIRECT, info["path"], str(ids_file),
                                            str(args.gen_tokens), str(args.threads), str(info["n_ctx"]),
                                            str(info["n_batch"]), str(info["repeat_penalty"])],
                                           capture_output=True, text=True, check=True)
                        res[side] = json.loads(p.stdout.strip().splitlines()[-1])
                r = res["run"]["generation_tokens_per_s"] / res["direct"]["generation_tokens_per_s"]
                ratios.append(r)
                print(f"  pair {i + 1:>2}: run {res['run']['generation_tokens_per_s']:6.1f} tok/s "
                      f"({res['run']['n']} tokens)  direct {res['direct']['generation_tokens_per_s']:6.1f} tok/s "
                      f"({res['direct']['n']} tokens)  ratio {r:.3f}", flush=True)
            print(f"  {model}: median ratio run/direct {median(ratios):.3f} over {len(ratios)} pairs "
                  f"(min {min(ratios):.3f}, max {max(ratios):.3f})")
    print(f"load average {load0:.1f} -> {loadavg():.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
