"""Staged priming's pure parts: budgets, stop strings, item numbering (the model path is tested in
test_templates.py::test_ementa_staged_on_the_example_acordao)."""

from legalprompt.techniques.staging import next_item_number, section_stops, stage_budgets
from legalprompt.techniques.templates import load_template


def test_budgets_shrink_in_proportion_but_every_stage_keeps_some():
    assert stage_budgets([48, 90, 60, 150, 70], 1000) == [48, 90, 60, 150, 70]
    small = stage_budgets([48, 90, 60, 150, 70], 100)
    assert sum(small) <= 100 + 8 and all(b >= 8 for b in small)
    assert small[3] > small[1]  # the long section stays the longest
    assert small[0] == 33  # the header keeps up to a third: a header cut mid-word is the worst cut


def test_next_item_number_counts_across_sections():
    assert next_item_number("DIREITO PENAL. HC.") == 1
    assert next_item_number("X.\nI. CASO EM EXAME\n1. Fato.\nII. QUESTÃO\n2. A questão") == 3
    assert next_item_number("X.\nI. CASO EM EXAME\n1. A") == 2  # an item being written counts


def test_an_empty_item_is_not_counted_as_the_lint_does_not():
    """Seen in compare (gemma3-270m, anchored arm): the model ended section III with a bare "8." and staging
    numbered the next title 9, which the lint then flagged (it does not count "8." alone as an item)."""
    from legalprompt.techniques.lint_ementa import lint as lint_ementa

    answer = ("DIREITO PENAL. RECURSO EXTRAORDINÁRIO COM AGRAVO. RECURSO DESPROVIDO.\nI. CASO EM EXAME\n1. Fato.\n"
              "II. QUESTÃO EM DISCUSSÃO\n2. A questão.\nIII. RAZÕES DE DECIDIR\n3. Razão.\n8.\n")
    n = next_item_number(answer)
    assert n == 4
    full = answer + f"IV. DISPOSITIVO E TESE\n{n}. Recurso desprovido.\n"
    assert not [f for f in lint_ementa(full).findings if f.code == "NUMBERING"]
    assert [f for f in lint_ementa(full.replace(f"\n{n}. Recurso", "\n9. Recurso")).findings if f.code == "NUMBERING"]


def test_stops_name_the_next_titles_and_the_first_line():
    t = load_template("ementa")
    titles = [t.render_text(s.title, {"documento": "x"}, "esqueleto", n=1) for s in t.meta.skeleton.sections]
    stops = section_stops(titles, "DIREITO PENAL. RECURSO ORDINÁRIO EM HABEAS CORPUS.")
    for s in ("\nII.", "\nQUESTÃO EM DISCUSSÃO", "\nRAZÕES DE DECIDIR", "\nIV.", "\nDIREITO PENAL. REC", "\nEMENTA",
              "\nVII.", "\n1."):
        assert s in stops
    assert "\n2." not in stops and "\n3." not in stops  # later items are the section's own


def test_ementa_template_declares_the_cnj154_skeleton():
    from legalprompt.techniques.lint_ementa import SECTION_TITLES

    t = load_template("ementa")
    inputs = {"documento": "x", "resultado": "recurso desprovido", "tese": True}
    titles = [t.render_text(s.title, inputs, "esqueleto", n=4) for s in t.meta.skeleton.sections]
    assert [x.strip().split("\n")[0] for x in titles] == list(SECTION_TITLES)
    assert titles[3].endswith('4. Recurso desprovido.\nTese de julgamento: "1.')
    assert t.render_text(t.meta.skeleton.header.close, inputs, "esqueleto", n=1) == " RECURSO DESPROVIDO."
