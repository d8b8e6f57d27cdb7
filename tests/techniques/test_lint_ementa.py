"""lint_ementa against hand-written CNJ 154 ementas (8 correct, 17 broken with one defect each) and the
real ementas of the rulingbr sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from legalprompt.techniques.lint_ementa import detect_form, lint

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "ementas"
OK = sorted((FIX / "ok").glob("*.txt"))
EXPECTED = json.loads((FIX / "broken" / "expected.json").read_text(encoding="utf-8"))


def test_fixture_counts():
    assert len(OK) >= 8 and len(EXPECTED) >= 15
    branches = " ".join(p.read_text(encoding="utf-8").split("\n", 1)[0] for p in OK)
    for ramo in ("CIVIL.", "PENAL", "TRIBUTÁRIO", "DO TRABALHO", "DO CONSUMIDOR", "ADMINISTRATIVO"):
        assert ramo in branches
    with_thesis = [p for p in OK if "Tese de julgamento:" in p.read_text(encoding="utf-8")]
    assert 0 < len(with_thesis) < len(OK)


@pytest.mark.parametrize("path", OK, ids=[p.name for p in OK])
def test_correct_ementas_pass(path):
    result = lint(path.read_text(encoding="utf-8"))
    assert result.form == "cnj154"
    assert result.findings == [] and result.ok


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=sorted(EXPECTED))
def test_each_broken_ementa_names_its_defect(name):
    exp = EXPECTED[name]
    sources = [(FIX / "broken" / exp["sources"]).read_text(encoding="utf-8")] if "sources" in exp else None
    result = lint((FIX / "broken" / name).read_text(encoding="utf-8"), sources=sources)
    assert not result.ok
    assert set(result.codes) == {exp["code"]}, [f.message for f in result.findings]
    assert all(f.line and f.message for f in result.findings)


def test_sources_check_passes_when_the_citations_are_in_the_sources():
    text = (FIX / "ok" / "07-previdenciario.txt").read_text(encoding="utf-8")
    src = (FIX / "broken" / "fontes-previdenciario.txt").read_text(encoding="utf-8")
    assert lint(text, sources=[src]).ok
    # Without the source, the precedent (not in the body) is named.
    findings = lint(text, sources=[]).findings
    assert [f.code for f in findings] == ["CITATION_NOT_IN_SOURCES"] and "MI nº 721" in findings[0].message


def test_old_form_is_recognised_not_listed_as_four_missing_sections():
    old = ("EMENTA: DIREITO PENAL. HABEAS CORPUS. PRISÃO PREVENTIVA. ORDEM PÚBLICA. ORDEM DENEGADA.\n"
           "1. A prisão preventiva exige fundamentação concreta. 2. Ordem denegada.")
    result = lint(old)
    assert result.form == "tradicional" and result.codes == ["OLD_FORM"]


def test_empty_and_prose():
    assert lint("  \n").codes == ["EMPTY"]
    assert lint("O tribunal negou provimento ao recurso por unanimidade.").codes == ["NOT_EMENTA"]


def test_model_style_repeat_is_named_once():
    first = (FIX / "ok" / "02-penal.txt").read_text(encoding="utf-8")
    result = lint(first + "\n" + first)
    assert result.codes == ["REPEATED_HEADER"]
    assert result.findings[0].line == len(first.splitlines()) + 2


def test_real_ementas_are_classified_without_crash(shared_data):
    """The rulingbr sample's ementas predate CNJ 154: none may be taken for it; all are classified."""
    forms = {}
    for p in sorted((shared_data / "rulingbr-sample").glob("*.json")):
        ementa = json.loads(p.read_text(encoding="utf-8")).get("ementa")
        if ementa:
            forms[p.stem] = lint(ementa).form
    assert len(forms) >= 35
    assert "cnj154" not in forms.values()
    assert sum(f == "tradicional" for f in forms.values()) >= 30
    # And the same ementas with their header on its own line still read as the older form.
    assert detect_form(json.loads((shared_data / "rulingbr-sample" / "tjal-0156.json").read_text())["ementa"]) == "tradicional"
