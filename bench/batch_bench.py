"""Batch throughput: (a) a naive loop that starts the model per document, (b) the runner with one job,
(c) the runner with --jobs N. Prints documents/min and generated tokens/s side by side, with ratios.

    .venv/bin/python bench/batch_bench.py                       # 50 documents, 1500 chars, 32 tokens
    .venv/bin/python bench/batch_bench.py --docs 12 --max-tokens 16 --chars 800 --jobs 4
    .venv/bin/python bench/batch_bench.py --default-vs-1 --reps 3   # `legalprompt batch` with no --jobs vs --jobs 1

Documents come from ../shared/data/rulingbr-sample/*.json (ementa + inteiro teor where present),
truncated to --chars and copied (each copy marked, so none is a duplicate) to reach --docs.
The three runs use the same model, template, seed and parameters; the runner runs get a fresh
output folder each (nothing is resumed). Figures on a shared machine are noisy: compare ratios.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO.parent / "shared" / "data" / "rulingbr-sample"


def make_docs(folder: Path, n: int, chars: int) -> list[Path]:
    texts = []
    for f in sorted(SAMPLE.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        parts = [d.get("ementa") or "", d.get("full_text") or "", d.get("decision_text") or ""]
        text = "\n\n".join(p for p in parts if p).strip()
        if text:
            texts.append((f.stem, text[:chars]))
    if not texts:
        sys.exit(f"no documents in {SAMPLE}")
    paths = []
    for i in range(n):
        stem, text = texts[i % len(texts)]
        copy = i // len(texts)
        p = folder / (f"{stem}.txt" if copy == 0 else f"{stem}-copia{copy}.txt")
        p.write_text(text + (f"\n\n(cópia {copy})" if copy else ""), encoding="utf-8")
        paths.append(p)
    return paths


def naive(paths: list[Path], args) -> tuple[float, int]:
    """A shell-style loop: one `legalprompt run` process per document (the model loads every time)."""
    tokens = 0
    t0 = time.perf_counter()
    for p in paths:
        r = subprocess.run([sys.executable, "-m", "legalprompt", "run", str(p), "--template", args.template,
                            "--model", args.model, "--max-tokens", str(args.max_tokens), "--seed", "0",
                            "--json", "--no-check"], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"naive run failed on {p}: {r.stderr[-500:]}")
        tokens += json.loads(r.stdout)["usage"]["completion_tokens"]
    return time.perf_counter() - t0, tokens


def runner(folder: Path, jobs: int, args) -> tuple[float, int]:
    from legalprompt.batch.runner import BatchOptions, BatchRunner
    from legalprompt.config import load_settings
    from legalprompt.engine.loader import load_engine

    settings = load_settings({"model": args.model})[0]
    t0 = time.perf_counter()
    eng = load_engine(settings)  # counted: the runner loads the model once per batch
    with tempfile.TemporaryDirectory() as out:
        opts = BatchOptions(inputs=[str(folder)], template=args.template, out_dir=Path(out),
                            max_tokens=args.max_tokens, seed=0, jobs=jobs, check_citations=False,
                            progress=False)
        s = BatchRunner(opts, settings, engine=eng).run()
    el = time.perf_counter() - t0
    if s.failed:
        sys.exit(f"runner failures: {s.failures[:3]}")
    return el, s.completion_tokens


def cli_batch(folder: Path, jobs: str | None, args) -> tuple[float, int, str]:
    """The real `legalprompt batch` process over the folder (fresh output folder), with --jobs or without it.
    Returns (seconds, completion tokens, what the command said it chose)."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "legalprompt", "batch", str(folder), "-o", out, "-t", args.template,
               "--model", args.model, "--max-tokens", str(args.max_tokens), "--seed", "0", "--no-check",
               "--json"] + ([] if jobs is None else ["--jobs", jobs])
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
        el = time.perf_counter() - t0
        if r.returncode != 0:
            sys.exit(f"legalprompt batch failed: {r.stderr[-800:]}")
        data, dec, pos = {}, json.JSONDecoder(), 0  # JSON lines per document, then the summary
        while pos < len(r.stdout.rstrip()):
            obj, end = dec.raw_decode(r.stdout, pos)
            data = obj if obj.get("event") == "summary" else data
            pos = end + len(r.stdout[end:]) - len(r.stdout[end:].lstrip())
        said = next((ln for ln in r.stderr.splitlines() if "--jobs" in ln), "")
        return el, int(data.get("completion_tokens") or 0), said.strip()


def default_vs_one(folder: Path, n_docs: int, args) -> None:
    """Interleaved reps of the default (no --jobs) against --jobs 1: docs/min and the ratio per rep."""
    ratios = []
    for i in range(args.reps):
        res = {}
        for side in (("default", "1") if i % 2 == 0 else ("1", "default")):
            res[side] = cli_batch(folder, None if side == "default" else "1", args)
        r = res["1"][0] / res["default"][0]
        ratios.append(r)
        print(f"  rep {i + 1}: default {n_docs / res['default'][0] * 60:6.2f} docs/min "
              f"({res['default'][1]} tokens)  --jobs 1 {n_docs / res['1'][0] * 60:6.2f} docs/min "
              f"({res['1'][1]} tokens)  default/--jobs 1 {r:.3f}", flush=True)
        if i == 0 and res["default"][2]:
            print(f"    (o padrão disse: {res['default'][2]})")
    ratios.sort()
    print(f"median docs/min ratio default / --jobs 1: {ratios[len(ratios) // 2]:.3f} over {len(ratios)} reps "
          f"(min {ratios[0]:.3f}, max {ratios[-1]:.3f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=50)
    ap.add_argument("--chars", type=int, default=1500)
    ap.add_argument("--max-tokens", type=int, default=32)
    ap.add_argument("--jobs", type=int, default=4)
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--template", default="resumo")
    ap.add_argument("--skip-naive", action="store_true", help="only the two runner runs")
    ap.add_argument("--default-vs-1", action="store_true",
                    help="only `legalprompt batch` without --jobs against --jobs 1, in interleaved reps")
    ap.add_argument("--reps", type=int, default=3, help="reps for --default-vs-1")
    args = ap.parse_args()
    import os

    with tempfile.TemporaryDirectory() as tmp:
        # isolated history/config so the bench does not fill the user's history
        os.environ["LEGALPROMPT_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ["LEGALPROMPT_CONFIG_DIR"] = str(Path(tmp) / "config")
        folder = Path(tmp) / "docs"
        folder.mkdir()
        paths = make_docs(folder, args.docs, args.chars)
        print(f"{len(paths)} documentos (até {args.chars} caracteres), modelo {args.model}, "
              f"template {args.template}, max_tokens {args.max_tokens}", flush=True)
        if args.default_vs_1:
            default_vs_one(folder, len(paths), args)
            return
        rows = []
        if not args.skip_naive:
            rows.append(("a) laço ingênuo (modelo por documento)", *naive(paths, args)))
            print(f"  {rows[-1][0]}: {rows[-1][1]:.1f}s", flush=True)
        rows.append(("b) runner --jobs 1", *runner(folder, 1, args)))
        print(f"  {rows[-1][0]}: {rows[-1][1]:.1f}s", flush=True)
        rows.append((f"c) runner --jobs {args.jobs}", *runner(folder, args.jobs, args)))
        print(f"  {rows[-1][0]}: {rows[-1][1]:.1f}s", flush=True)
    base = rows[0]
    print()
    print(f"{'execução':42} {'tempo':>8} {'docs/min':>9} {'tokens':>7} {'tokens/s':>9} {'× docs/min':>11}")
    for name, el, tok in rows:
        dpm = len(paths) / el * 60
        ratio = dpm / (len(paths) / base[1] * 60)
        print(f"{name:42} {el:7.1f}s {dpm:9.2f} {tok:7d} {tok / el:9.2f} {ratio:10.2f}×")


if __name__ == "__main__":
    main()
