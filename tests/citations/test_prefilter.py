"""The literal pre-filter (patterns tried only where one of their first words starts) finds exactly what
scanning the digit windows with every pattern finds, on legal text and on hostile text."""

import json
from pathlib import Path

import pytest

from legalprompt.citations.extract import extract
from legalprompt.citations.prefilter import Triggers
from legalprompt.citations.patterns import compiled, load_json

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SHARED = REPO.parent / "shared" / "data"


def _texts() -> list[str]:
    out = [json.loads(line)["text"] for line in (HERE / "data" / "adversarial.jsonl").open(encoding="utf-8")]
    out += [(REPO / "examples" / name).read_text(encoding="utf-8") for name in ("acordao-rhc-115078.txt",
                                                                                 "peticao-curta.txt")]
    db = load_json("patterns.json")
    for section in ("case_classes", "norm_kinds", "named_norms", "courts"):
        for entry in db[section]:
            out += entry.get("examples", [])
    return out


def _key(cits):
    return [(c.kind, c.start, c.end, c.core_end, c.norm_key, c.number, tuple(c.numbers), tuple(c.articles))
            for c in cits]


def test_prefilter_finds_what_the_full_scan_finds():
    texts = _texts()
    assert len(texts) > 150
    for t in texts:
        assert _key(extract(t)) == _key(extract(t, prefilter=False)), t


@pytest.mark.skipif(not (SHARED / "lener-br").exists(), reason="shared reference data not present")
def test_prefilter_on_lener_br_and_rulingbr():
    parts = [json.loads(line)["text"] for line in (SHARED / "lener-br" / "citations-dev.jsonl").open(encoding="utf-8")]
    for f in sorted((SHARED / "rulingbr-sample").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        parts += [d[k] for k in ("ementa", "full_text") if d.get(k)]
    text = "\n".join(parts)
    fast = extract(text)
    assert len(fast) > 1000
    assert _key(fast) == _key(extract(text, prefilter=False))


@pytest.mark.parametrize("text", [
    "art. " * 2000, "1.2.3.4.5.6.7.8.9.0." * 500, "Lei nº " * 1000, "REsp n. " * 1000, "Súmula nº " * 1000,
    "0000000-00." * 1000, "Lein° 12.034/2009 e TST-Ag-AIRR-1188-98.2014.5.03.0011", "HC123 e CF/88, art.5º",
])
def test_prefilter_on_hostile_text(text):
    assert _key(extract(text)) == _key(extract(text, prefilter=False))


def test_every_head_word_is_a_trigger():
    C = compiled()
    assert C.families("recurso") >= {"case"} and C.families("lei") >= {"norm"}
    assert C.families("súmula") == {"sumula"} and C.families("art") >= {"provision"}
    assert Triggers("Os autos do REsp 1.234/SP").at["case"] == [len("Os autos do ")]
    assert Triggers("O recurso 12 foi provido").at["case"] == [len("O ")]    # "recurso", not "re"
    assert Triggers("Relatório 12").at["case"] == []                          # "re" inside a word starts nothing
    assert Triggers("O recurso foi provido").at["case"] == []                 # no number near: not looked for
    assert Triggers("Pelo Código Civil.").at["named"] == [len("Pelo ")]       # named norms need no number


def test_walking_patterns_live_in_the_pattern_data():
    import re

    from legalprompt.citations.walk import walk_patterns

    data = {k: v for k, v in load_json("patterns.json")["extract_patterns"].items() if not k.startswith("_")}
    known = {"court", "num_sign", "wb", "ufs", "date_j", "date_p", "date_v"}
    for name, rx in data.items():
        assert set(re.findall(r"\{\{(\w+)\}\}", rx)) <= known, name
    assert set(walk_patterns()) == set(data) and len(data) >= 15
