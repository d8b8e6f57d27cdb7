"""Time to first token with a warm shared prefix against a cold one.

Each repetition makes a new document (a distinct first line), then:
- cold: the first request on that document (nothing shared with the previous request);
- warm: a second request on the same document with a different ending (another question, or another
  prefill on the drafting path), so only the suffix should be evaluated.

Measured on our engine (`Engine.generate`, and the drafting path `Drafter.stream` with the `resumo`
template and two prefills) and, side by side, on llama-cpp-python's own prefix reuse
(`Llama.generate(tokens, reset=True)` keeps the longest common prefix). The engine reuses only whole
n_batch chunks evaluated in its canonical shape (see `Engine._eval_reusing_prefix`: same seed, same
answer whatever was cached), so its warm figure re-evaluates the partial last chunk that llama-cpp-python
would keep.

    .venv/bin/python bench/prefix_cache.py [--models ...] [--reps 5] [--doc-tokens 900]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MODELS, legal_text, load_note, loadavg, machine, median, print_table, ratio, write_json  # noqa: E402

QUESTIONS = ("\n\nPergunta: quem são as partes?\nResposta:", "\n\nPergunta: o que foi decidido?\nResposta:")


def bench_model(model: str, args) -> dict:
    import llama_cpp

    from legalprompt.config import load_settings
    from legalprompt.drafting import Drafter, DraftRequest
    from legalprompt.engine.events import TextEvent
    from legalprompt.engine.llama_engine import Engine
    from legalprompt.engine.models import resolve_model
    from legalprompt.engine.params import LoadOptions, SamplingParams
    from legalprompt.store.history import History

    eng = Engine(resolve_model(model), LoadOptions(n_ctx=args.n_ctx, gpu_layers="0"))
    direct = llama_cpp.Llama(model_path=str(eng.ref.path), n_ctx=eng.n_ctx, n_batch=eng.llm.n_batch,
                             n_threads=eng.n_threads, n_threads_batch=eng.n_threads, n_gpu_layers=0,
                             logits_all=False, verbose=False)
    text = legal_text()
    body = direct.tokenize(text.encode("utf-8"), add_bos=False)[: args.doc_tokens]
    doc = direct.detokenize(body).decode("utf-8", "replace")
    params = SamplingParams(temperature=0.0, repeat_penalty=1.0, max_tokens=1, seed=0)

    def doc_tokens(rep: int, q: int) -> list[int]:
        return eng.tokenize(f"Processo {rep * 7919 + 13}.\n{doc}{QUESTIONS[q]}", add_bos=True)

    def ours(tokens):
        t = time.perf_counter()
        for ev in eng.generate(tokens, params):
            if not isinstance(ev, TextEvent):
                done = ev
        return time.perf_counter() - t, done.usage.cached_prompt_tokens

    def theirs(tokens):
        t = time.perf_counter()
        for _ in direct.generate(tokens, temp=0.0, repeat_penalty=1.0, reset=True):
            break
        return time.perf_counter() - t

    data_dir = tempfile.mkdtemp(prefix="lp-prefix-")
    os.environ["LEGALPROMPT_DATA_DIR"] = data_dir
    settings, _ = load_settings({})
    drafter = Drafter(eng, settings, History())

    def draft(rep: int, prefill: str):
        req = DraftRequest(template="resumo", document=f"Processo {rep * 7919 + 13}.\n{doc}", prefill=prefill,
                           temperature=0.0, max_tokens=1, seed=0, check_citations=False)
        t = time.perf_counter()
        prep = drafter.prepare(req)
        for ev in drafter.stream(prep):
            if not isinstance(ev, TextEvent):
                result = ev
                break
        return time.perf_counter() - t, result.done.usage.cached_prompt_tokens, len(prep.tokens)

    ours(doc_tokens(99_999, 0))  # warm-up
    theirs(doc_tokens(99_998, 0))
    rows = {k: [] for k in ("cold", "warm", "direct_cold", "direct_warm", "draft_cold", "draft_warm")}
    cached = {"warm": set(), "cold": set(), "draft_warm": set()}
    n_prompt = len(doc_tokens(0, 1))
    n_draft = 0
    for rep in range(args.reps):
        a, b = doc_tokens(rep, 0), doc_tokens(rep, 1)
        steps = [("ours", a, b), ("direct", a, b)]
        for side, first, second in (steps if rep % 2 == 0 else steps[::-1]):
            if side == "ours":
                t, c = ours(first)
                rows["cold"].append(t)
                cached["cold"].add(c)
                t, c = ours(second)
                rows["warm"].append(t)
                cached["warm"].add(c)
            else:
                rows["direct_cold"].append(theirs(first))
                rows["direct_warm"].append(theirs(second))
        t, _, n_draft = draft(rep, "Resumo:")
        rows["draft_cold"].append(t)
        t, c, _ = draft(rep, "Resumo: As partes")
        rows["draft_warm"].append(t)
        cached["draft_warm"].add(c)
    m = {k: median(v) for k, v in rows.items()}
    return {
        "model": model, "prompt_tokens": n_prompt, "draft_prompt_tokens": n_draft, "n_batch": eng.llm.n_batch,
        "engine_cold_ttft_s": m["cold"], "engine_warm_ttft_s": m["warm"],
        "engine_speedup": ratio(m["cold"], m["warm"]),
        "engine_cached_tokens_warm": sorted(cached["warm"]), "engine_cached_tokens_cold": sorted(cached["cold"]),
        "direct_cold_ttft_s": m["direct_cold"], "direct_warm_ttft_s": m["direct_warm"],
        "direct_speedup": ratio(m["direct_cold"], m["direct_warm"]),
        "draft_cold_ttft_s": m["draft_cold"], "draft_warm_ttft_s": m["draft_warm"],
        "draft_speedup": ratio(m["draft_cold"], m["draft_warm"]),
        "draft_cached_tokens_warm": sorted(cached["draft_warm"]),
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", nargs="+", default=list(MODELS))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--doc-tokens", type=int, default=900)
    ap.add_argument("--n-ctx", type=int, default=2048)
    ap.add_argument("--quick", action="store_true", help="3 repetitions, 600-token document")
    args = ap.parse_args(argv)
    if args.quick:
        args.reps, args.doc_tokens = 3, 600
    info = machine()
    results = [bench_model(m, args) for m in args.models]
    info["loadavg_end"] = loadavg()
    note = load_note(info["loadavg_start"], info["loadavg_end"])
    rows = []
    for r in results:
        m = r["model"]
        rows.append([f"{m} engine ({r['prompt_tokens']} tok, reused {r['engine_cached_tokens_warm']})",
                     f"{r['engine_cold_ttft_s']:.3f}", f"{r['engine_warm_ttft_s']:.3f}", f"{r['engine_speedup']:.2f}x"])
        rows.append([f"{m} direct llama-cpp-python", f"{r['direct_cold_ttft_s']:.3f}", f"{r['direct_warm_ttft_s']:.3f}",
                     f"{r['direct_speedup']:.2f}x"])
        rows.append([f"{m} drafting path, new prefill ({r['draft_prompt_tokens']} tok, reused "
                     f"{r['draft_cached_tokens_warm']})", f"{r['draft_cold_ttft_s']:.3f}",
                     f"{r['draft_warm_ttft_s']:.3f}", f"{r['draft_speedup']:.2f}x"])
    text = print_table(f"time to first token, cold vs warm shared prefix (s, medians of {args.reps}; "
                       f"load {info['loadavg_start']:.2f}->{info['loadavg_end']:.2f})",
                       ["model / path", "cold", "warm", "speed-up"], rows)
    if note:
        print(f"note: {note}")
    data = {"benchmark": "prefix_cache", "machine": info, "note": note, "args": vars(args), "results": results,
            "table": text}
    print(f"json: {write_json('prefix_cache', data)}")
    return data


if __name__ == "__main__":
    main()
