from legalprompt.techniques.checks import ementa_shape, run_check
from legalprompt.techniques.templates import OutputCheck


def test_ementa_shape():
    assert ementa_shape("EMENTA: DIREITO CONSTITUCIONAL. SAÚDE. FORNECIMENTO DE MEDICAMENTO. 1. O Estado...")
    assert ementa_shape("EMENTA: HABEAS CORPUS - PRISÃO PREVENTIVA - ORDEM PÚBLICA.")
    assert not ementa_shape("EMENTA: Recurso ordinário em habeas corpus.")
    assert not ementa_shape("O tribunal decidiu. DIREITO PENAL. ROUBO.")
    assert not ementa_shape("EMENTA: DIREITO PENAL.")


def test_regex_and_nonempty():
    assert run_check(OutputCheck(regex=r"^RELATÓRIO\s+Trata-se de"), "RELATÓRIO\n\nTrata-se de ação")
    assert not run_check(OutputCheck(regex=r"^RELATÓRIO"), "Trata-se de ação")
    assert run_check(OutputCheck(named="nonempty"), "x")
    assert not run_check(OutputCheck(named="nonempty"), "  \n")
