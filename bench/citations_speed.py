"""Speed of extraction (and of the full check) on legal text, and bounded time on hostile inputs.

Large input: the LeNER-Br sentences and the rulingbr ementas/full texts, concatenated and repeated to
about 8 MB. Hostile inputs: 1 MB each of repeated "art. ", digits and dots, one unbroken line, and
others; each is also timed at 1/4 of the size so the ratio shows growth is linear (about 4x), not
quadratic (16x) or catastrophic. Run: .venv/bin/python bench/citations_speed.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from legalprompt.citations import check_text, extract  # noqa: E402

SHARED = REPO.parent / "shared" / "data"
MB = 1_000_000


def corpus() -> str:
    parts = [json.loads(line)["text"] for line in (SHARED / "lener-br" / "citations-dev.jsonl").open(encoding="utf-8")]
    for f in sorted((SHARED / "rulingbr-sample").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        parts += [d[k] for k in ("ementa", "full_text") if d.get(k)]
    return "\n".join(parts)


def timed(fn, text):
    t = time.perf_counter()
    out = fn(text)
    return time.perf_counter() - t, out


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
    "spaces and newlines": " \n \t ",
}


def main() -> int:
    base = corpus()
    big = (base + "\n") * max(1, (8 * MB) // len(base.encode("utf-8")))
    size = len(big.encode("utf-8")) / MB
    extract(base[:1000])                     # load tables and compile patterns before timing
    dt, cits = timed(extract, big)
    print(f"extract: {size:.1f} MB legal text in {dt:.2f} s = {size / dt:.2f} MB/s ({len(cits)} citations)")
    small = big[: 2 * MB]
    s2 = len(small.encode("utf-8")) / MB
    dt2, rep = timed(lambda t: check_text(t), small)
    print(f"check_text: {s2:.1f} MB in {dt2:.2f} s = {s2 / dt2:.2f} MB/s ({len(rep.citations)} citations)")
    print(f"\n{'hostile input (1 MB)':<26}{'0.25 MB s':>10}{'1 MB s':>9}{'ratio':>7}{'cits':>7}")
    worst = 0.0
    for name, unit in HOSTILE.items():
        t1 = unit * (MB // len(unit))
        t4 = t1[: len(t1) // 4]
        a, _ = timed(extract, t4)
        b, cits = timed(extract, t1)
        worst = max(worst, b)
        print(f"{name:<26}{a:>10.3f}{b:>9.3f}{b / max(a, 1e-9):>7.1f}{len(cits):>7}")
    print(f"\nworst hostile 1 MB: {worst:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
