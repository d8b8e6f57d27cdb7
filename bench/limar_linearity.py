"""limar's time on hostile input grows linearly: each hostile unit repeated 20 and 200 times, timed in the same
process (best of 3), with the ratio printed. Linear means about 10x; the script exits 1 past 25x (+0.5 s).

    .venv/bin/python bench/limar_linearity.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from legalprompt.techniques.limar import limar  # noqa: E402

UNITS = {
    "very long words": "a" * 1000 + " ",
    "long digit runs": "1" * 500 + ".",
    "unbalanced brackets": "(" * 300,
    "number-like separators": "R$ 1.1.1.1.1.1.1.1.1.1.1.1.1.1.1, ",
    "negator chains": "não " * 50,
    "citation-like chains": "art. 5º, " * 30,
    "hyphenated line breaks": "constitu-\n" * 40,
    "accented words": "Ação " * 80,
}


def timed(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        limar(text, "strong")
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    bad = 0
    print(f"{'input':<24} {'x20 (s)':>9} {'x200 (s)':>9} {'ratio':>7}")
    for name, unit in UNITS.items():
        small, big = timed(unit * 20), timed(unit * 200)
        ratio = big / max(small, 1e-3)
        ok = big < 25 * max(small, 1e-3) + 0.5
        bad += not ok
        print(f"{name:<24} {small:>9.4f} {big:>9.4f} {ratio:>7.1f}{'' if ok else '  SUPERLINEAR'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
