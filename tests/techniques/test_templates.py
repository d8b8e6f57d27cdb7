"""The template library: parsing, sandboxed rendering, errors, user overrides, and every shipped template
running on the bundled default model."""

import json

import pytest

from legalprompt.errors import TemplateError, UserInputError
from legalprompt.techniques.templates import list_templates, load_template

SHIPPED = ["ementa", "ementa-tradicional", "resumo", "relatorio", "revisao", "fundamentacao", "limar"]
DOC = ("O Supremo Tribunal Federal negou provimento ao recurso extraordinário, com base no art. 196 da "
       "Constituição Federal e na Lei nº 8.080/1990. Não houve condenação em honorários.")


def _write(dirs, name, text):
    d = dirs["config"] / "templates"
    d.mkdir(exist_ok=True)
    p = d / f"{name}.j2"
    p.write_text(text, encoding="utf-8")
    return p


def test_shipped_templates_all_parse():
    items = {n: (src, t, err) for n, _, src, t, err in list_templates()}
    for name in SHIPPED:
        src, t, err = items[name]
        assert err is None and src == "embutido" and t.meta.description


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_template_renders_with_documented_inputs(name):
    t = load_template(name)
    inputs = {"documento": DOC}
    for key, spec in t.meta.inputs.items():
        if spec.required and key not in inputs:
            inputs[key] = "o Estado deve fornecer o medicamento"
    text = t.render(inputs)
    assert "{{" not in text
    if name == "limar":
        assert DOC not in text and "art. 196" in text and "8.080/1990" in text and "Não" in text
    else:
        assert DOC in text
    if t.meta.prefill:
        assert t.render_prefill(inputs)


def test_prefill_uses_inputs():
    t = load_template("ementa-tradicional")
    assert t.render_prefill({"documento": DOC, "area": "direito tributário"}) == "EMENTA: DIREITO TRIBUTÁRIO."
    cnj = load_template("ementa")  # CNJ 154: ramo and classe given, or taken from the document
    assert cnj.render_prefill({"documento": DOC, "ramo": "direito tributário", "classe": "apelação"}) == \
        "DIREITO TRIBUTÁRIO. APELAÇÃO."
    assert cnj.render_prefill({"documento": DOC}) == "DIREITO. RECURSO EXTRAORDINÁRIO."
    assert t.render_prefill({"documento": DOC}, override="Outra abertura") == "Outra abertura"


def test_missing_required_input_and_unknown_input():
    t = load_template("fundamentacao")
    with pytest.raises(UserInputError, match="tese"):
        t.render({"documento": DOC})
    with pytest.raises(UserInputError, match="não tem a entrada"):
        load_template("ementa").render({"documento": DOC, "xyz": 1})


def test_user_template_overrides_shipped(isolated_dirs):
    _write(isolated_dirs, "ementa", "---\ndescription: minha ementa\n---\nMinha: {{ documento }}\n")
    t = load_template("ementa")
    assert t.source == "usuário" and t.render({"documento": "x"}) == "Minha: x\n"


def test_syntax_error_names_template_and_line(isolated_dirs):
    _write(isolated_dirs, "quebrado", "---\ndescription: x\n---\nlinha 1\nlinha 2 {% if %}\n")
    with pytest.raises(TemplateError, match=r"quebrado.*linha 5.*sintaxe"):
        load_template("quebrado")


def test_undefined_variable_is_reported(isolated_dirs):
    _write(isolated_dirs, "indef", "---\ndescription: x\n---\n{{ documento }}\n{{ nao_existe }}\n")
    with pytest.raises(TemplateError, match=r"indef.*linha 5.*nao_existe"):
        load_template("indef").render({"documento": "x"})


@pytest.mark.parametrize("payload", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('touch /tmp/pwned').read() }}",
    "{% set x = [] %}{{ x.append(1) }}",
])
def test_sandbox_escape_is_refused(isolated_dirs, payload, tmp_path):
    _write(isolated_dirs, "mal", f"---\ndescription: x\n---\n{payload}\n")
    with pytest.raises(TemplateError) as exc:
        load_template("mal").render({"documento": "x"})
    assert "mal" in exc.value.message


@pytest.mark.parametrize("front,match", [
    ("description: x\nfoo: 1", "foo"),
    ("description: [x", "YAML"),
    ("name: y", "description"),
    ("description: x\nsampling: {temp: 1}", "temp"),
])
def test_bad_front_matter(isolated_dirs, front, match):
    _write(isolated_dirs, "frente", f"---\n{front}\n---\ncorpo\n")
    with pytest.raises(TemplateError, match=match):
        load_template("frente")


def test_templates_cli_lists_sources(isolated_dirs, capsys):
    from legalprompt.cli import main

    _write(isolated_dirs, "meu", "---\ndescription: meu template\n---\n{{ documento }}\n")
    assert main(["templates", "--json"]) == 0
    data = {t["name"]: t for t in json.loads(capsys.readouterr().out)["templates"]}
    assert data["meu"]["source"] == "usuário" and data["ementa"]["source"] == "embutido"
    assert main(["templates", "show", "ementa"]) == 0
    assert "CASO EM EXAME" in capsys.readouterr().out
    assert main(["templates", "show", "nada"]) == 2


@pytest.fixture(scope="module")
def drafter():
    from legalprompt.config import load_settings
    from legalprompt.drafting import Drafter
    from legalprompt.engine.loader import load_engine

    settings, _ = load_settings({"n_ctx": 4096})
    return Drafter(load_engine(settings), settings)


@pytest.mark.parametrize("name", SHIPPED)
def test_each_template_runs_on_default_model(drafter, name, examples_dir):
    from legalprompt.drafting import DraftRequest

    doc = (examples_dir / "peticao-curta.txt").read_text(encoding="utf-8")
    inputs = {"tese": "a inscrição indevida gera dano moral"} if name == "fundamentacao" else {}
    res = drafter.run(DraftRequest(template=name, document=doc, inputs=inputs, max_tokens=12, seed=1))
    t = load_template(name)
    assert res.output.startswith(res.prepared.prefill)
    assert res.prepared.prefill == t.render_prefill({"documento": doc, **inputs})
    assert res.done.usage.completion_tokens >= 1
    assert res.citations is not None


def test_ementa_staged_on_the_example_acordao(drafter, examples_dir):
    """Staged priming: the four CNJ 154 titles are there, in order, even on the 270M model; each stage
    keeps to its budget; later stages evaluate only the new suffix (the document is not evaluated again)."""
    from legalprompt.drafting import Drafter, DraftRequest
    from legalprompt.store.history import History
    from legalprompt.techniques.lint_ementa import SECTION_TITLES

    doc = (examples_dir / "acordao-rhc-115078.txt").read_text(encoding="utf-8")
    res = Drafter(drafter.engine, drafter.settings, History()).run(DraftRequest(template="ementa", document=doc, inputs={"area": "direito processual penal"},
                                   max_tokens=60, seed=3))
    assert res.prepared.staged
    assert res.output.startswith("DIREITO PROCESSUAL PENAL. RECURSO ORDINÁRIO EM HABEAS CORPUS.")
    positions = [res.output.find("\n" + t + "\n") for t in SECTION_TITLES]
    assert all(p > 0 for p in positions) and positions == sorted(positions)
    assert len(res.skeleton) == 5 and res.skeleton[1]["title"].startswith("\nI. CASO EM EXAME\n1.")
    assert sum(s["tokens"] for s in res.skeleton) == res.done.usage.completion_tokens <= 60
    assert all(s["tokens"] <= s["max_tokens"] for s in res.skeleton)
    first = res.skeleton[0]
    assert first["evaluated_prompt_tokens"] > 1000
    assert all(s["evaluated_prompt_tokens"] < 200 for s in res.skeleton[1:])
    assert res.shape["form"] == "cnj154"
    assert not {"SECTION_MISSING", "SECTION_ORDER", "SECTION_TITLE"} & {f["code"] for f in res.shape["findings"]}
    assert res.shape_ok == (res.shape["findings"] == [])
    rec = History().get(res.run_id)  # the history keeps the skeleton and the lint verdict with the answer
    assert rec.output == res.output and rec.skeleton == res.skeleton and rec.shape == res.shape
