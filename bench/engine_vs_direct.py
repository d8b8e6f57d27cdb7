"""Our engine against llama-cpp-python called directly: prompt evaluation and generation tokens/s.

For each bundled model, one process loads the model twice with the same options (threads = physical
cores, same n_ctx and n_batch, logits_all=False, CPU unless --gpu-layers) -- once inside our `Engine`,
once as a bare `llama_cpp.Llama` -- and runs the sides interleaved (A B, B A, ...), reporting medians and
the ratio of medians (engine / direct; 1.0 = no overhead, the goal is >= 0.95).

Sides:
- direct: the cheapest correct use of llama-cpp-python. Prompt: `llm.reset(); llm.eval(tokens)`.
  Generation: `llm.generate(tokens, temp=0, repeat_penalty=1.0)` consuming token ids, stopping at an
  end-of-generation token or at N tokens.
- direct, same shape: the prompt evaluated as our engine does (body in n_batch chunks, then the last token
  alone, which keeps answers deterministic whatever was cached): `eval(tokens[:-1]); eval(tokens[-1:])`.
- engine: `Engine.generate(tokens, greedy params)` consuming TextEvents (incremental detokenisation, stop
  handling, timings). Prompt figure: the engine's own `prompt_eval_s` for a cold prompt; time to first token
  is also reported against the direct generator's.
- included: the whole drafting path, `Drafter.prepare` + `Drafter.stream` (template rendering,
  tokenisation, streaming, history writes in SQLite, citation check of the answer), against the direct
  baseline doing what it must for the same prompt (tokenize the rendered prompt, evaluate, generate).
  Prompt figure: prompt tokens / time to first token; generation: tokens after the first / time from the
  first token to the final result (so the citation check and the history's final write count against us).

Every repetition uses a different prompt (a distinct first line), so prompts are cold on both sides
(checked: the engine reports 0 cached tokens).

    .venv/bin/python bench/engine_vs_direct.py [--models gemma3-270m smollm2-135m] [--reps 5]
        [--prompt-tokens 1000] [--gen-tokens 128] [--quick] [--no-included] [--json]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    MODELS, interleaved, legal_text, load_note, loadavg, machine, median, print_table, ratio, write_json,
)


def _greedy(max_tokens: int):
    from legalprompt.engine.params import SamplingParams

    return SamplingParams(temperature=0.0, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.0,
                          max_tokens=max_tokens, seed=0)


class Pair:
    """One model loaded as our Engine and as a bare llama_cpp.Llama with identical options."""

    def __init__(self, model: str, n_ctx: int, gpu_layers: str):
        import llama_cpp

        from legalprompt.engine.llama_engine import Engine
        from legalprompt.engine.models import resolve_model
        from legalprompt.engine.params import LoadOptions

        self.llama_cpp = llama_cpp
        self.engine = Engine(resolve_model(model), LoadOptions(n_ctx=n_ctx, gpu_layers=gpu_layers))
        eng = self.engine
        n_gpu = -1 if eng.gpu_layers else 0
        self.direct = llama_cpp.Llama(
            model_path=str(eng.ref.path), n_ctx=eng.n_ctx, n_batch=eng.llm.n_batch, n_threads=eng.n_threads,
            n_threads_batch=eng.n_threads, n_gpu_layers=n_gpu, seed=0, logits_all=False, verbose=False)
        self.vocab = self.direct._model.vocab
        self.bos = self.direct.token_bos()

    def prompt(self, body: list[int], rep: int, n: int) -> list[int]:
        """A cold prompt of exactly n tokens: BOS, a line unique to this repetition, the body."""
        head = self.direct.tokenize(f"Processo {rep * 7919 + 13}.\n".encode(), add_bos=False)
        toks = ([self.bos] if self.bos >= 0 else []) + head
        return toks + body[: n - len(toks)]

    # -- direct -------------------------------------------------------------------------------------
    def direct_prompt(self, tokens: list[int], same_shape: bool = False) -> float:
        llm = self.direct
        llm.reset()
        t = time.perf_counter()
        if same_shape:
            llm.eval(tokens[:-1])
            llm.eval(tokens[-1:])
        else:
            llm.eval(tokens)
        return time.perf_counter() - t

    def direct_generate(self, tokens: list[int], n: int) -> dict:
        llm = self.direct
        llm.reset()
        is_eog = self.llama_cpp.llama_vocab_is_eog
        out: list[int] = []
        t0 = time.perf_counter()
        t_first = None
        for tok in llm.generate(tokens, top_k=40, top_p=0.95, min_p=0.05, temp=0.0, repeat_penalty=1.0,
                                reset=True):
            if t_first is None:
                t_first = time.perf_counter()
            if is_eog(self.vocab, tok):
                break
            out.append(tok)
            if len(out) >= n:
                break
        t_end = time.perf_counter()
        return {"ttft_s": t_first - t0, "gen_tps": (len(out) - 1) / (t_end - t_first) if len(out) > 1 else 0.0,
                "tokens": out, "t_first": t_first}

    # -- engine -------------------------------------------------------------------------------------
    def engine_generate(self, tokens: list[int], n: int) -> dict:
        from legalprompt.engine.events import TextEvent

        t0 = time.perf_counter()
        t_first = None
        ids: list[int] = []
        done = None
        for ev in self.engine.generate(tokens, _greedy(n)):
            if isinstance(ev, TextEvent):
                if t_first is None:
                    t_first = time.perf_counter()
                ids.extend(ev.token_ids)
            else:
                done = ev
        t_end = time.perf_counter()
        k = done.usage.completion_tokens
        return {"ttft_s": (t_first or t_end) - t0, "gen_tps": (k - 1) / (t_end - t_first) if k > 1 else 0.0,
                "prompt_tps": done.timings.prompt_tokens_per_s, "prompt_s": done.timings.prompt_eval_s,
                "cached": done.usage.cached_prompt_tokens, "tokens": ids, "engine_gen_tps": done.timings.generation_tokens_per_s}


def included_sides(pair: Pair, doc: str, gen_tokens: int, data_dir: str):
    """The full drafting path (template, tokenize, stream, history, citations) and its direct baseline."""
    from legalprompt.config import load_settings
    from legalprompt.drafting import Drafter, DraftRequest, DraftResult
    from legalprompt.engine.events import TextEvent
    from legalprompt.store.history import History

    os.environ["LEGALPROMPT_DATA_DIR"] = data_dir
    settings, _ = load_settings({})
    drafter = Drafter(pair.engine, settings, History())

    def request(rep: int) -> DraftRequest:
        return DraftRequest(template="resumo", document=f"Processo {rep * 7919 + 13}.\n{doc}",
                            document_label="bench.txt", temperature=0.0, max_tokens=gen_tokens, seed=0)

    def ours(rep: int) -> dict:
        t0 = time.perf_counter()
        prep = drafter.prepare(request(rep))
        t_first = None
        result = None
        for ev in drafter.stream(prep):
            if isinstance(ev, TextEvent):
                if t_first is None:
                    t_first = time.perf_counter()
            else:
                result = ev
        t_end = time.perf_counter()
        assert isinstance(result, DraftResult)
        k = result.done.usage.completion_tokens
        n_prompt = len(prep.tokens)
        t_first = t_first or t_end
        return {"prompt_tps": n_prompt / (t_first - t0), "gen_tps": (k - 1) / (t_end - t_first) if k > 1 else 0.0,
                "n_prompt": n_prompt, "n_gen": k, "cached": result.done.usage.cached_prompt_tokens,
                "text": result.done.generated}

    # The baseline gets the rendered prompt text for free (rendering is ours alone) and pays only for what
    # any llama-cpp-python program must do with it: tokenize, evaluate, generate, detokenize at the end.
    rendered = {}
    bos_text = pair.engine._bos_text.encode("utf-8") or b"\0"

    def direct(rep: int) -> dict:
        if rep not in rendered:
            prep = drafter.prepare(request(rep))
            rendered[rep] = (prep.prompt.text.encode("utf-8"), prep.params.stop)
        text, _ = rendered[rep]
        llm = pair.direct
        t0 = time.perf_counter()
        toks = llm.tokenize(text, add_bos=not text.startswith(bos_text), special=True)
        r = pair.direct_generate(toks, gen_tokens)
        llm.detokenize(r["tokens"])
        t_end = time.perf_counter()
        k = len(r["tokens"])
        return {"prompt_tps": len(toks) / (r["t_first"] - t0),
                "gen_tps": (k - 1) / (t_end - r["t_first"]) if k > 1 else 0.0, "n_prompt": len(toks), "n_gen": k}

    return {"included": ours, "direct": direct}


def llama_bench(path: str, threads: int, n_prompt: int, n_gen: int, reps: int) -> dict | None:
    """llama.cpp's own llama-bench on the same model and threads, when $LLAMA_BENCH names the binary
    (built from the llama.cpp that llama-cpp-python vendors; see bench/README.md). For the record only:
    it runs outside Python and measures pp/tg its own way (prompt in one batch, generation from an empty
    context)."""
    exe = os.environ.get("LLAMA_BENCH")
    if not exe:
        return None
    import json
    import subprocess

    if not Path(exe).is_file():
        return {"error": f"LLAMA_BENCH={exe}: not a file"}
    cmd = [exe, "-m", path, "-t", str(threads), "-p", str(n_prompt), "-n", str(n_gen), "-r", str(reps),
           "-ngl", "0", "-o", "json"]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        rows = json.loads(p.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    out = {"cmd": " ".join(cmd)}
    for r in rows:
        key = "prompt_tps" if r.get("n_prompt") else "gen_tps"
        out[key] = r.get("avg_ts")
        out[key.replace("tps", "stddev")] = r.get("stddev_ts")
    return out


def bench_model(model: str, args) -> dict:
    pair = Pair(model, args.n_ctx, args.gpu_layers)
    eng = pair.engine
    text = legal_text()
    body = pair.direct.tokenize(text.encode("utf-8"), add_bos=False)
    n_prompt = min(args.prompt_tokens, eng.n_ctx - args.gen_tokens - 8)
    gen_prompt_n = min(args.gen_prompt_tokens, n_prompt)
    # Warm-up: first decodes allocate buffers and page the weights in.
    pair.direct_prompt(pair.prompt(body, 10_000, 64))
    list(eng.generate(pair.prompt(body, 10_001, 64), _greedy(4)))

    res_p = interleaved(args.reps, {
        "engine": lambda r: pair.engine_generate(pair.prompt(body, r, n_prompt), 1),
        "direct": lambda r: pair.direct_prompt(pair.prompt(body, r, n_prompt)),
        "direct_same_shape": lambda r: pair.direct_prompt(pair.prompt(body, r, n_prompt), same_shape=True),
        "direct_ttft": lambda r: pair.direct_generate(pair.prompt(body, r, n_prompt), 1),
    })
    cached = sorted({r["cached"] for r in res_p["engine"]})
    prompt = {
        "n_tokens": n_prompt,
        "engine_tps": median([r["prompt_tps"] for r in res_p["engine"]]),
        "direct_tps": median([n_prompt / s for s in res_p["direct"]]),
        "direct_same_shape_tps": median([n_prompt / s for s in res_p["direct_same_shape"]]),
        "engine_ttft_s": median([r["ttft_s"] for r in res_p["engine"]]),
        "direct_ttft_s": median([r["ttft_s"] for r in res_p["direct_ttft"]]),
        "engine_cached_tokens": cached,
    }
    prompt["ratio"] = ratio(prompt["engine_tps"], prompt["direct_tps"])
    prompt["ratio_same_shape"] = ratio(prompt["engine_tps"], prompt["direct_same_shape_tps"])
    prompt["ttft_ratio"] = ratio(prompt["direct_ttft_s"], prompt["engine_ttft_s"])

    res_g = interleaved(args.reps, {
        "engine": lambda r: pair.engine_generate(pair.prompt(body, r, gen_prompt_n), args.gen_tokens),
        "direct": lambda r: pair.direct_generate(pair.prompt(body, r, gen_prompt_n), args.gen_tokens),
    })
    agree = [e["tokens"] == d["tokens"] for e, d in zip(res_g["engine"], res_g["direct"])]
    gen = {
        "prompt_tokens": gen_prompt_n,
        "n_tokens": median([len(r["tokens"]) for r in res_g["engine"]]),
        "engine_tps": median([r["gen_tps"] for r in res_g["engine"]]),
        "engine_self_reported_tps": median([r["engine_gen_tps"] for r in res_g["engine"]]),
        "direct_tps": median([r["gen_tps"] for r in res_g["direct"]]),
        "greedy_outputs_agree": f"{sum(agree)}/{len(agree)}",
    }
    gen["ratio"] = ratio(gen["engine_tps"], gen["direct_tps"])

    out = {"model": model, "path": str(eng.ref.path), "n_ctx": eng.n_ctx, "n_batch": eng.llm.n_batch,
           "threads": eng.n_threads, "gpu_layers": eng.gpu_layers, "prompt": prompt, "generation": gen}

    if args.included:
        with tempfile.TemporaryDirectory(prefix="lp-bench-") as d:
            doc_chars = len(pair.direct.detokenize(body[: n_prompt - 120]).decode("utf-8", "replace"))
            doc = text[:doc_chars]
            sides = included_sides(pair, doc, args.gen_tokens, d)
            res_i = interleaved(args.reps, sides)
        inc = {
            "prompt_tokens": median([r["n_prompt"] for r in res_i["included"]]),
            "gen_tokens": median([r["n_gen"] for r in res_i["included"]]),
            "prompt_tps": median([r["prompt_tps"] for r in res_i["included"]]),
            "direct_prompt_tps": median([r["prompt_tps"] for r in res_i["direct"]]),
            "gen_tps": median([r["gen_tps"] for r in res_i["included"]]),
            "direct_gen_tps": median([r["gen_tps"] for r in res_i["direct"]]),
            "engine_cached_tokens": sorted({r["cached"] for r in res_i["included"]}),
        }
        inc["prompt_ratio"] = ratio(inc["prompt_tps"], inc["direct_prompt_tps"])
        inc["gen_ratio"] = ratio(inc["gen_tps"], inc["direct_gen_tps"])
        out["included"] = inc
    lb = llama_bench(str(eng.ref.path), eng.n_threads, n_prompt, args.gen_tokens, args.reps)
    if lb is not None:
        out["llama_bench"] = lb
    del pair
    return out


def table(results: list[dict]) -> tuple[list[str], list[list]]:
    headers = ["model / figure", "ours", "direct", "ratio"]
    rows = []
    for r in results:
        m, p, g = r["model"], r["prompt"], r["generation"]
        rows.append([f"{m} prompt eval tok/s ({p['n_tokens']} tok)", p["engine_tps"], p["direct_tps"],
                     f"{p['ratio']:.3f}"])
        rows.append([f"{m} prompt eval vs same-shape direct", p["engine_tps"], p["direct_same_shape_tps"],
                     f"{p['ratio_same_shape']:.3f}"])
        rows.append([f"{m} time to first token s (cold)", f"{p['engine_ttft_s']:.3f}", f"{p['direct_ttft_s']:.3f}",
                     f"{p['ttft_ratio']:.3f}"])
        rows.append([f"{m} generation tok/s ({g['n_tokens']:.0f} tok, agree {g['greedy_outputs_agree']})",
                     g["engine_tps"], g["direct_tps"], f"{g['ratio']:.3f}"])
        if "included" in r:
            i = r["included"]
            rows.append([f"{m} drafting path prompt tok/s ({i['prompt_tokens']:.0f} tok)", i["prompt_tps"],
                         i["direct_prompt_tps"], f"{i['prompt_ratio']:.3f}"])
            rows.append([f"{m} drafting path generation tok/s ({i['gen_tokens']:.0f} tok)", i["gen_tps"],
                         i["direct_gen_tps"], f"{i['gen_ratio']:.3f}"])
        lb = r.get("llama_bench")
        if lb and "error" not in lb:
            rows.append([f"{m} llama-bench pp (record only)", p["engine_tps"], lb.get("prompt_tps"),
                         f"{ratio(p['engine_tps'], lb.get('prompt_tps') or 0):.3f}"])
            rows.append([f"{m} llama-bench tg (record only)", g["engine_tps"], lb.get("gen_tps"),
                         f"{ratio(g['engine_tps'], lb.get('gen_tps') or 0):.3f}"])
        elif lb:
            rows.append([f"{m} llama-bench: {lb['error']}", "-", "-", "-"])
        else:
            rows.append([f"{m} llama-bench: skipped (set LLAMA_BENCH)", "-", "-", "-"])
    return headers, rows


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", nargs="+", default=list(MODELS))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--prompt-tokens", type=int, default=1000)
    ap.add_argument("--gen-prompt-tokens", type=int, default=200, help="prompt length for the generation runs")
    ap.add_argument("--gen-tokens", type=int, default=128)
    ap.add_argument("--n-ctx", type=int, default=2048)
    ap.add_argument("--gpu-layers", default="0")
    ap.add_argument("--no-included", dest="included", action="store_false",
                    help="skip the full drafting path (history + citation check)")
    ap.add_argument("--quick", action="store_true", help="3 repetitions, 400-token prompt, 48 generated tokens")
    args = ap.parse_args(argv)
    if args.quick:
        args.reps, args.prompt_tokens, args.gen_tokens = 3, 400, 48
    info = machine()
    results = [bench_model(m, args) for m in args.models]
    info["loadavg_end"] = loadavg()
    note = load_note(info["loadavg_start"], info["loadavg_end"])
    headers, rows = table(results)
    print_table(f"engine vs direct llama-cpp-python ({info['physical_cores']} threads, {args.reps} interleaved reps, "
                f"medians; load {info['loadavg_start']:.2f}->{info['loadavg_end']:.2f})", headers, rows)
    if note:
        print(f"note: {note}")
    data = {"benchmark": "engine_vs_direct", "machine": info, "note": note, "args": vars(args), "results": results}
    for r in data["results"]:
        r["generation"].pop("tokens", None)
    print(f"json: {write_json('engine_vs_direct', data)}")
    return data


if __name__ == "__main__":
    main()
