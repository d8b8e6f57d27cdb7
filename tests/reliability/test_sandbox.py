"""Sandboxing: user templates (config dir) and a model's chat template run in Jinja's immutable sandbox;
document text and inputs are data, never template code; output names derived from input names stay
inside the output folder."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legalprompt.errors import TemplateError
from legalprompt.techniques.templates import load_template

# Each one tries to reach Python internals, run a command, read a file or mutate state. `touch` would
# create PWNED in the current folder if anything were executed.
ESCAPES = {
    "mro_subclasses": "{{ documento.__class__.__mro__[1].__subclasses__() }}",
    "cycler_globals": "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
    "lipsum_globals": "{{ lipsum.__globals__['os'].system('touch PWNED') }}",
    "joiner_globals": "{{ joiner.__init__.__globals__ }}",
    "namespace_init": "{{ namespace.__init__.__globals__['__builtins__']['open']('/etc/passwd').read() }}",
    "template_context": "{{ self._TemplateReference__context }}",
    "format_attr": "{{ '{0.__class__.__mro__}'.format(documento) }}",
    "format_map_attr": "{{ '{x.__class__}'.format_map({'x': documento}) }}",
    "list_append": "{% set l = [1] %}{{ l.append(2) }}{{ l }}",
    "dict_update": "{% set d = {} %}{{ d.update({'a': 1}) }}{{ d }}",
    "include_file": "{% include '/etc/passwd' %}",
    "import_module": "{% import 'os' as os %}{{ os }}",
    "huge_range": "{{ range(10 ** 9) | list | length }}",
    "builtins_undefined": "{{ __builtins__ }}",
    "config_undefined": "{{ config.items() }}",
    "getattr_filter": "{{ documento | attr('__class__') }}",
    "func_globals": "{{ range.__self__ }}",
}


def _user_template(config: Path, name: str, body: str, prefill: str = "") -> str:
    tdir = config / "templates"
    tdir.mkdir(exist_ok=True)
    front = f"---\nname: {name}\ndescription: teste de sandbox\n" + (f"prefill: {json.dumps(prefill)}\n" if prefill else "")
    (tdir / f"{name}.j2").write_text(front + "---\n" + body + "\n", encoding="utf-8")
    return name


def test_user_templates_use_the_immutable_sandbox():
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from legalprompt.techniques.templates import _env

    assert isinstance(_env(), ImmutableSandboxedEnvironment)


@pytest.mark.parametrize("body", list(ESCAPES.values()), ids=list(ESCAPES))
def test_escape_attempts_in_a_user_template_are_refused(body, isolated_dirs, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = _user_template(isolated_dirs["config"], "fuga", body)
    tpl = load_template(name)
    assert tpl.source == "usuário"
    with pytest.raises(TemplateError) as exc:
        tpl.render({"documento": "texto do processo"})
    msg = exc.value.message
    assert "fuga" in msg and str(tpl.path) in msg  # names the template file
    assert not (tmp_path / "PWNED").exists()
    assert "root:" not in msg  # nothing of /etc/passwd leaked into the message


@pytest.mark.parametrize("body", [ESCAPES["mro_subclasses"], ESCAPES["list_append"]], ids=["mro", "append"])
def test_escape_attempts_in_the_prefill_are_refused(body, isolated_dirs):
    name = _user_template(isolated_dirs["config"], "fuga-prefill", "{{ documento }}", prefill=body)
    with pytest.raises(TemplateError, match="sandbox|prefill"):
        load_template(name).render_prefill({"documento": "x"})


@pytest.mark.parametrize("body", [ESCAPES["mro_subclasses"], ESCAPES["cycler_globals"], ESCAPES["list_append"],
                                  "{{ raise_exception.__globals__ }}", "{{ strftime_now.__globals__ }}"],
                         ids=["mro", "cycler", "append", "raise_globals", "strftime_globals"])
def test_a_models_chat_template_is_sandboxed(body, tmp_path, monkeypatch):
    """A GGUF file carries its own chat template (model data from the internet): same sandbox."""
    from legalprompt.engine.prompt import render_chat

    monkeypatch.chdir(tmp_path)
    base = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{% endfor %}"
    clean = render_chat(base, None, "pergunta", "").text
    try:
        text = render_chat(base + body, None, "pergunta", "").text
    except TemplateError:
        text = clean  # refused outright
    # Either refused, or the unsafe attribute rendered as nothing: no Python object leaks into the prompt.
    assert text == clean
    assert not (tmp_path / "PWNED").exists()


JINJA_LOOKALIKES = ["{{ 7 * 7 }}", "{% for x in range(3) %}X{% endfor %}", "{# comentário #}", "{{ documento }}",
                    "{% raw %}", "{{", "}}", "{%", "%}", "\\", "<script>alert(1)</script>", "&amp; < > \" '"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.lists(st.one_of(st.text(max_size=30), st.sampled_from(JINJA_LOOKALIKES)), min_size=1, max_size=12)
       .map("".join).filter(lambda s: s.strip()),
       area=st.lists(st.one_of(st.text(max_size=12), st.sampled_from(JINJA_LOOKALIKES)), max_size=4).map("".join))
def test_document_and_inputs_are_data_never_template_code(doc, area):
    """Shipped templates insert the document and the inputs verbatim: '{{ 7 * 7 }}' in a petition stays
    '{{ 7 * 7 }}' (no evaluation, no HTML escaping), and nothing raises."""
    for name in ("ementa", "resumo", "relatorio", "revisao", "fundamentacao"):
        tpl = load_template(name)
        inputs = {tpl.meta.document_input: doc}
        for key, spec in tpl.meta.inputs.items():  # every other input gets the hostile value too
            if key != tpl.meta.document_input and spec.type in ("text", "string"):
                inputs[key] = area or "x"
        rendered = tpl.render(inputs)
        assert doc in rendered
        prefill = tpl.render_prefill(inputs)
        if "area | upper" in tpl.meta.prefill and area:
            assert area.upper() in prefill


# --- output names ----------------------------------------------------------------------------------------

ODD_NAMES = st.one_of(
    st.text(min_size=1, max_size=60),
    st.sampled_from(["..", ".", "...", "../../etc/passwd", "/etc/passwd", "C:\\Windows\\win.ini", "~/.bashrc",
                     "a/../../b", "\u202egnp.exe", "con", "NUL", "manifest", "MANIFEST", ".lp-tmp-1-x",
                     "ação\u0301", "decisa\u0303o", "\x00", "a\nb", " ", "\t", "﻿bom", "ｆｕｌｌｗｉｄｔｈ", "𝕯𝖔𝖈",
                     "..\u2215..\u2215x", "x\uff0f..\uff0fy", "\u2024\u2024/x"]),
)


@settings(max_examples=400, deadline=None)
@given(stems=st.lists(ODD_NAMES, min_size=1, max_size=8))
def test_output_names_never_leave_the_output_folder(stems, tmp_path_factory):
    from legalprompt.batch.manifest import MANIFEST_NAME, plan_output_names

    out = tmp_path_factory.mktemp("saida")
    inputs = [Path("/entrada") / f"{i}" / (s.replace("/", "_").replace("\x00", "_") or "x") for i, s in
              enumerate(stems)]
    inputs = [p.with_name(p.name + ".txt") for p in inputs]
    names = plan_output_names(inputs, out)
    root = out.resolve()
    targets = list(names.values())
    assert len({t.name.lower() for t in targets}) == len(targets)  # no two inputs share an output
    for t in targets:
        assert t.parent == root and t.resolve().parent == root
        assert t.name.isascii() and not t.name.startswith(".") and t.name.endswith(".md")
        assert t.name != MANIFEST_NAME and "/" not in t.name and "\\" not in t.name
        assert unicodedata.normalize("NFC", t.name) == t.name and t.name.isprintable()


def test_batch_with_hostile_file_names_writes_only_inside_the_output_folder(tmp_path):
    """End to end: files whose names hold dots, a right-to-left override, full-width slashes and
    combining accents; every output lands in the output folder, with a plain name."""
    from legalprompt.batch.runner import BatchOptions, BatchRunner
    from legalprompt.config import load_settings
    from legalprompt.engine.fake import FakeDecoder  # the names are the point here, not the model

    src = tmp_path / "entrada"
    src.mkdir()
    names = ["..txt", "...txt", "\u202etxt.exe.txt", "x\uff0f..\uff0fy.txt", "decisa\u0303o.txt", "con.txt",
             "manifest.txt", " .txt"]
    for i, n in enumerate(names):
        (src / n).write_text(f"Documento {i}: o réu não contestou a ação.\n", encoding="utf-8")
    out = tmp_path / "saida"
    settings, _ = load_settings({"model": "smollm2-135m", "threads": 1, "n_ctx": 512})
    opts = BatchOptions(inputs=[str(src / n) for n in names], template="resumo", out_dir=out, max_tokens=2,
                        check_citations=False, progress=False)
    summary = BatchRunner(opts, settings, decoder=FakeDecoder(" resumo.", n_ctx=512)).run()
    assert summary.ok == len(names), summary.failures if hasattr(summary, "failures") else summary
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file() and not p.is_relative_to(src))
    assert all(p.parent == out for p in written), written
    md = [p for p in written if p.suffix == ".md"]
    assert len(md) == len(names) and all(p.name.isascii() and not p.name.startswith(".") for p in md)
