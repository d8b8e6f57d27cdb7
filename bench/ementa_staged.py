"""The `ementa` template (CNJ 154) three ways on the same documents and seeds: no prefill, the header
as prefill, and staged priming (each section title written into the model's mouth). Documents: the
RulingBR samples with a full text plus examples/acordao-rhc-115078.txt. Prints, per arm: the lint pass
rate (`legalprompt lint` finds nothing), how many answers have the CNJ 154 form at all, the citations
not found in the source document, generation tokens/s, and the prompt tokens evaluated per answer
(staging must not evaluate the document again).

    .venv/bin/python bench/ementa_staged.py [--samples 3] [--max-tokens 150] [--threads 1] [--json out.json]

The three arms run interleaved per seed (the document is evaluated once and shared: see
compare/runner.py), so load on the machine hits all three alike.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from legalprompt.compare import ArmSpec, CompareDocument, EnginePool, compare_corpus, make_seeds  # noqa: E402
from legalprompt.config import load_settings  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "rulingbr-sample"
ARMS = [ArmSpec("sem prefill", "ementa", prefill="", staged=False),
        ArmSpec("cabeçalho", "ementa", prefill=None, staged=False),
        ArmSpec("por seções", "ementa", prefill=None, staged=True)]


def load_lener(n: int) -> list[CompareDocument]:
    """Held-out decisions: the first `n` distinct LeNER-Br dev decisions under 15,000 characters (tokens re-joined)."""
    from bench.limar_bench import conll_text

    folder = REPO.parent / "shared" / "data" / "lener-br" / "dev"
    paths = [p for p in sorted(folder.glob("*.conll")) if p.name != "dev.conll" and not p.name.startswith("INSTRUCAO")]
    docs, seen = [], set()
    for p in paths:
        text = conll_text(p)
        if text in seen or len(text) > 15_000:  # a duplicate file, or too long for a quick run on 2 cores
            continue
        seen.add(text)
        docs.append(CompareDocument(p.stem, text))
    return docs[:n]


def load_docs() -> list[CompareDocument]:
    docs = []
    for p in sorted(DATA.glob("*.json")):
        text = json.loads(p.read_text(encoding="utf-8")).get("full_text")
        if text:
            docs.append(CompareDocument(p.stem, text))
    ex = REPO / "examples" / "acordao-rhc-115078.txt"
    docs.append(CompareDocument(ex.name, ex.read_text(encoding="utf-8")))
    return docs


def summarise(arm) -> dict:
    s = arm.samples
    forms = Counter((x.shape or {}).get("form") for x in s)
    codes = Counter(f["code"] for x in s for f in (x.shape or {}).get("findings", []))
    evaluated = [x.usage["prompt_tokens"] - x.usage["cached_prompt_tokens"] for x in s]
    tps = [x.timings["generation_tokens_per_s"] for x in s if x.usage["completion_tokens"] > 1]
    return {"samples": len(s), "lint_ok": sum(1 for x in s if x.shape_ok), "cnj154_form": forms.get("cnj154", 0),
            "forms": dict(forms), "finding_codes": dict(codes.most_common()),
            "citations": arm.metrics["citations"], "not_in_sources": arm.metrics["not_in_sources"],
            "samples_with_not_in_sources": arm.metrics["samples_with_not_in_sources"],
            "tokens_per_s_median": statistics.median(tps) if tps else 0.0,
            "completion_tokens_mean": statistics.mean(x.usage["completion_tokens"] for x in s),
            "evaluated_prompt_tokens_median": statistics.median(evaluated)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-tokens", type=int, default=150)
    ap.add_argument("--n-ctx", type=int, default=8192)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--json", help="write the per-arm figures and every sample as JSON")
    ap.add_argument("--heldout", type=int, default=0, metavar="N",
                    help="instead: the first N LeNER-Br dev decisions (documents never looked at while building this)")
    args = ap.parse_args()
    overrides = {"n_ctx": args.n_ctx, **({"threads": args.threads} if args.threads else {})}
    settings, _ = load_settings(overrides)
    pool = EnginePool(settings)
    docs = load_lener(args.heldout) if args.heldout else load_docs()
    t0 = time.perf_counter()

    def progress(i, total, label, arm, sample):
        codes = sorted({f["code"] for f in (sample.shape or {}).get("findings", [])})
        print(f"[{i}/{total}] {label} · {arm} · seed {sample.seed} · {sample.usage['completion_tokens']} tok · "
              f"{sample.timings['generation_tokens_per_s']:.1f} tok/s · lint {'ok' if sample.shape_ok else codes}",
              file=sys.stderr, flush=True)

    res = compare_corpus(docs, ARMS, source="lener-br dev" if args.heldout else "rulingbr+example", settings=settings,
                         seeds=make_seeds(args.seed, args.samples), pool=pool, max_tokens=args.max_tokens,
                         progress=progress)
    wall = time.perf_counter() - t0
    print(f"\n{len(res.done)} documents ({', '.join(d.document for d in res.done)}), seeds {res.seeds}, "
          f"max_tokens {args.max_tokens}, model {res.arms[0].model}, {wall / 60:.1f} min")
    for d in res.skipped:
        print(f"skipped {d.document}: {d.error}")
    head = f"{'arm':<12} {'lint ok':>9} {'CNJ form':>9} {'cit. not in src':>16} {'tok/s':>6} {'tokens':>7} {'evaluated prompt':>17}"
    print(head + "\n" + "-" * len(head))
    summary = {}
    for arm in res.arms:
        m = summarise(arm)
        summary[arm.spec.name] = m
        n = m["samples"]
        print(f"{arm.spec.name:<12} {m['lint_ok']:>4}/{n:<4} {m['cnj154_form']:>4}/{n:<4} "
              f"{m['not_in_sources']:>5}/{m['citations']:<4} ({m['samples_with_not_in_sources']} ans.) "
              f"{m['tokens_per_s_median']:>6.1f} {m['completion_tokens_mean']:>7.1f} {m['evaluated_prompt_tokens_median']:>17.0f}")
    for name, m in summary.items():
        print(f"  {name}: findings {m['finding_codes']}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"summary": summary, "corpus": res.to_dict()}, ensure_ascii=False,
                                              indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
