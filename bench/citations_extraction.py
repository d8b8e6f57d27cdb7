"""Extraction benchmark on LeNER-Br citation spans (../shared/data/lener-br/citations-dev.jsonl).

Kinds: LEGISLACAO <- "legislation"; JURISPRUDENCIA <- "case", "cnj", "sumula", "tema".
Exact-span scoring compares (start, end) of the citation's identifier (`core_start`/`core_end`:
the case number without the relator and dates grouped into the same object). Overlap scoring counts
a gold span as found when a predicted span of the same kind overlaps it, and a predicted span as
correct when it overlaps a gold span of the same kind.

Reported on the dev split (the figure that counts), on the dev sentences whose citations do not
occur in the train split ("unseen"), on train (used while writing the patterns), and for a naive
regex floor. Run: .venv/bin/python bench/citations_extraction.py [--errors N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from legalprompt.citations import extract  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "lener-br" / "citations-dev.jsonl"
KIND = {"legislation": "LEGISLACAO", "case": "JURISPRUDENCIA", "cnj": "JURISPRUDENCIA",
        "sumula": "JURISPRUDENCIA", "tema": "JURISPRUDENCIA"}
KINDS = ("LEGISLACAO", "JURISPRUDENCIA")

_NAIVE_LEG = re.compile(r"(?:[Aa]rt\.?\s*\d+|Lei\s*(?:n[º°.]?\s*)?[\d.]+(?:/\d+)?|Decreto\s*(?:n[º°.]?\s*)?[\d.]+)")
_NAIVE_JUR = re.compile(r"(?:REsp|RE|HC|ADI|MS|AgRg|ACO|AI|ARE|RHC|Súmula)\s*(?:n[º°.]?\s*)?[\d.]+(?:/[A-Z]{2})?")


def naive(text: str) -> list[tuple[str, int, int]]:
    return ([("LEGISLACAO", m.start(), m.end()) for m in _NAIVE_LEG.finditer(text)]
            + [("JURISPRUDENCIA", m.start(), m.end()) for m in _NAIVE_JUR.finditer(text)])


def ours(text: str) -> list[tuple[str, int, int]]:
    return [(KIND[c.kind], c.core_start, c.core_end) for c in extract(text)]


def score(rows, predict):
    st = {k: {"tp_e": 0, "np": 0, "ng": 0, "tp_po": 0, "tp_go": 0} for k in KINDS}
    errors = []
    for row in rows:
        text = row["text"]
        gold = [(g["kind"], g["start"], g["end"]) for g in row["citations"]]
        pred = predict(text)
        for k in KINDS:
            G = [(s, e) for kk, s, e in gold if kk == k]
            P = [(s, e) for kk, s, e in pred if kk == k]
            st[k]["ng"] += len(G)
            st[k]["np"] += len(P)
            st[k]["tp_e"] += len(set(G) & set(P))
            st[k]["tp_po"] += sum(1 for p in P if any(p[0] < g[1] and g[0] < p[1] for g in G))
            st[k]["tp_go"] += sum(1 for g in G if any(p[0] < g[1] and g[0] < p[1] for p in P))
            for g in G:
                if not any(p[0] < g[1] and g[0] < p[1] for p in P):
                    errors.append(("FN", k, text[g[0]:g[1]], text[max(0, g[0] - 40):g[1] + 40]))
            for p in P:
                if not any(p[0] < g[1] and g[0] < p[1] for g in G):
                    errors.append(("FP", k, text[p[0]:p[1]], text[max(0, p[0] - 40):p[1] + 40]))
    return st, errors


def prf(tp_p, np_, tp_g, ng):
    p = tp_p / np_ if np_ else 0.0
    r = tp_g / ng if ng else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def table(title, st):
    print(f"\n{title}")
    print(f"{'kind':<16}{'gold':>6}{'pred':>6} | {'exact P':>8}{'R':>7}{'F1':>7} | {'overlap P':>10}{'R':>7}{'F1':>7}")
    for k in KINDS:
        s = st[k]
        pe, re_, fe = prf(s["tp_e"], s["np"], s["tp_e"], s["ng"])
        po, ro, fo = prf(s["tp_po"], s["np"], s["tp_go"], s["ng"])
        print(f"{k:<16}{s['ng']:>6}{s['np']:>6} | {pe:>8.3f}{re_:>7.3f}{fe:>7.3f} | {po:>10.3f}{ro:>7.3f}{fo:>7.3f}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--errors", type=int, default=0, help="print N overlap errors on dev")
    ap.add_argument("--split", default="dev")
    args = ap.parse_args()
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    train = [r for r in rows if r["id"].startswith("train")]
    dev = [r for r in rows if r["id"].startswith("dev")]
    train_cits = {re.sub(r"\s+", " ", c["text"]).lower() for r in train for c in r["citations"]}
    unseen = [r for r in dev if not any(re.sub(r"\s+", " ", c["text"]).lower() in train_cits for c in r["citations"])]
    t0 = time.perf_counter()
    st_dev, err = score(dev, ours)
    dt = time.perf_counter() - t0
    table(f"LeNER-Br dev ({len(dev)} sentences with citations; {dt:.2f} s)", st_dev)
    table(f"LeNER-Br dev, unseen in train ({len(unseen)} sentences)", score(unseen, ours)[0])
    st_train, err_train = score(train, ours)
    table(f"LeNER-Br train ({len(train)} sentences; patterns were developed looking at it)", st_train)
    table("naive regex floor, dev", score(dev, naive)[0])
    if args.errors:
        errs = err if args.split == "dev" else err_train
        print(f"\nfirst {args.errors} overlap errors ({args.split}):")
        for e in errs[: args.errors]:
            print(" ", e[0], e[1], repr(e[2]), "::", repr(e[3]))
    s = st_dev
    leg_r = s["LEGISLACAO"]["tp_go"] / max(1, s["LEGISLACAO"]["ng"])
    jur_r = s["JURISPRUDENCIA"]["tp_go"] / max(1, s["JURISPRUDENCIA"]["ng"])
    leg_p = s["LEGISLACAO"]["tp_po"] / max(1, s["LEGISLACAO"]["np"])
    jur_p = s["JURISPRUDENCIA"]["tp_po"] / max(1, s["JURISPRUDENCIA"]["np"])
    ok = leg_r >= 0.95 and jur_r >= 0.90 and leg_p >= 0.90 and jur_p >= 0.90
    print(f"\nbar (dev overlap: R_leg>=0.95, R_jur>=0.90, P>=0.90): {'PASS' if ok else 'FAIL'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
