"""Benchmark "limar o texto" on the rulingbr sample documents that have full text.

For each level: token reduction (the active model's tokenizer, or a word count with --words),
the share of citations, numbers and negations kept, and throughput in MB/s.

    .venv/bin/python bench/limar_bench.py [--data ../shared/data/rulingbr-sample] [--model NAME] [--words]

Citations are those `legalprompt.citations.extract` finds in the original; each must appear verbatim
in the output. Numbers are the numbers, amounts and dates `number_spans` finds plus every chunk of text
containing a digit. Negations are checked independently of limar's scopes: each negator word from
negators.txt (outside the concessive "não obstante") must come out with the word right after it
(or, for post-posed ones like "improcedente", the word right before it) still next to it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from legalprompt.commands._common import add_model_args  # noqa: E402
from legalprompt.techniques.limar import LEVELS, _read_list, citation_spans, fold, limar, number_spans  # noqa: E402

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


def load_docs(folder: Path) -> list[tuple[str, str]]:
    docs = []
    for p in sorted(folder.glob("*.json")):
        d = json.loads(p.read_text(encoding="utf-8"))
        if d.get("full_text"):
            docs.append((p.stem, d["full_text"]))
    return docs


def negation_checks(text: str) -> list[str]:
    """'neg next' or 'prev neg' strings (as written) that must survive."""
    neg = {fold(w): d for w, d in (ln.split() for ln in _read_list("negators.txt"))}
    words = list(_WORD.finditer(text))
    out = []
    for k, m in enumerate(words):
        key = fold(m.group())
        d = neg.get(key) or neg.get(key.split("-", 1)[0])
        if d is None:
            continue
        if d == "fwd" and k + 1 < len(words):
            nxt = words[k + 1]
            if fold(nxt.group()) == "obstante":
                continue
            if re.fullmatch(r"[ \t]+", text[m.end():nxt.start()]):
                out.append(text[m.start():nxt.end()])
        elif d == "back" and k > 0:
            prev = words[k - 1]
            if re.fullmatch(r"[ \t]+", text[prev.end():m.start()]):
                out.append(text[prev.start():m.end()])
    return out


def kept_share(needles: list[str], haystack: str) -> tuple[int, int]:
    """How many of the needles (with multiplicity) appear in the output."""
    have = 0
    counts = Counter(needles)
    for needle, c in counts.items():
        have += min(c, haystack.count(needle))
    return have, len(needles)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data" / "rulingbr-sample"))
    ap.add_argument("--words", action="store_true", help="count words instead of loading the model's tokenizer")
    ap.add_argument("--repeat", type=int, default=5, help="timing repetitions per level")
    add_model_args(ap)
    args = ap.parse_args(argv)

    docs = load_docs(Path(args.data))
    if not docs:
        print(f"no documents with full text in {args.data}", file=sys.stderr)
        return 1
    count_name = "words"
    count = lambda t: len(_WORD.findall(t))  # noqa: E731
    if not args.words:
        try:
            from legalprompt.commands._engine import engine_from_args

            engine = engine_from_args(args, quiet=True)
            count = lambda t: len(engine.tokenize(t))  # noqa: E731
            count_name = f"tokens ({engine.ref.name})"
        except Exception as exc:  # no model here: say so and fall back to words
            print(f"(model tokenizer unavailable: {exc}; counting words)", file=sys.stderr)

    total_bytes = sum(len(t.encode("utf-8")) for _, t in docs)
    before = sum(count(t) for _, t in docs)
    cites = {name: [c for _, _, c in citation_spans(t)] for name, t in docs}
    nums = {name: [n for _, _, n in number_spans(t)] for name, t in docs}
    negs = {name: negation_checks(t) for name, t in docs}
    print(f"{len(docs)} documents with full text, {total_bytes / 1024:.0f} KiB, {before} {count_name}; "
          f"{sum(map(len, cites.values()))} citations, {sum(map(len, nums.values()))} numbers, "
          f"{sum(map(len, negs.values()))} negations\n")

    header = f"{'level':<8} {count_name:>22} {'reduction':>9} {'citations':>10} {'numbers':>10} {'negations':>10} {'MB/s':>6}"
    print(header)
    print("-" * len(header))
    t0 = time.process_time()
    for _ in range(args.repeat):
        for _, t in docs:
            citation_spans(t)
    extract_s = (time.process_time() - t0) / args.repeat
    failures = 0
    for level in LEVELS:
        after = 0
        kc = kn = kg = tc = tn = tg = 0
        for name, text in docs:
            out = limar(text, level).text
            after += count(out)
            a, b = kept_share(cites[name], out)
            kc, tc = kc + a, tc + b
            a, b = kept_share(nums[name], out)
            kn, tn = kn + a, tn + b
            a, b = kept_share(negs[name], out)
            kg, tg = kg + a, tg + b
        t0 = time.process_time()
        for _ in range(args.repeat):
            for _, text in docs:
                limar(text, level)
        secs = (time.process_time() - t0) / args.repeat
        pct = lambda a, b: f"{100 * a / b:.1f}%" if b else "n/a"  # noqa: E731
        print(f"{level:<8} {f'{before} -> {after}':>22} {100 * (1 - after / before):>8.1f}% "
              f"{pct(kc, tc):>10} {pct(kn, tn):>10} {pct(kg, tg):>10} {total_bytes / 1e6 / secs:>6.2f}")
        failures += (kc != tc) + (kn != tn)
    print(f"\nMB/s is per CPU second and includes citation extraction ({total_bytes / 1e6 / extract_s:.2f} MB/s on its own).")
    if failures:
        print("FAILED: some citations or numbers were not kept verbatim", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
