"""The ementa's header inputs taken from the decision (ramo, classe, resultado, tese)."""

import json

from legalprompt.techniques.ementa_inputs import infer_ementa_inputs
from legalprompt.techniques.templates import load_template


def test_example_acordao(examples_dir):
    got = infer_ementa_inputs((examples_dir / "acordao-rhc-115078.txt").read_text(encoding="utf-8"))
    assert got == {"ramo": "DIREITO PENAL", "classe": "RECURSO ORDINÁRIO EM HABEAS CORPUS",
                   "resultado": "RECURSO DESPROVIDO", "tese": False}


def test_rulingbr_full_texts_results_match_their_acordao(shared_data):
    """Each full text's result, read from its 'acordam' paragraph, agrees with the real ementa's ending."""
    want = {"rulingbr-sample5-1": "EMBARGOS REJEITADOS", "rulingbr-sample5-2": "AGRAVO DESPROVIDO",
            "rulingbr-sample5-3": "RECURSO DESPROVIDO"}
    for stem, result in want.items():
        doc = json.loads((shared_data / "rulingbr-sample" / f"{stem}.json").read_text(encoding="utf-8"))
        assert infer_ementa_inputs(doc["full_text"])["resultado"] == result


def test_thesis_and_nothing_said():
    assert infer_ementa_inputs("O Plenário fixou a seguinte tese: é inconstitucional ...")["tese"] is True
    assert infer_ementa_inputs("Texto sem decisão.") == {"ramo": "", "classe": "", "resultado": "", "tese": False}


def test_given_inputs_win_over_the_document(examples_dir):
    doc = (examples_dir / "acordao-rhc-115078.txt").read_text(encoding="utf-8")
    t = load_template("ementa")
    assert t.render_prefill({"documento": doc}) == "DIREITO PENAL. RECURSO ORDINÁRIO EM HABEAS CORPUS."
    assert t.render_prefill({"documento": doc, "ramo": "direito processual penal"}).startswith("DIREITO PROCESSUAL PENAL.")
