"""Speed of the citation extractor (and of the full check), before and after, in one process.

"Before" is the extractor of another git revision (default: `main`), copied out of git into a temporary
package (`lp_before`) and imported beside the current one; both run on the same text, interleaved, best
of `--rounds`, so the ratio holds even on a busy machine (absolute MB/s do not: read them as noisy).

Normal text: the LeNER-Br sentences and the rulingbr ementas/full texts, concatenated and repeated to
`--mb` MB. Hostile inputs: 1 MB each of repeated "art. ", digits and dots, one unbroken line, and others;
each is also timed at 1/4 of the size so the ratio shows growth is linear (about 4x), not quadratic.
Run: .venv/bin/python bench/citations_speed.py [--before REV] [--mb 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from legalprompt.citations import check_text, extract  # noqa: E402

SHARED = REPO.parent / "shared" / "data"
MB = 1_000_000

HOSTILE = {
    "art. art. art.": "art. ",
    "digits and dots": "1.2.3.4.5.6.7.8.9.0.",
    "unbroken line (letters)": "abcdefghij",
    "unbroken digits": "0123456789",
    "art. 1, § 2º, ...": "art. 1, § 2º, inciso I, ",
    "Lei nº Lei nº": "Lei nº ",
    "REsp REsp": "REsp n. ",
    "Rel. Min. Rel. Min.": "Rel. Min. Fulano ",
    "(((": "(((",
    "CNJ-like 0000000-00.": "0000000-00.",
    "Súmula Súmula": "Súmula nº ",
    "quotes": '"a b c d ',
    "spaces and newlines": " \n \t ",
}


def corpus() -> str:
    parts = [json.loads(line)["text"] for line in (SHARED / "lener-br" / "citations-dev.jsonl").open(encoding="utf-8")]
    for f in sorted((SHARED / "rulingbr-sample").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        parts += [d[k] for k in ("ementa", "full_text") if d.get(k)]
    return "\n".join(parts)


def decisions() -> str:
    """Whole court decisions only (the rulingbr full texts and the example acórdão): the documents a
    lawyer checks, less dense in citations than the LeNER-Br sentences, which were picked for them."""
    parts = []
    for f in sorted((SHARED / "rulingbr-sample").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        if d.get("full_text"):
            parts.append(d["full_text"])
    parts.append((REPO / "examples" / "acordao-rhc-115078.txt").read_text(encoding="utf-8"))
    return "\n".join(parts)


def load_before(rev: str, tmp: Path):
    """The extractor of `rev`, importable as lp_before.citations.extract (None when git cannot give it)."""
    pkg = tmp / "lp_before"
    files = subprocess.run(["git", "-C", str(REPO), "ls-tree", "-r", "--name-only", rev, "legalprompt/citations",
                            "legalprompt/data/citations"], capture_output=True, text=True)
    if files.returncode != 0 or not files.stdout.strip():
        return None
    for name in files.stdout.split():
        blob = subprocess.run(["git", "-C", str(REPO), "show", f"{rev}:{name}"], capture_output=True).stdout
        dest = pkg / Path(name).relative_to("legalprompt")
        dest.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".py"):
            blob = re.sub(rb"\blegalprompt\.citations\b", b"lp_before.citations", blob)
            blob = blob.replace(b'resources.files("legalprompt")', b'resources.files("lp_before")')
        dest.write_bytes(blob)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    sys.path.insert(0, str(tmp))
    return (importlib.import_module("lp_before.citations.extract").extract,
            importlib.import_module("lp_before.citations.verify").check_text)


def best(fn, text, rounds):
    t_best, out = float("inf"), None
    for _ in range(rounds):
        t = time.perf_counter()
        out = fn(text)
        t_best = min(t_best, time.perf_counter() - t)
    return t_best, out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", default="main", help="git revision of the 'before' extractor (default main)")
    ap.add_argument("--mb", type=float, default=2.0, help="MB of normal text (default 2)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lp-speed-"))
    loaded = load_before(args.before, tmp)
    before, before_check = loaded if loaded else (None, None)
    fns = [("after", extract)] + ([("before", before)] if before else [])
    if before is None:
        print(f"(no 'before': git cannot show {args.before})")
    base = corpus()
    big = (base + "\n") * max(1, int(args.mb * MB) // len(base.encode("utf-8")))
    size = len(big.encode("utf-8")) / MB
    for _, fn in fns:
        fn(base[:1000])                    # load tables and compile patterns before timing
    print(f"normal text: {size:.1f} MB (LeNER-Br dev + rulingbr), best of {args.rounds}; the machine is shared: "
          "absolute MB/s are noisy, the before/after ratio is not")
    res = {}
    for _ in range(args.rounds):           # interleaved: a load spike hits both
        for name, fn in fns:
            dt, cits = best(fn, big, 1)
            res[name] = min(res.get(name, (float("inf"), 0))[0], dt), len(cits)
    for name, (dt, n) in res.items():
        print(f"  extract {name:<7} {size / dt:6.2f} MB/s  ({n} citations)")
    if before:
        print(f"  speed-up: {res['before'][0] / res['after'][0]:.2f}x")
    small = big[: MB]                      # characters; the rate below is in bytes of UTF-8, as extract's
    small_mb = len(small.encode("utf-8")) / MB
    checks = [("after", check_text)] + ([("before", before_check)] if before_check else [])
    res = {}
    for _ in range(args.rounds):
        for name, fn in checks:
            dt, rep = best(lambda t: fn(t), small, 1)
            res[name] = min(res.get(name, (float("inf"), 0))[0], dt), len(rep.citations)
    for name, (dt, n) in res.items():
        print(f"  check_text {name:<7} {small_mb / dt:6.2f} MB/s  ({small_mb:.1f} MB: the revision's whole check; "
              f"{n} citations)")
    if before_check:
        print(f"  speed-up: {res['before'][0] / res['after'][0]:.2f}x")

    dec = decisions()
    dec = (dec + "\n") * max(1, MB // len(dec.encode("utf-8")))
    dec_mb = len(dec.encode("utf-8")) / MB
    print(f"\ncourt decisions only: {dec_mb:.1f} MB (rulingbr full texts + the example acórdão, repeated)")
    for label, pairs in (("extract", fns), ("check_text", checks)):
        res = {}
        for _ in range(args.rounds):
            for name, fn in pairs:
                dt, _ = best(fn, dec, 1)
                res[name] = min(res.get(name, float("inf")), dt)
        print("  " + ", ".join(f"{label} {name} {dec_mb / dt:6.2f} MB/s" for name, dt in res.items()))

    print(f"\n{'hostile input':<26}" + "".join(f"{name + ' 0.25MB':>16}{name + ' 1MB':>13}{'x':>5}" for name, _ in fns))
    worst = {name: 0.0 for name, _ in fns}
    for label, unit in HOSTILE.items():
        t1 = unit * (MB // len(unit))
        t4 = t1[: len(t1) // 4]
        row = f"{label:<26}"
        for name, fn in fns:
            a, _ = best(fn, t4, 1)
            b, _ = best(fn, t1, 1)
            worst[name] = max(worst[name], b)
            row += f"{a:>15.3f}s{b:>12.3f}s{b / max(a, 1e-9):>5.1f}"
        print(row)
    print("\nworst hostile 1 MB: " + ", ".join(f"{name} {w:.2f} s ({1 / w:.1f} MB/s)" for name, w in worst.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
