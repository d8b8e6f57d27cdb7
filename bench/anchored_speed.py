"""Generation speed of anchored citations against free, side by side on the CPU.

The same prompts and seeds run in both modes, interleaved (free, anchored, free, ...) so that load on
the machine hits both alike: the example acórdão and the ementas of ../shared/data/rulingbr-sample,
template ementa, 200 tokens, seeds 1-3. Prints tokens/s per mode, the anchored/free ratio (target
>= 0.9), the refused tokens, and the citations of each mode that are not in the source (the anchored
policy with a source allows no other). Also times the guard alone per generated token and the one-off cost of
building the allowed citations of a document. Run: .venv/bin/python bench/anchored_speed.py [--tokens N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from legalprompt.citations import check_text  # noqa: E402
from legalprompt.citations.anchor import AllowedCitations, CitationGuard  # noqa: E402
from legalprompt.config import load_settings  # noqa: E402
from legalprompt.drafting import Drafter, DraftRequest  # noqa: E402
from legalprompt.engine.llama_engine import Engine  # noqa: E402
from legalprompt.engine.models import resolve_model  # noqa: E402
from legalprompt.engine.params import LoadOptions  # noqa: E402

SHARED = REPO.parent / "shared" / "data"


def documents() -> list[tuple[str, str]]:
    docs = [("acordao-rhc-115078", (REPO / "examples" / "acordao-rhc-115078.txt").read_text(encoding="utf-8"))]
    for f in sorted((SHARED / "rulingbr-sample").glob("rulingbr-*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        if d.get("ementa"):
            docs.append((f.stem + ":ementa", d["ementa"]))
    return docs


def invented(output: str, source: str) -> int:
    rep = check_text(output, sources=[source])
    return sum(1 for c in rep.citations if not c.in_sources)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokens", type=int, default=200)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--model", default="gemma3-270m")
    args = ap.parse_args()
    settings, _ = load_settings({"n_ctx": 4096})
    engine = Engine(resolve_model(args.model), LoadOptions(n_ctx=4096))
    drafter = Drafter(engine, settings, None)
    docs = documents()
    t = time.perf_counter()
    for _, text in docs:
        AllowedCitations([text])
    build_s = (time.perf_counter() - t) / len(docs)
    # warm-up (first decode, page cache): not timed
    drafter.run(DraftRequest(template="ementa", document=docs[0][1], max_tokens=8, seed=0, citation_mode="free",
                             check_citations=False))
    tps = {"free": [], "anchored": []}
    gen_s = {"free": 0.0, "anchored": 0.0}
    toks = {"free": 0, "anchored": 0}
    bad = {"free": 0, "anchored": 0}
    refused = 0
    outputs = []
    for label, text in docs:
        for seed in range(1, args.seeds + 1):
            for mode in ("free", "anchored"):
                req = DraftRequest(template="ementa", document=text, document_label=label, max_tokens=args.tokens,
                                   seed=seed, citation_mode=mode, check_citations=False)
                prep = drafter.prepare(req)
                res = None
                for ev in drafter.stream(prep):
                    res = ev
                d = res.done
                if prep.guard is not None:
                    refused += prep.guard.refusals
                tps[mode].append(d.timings.generation_tokens_per_s)
                gen_s[mode] += d.timings.generation_s
                toks[mode] += d.usage.completion_tokens
                nb = invented(d.output, text)
                bad[mode] += nb
                print(f"  {label} seed {seed} {mode:<9} {d.timings.generation_tokens_per_s:6.2f} tok/s"
                      + (f"  refused {prep.guard.refusals}" if prep.guard is not None else "")
                      + (f"  not allowed: {nb}" if nb else ""), flush=True)
                if mode == "anchored":
                    outputs.append(d.generated)
    # the guard alone, per token, on the anchored outputs (what anchoring adds to every token)
    n, guard_s = 0, 0.0
    for (_, text), out in zip([d for d in docs for _ in range(args.seeds)], outputs):
        g = CitationGuard(drafter.allowed_citations(text))
        pieces = engine.token_pieces(out, add_bos=False)
        acc = ""
        t0 = time.perf_counter()
        for _, p in pieces:
            g.accepts(acc, p)
            acc += p
        guard_s += time.perf_counter() - t0
        n += len(pieces)
    print(f"model {args.model}, {len(docs)} documents x {args.seeds} seeds, up to {args.tokens} tokens, template ementa")
    for mode in ("free", "anchored"):
        print(f"{mode:<9} mean {statistics.mean(tps[mode]):6.2f} tok/s  (pooled {toks[mode] / gen_s[mode]:6.2f} tok/s, "
              f"{toks[mode]} tokens)  citations not in the source: {bad[mode]}")
    ratio = (toks["anchored"] / gen_s["anchored"]) / (toks["free"] / gen_s["free"])
    pairs = [a / f for f, a in zip(tps["free"], tps["anchored"]) if f > 0]
    print(f"anchored / free (pooled tokens/s): {ratio:.3f}; median of the side-by-side pairs: "
          f"{statistics.median(pairs):.3f}  (target >= 0.9); sampled tokens refused: {refused}")
    print(f"guard alone: {1000 * guard_s / max(1, n):.3f} ms per token over {n} tokens; "
          f"allowed citations built in {1000 * build_s:.0f} ms per document")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
