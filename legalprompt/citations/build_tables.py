"""Build the reference tables shipped in `legalprompt/data/citations/` from the fact tables in
`../shared/data/` (run by hand when those change; the package never reads ../shared at run time).

    python -m legalprompt.citations.build_tables [SHARED_DATA_DIR]

What the cleaning does, and why:
* partial dates (`1999-06`, `2006`) become two bounds, the earliest and the latest day they can mean,
  so a check can only call a date "before taking office" when it is before every day the partial
  date allows;
* `confidence` is kept as given (high/medium/low); only low-confidence facts are demoted to warnings
  by the verifier;
* for well-known norms the date and the article count get separate confidences, read from the
  source column: a fact whose source says "unsourced general knowledge" is low;
* súmula series get a closed/active flag and, for active ones, a yearly growth allowance, because
  the table's ceiling is a snapshot ("numbers above 675 were probably approved after Nov 2024").
"""

from __future__ import annotations

import calendar
import csv
import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "citations"


def _bounds(value: str) -> tuple[str, str]:
    """'2006' -> ('2006-01-01', '2006-12-31'); '1999-06' -> ('1999-06-01', '1999-06-30')."""
    value = value.strip()
    if not value:
        return "", ""
    parts = value.split("-")
    if len(parts) == 1:
        return f"{parts[0]}-01-01", f"{parts[0]}-12-31"
    if len(parts) == 2:
        y, m = int(parts[0]), int(parts[1])
        last = calendar.monthrange(y, m)[1]
        return f"{y:04d}-{m:02d}-01", f"{y:04d}-{m:02d}-{last:02d}"
    return value, value


def build_ministers(shared: Path) -> list[dict]:
    rows = []
    for court, fname in (("STF", "stf-ministers.csv"), ("STJ", "stj-ministers.csv")):
        with open(shared / fname, encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                took_min, took_max = _bounds(r["took_office"])
                left_min, left_max = _bounds(r["left_office"])
                rows.append({
                    "court": court, "name": r["name"].strip(), "short_name": r["short_name"].strip(),
                    "took_office": r["took_office"].strip(), "took_min": took_min, "took_max": took_max,
                    "left_office": r["left_office"].strip(), "left_min": left_min, "left_max": left_max,
                    "confidence": r["confidence"].strip() or "low",
                })
    return rows


def build_numbering(shared: Path) -> list[dict]:
    rows = []
    with open(shared / "federal-law-numbering.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            years = r["year"].strip()
            if "-" in years:
                y0, y1 = (int(x) for x in years.split("-"))
            else:
                y0 = y1 = int(years)
            rows.append({
                "kind": r["kind"].strip(), "year_from": y0, "year_to": y1,
                "first_number": r["first_number"].strip(), "last_number": r["last_number"].strip(),
                "confidence": r["confidence"].strip() or "low",
            })
    return rows


_UNSOURCED = re.compile(r"unsourced general knowledge", re.I)


def _fact_confidence(source: str, label: str) -> str:
    """The source column reads 'date: ...; articles: ...'; a fact sourced only from memory is low."""
    m = re.search(label + r":(.*?)(?:;\s*(?:date|articles):|$)", source, re.S)
    part = m.group(1) if m else source
    return "low" if _UNSOURCED.search(part) else "high"


def build_known(shared: Path) -> list[dict]:
    rows = []
    with open(shared / "federal-laws-known.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            aliases = []
            for a in r["aliases"].split("|"):
                a = re.sub(r"\s*\(.*?\)\s*$", "", a).strip()   # drop editorial notes like '(ambiguous ...)'
                if a:
                    aliases.append(a)
            source = r["source"]
            rows.append({
                "kind": r["kind"].strip(), "number": r["number"].strip(), "date": r["date"].strip(),
                "nickname": r["nickname"].strip(), "aliases": aliases,
                "articles": int(r["articles"]) if r["articles"].strip() else None,
                "date_confidence": _fact_confidence(source, "date"),
                "articles_confidence": _fact_confidence(source, "articles") if r["articles"].strip() else None,
            })
    return rows


# Growth allowance per year for series that are still issuing (numbers above max + allowance are
# treated as impossible). Chosen generously from the notes in sumulas-ranges.csv.
_SUMULA_POLICY = {
    ("STF", "sumula"): {"closed": True, "growth_per_year": 0, "confidence": "high"},
    ("STF", "sumula_vinculante"): {"closed": False, "growth_per_year": 6, "confidence": "medium"},
    ("STJ", "sumula"): {"closed": False, "growth_per_year": 30, "confidence": "medium"},
    ("TST", "sumula"): {"closed": False, "growth_per_year": 10, "confidence": "medium"},
    ("TST", "oj_sdi1"): {"closed": False, "growth_per_year": 10, "confidence": "low"},
}


def build_sumulas(shared: Path) -> list[dict]:
    rows = []
    with open(shared / "sumulas-ranges.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            key = (r["court"].strip(), r["kind"].strip())
            policy = _SUMULA_POLICY[key]
            m = re.match(r"(\d{4})-(\d{2})(?:-(\d{2}))?", r["as_of"])
            as_of = ""
            if m:
                as_of = m.group(0) if m.group(3) else _bounds(m.group(0))[1]
            rows.append({"court": key[0], "kind": key[1], "max_number": int(r["max_number"]),
                         "as_of": as_of, **policy})
    return rows


def _write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(r)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    shared = Path(argv[0]) if argv else Path(__file__).resolve().parents[3] / "shared" / "data"
    OUT.mkdir(parents=True, exist_ok=True)
    _write_csv(OUT / "ministers.csv", build_ministers(shared))
    _write_csv(OUT / "law_numbering.csv", build_numbering(shared))
    (OUT / "known_norms.json").write_text(
        json.dumps(build_known(shared), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _write_csv(OUT / "sumulas.csv", build_sumulas(shared))
    print(f"tables written to {OUT}")


if __name__ == "__main__":
    main()
