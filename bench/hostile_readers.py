"""Time and peak memory of each reader refusing a hostile document (issue 19).

Generates the hostile corpus of tests/reliability/hostile_corpus.py (zip-bomb and deeply nested DOCX,
deeply nested and element-flooded HTML, a Flate-bomb PDF, a 20,000-page PDF, a sparse 1 GB text file,
a FIFO, a link to /dev/zero) and reads each one in a fresh child process: `read_document(path)`, its
wall time, and the child's own peak RSS (/proc/self/status VmHWM). The baseline, measured the same way
in the same run, interleaved, is the child reading a normal document of the same format (the test
fixtures), so the interpreter's and the libraries' own footprint is visible next to each refusal.

Target (issue 19): every hostile document refused within 5 s and under 500 MB.

    .venv/bin/python bench/hostile_readers.py [--reps 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, interleaved, load_note, loadavg, machine, median, print_table, write_json  # noqa: E402

from tests.reliability.hostile_corpus import make_corpus  # noqa: E402

BASELINES = {"txt": "tests/fixtures/docs/latin1.txt", "docx": "tests/fixtures/docs/peticao.docx",
             "html": "tests/fixtures/docs/pagina.html", "pdf": "tests/fixtures/docs/acordao.pdf"}
LIMIT_S, LIMIT_MB = 5.0, 500.0
_CHILD = """
import json, sys, time
from legalprompt.documents import read_document
from legalprompt.errors import DocumentError
t0 = time.perf_counter()
try:
    read_document(sys.argv[1])
    result = "accepted"
except DocumentError as exc:
    result = "refused"
seconds = time.perf_counter() - t0
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"result": result, "seconds": seconds, "peak_mb": hwm / 1024}))
"""


def read_once(path: Path) -> dict:
    p = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, timeout=300,
                       cwd=REPO)
    if p.returncode != 0:
        return {"result": f"crashed ({p.stderr.strip().splitlines()[-1:]})", "seconds": float("nan"),
                "peak_mb": float("nan")}
    return json.loads(p.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    info = machine()
    load0 = loadavg()
    rows, records, over = [], [], []
    with tempfile.TemporaryDirectory() as d:
        corpus = make_corpus(Path(d))
        for name, path in corpus.items():
            kind = name.split()[0]
            base = REPO / BASELINES[kind]
            runs = interleaved(args.reps, {"hostile": lambda _r, p=path: read_once(p),
                                           "baseline": lambda _r, p=base: read_once(p)})
            h, b = runs["hostile"], runs["baseline"]
            results = {r["result"] for r in h}
            s, mb = median([r["seconds"] for r in h]), max(r["peak_mb"] for r in h)
            bs, bmb = median([r["seconds"] for r in b]), max(r["peak_mb"] for r in b)
            size = path.stat().st_size if path.is_file() and not path.is_symlink() else None
            ok = results == {"refused"} and s <= LIMIT_S and mb <= LIMIT_MB
            if not ok:
                over.append(name)
            rows.append([name, "-" if size is None else f"{size / 1e6:.1f}", "/".join(sorted(results)), s, mb,
                         bs, bmb, "ok" if ok else "FORA DO LIMITE"])
            records.append({"name": name, "bytes": size, "results": sorted(results), "seconds_median": s,
                            "peak_mb_max": mb, "baseline": str(BASELINES[kind]), "baseline_seconds_median": bs,
                            "baseline_peak_mb_max": bmb, "within_target": ok})
    print_table(f"Hostile documents: median time and max peak RSS of {args.reps} reads each, in fresh children "
                f"(target: refused, <= {LIMIT_S:g} s, <= {LIMIT_MB:g} MB)",
                ["document", "MB on disk", "result", "s", "peak MB", "baseline s", "baseline MB", "target"], rows)
    note = load_note(load0, loadavg())
    if note:
        print(f"note: {note}")
    out = write_json("hostile_readers", {"machine": info, "reps": args.reps, "documents": records, "note": note})
    print(f"written {out}")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
