"""Flagging benchmark: real citations, changed one thing at a time.

Real citations come from the LeNER-Br sentences (../shared/data/lener-br/citations-dev.jsonl; dev and,
to have more material, train) and the ementas and full texts in ../shared/data/rulingbr-sample/
(tjal-* files also give a CNJ process number, relator and publication date, from which one citation
per file is written out: "Apelação nº <process_number>, Rel. <relator>, publicado em <publish_date>").

For every real citation that allows a change, one perturbed copy is made per change kind:
  check_digit       a CNJ number's check digits replaced by other digits
  year              a federal norm's year moved to a year whose numbering cannot contain it
  relator           the relator replaced by a minister of the same court not in office on the date
  future_date       the judgment (or publication) date moved one year past today
  published_before  the publication date set 30 days before the judgment date
  article           an article number set above the size of the cited law or code
  sumula            a súmula number set above the highest the series can have reached
Only facts that are not low-confidence in the tables are used to make changes (low-confidence facts
only ever warn, by design). A change counts as caught when the citation covering it is INCONSISTENT.

The false-alarm figure is the share of unchanged real citations that come out INCONSISTENT.
Run: .venv/bin/python bench/citations_flagging.py [--show N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from legalprompt.citations import Verdict, check_text, extract  # noqa: E402
from legalprompt.citations import tables  # noqa: E402
from legalprompt.citations.verify import (  # noqa: E402
    cnj_check_digits_ok, federal_numbering_applies, relator_is_judge_title, resolve_locality,
)

SHARED = REPO.parent / "shared" / "data"
TODAY = dt.date.today()


def real_texts() -> list[tuple[str, str]]:
    out = []
    for line in (SHARED / "lener-br" / "citations-dev.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        out.append((row["id"], row["text"]))
    for f in sorted((SHARED / "rulingbr-sample").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        for key in ("ementa", "full_text"):
            if d.get(key):
                out.append((f"{f.stem}:{key}", d[key]))
        if d.get("process_number"):
            cit = f"Apelação nº {d['process_number']}"
            if d.get("relator"):
                cit += f", Rel. {d['relator']}"
            if d.get("publish_date"):
                cit += f", publicado em {d['publish_date']}"
            out.append((f"{f.stem}:meta", f"({cit}).")) 
    return out


def _replace(text: str, start: int, end: int, new: str) -> tuple[str, int]:
    return text[:start] + new + text[end:], start


def _fmt_like(old: str, d: dt.date, four_digits: bool = False) -> str:
    sep = "/" if "/" in old else ("." if "." in old else "-")
    y = str(d.year) if four_digits or len(re.split(r"[/.-]", old)[-1]) == 4 else f"{d.year % 100:02d}"
    return f"{d.day:02d}{sep}{d.month:02d}{sep}{y}"


def perturbations(text: str, c, rng: random.Random):
    """Yield (kind, new_text, position of the change) for one real citation."""
    # check digit
    if c.cnj and cnj_check_digits_ok(c.cnj):
        m = re.search(r"-\s?(\d{2})\.", c.text)
        if m:
            old = int(m.group(1))
            new = f"{(old + rng.randint(1, 96)) % 97:02d}"
            s = c.start + m.start(1)
            yield ("check_digit", *_replace(text, s, s + 2, new))
    # year of a federal norm
    if federal_numbering_applies(c):
        rows = tables.law_numbering().get(c.norm_kind or "", [])
        if rows:
            cands = [y for r in rows if r.confidence != "low" and r.first is not None and r.last is not None
                     and r.year_from == r.year_to and not (r.first <= c.norm_number <= r.last)
                     and r.year_from <= TODAY.year and r.year_to != max(x.year_to for x in rows)
                     for y in [r.year_from]]
            m = re.search(r"(?:/\s?|de\s+)(\d{4}|\d{2})(?!\d)\s*$", c.norm_text or "")
            if cands and m:
                y = rng.choice(cands)
                ys = str(y) if len(m.group(1)) == 4 else f"{y % 100:02d}"
                s = c.end - len(c.norm_text) + m.start(1) if c.text.endswith(c.norm_text) else None
                if s is not None and c.text[s - c.start:s - c.start + len(m.group(1))] == m.group(1):
                    yield ("year", *_replace(text, s, s + len(m.group(1)), ys))
    # relator / dates of a case citation
    if c.kind in ("case", "cnj"):
        jd = c.judgment_date.value if c.judgment_date else None
        pd = c.publication_date.value if c.publication_date else None
        # a relator titled "Des."/"Desembargador" sits on a state or federal court (TJDFT's ADIs are written
        # like the STF's): a minister's name put there is not an STF/STJ citation, so it is no test of one
        if c.relator and jd and c.court in ("STF", "STJ") and not relator_is_judge_title(c, c.relator):
            others = [m for m in tables.ministers() if m.court == c.court and m.confidence != "low"
                      and (jd < m.took_min or (m.left_max is not None and jd > m.left_max))]
            if others:
                m = rng.choice(others)
                yield ("relator", *_replace(text, c.relator.start, c.relator.end, m.short_name))
        d = c.judgment_date or c.publication_date
        if d and d.value:
            fut = d.value.replace(year=TODAY.year + 1) if not (d.value.month == 2 and d.value.day == 29) else dt.date(TODAY.year + 1, 3, 1)
            yield ("future_date", *_replace(text, d.start, d.end, _fmt_like(d.text, fut, four_digits=True)))
        if jd and pd and c.publication_date:
            yield ("published_before", *_replace(text, c.publication_date.start, c.publication_date.end,
                                                 _fmt_like(c.publication_date.text, jd - dt.timedelta(days=30))))
    # article beyond the size of the norm
    if c.kind == "legislation" and c.articles and c.norm_key:
        k = tables.known_norms().get(c.norm_key)
        if k and k.articles and k.articles_confidence != "low" and c.provisions:
            m = re.search(r"(?i:art(?:igo)?s?\.?)\s?(\d{1,4}(?:\.\d{3})?)", c.text)
            if m:
                new = str(k.articles + rng.randint(1, k.articles))
                yield ("article", *_replace(text, c.start + m.start(1), c.start + m.end(1), new))
    # súmula above the series' ceiling
    if c.kind == "sumula" and c.court and c.numbers:
        row = tables.sumula_series().get((c.court, c.series))
        if row and row.confidence != "low":
            m = re.search(r"\d{1,4}", c.text)
            years = max(1.0, (TODAY - row.as_of).days / 365.25)
            ceiling = row.max_number + (0 if row.closed else int(row.growth_per_year * years) + 1)
            new = str(ceiling + rng.randint(1, 300))
            yield ("sumula", *_replace(text, c.start + m.start(), c.start + m.end(), new))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", type=int, default=0, help="print N missed perturbations and N false alarms")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    texts = real_texts()
    n_real = 0
    false_alarms = []
    caught: Counter = Counter()
    total: Counter = Counter()
    misses = defaultdict(list)
    for tid, text in texts:
        report = check_text(text, today=TODAY)
        for cc in report.citations:
            n_real += 1
            if cc.verdict is Verdict.INCONSISTENT:
                false_alarms.append((tid, cc.text, [r.message for r in cc.reasons if r.severity == "error"]))
        cits = extract(text)
        resolve_locality(cits)
        for c in cits:
            for kind, new_text, pos in perturbations(text, c, rng):
                total[kind] += 1
                rep = check_text(new_text, today=TODAY)
                hit = [x for x in rep.citations if x.start <= pos < x.end]
                if hit and hit[0].verdict is Verdict.INCONSISTENT:
                    caught[kind] += 1
                else:
                    window = new_text[max(0, pos - 60):pos + 60]
                    misses[kind].append((tid, window, [(x.text, x.verdict.value) for x in hit]))
    print(f"texts: {len(texts)}   real citations checked: {n_real}   today: {TODAY.isoformat()}")
    print(f"\n{'change':<18}{'perturbed':>10}{'caught':>8}{'recall':>8}")
    ok = True
    for kind in ("check_digit", "year", "relator", "future_date", "published_before", "article", "sumula"):
        t, k = total[kind], caught[kind]
        r = k / t if t else float("nan")
        ok &= t > 0 and r >= 0.95
        print(f"{kind:<18}{t:>10}{k:>8}{r:>8.3f}")
    all_t, all_k = sum(total.values()), sum(caught.values())
    print(f"{'all':<18}{all_t:>10}{all_k:>8}{all_k / max(1, all_t):>8.3f}")
    rate = len(false_alarms) / max(1, n_real)
    print(f"\nunchanged real citations flagged INCONSISTENT: {len(false_alarms)}/{n_real} = {rate:.4f}")
    ok &= rate <= 0.01
    print(f"bar (recall >= 0.95 for every change, false INCONSISTENT <= 1%): {'PASS' if ok else 'FAIL'}")
    if args.show:
        for kind, ms in misses.items():
            for m in ms[: args.show]:
                print("MISS", kind, m)
        for fa in false_alarms[: args.show]:
            print("FALSE", fa)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
