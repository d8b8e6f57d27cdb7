"""Checks on the reference tables and the pattern database themselves (eyecite-style)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from legalprompt.citations import extract, tables
from legalprompt.citations.build_tables import build_known, build_ministers, build_numbering, build_sumulas
from legalprompt.citations.patterns import fold_key, load_json


def test_minister_dates_ordered():
    for m in tables.ministers():
        assert m.took_min <= m.took_max, m
        if m.left_min:
            assert m.took_min <= m.left_min <= m.left_max, m


def test_no_more_than_11_stf_ministers_on_any_date():
    stf = [m for m in tables.ministers() if m.court == "STF"]
    day = dt.date(1990, 1, 1)
    while day <= dt.date(2026, 1, 1):
        # count those certainly in office (latest possible posse, earliest possible exit)
        n = sum(1 for m in stf if m.took_max <= day and (m.left_min is None or day < m.left_min))
        assert n <= 11, (day, n)
        day += dt.timedelta(days=7)


def test_no_more_than_33_stj_ministers_on_any_date():
    stj = [m for m in tables.ministers() if m.court == "STJ"]
    day = dt.date(1995, 1, 1)
    while day <= dt.date(2026, 1, 1):
        n = sum(1 for m in stj if m.took_max <= day and (m.left_min is None or day < m.left_min))
        assert n <= 33, (day, n)
        day += dt.timedelta(days=30)


def test_minister_names_unique_per_court():
    seen = Counter((m.court, fold_key(m.short_name)) for m in tables.ministers())
    # the only repeated name is a minister with two stints (Rezek)
    repeated = {k for k, v in seen.items() if v > 1}
    assert repeated == {("STF", "francisco rezek")}


def test_numbering_ranges_increase_with_year():
    for kind, rows in tables.law_numbering().items():
        rows = sorted(rows, key=lambda r: r.year_from)
        prev = None
        for r in rows:
            if r.first is not None and r.last is not None:
                assert r.first <= r.last, r
            if kind == "decreto_lei":
                continue            # two series, numbering restarted in 1965
            if prev is not None and r.first is not None:
                assert r.first >= prev.first, (prev, r)
                if prev.last is not None and r.last is not None:
                    assert r.last >= prev.last, (prev, r)
            if r.first is not None:
                prev = r


def test_known_norms_agree_with_numbering():
    """Every well-known federal norm falls inside the numbering range of its own year."""
    numbering = tables.law_numbering()
    for k in tables.known_norms().values():
        rows = [r for r in numbering.get(k.kind, []) if r.year_from <= k.date.year <= r.year_to]
        for r in rows:
            if r.first is not None and r.last is not None:
                assert r.first <= k.number <= r.last, k


def test_every_alias_unique():
    owners: dict[str, str] = {}
    for k in tables.known_norms().values():
        for a in (k.nickname, *k.aliases):
            key = fold_key(a)
            assert owners.get(key, k.key) == k.key, (a, owners.get(key), k.key)
            owners[key] = k.key
    named = load_json("patterns.json")["named_norms"]
    seen: dict[str, str] = {}
    for e in named:
        for a in e["names"] + e["abbr"]:
            assert seen.get(fold_key(a), e["key"]) == e["key"], a
            seen[fold_key(a)] = e["key"]


def test_case_class_abbreviations_unique():
    seen = Counter(a for c in load_json("patterns.json")["case_classes"] for a in c["abbr"])
    assert [a for a, n in seen.items() if n > 1] == []


def test_sumula_series_sane():
    for s in tables.sumula_series().values():
        assert s.max_number > 0
        assert s.as_of is None or s.as_of <= dt.date.today()
        assert s.closed or s.growth_per_year > 0


def test_every_pattern_example_is_extracted():
    db = load_json("patterns.json")
    kind_of = {"case_classes": ("case", "cnj"), "norm_kinds": ("legislation",), "named_norms": ("legislation",)}
    for section, kinds in kind_of.items():
        for entry in db[section]:
            for ex in entry.get("examples", []):
                cits = extract(ex)
                assert cits, (section, ex)
                assert cits[0].kind in kinds, (section, ex, cits[0].kind)
                assert cits[0].start <= 2 and cits[0].end >= len(ex) - 2, (ex, cits[0].text)


def test_shipped_tables_match_shared_facts(shared_data):
    """The package copy is what build_tables.py makes of ../shared/data today."""
    assert len(build_ministers(shared_data)) == len(tables.ministers())
    assert len(build_numbering(shared_data)) == sum(len(v) for v in tables.law_numbering().values())
    assert len(build_known(shared_data)) == len(tables.known_norms())
    assert len(build_sumulas(shared_data)) == len(tables.sumula_series())
    shipped = json.loads(json.dumps(load_json("known_norms.json")))
    assert shipped == build_known(shared_data)


def test_low_confidence_marked_from_source_notes(shared_data):
    cdc = tables.known_norms()["lei:8078"]
    assert cdc.articles_confidence == "high"
    cpc = tables.known_norms()["lei:13105"]
    assert cpc.articles_confidence == "low"        # "articles: unsourced general knowledge"
    humberto = [m for m in tables.ministers() if m.short_name == "Humberto Martins"][0]
    assert humberto.took_min == dt.date(2006, 1, 1) and humberto.took_max == dt.date(2006, 12, 31)
