"""Does GPU offload really work? Our Engine on each model with --gpu-layers all and with 0.

For each model: load it through `legalprompt.engine.llama_engine.Engine` with gpu_layers "all", then
with 0 (CPU), and for each run a ~1000-token prompt and 128 greedy tokens (temperature 0, repeat
penalty 1), a few times with a different first line each time (so every prompt is cold). Prints, per
model and device: layers offloaded (llama.cpp's own log line), `llama_supports_gpu_offload()`, prompt
and generation tokens/s (medians), and whether the greedy outputs of GPU and CPU agree (exactly, or the
first token where they part). A summary table ends the output and is written to $OUT/gpu-check.txt
(and gpu-check.json) when OUT is set.

    python scripts/gpu_check.py [--gemma PATH] [--smollm PATH] [--cpu-only] [--reps 3]
        [--prompt-tokens 1000] [--gen-tokens 128]

Models: --gemma/--smollm, else $GEMMA_GGUF/$SMOLLM_GGUF, else the bundled models if installed.
--cpu-only runs the same measurements with gpu_layers 0 alone (a dry run for machines without a GPU).
Needs only the engine's dependencies (llama-cpp-python, pydantic, pydantic-settings, platformdirs).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# Court-style Portuguese, built in so the check needs no data files on the GPU machine.
PARAGRAPHS = [
    "Trata-se de recurso especial interposto contra acórdão do Tribunal de Justiça do Estado de São Paulo que "
    "negou provimento à apelação, mantendo a sentença de improcedência do pedido de indenização por danos morais.",
    "Sustenta o recorrente violação dos arts. 186 e 927 do Código Civil, bem como do art. 14 do Código de Defesa "
    "do Consumidor, ao argumento de que a responsabilidade do fornecedor de serviços é objetiva.",
    "O Ministério Público Federal opinou pelo não conhecimento do recurso, aplicando-se a Súmula 7 do Superior "
    "Tribunal de Justiça, pois a pretensão recursal demandaria o reexame do conjunto fático-probatório.",
    "É o relatório. Decido. A irresignação não merece prosperar. O Tribunal de origem, soberano na análise das "
    "provas, concluiu pela inexistência de nexo causal entre a conduta da recorrida e o dano alegado.",
    "Ante o exposto, com fundamento no art. 932, inciso IV, do Código de Processo Civil, nego provimento ao "
    "recurso especial. Publique-se. Intimem-se. Brasília, 15 de março de 2023.",
]


class LogTap:
    """Collect llama.cpp's log lines (the engine silences them) to read what it says about offload."""

    def __init__(self):
        self.lines: list[str] = []

    def install(self) -> None:
        import ctypes

        import llama_cpp

        from legalprompt.engine import llama_engine

        @llama_cpp.llama_log_callback
        def _cb(level, text, user_data):
            line = text.decode("utf-8", errors="replace")
            self.lines.append(line)
            llama_engine._LOG_TAIL.append(line)
            del llama_engine._LOG_TAIL[:-20]
            if os.environ.get("LEGALPROMPT_DEBUG") == "1":
                sys.stderr.write(line)

        self._cb = _cb
        llama_engine._log_callback = _cb  # the engine keeps ours instead of installing its own
        llama_cpp.llama_log_set(_cb, ctypes.c_void_p(0))

    def mark(self) -> int:
        return len(self.lines)

    def since(self, mark: int) -> str:
        return "".join(self.lines[mark:])


def offload_lines(log: str) -> list[str]:
    keys = ("offloaded", "CUDA", "using device", "GPU", "ggml_cuda_init", "Device 0")
    out = []
    for line in log.splitlines():
        s = line.strip()
        if s and any(k in s for k in keys) and s not in out:
            out.append(s)
    return out


def offloaded_count(log: str) -> str | None:
    for line in log.splitlines():
        if "offloaded" in line and "layers to GPU" in line:
            return line.split("offloaded", 1)[1].split("layers", 1)[0].strip()
    return None


def model_paths(args) -> list[tuple[str, Path | None, str | None]]:
    out = []
    for name, flag, env, bundled in (("gemma3-270m", args.gemma, "GEMMA_GGUF", "gemma3-270m"),
                                     ("smollm2-135m", args.smollm, "SMOLLM_GGUF", "smollm2-135m")):
        spec = flag or os.environ.get(env)
        if spec:
            p = Path(spec).expanduser()
            out.append((name, p if p.is_file() else None, None if p.is_file() else f"{env}={spec}: file not found"))
            continue
        try:
            from legalprompt.engine.bundled import bundled_path

            out.append((name, bundled_path(bundled), None))
        except Exception as exc:  # noqa: BLE001 - report and go on with the other model
            out.append((name, None, f"not given (--{name.split('-')[0].replace('smollm2', 'smollm')} or {env}) "
                                    f"and not installed: {exc}"))
    return out


def prompt_tokens(eng, n: int, rep: int) -> list[int]:
    body = []
    i = 0
    while len(body) < n:
        body += eng.tokenize(PARAGRAPHS[i % len(PARAGRAPHS)] + "\n", add_bos=False)
        i += 1
    head = eng.tokenize(f"Processo {rep * 7919 + 13}.\n", add_bos=True)
    return (head + body)[:n]


def run_device(name: str, path: Path, layers: str, args, tap: LogTap) -> dict:
    from legalprompt.engine.events import DoneEvent, TextEvent
    from legalprompt.engine.llama_engine import Engine
    from legalprompt.engine.models import resolve_model
    from legalprompt.engine.params import LoadOptions, SamplingParams

    mark = tap.mark()
    ref = resolve_model(str(path))
    eng = Engine(ref, LoadOptions(n_ctx=args.n_ctx, gpu_layers=layers))
    log = tap.since(mark)
    params = SamplingParams(temperature=0.0, repeat_penalty=1.0, max_tokens=args.gen_tokens, seed=0)
    list(eng.generate(prompt_tokens(eng, 64, 10_000), SamplingParams(temperature=0.0, max_tokens=4)))  # warm-up
    runs = []
    for rep in range(args.reps):
        toks = prompt_tokens(eng, args.prompt_tokens, rep)
        ids: list[int] = []
        done = None
        for ev in eng.generate(toks, params):
            if isinstance(ev, TextEvent):
                ids.extend(ev.token_ids)
            elif isinstance(ev, DoneEvent):
                done = ev
        runs.append({"prompt_tps": done.timings.prompt_tokens_per_s, "gen_tps": done.timings.generation_tokens_per_s,
                     "ttft_s": done.timings.time_to_first_token_s, "n_gen": done.usage.completion_tokens,
                     "cached": done.usage.cached_prompt_tokens, "ids": ids, "text": done.generated})
    out = {
        "model": name, "path": str(path), "requested_gpu_layers": layers, "engine_gpu_layers": eng.gpu_layers,
        "layers_total": (eng.meta.block_count or 0) + 1, "offloaded": offloaded_count(log),
        "offload_log": offload_lines(log), "warnings": eng.warnings, "threads": eng.n_threads, "n_ctx": eng.n_ctx,
        "load_s": eng.load_s, "prompt_tokens": len(prompt_tokens(eng, args.prompt_tokens, 0)),
        "prompt_tps": statistics.median(r["prompt_tps"] for r in runs),
        "gen_tps": statistics.median(r["gen_tps"] for r in runs),
        "ttft_s": statistics.median(r["ttft_s"] for r in runs),
        "gen_tokens": statistics.median(r["n_gen"] for r in runs),
        "cached_tokens": sorted({r["cached"] for r in runs}),
        "ids": runs[0]["ids"], "text": runs[0]["text"],
    }
    del eng
    gc.collect()
    return out


def agreement(a: list[int], b: list[int]) -> str:
    if a == b:
        return f"exact ({len(a)} tokens)"
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"differ from token {i} (of {len(a)}/{len(b)})"
    return f"same first {min(len(a), len(b))} tokens, lengths {len(a)}/{len(b)}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gemma", help="path of the Gemma 3 270M GGUF (else $GEMMA_GGUF, else the bundled one)")
    ap.add_argument("--smollm", help="path of the SmolLM2 135M GGUF (else $SMOLLM_GGUF, else the bundled one)")
    ap.add_argument("--cpu-only", action="store_true", help="gpu_layers 0 only: a dry run without a GPU")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--prompt-tokens", type=int, default=1000)
    ap.add_argument("--gen-tokens", type=int, default=128)
    ap.add_argument("--n-ctx", type=int, default=2048)
    args = ap.parse_args(argv)

    import llama_cpp

    tap = LogTap()
    tap.install()
    supports = bool(llama_cpp.llama_supports_gpu_offload())
    header = [
        f"gpu-check {time.strftime('%Y-%m-%d %H:%M:%S')} on {platform.node()} ({platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()})",
        f"llama-cpp-python {getattr(llama_cpp, '__version__', '?')} at {Path(llama_cpp.__file__).parent}",
        f"llama_supports_gpu_offload(): {supports}",
    ]
    print("\n".join(header), flush=True)
    if not supports and not args.cpu_only:
        print("warning: this llama-cpp-python has no GPU offload; the 'all' runs will fall back to the CPU",
              flush=True)
    devices = ["0"] if args.cpu_only else ["all", "0"]
    results, rows, problems = [], [], []
    for name, path, err in model_paths(args):
        if path is None:
            problems.append(f"{name}: skipped ({err})")
            print(problems[-1], flush=True)
            continue
        per = {}
        for layers in devices:
            print(f"{name}: gpu_layers={layers} ...", flush=True)
            r = run_device(name, path, layers, args, tap)
            per[layers] = r
            for line in r["offload_log"][:8]:
                print(f"    llama.cpp: {line}")
            print(f"    offloaded {r['offloaded'] or '0'} of {r['layers_total']} layers; prompt {r['prompt_tps']:.1f} tok/s, "
                  f"generation {r['gen_tps']:.1f} tok/s ({r['gen_tokens']:.0f} tokens)", flush=True)
        agree = agreement(per["all"]["ids"], per["0"]["ids"]) if "all" in per else "n/a (--cpu-only)"
        if "all" in per and per["all"]["ids"] != per["0"]["ids"]:
            print(f"    GPU output: {per['all']['text'][:200]!r}\n    CPU output: {per['0']['text'][:200]!r}")
        for layers, r in per.items():
            rows.append([name, "GPU (all)" if layers == "all" else "CPU (0)", r["offloaded"] or "0",
                         str(r["layers_total"]), f"{r['prompt_tps']:.1f}", f"{r['gen_tps']:.1f}",
                         f"{r['ttft_s']:.3f}", agree if layers == devices[0] else ""])
        for r in per.values():
            r.pop("ids")
        results.append({"model": name, "runs": per, "greedy_agreement": agree})
    headers = ["model", "device", "offloaded", "layers", "prompt tok/s", "gen tok/s", "TTFT s", "greedy GPU vs CPU"]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = header + [f"prompt ~{args.prompt_tokens} tokens, {args.gen_tokens} generated, greedy, medians of {args.reps}",
                      "", "  ".join(h.ljust(w) for h, w in zip(headers, widths)),
                      "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    lines += problems
    summary = "\n".join(lines)
    print("\n== summary ==\n" + summary, flush=True)
    out = os.environ.get("OUT")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / "gpu-check.txt").write_text(summary + "\n", encoding="utf-8")
        (Path(out) / "gpu-check.json").write_text(json.dumps({"supports_gpu_offload": supports, "args": vars(args),
                                                              "results": results, "problems": problems},
                                                             indent=2, ensure_ascii=False), encoding="utf-8")
    if not rows:
        return 1
    if not args.cpu_only and not supports:
        return 3
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
