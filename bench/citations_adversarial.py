"""Recall, precision and verdicts on the adversarial citation set (tests/citations/data/adversarial.jsonl).

The set was written before the checker changes of issue 14, one category per kind of miss the issue
lists (relator by court and date, articles out of range for every version, incisos and parágrafos,
name against abbreviation, súmulas with thousands separators, plural enumerations, numbering before
the CNJ number, OJs, regimentos internos, abbreviations such as CB/88) plus decoys with no citation.
Each case carries a fixed split: "tune" (looked at while changing the code) and "held" (never looked
at case by case: only its totals are printed, and --errors lists tuning cases only).

An expected citation is found when a predicted citation of the same kind overlaps it and carries its
number (a norm's, a case's, a súmula's or the article's): one citation covering "Leis nºs A e B" finds A only.
Run: .venv/bin/python bench/citations_adversarial.py [--errors]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from legalprompt.citations import check_text  # noqa: E402

DATA = REPO / "tests" / "citations" / "data" / "adversarial.jsonl"
TODAY = dt.date(2026, 11, 30)          # fixed: relator and future-date verdicts must not drift
KIND = {"legislation": "legislation", "case": "case", "cnj": "case", "tema": "case", "sumula": "sumula"}


def load() -> list[dict]:
    return [json.loads(line) for line in DATA.open(encoding="utf-8")]


def _ids(c) -> list[str]:
    vals = [c.norm_number, c.number, c.cnj, *c.numbers, *c.articles]
    return [re.sub(r"\D", "", str(v)) for v in vals if v is not None]


def _found(e: dict, start: int, end: int, checked) -> object | None:
    for cc in checked:
        c = cc.citation
        if KIND.get(c.kind) != e["kind"] or not (c.start < end and start < c.end):
            continue
        if not e["num"]:
            return cc
        ids = _ids(c)
        if e["num"] in ids or (len(e["num"]) >= 4 and any(e["num"] in i for i in ids)):
            return cc
    return None


def score(rows: list[dict]) -> tuple[dict, list[str]]:
    st = defaultdict(lambda: defaultdict(int))
    errors: list[str] = []
    for r in rows:
        rep = check_text(r["text"], today=TODAY)
        spans = []
        for e in r["expect"]:
            s = r["text"].index(e["span"])
            spans.append((s, s + len(e["span"]), e))
        for key in ("all", r["kind"]):
            st[key]["pred"] += len(rep.citations)
            st[key]["pred_ok"] += sum(1 for cc in rep.citations if any(
                KIND.get(cc.kind) == e["kind"] and cc.start < en and s < cc.end for s, en, e in spans))
        for s, en, e in spans:
            cc = _found(e, s, en, rep.citations)
            for key in ("all", r["kind"]):
                st[key]["gold"] += 1
                st[key]["found"] += cc is not None
            if cc is None:
                errors.append(f"{r['id']}: missed {e['span']!r} in {r['text']!r}")
            v = e["verdict"]
            if v is None:
                continue
            got = cc.verdict.value if cc else None
            ok = (got is not None and got != "INCONSISTENT") if v == "!INCONSISTENT" else got == v
            for key in ("all", r["kind"]):
                st[key]["v_n"] += 1
                st[key]["v_ok"] += ok
                if v == "INCONSISTENT":
                    st[key]["inv_n"] += 1
                    st[key]["inv_ok"] += got == "INCONSISTENT"
                elif got == "INCONSISTENT":
                    st[key]["false_inc"] += 1
            if not ok:
                reasons = "; ".join(x.message for x in cc.reasons) if cc else ""
                errors.append(f"{r['id']}: verdict {got} (want {v}) for {e['span']!r} [{reasons}]")
        for cc in rep.citations:
            if not any(KIND.get(cc.kind) == e["kind"] and cc.start < en and s < cc.end for s, en, e in spans):
                errors.append(f"{r['id']}: spurious {cc.text!r}")
    return st, errors


def _line(name: str, s: dict) -> str:
    rec = s["found"] / s["gold"] if s["gold"] else float("nan")
    prec = s["pred_ok"] / s["pred"] if s["pred"] else float("nan")
    ver = f"{s['v_ok']}/{s['v_n']}" if s["v_n"] else "-"
    inv = f"{s['inv_ok']}/{s['inv_n']}" if s["inv_n"] else "-"
    return (f"{name:<18}{s['gold']:>5}{s['pred']:>6}{rec:>8.3f}{prec:>7.3f}{ver:>10}{inv:>10}{s['false_inc']:>9}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--errors", action="store_true", help="list the misses of the tuning half (never the held-out)")
    args = ap.parse_args()
    rows = load()
    head = f"{'':<18}{'gold':>5}{'pred':>6}{'recall':>8}{'prec':>7}{'verdicts':>10}{'invented':>10}{'falseINC':>9}"
    for split in ("tune", "held"):
        part = [r for r in rows if r["split"] == split]
        st, errors = score(part)
        print(f"\n{split} half ({len(part)} cases)")
        print(head)
        print(_line("all", st["all"]))
        if split == "tune":
            for k in sorted(k for k in st if k != "all"):
                print(_line("  " + k, st[k]))
            if args.errors:
                print("\n".join(errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
