"""Throughput (MB/s of UTF-8 text) of the citation checker and of limar, on real court text.

Measured only (the code lives in legalprompt/citations and legalprompt/techniques/limar/). Each figure
runs interleaved with a baseline pass over the same text -- one compiled regex walking every word
(`re.finditer(r"\\w+")`) -- so the table says how many "plain regex passes" each costs, a figure that
stays comparable on a busy machine.

Also: the first call (tables loaded and patterns compiled) against later calls, since that is what a
short CLI run pays.

    .venv/bin/python bench/throughput.py [--mb 2] [--reps 3]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, interleaved, legal_text, load_note, loadavg, machine, median, print_table, write_json  # noqa: E402

_WORD = re.compile(r"\w+")

_FIRST_CALL = """
import time
t = time.perf_counter()
from {mod} import {fn}
t1 = time.perf_counter()
{fn}({arg})
t2 = time.perf_counter()
print(f"{{t1 - t:.6f}} {{t2 - t1:.6f}}")
"""


def first_call(mod: str, fn: str, arg: str) -> tuple[float, float]:
    """(import s, first call s) in a fresh interpreter: what one CLI invocation pays up front."""
    code = _FIRST_CALL.format(mod=mod, fn=fn, arg=arg)
    p = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        return float("nan"), float("nan")
    a, b = p.stdout.split()[-2:]
    return float(a), float(b)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=2.0, help="size of the text (MB)")
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args(argv)
    info = machine()
    text = legal_text(int(args.mb * 1_000_000))
    text = text.encode("utf-8")[: int(args.mb * 1_000_000)].decode("utf-8", "ignore")
    mb = len(text.encode("utf-8")) / 1e6

    from legalprompt.citations import check_text, extract
    from legalprompt.techniques.limar import LEVELS, limar

    check_text(text[:2000])
    limar(text[:2000], "medium")

    def timed(fn):
        def run(_rep):
            t = time.perf_counter()
            fn()
            return time.perf_counter() - t
        return run

    sides = {
        "regex_baseline": timed(lambda: sum(1 for _ in _WORD.finditer(text))),
        "extract": timed(lambda: extract(text)),
        "check_text": timed(lambda: check_text(text, sources=[text[:20000]])),
    }
    for level in LEVELS:
        sides[f"limar_{level}"] = timed(lambda level=level: limar(text, level))
    res = interleaved(args.reps, sides)
    base = median(res["regex_baseline"])
    rows, out = [], {"mb": mb, "figures": {}}
    for name, times in res.items():
        t = median(times)
        out["figures"][name] = {"s": t, "mb_per_s": mb / t, "x_regex_pass": t / base}
        rows.append([name, f"{mb / t:.2f}", f"{t:.3f}", f"{t / base:.1f}"])
    imp_c, first_c = first_call("legalprompt.citations", "check_text", "'Lei nº 8.078/1990, art. 6º.'")
    imp_l, first_l = first_call("legalprompt.techniques.limar", "limar", "'O réu não compareceu.'")
    out["first_call"] = {"citations_import_s": imp_c, "citations_first_call_s": first_c,
                         "limar_import_s": imp_l, "limar_first_call_s": first_l}
    info["loadavg_end"] = loadavg()
    note = load_note(info["loadavg_start"], info["loadavg_end"])
    text_out = print_table(f"text throughput on {mb:.1f} MB of court text (medians of {args.reps}, interleaved; "
                           f"load {info['loadavg_start']:.2f}->{info['loadavg_end']:.2f})",
                           ["pass", "MB/s", "s", "x regex pass"], rows)
    print(f"first use in a fresh process: citations import {imp_c:.3f} s + first check {first_c:.3f} s; "
          f"limar import {imp_l:.3f} s + first call {first_l:.3f} s")
    if note:
        print(f"note: {note}")
    data = {"benchmark": "throughput", "machine": info, "note": note, "args": vars(args), "results": out,
            "table": text_out}
    print(f"json: {write_json('throughput', data)}")
    return data


if __name__ == "__main__":
    main()
