"""Benchmark "limar o texto" on two sets of decisions, each level's figures for each:

* tuning set: the rulingbr sample documents that have full text plus examples/acordao-rhc-115078.txt
  (the levels were tuned on these);
* held-out set: the LeNER-Br dev decisions (../shared/data/lener-br/dev/*.conll, tokens re-joined),
  never looked at while tuning.

The default level, medium, must cut at least 40% of the tokens on both (exit 1 otherwise).

For each level: token reduction (the active model's tokenizer, or a word count with --words),
the share of citations, numbers and negations kept, and throughput in MB/s.

    .venv/bin/python bench/limar_bench.py [--data ../shared/data/rulingbr-sample] [--heldout DIR] [--model NAME] [--words]

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
from legalprompt.techniques.limar import LEVELS, citation_spans, fold, limar, number_spans, read_list  # noqa: E402

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


MEDIUM_TARGET = 40.0  # % of tokens the default level must cut


def load_docs(folder: Path) -> list[tuple[str, str]]:
    docs = []
    for p in sorted(folder.glob("*.json")):
        d = json.loads(p.read_text(encoding="utf-8"))
        if d.get("full_text"):
            docs.append((p.stem, d["full_text"]))
    example = REPO / "examples" / "acordao-rhc-115078.txt"
    if example.is_file():
        docs.append((example.stem, example.read_text(encoding="utf-8")))
    return docs


def conll_text(path: Path) -> str:
    """A LeNER-Br CoNLL file back to text: tokens joined by spaces, one sentence a line, no space
    before closing punctuation."""
    sentences, cur = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if cur:
                sentences.append(" ".join(cur))
                cur = []
            continue
        cur.append(line.split(" ")[0])
    if cur:
        sentences.append(" ".join(cur))
    text = "\n".join(sentences)
    return re.sub(r"\( ", "(", re.sub(r" ([.,;:)!?])", r"\1", text))


def load_heldout(folder: Path) -> list[tuple[str, str]]:
    return [(p.stem, conll_text(p)) for p in sorted(folder.glob("*.conll")) if p.name != "dev.conll"]


def negation_checks(text: str) -> list[str]:
    """'neg next' or 'prev neg' strings (as written) that must survive."""
    neg = {fold(w): d for w, d in (ln.split() for ln in read_list("negators.txt"))}
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
    ap.add_argument("--heldout", default=str(REPO.parent / "shared" / "data" / "lener-br" / "dev"))
    ap.add_argument("--words", action="store_true", help="count words instead of loading the model's tokenizer")
    ap.add_argument("--repeat", type=int, default=5, help="timing repetitions per level")
    add_model_args(ap)
    args = ap.parse_args(argv)

    sets = [("tuning set (rulingbr full texts + example acórdão)", load_docs(Path(args.data))),
            ("held-out set (LeNER-Br dev decisions)", load_heldout(Path(args.heldout)))]
    if not sets[0][1]:
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
    failures = 0
    for title, docs in sets:
        if not docs:
            print(f"{title}: no documents, skipped\n")
            continue
        failures += bench_set(title, docs, count, count_name, args.repeat)
    if failures:
        print("FAILED: some citations or numbers were not kept verbatim, or medium cut less than "
              f"{MEDIUM_TARGET:.0f}% of the {count_name}", file=sys.stderr)
        return 1
    return 0


def bench_set(title: str, docs: list[tuple[str, str]], count, count_name: str, repeat: int) -> int:
    total_bytes = sum(len(t.encode("utf-8")) for _, t in docs)
    before = sum(count(t) for _, t in docs)
    cites = {name: [c for _, _, c in citation_spans(t)] for name, t in docs}
    nums = {name: [n for _, _, n in number_spans(t)] for name, t in docs}
    negs = {name: negation_checks(t) for name, t in docs}
    print(f"{title}: {len(docs)} documents, {total_bytes / 1024:.0f} KiB, {before} {count_name}; "
          f"{sum(map(len, cites.values()))} citations, {sum(map(len, nums.values()))} numbers, "
          f"{sum(map(len, negs.values()))} negations\n")

    header = f"{'level':<8} {count_name:>22} {'reduction':>9} {'citations':>10} {'numbers':>10} {'negations':>10} {'MB/s':>6}"
    print(header)
    print("-" * len(header))
    t0 = time.process_time()
    for _ in range(repeat):
        for _, t in docs:
            citation_spans(t)
    extract_s = (time.process_time() - t0) / repeat
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
        for _ in range(repeat):
            for _, text in docs:
                limar(text, level)
        secs = (time.process_time() - t0) / repeat
        pct = lambda a, b: f"{100 * a / b:.1f}%" if b else "n/a"  # noqa: E731
        reduction = 100 * (1 - after / before)
        print(f"{level:<8} {f'{before} -> {after}':>22} {reduction:>8.1f}% "
              f"{pct(kc, tc):>10} {pct(kn, tn):>10} {pct(kg, tg):>10} {total_bytes / 1e6 / secs:>6.2f}")
        failures += (kc != tc) + (kn != tn) + (level == "medium" and reduction < MEDIUM_TARGET)
    print(f"\nMB/s is per CPU second and includes citation extraction ({total_bytes / 1e6 / extract_s:.2f} MB/s "
          "on its own).\n")
    return failures


if __name__ == "__main__":
    raise SystemExit(main())
