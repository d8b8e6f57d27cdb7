"""How `legalprompt lint` classifies the real ementas of the rulingbr sample (older form, CNJ 154, other),
and how it does on the hand-written CNJ 154 fixtures (tests/fixtures/ementas).

    .venv/bin/python bench/lint_rulingbr.py [--data ../shared/data/rulingbr-sample]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from legalprompt.techniques.lint_ementa import lint  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data" / "rulingbr-sample"))
    args = ap.parse_args(argv)
    forms: Counter = Counter()
    codes: Counter = Counter()
    t0 = time.process_time()
    n = 0
    for p in sorted(Path(args.data).glob("*.json")):
        ementa = json.loads(p.read_text(encoding="utf-8")).get("ementa")
        if not ementa:
            continue
        n += 1
        r = lint(ementa)
        forms[r.form] += 1
        codes.update(r.codes)
        if r.form != "tradicional":
            print(f"  {p.stem}: {r.form} {r.codes}")
    secs = time.process_time() - t0
    print(f"rulingbr-sample: {n} ementas -> " + ", ".join(f"{k} {forms[k]}" for k in ("tradicional", "cnj154", "outra"))
          + f"; findings {dict(codes)}; {1000 * secs / max(n, 1):.2f} ms CPU each")

    fix = REPO / "tests" / "fixtures" / "ementas"
    ok = sorted((fix / "ok").glob("*.txt"))
    passed = sum(lint(p.read_text(encoding="utf-8")).ok for p in ok)
    expected = json.loads((fix / "broken" / "expected.json").read_text(encoding="utf-8"))
    named = 0
    for name, exp in expected.items():
        src = [(fix / "broken" / exp["sources"]).read_text(encoding="utf-8")] if "sources" in exp else None
        named += set(lint((fix / "broken" / name).read_text(encoding="utf-8"), sources=src).codes) == {exp["code"]}
    print(f"fixtures: {passed}/{len(ok)} correct ementas pass; {named}/{len(expected)} broken ones named exactly")
    return 0 if passed == len(ok) and named == len(expected) else 1


if __name__ == "__main__":
    raise SystemExit(main())
