"""The guard's quick test (a word that cannot open a refused citation is skipped before the full test)
decides exactly what the full test decides: every prefix of real and hostile texts, both ways."""

import json
from pathlib import Path

import pytest

from legalprompt.citations.anchor import AllowedCitations, CitationGuard

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "rulingbr-sample"
SOURCE = ("O fornecedor responde nos termos do art. 14 do CDC (Lei nº 8.078/1990). Ver REsp 1.234.567/SP, "
          "Rel. Min. Nancy Andrighi, julgado em 10/10/2015, e a Súmula 7 do STJ. A Lei nº 11.101/2005 trata "
          "da recuperação judicial. Tema 1.046 do STF.")
HOSTILE = [
    "Conforme o art. 5º, LXXIX, da CF e o art. 900 do Código Civil, ver a Lei nº 9.999/2001 e o CPC.",
    "nos termos da Lei nº 11.102/2005, do CDC, da Lei de Introdução e do Código Penal (CP), rel. Min. Fulano",
    "Rel. Min. Nancy Andrighi; Relator Ministro Beltrano 1; REsp 9.876.543/RJ; Súmula 8 do STJ; Tema 1.047",
    "art.art. 1²³ da lei ①②, arts. 5 e 6 do Código Civil; İstanbul art. 14 do CDC Lei nº 8.078/90 cc cf cp",
    "“o fornecedor responde” e \"não consta da fonte alguma\" 0000000-00.2015.8.26.0000 e 1234567-89.2020",
    "código civil, código de processo penal (CPC), Constituição Federal, CF/88, art. 196 da Constituição",
    "a" * 50 + " 1" * 40 + " art. " * 20 + " Lei nº " * 10 + " rel " * 10,
]


FRAGMENTS = ["Rel. Min. ", "Relator Ministro ", "Relatora: Ministra ", "Nancy Andrighi", "Fulano", "art. ", "arts. ",
             "artigo ", "a ", "ao ", "as ", "Lei nº ", "Lei ", "Lei Complementar ", "Súmula ", "Súmula Vinculante ",
             "Tema ", "REsp ", "HC ", "AgRg no ", "do ", "da ", "de ", "STJ", "STF", "CDC", "CPC", "CF", "CF/88",
             "Código Civil", "Constituição Federal", "constitucional ", "contra ", "regime ", "legalidade ",
             "Código de Processo Penal (CPC)", "(", ")", ", ", ". ", "; ", "\n", " ", "14", "5º", "8.078/1990",
             "11.101/2005", "1.234.567/SP", "7", "1.046", "10/10/2015", "²", "İ", "“", "”", '"', "o fornecedor "]


def texts():
    import random

    out = list(HOSTILE)
    for f in sorted(SHARED.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        if d.get("ementa"):
            out.append(d["ementa"][:800])
    rnd = random.Random(14)
    out += ["".join(rnd.choice(FRAGMENTS) for _ in range(40)) for _ in range(25)]
    return out


@pytest.mark.parametrize("tables", [False, True])
def test_the_quick_test_agrees_with_the_full_one(tables):
    allowed = AllowedCitations([SOURCE], tables=tables)
    quick, full = CitationGuard(allowed), CitationGuard(allowed)
    full.quick = False
    checked = 0
    for text in texts():
        grown = CitationGuard(allowed)           # one character per call: the memo of clear words is used
        for n in range(1, len(text) + 1):
            assert grown.violation(text[:n]) == full.violation(text[:n]), text[:n]
        for n in range(1, len(text) + 1, 3):
            t = text[:n]
            assert quick.violation(t) == full.violation(t), t
            assert quick.accepts(t[:-2], t[-2:]) == full.accepts(t[:-2], t[-2:]), t
            checked += 1
    assert checked > 1000
    # the texts refuse something and accept something: the comparison covers both answers
    verdicts = [full.violation(t) for t in HOSTILE]
    assert any(v >= 0 for v in verdicts) and -1 in verdicts


def test_the_quick_test_skips_most_words():
    allowed = AllowedCitations([SOURCE])
    g = CitationGuard(allowed)
    calls = []
    full = g._bad_at
    g._bad_at = lambda text, w: calls.append(w) or full(text, w)
    prose = "O tribunal entendeu que a parte não demonstrou o dano alegado na petição inicial, razão pela qual "
    g.violation(prose * 2)
    assert len(calls) < 3
