"""Reference tables shipped in `legalprompt/data/citations/` (built by `build_tables.py`).

Loaded on first use and cached; nothing here runs at import time.
"""

from __future__ import annotations

import csv
import datetime as _dt
from dataclasses import dataclass
from functools import lru_cache

from legalprompt.citations.patterns import _data_file, fold_key, load_json


def _d(s: str) -> _dt.date | None:
    return _dt.date.fromisoformat(s) if s else None


@dataclass(frozen=True)
class Minister:
    court: str
    name: str
    short_name: str
    took_office: str          # as written in the fact table (may be partial: "2006", "1999-06")
    took_min: _dt.date
    took_max: _dt.date
    left_office: str
    left_min: _dt.date | None
    left_max: _dt.date | None
    confidence: str


@dataclass(frozen=True)
class NumberingRow:
    kind: str
    year_from: int
    year_to: int
    first: int | None
    last: int | None
    confidence: str


@dataclass(frozen=True)
class KnownNorm:
    kind: str
    number: int
    date: _dt.date
    nickname: str
    aliases: tuple[str, ...]
    articles: int | None
    date_confidence: str
    articles_confidence: str | None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.number}"


@dataclass(frozen=True)
class SumulaSeries:
    court: str
    kind: str
    max_number: int
    as_of: _dt.date
    closed: bool
    growth_per_year: int
    confidence: str


def _csv(name: str) -> list[dict]:
    with _data_file(name).open("r", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def ministers() -> list[Minister]:
    return [Minister(r["court"], r["name"], r["short_name"], r["took_office"], _d(r["took_min"]), _d(r["took_max"]),
                     r["left_office"], _d(r["left_min"]), _d(r["left_max"]), r["confidence"])
            for r in _csv("ministers.csv")]


@lru_cache(maxsize=1)
def ministers_by_name() -> dict[tuple[str, str], list[Minister]]:
    """(court, folded name) -> rows (one per stint); both the full and the short name are keys."""
    out: dict[tuple[str, str], list[Minister]] = {}
    for m in ministers():
        for n in {fold_key(m.name), fold_key(m.short_name)}:
            out.setdefault((m.court, n), []).append(m)
    return out


@lru_cache(maxsize=1)
def law_numbering() -> dict[str, list[NumberingRow]]:
    out: dict[str, list[NumberingRow]] = {}
    for r in _csv("law_numbering.csv"):
        out.setdefault(r["kind"], []).append(NumberingRow(
            r["kind"], int(r["year_from"]), int(r["year_to"]),
            int(r["first_number"]) if r["first_number"] else None,
            int(r["last_number"]) if r["last_number"] else None, r["confidence"]))
    return out


@lru_cache(maxsize=1)
def known_norms() -> dict[str, KnownNorm]:
    out: dict[str, KnownNorm] = {}
    for r in load_json("known_norms.json"):
        k = KnownNorm(r["kind"], int(r["number"]), _d(r["date"]), r["nickname"], tuple(r["aliases"]), r["articles"],
                      r["date_confidence"], r["articles_confidence"])
        out[k.key] = k
    return out


@lru_cache(maxsize=1)
def sumula_series() -> dict[tuple[str, str], SumulaSeries]:
    return {(r["court"], r["kind"]): SumulaSeries(r["court"], r["kind"], int(r["max_number"]), _d(r["as_of"]),
                                                  r["closed"] == "True", int(r["growth_per_year"]), r["confidence"])
            for r in _csv("sumulas.csv")}


@lru_cache(maxsize=1)
def cf_provisions() -> dict[str, dict[str, dict]]:
    """{"cf"|"adct": {article: {"incisos": n, "paragrafos": n, "unico": bool}}} from the compiled text
    (see build_cf_provisions.py for the source and the amendments applied after it)."""
    data = load_json("cf_provisions.json")
    return {"cf": data["cf"], "adct": data["adct"]}
