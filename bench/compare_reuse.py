"""What prefix reuse saves in a comparison: the same A/B generations run warm (interleaved per seed,
the engine reusing the template + document prefix) and cold (the context reset before every
generation, so each one evaluates the whole prompt again). Rounds are interleaved (warm, cold, warm,
cold, ...) in one process, so a busy shared machine slows both alike; the figure is the ratio.

    .venv/bin/python bench/compare_reuse.py [--doc examples/acordao-rhc-115078.txt] [--samples 2]
        [--max-tokens 16] [--rounds 1] [--n-ctx 4096]

Note: the engine reuses whole n_batch chunks only (deterministic evaluation shape), so a prompt
shorter than n_batch (512 tokens) gains nothing; use a document of a few thousand tokens.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from legalprompt.documents import read_document  # noqa: E402
from legalprompt.compare import ArmSpec, CompareDocument, EnginePool, compare_document, make_seeds  # noqa: E402
from legalprompt.config import load_settings  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--doc", default=str(REPO / "examples" / "acordao-rhc-115078.txt"))
    ap.add_argument("--template", default="ementa")
    ap.add_argument("--samples", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-tokens", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--n-ctx", type=int, default=4096)
    ap.add_argument("--model", default=None)
    ap.add_argument("--threads", type=int, default=None,
                    help="llama.cpp threads (default: physical cores). On a crowded shared machine 1 can be "
                         "faster: measured here under load, 68 vs 30 prompt tokens/s for 1 vs 2 threads")
    args = ap.parse_args()

    settings, _ = load_settings({"n_ctx": args.n_ctx, "model": args.model, "threads": args.threads})
    pool = EnginePool(settings)
    t0 = time.perf_counter()
    engine = pool.get(args.model)
    print(f"modelo {engine.ref.name}, carregado em {time.perf_counter() - t0:.2f} s, n_ctx {engine.n_ctx}, "
          f"n_batch {engine.llm.n_batch}, threads {engine.n_threads}")
    doc = CompareDocument(args.doc, read_document(args.doc).text)
    arms = [ArmSpec("A", args.template, prefill=""), ArmSpec("B", args.template, prefill=None)]
    seeds = make_seeds(args.seed, args.samples)
    n_gen = len(arms) * len(seeds)

    times = {"warm": [], "cold": []}
    outputs = {}
    usage = {}
    for r in range(args.rounds):
        for mode in ("warm", "cold"):
            with engine._lock:
                engine.llm.reset()  # both modes start from an empty context
            t = time.perf_counter()
            res = compare_document(doc, arms, settings=settings, seeds=seeds, pool=pool, history=None,
                                   max_tokens=args.max_tokens, cold=(mode == "cold"))
            dt = time.perf_counter() - t
            times[mode].append(dt)
            outputs[mode] = [s.output for a in res.arms for s in a.samples]
            reuse = res.to_dict()["reuse"]
            gen = sum(s.usage["completion_tokens"] for a in res.arms for s in a.samples)
            usage[mode] = (reuse, gen)
            print(f"rodada {r + 1} {mode:4s}: {dt:7.2f} s  ({n_gen} gerações, {gen} tokens gerados, "
                  f"{reuse['cached_prompt_tokens']}/{reuse['prompt_tokens']} tokens de prompt reaproveitados, "
                  f"{reuse['evaluated_prompt_tokens']} avaliados)")
    warm, cold = statistics.median(times["warm"]), statistics.median(times["cold"])
    print()
    print(f"documento: {args.doc} ({len(doc.text)} caracteres), template {args.template}, "
          f"{args.samples} amostras x 2 braços, max_tokens {args.max_tokens}")
    print(f"comparação (prefixo reaproveitado): {warm:.2f} s")
    print(f"mesmas gerações a frio:             {cold:.2f} s")
    print(f"razão frio/comparação:              {cold / warm:.2f}x")
    print(f"mesmas saídas nos dois modos: {'sim' if outputs['warm'] == outputs['cold'] else 'NÃO'}")
    pool.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
