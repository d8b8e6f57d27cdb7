"""Issue 19 (low): listing or showing templates never evaluates them; rendering (user templates and a
model's chat template) has a time and memory budget; a YAML alias bomb in the front matter is refused;
an error message never carries the document or another input value.

What could hang or eat memory before the fix runs in a child process under an address-space limit
and a timeout, which only guard the machine (no timing is asserted)."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap

import pytest

from tests.reliability.fakes import serve
from tests.cli.helpers import REPO, assert_ok, invoke

LIMIT_AS = 1024 * 1024 * 1024


def _child(code: str, env_extra: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    import os

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))

    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, preexec_fn=limit, env={**os.environ, **(env_extra or {})})


def _user_template(cfg, name: str, body: str, front: str = "") -> None:
    d = cfg / "templates"
    d.mkdir(exist_ok=True)
    (d / f"{name}.j2").write_text(f"---\nname: {name}\ndescription: teste\n{front}---\n{body}\n", encoding="utf-8")


BOMB = "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}" if i else '"lol"'] * 9) + "]\n" for i in range(12))


def test_listing_and_showing_never_evaluate(isolated_dirs):
    _user_template(isolated_dirs["config"], "potencia", "{{ 10**5000 }} {{ documento }}")
    for args in (["templates"], ["templates", "--json"], ["templates", "show", "potencia"]):
        r = invoke(*args)
        assert_ok(r)
    from legalprompt.errors import TemplateError
    from legalprompt.techniques.templates import load_template

    with pytest.raises(TemplateError, match="limite"):
        load_template("potencia").render({"documento": "x"})


def test_yaml_alias_bomb_is_refused_in_bounded_memory(isolated_dirs):
    _user_template(isolated_dirs["config"], "bomba", "{{ documento }}", front=f"inputs: {{}}\nextra:\n" +
                   textwrap.indent(BOMB, "  "))
    p = _child("""
        from legalprompt.cli import main
        raise SystemExit(main(["templates", "--json", "show", "bomba"]))
        """)
    assert "Traceback" not in p.stderr and "MemoryError" not in p.stderr, p.stderr[-1500:]
    assert p.returncode == 2 and "alias" in p.stderr, (p.returncode, p.stderr[-800:])
    r = invoke("templates")
    assert_ok(r)
    assert "bomba" in r.out and "ERRO" in r.out


@pytest.mark.parametrize("body", [
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}{{ documento }}",
    "{% set xs = range(100000)|list %}{% for i in xs %}{% for j in xs %}{% endfor %}{% endfor %}{{ documento }}",
    "{{ 'a' * 900000000 }}{{ documento }}",
    "{{ ('a' * 100000) * 100000 }}{{ documento }}",
])
def test_user_template_rendering_has_a_budget(isolated_dirs, body):
    _user_template(isolated_dirs["config"], "caro", body)
    p = _child("""
        from legalprompt.errors import TemplateError
        from legalprompt.techniques.templates import load_template
        try:
            load_template("caro").render({"documento": "x"})
            print("RENDERED")
        except TemplateError as exc:
            print("REFUSED", exc.message)
        """)
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr[-1500:]
    assert p.stdout.startswith("REFUSED") and "limite" in p.stdout, p.stdout[-500:]


def test_looping_chat_template_is_refused():
    p = _child("""
        from legalprompt.engine.prompt import render_chat
        from legalprompt.errors import TemplateError
        loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
        try:
            render_chat(loop + "{% for m in messages %}{{ m.content }}{% endfor %}", None, "doc", "")
            print("RENDERED")
        except TemplateError as exc:
            print("REFUSED", exc.message)
        """)
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr[-1500:]
    assert p.stdout.startswith("REFUSED") and "limite" in p.stdout, p.stdout[-500:]


SECRET = "SEGREDO-DO-CLIENTE-8d2f e mais texto do contrato"


@pytest.mark.parametrize("body", ["{% set x = {} %}{{ x[documento] }}", "{{ documento | int + [] }}",
                                  "{{ raise_me(documento) }}", "{{ documento.split()[99] }}"])
def test_template_errors_never_carry_the_document(isolated_dirs, tmp_path, body):
    _user_template(isolated_dirs["config"], "falho", body)
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(SECRET, encoding="utf-8")
    with serve() as (url, _):
        r = invoke("batch", src, "--out", tmp_path / "out", "-t", "falho", "--endpoint", url)
    assert "Traceback" not in r.err
    manifest = (tmp_path / "out" / "manifest.jsonl").read_text(encoding="utf-8")
    assert json.loads(manifest.splitlines()[-1])["status"] == "error"
    for where in (r.out, r.err, manifest):
        assert "SEGREDO-DO-CLIENTE" not in where, where[-600:]
