"""The anchored guard's cost per token, before and after, in one process.

`CitationGuard.accepts` runs once for every generated token of an anchored draft. This times it over
drafts written piece by piece (the rulingbr ementas, each against its decision's full text as the
source; pieces of about a token: a space and up to four characters), with the guard of another git
revision (`--before`, copied out of git as in citations_speed.py) and the current one, interleaved,
best of `--rounds`. The machine is shared: read the ratio, not the absolute milliseconds.
Run: .venv/bin/python bench/guard_speed.py [--before REV] [--rounds 5]
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from citations_speed import SHARED, load_before  # noqa: E402
from legalprompt.citations import anchor  # noqa: E402


def drafts() -> list[tuple[str, list[str]]]:
    out = []
    for f in sorted((SHARED / "rulingbr-sample").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        if d.get("ementa") and d.get("full_text"):
            out.append((d["full_text"], re.findall(r"\s?\S{1,4}|\s+", d["ementa"][:2000])))
    return out


def per_token(mod, docs, rounds: int) -> float:
    guards = [(mod.CitationGuard(mod.AllowedCitations([src])), pieces) for src, pieces in docs]
    best = float("inf")
    for _ in range(rounds):
        n, t0 = 0, time.perf_counter()
        for g, pieces in guards:
            acc = ""
            for p in pieces:
                g.accepts(acc, p)
                acc += p
            n += len(pieces)
        best = min(best, (time.perf_counter() - t0) / n)
    return best


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", default="main")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    mods = [("after", anchor)]
    if load_before(args.before, Path(tempfile.mkdtemp(prefix="lp-guard-"))):
        mods.append(("before", importlib.import_module("lp_before.citations.anchor")))
    docs = drafts()
    res: dict[str, float] = {}
    for _ in range(args.rounds):             # interleaved: a load spike hits both
        for name, mod in mods:
            res[name] = min(res.get(name, float("inf")), per_token(mod, docs, 1))
    n = sum(len(p) for _, p in docs)
    for name, s in res.items():
        print(f"guard {name:<7} {1000 * s:.4f} ms per token  ({n} pieces, {len(docs)} drafts)")
    if "before" in res:
        print(f"speed-up: {res['before'] / res['after']:.2f}x  (shared machine: the ratio holds, the ms are noisy)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
