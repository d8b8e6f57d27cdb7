"""Issue 19, finding 3: no document, answer or file name can write control sequences to the terminal.

Every printing command is fuzzed with hypothesis: whatever the text (OSC 52 clipboard writes, window
titles, OSC 8 links, clear screen, hidden text, C1 controls, NUL, DEL), no character in 0x00-0x1f
(except newline and tab), 0x7f or 0x80-0x9f reaches stdout or stderr. Characters, not UTF-8 bytes,
are checked: 'ã' is C3 A3 in UTF-8 and its continuation bytes are not controls to a terminal."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability.fakes import serve
from tests.cli.helpers import SMALL, invoke

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HOSTILE = [
    "\x1b]52;c;cm0gLXJmIH4=\x07",            # OSC 52: replace the clipboard
    "\x1b]0;janela falsa\x07",               # window title
    "\x1b]8;;https://evil.example\x1b\\clique\x1b]8;;\x1b\\",  # OSC 8 link
    "\x1b[2J\x1b[H",                         # clear screen, cursor home
    "\x1b[8mtexto oculto\x1b[0m",            # hidden text
    "\x9b2J", "\x9d0;t\x9c", "\x90q\x9c",      # C1 CSI, OSC, DCS
    "\r", "\x08", "\x7f", "\x00", "\x0c", "\x07",
]
PROSE = ["Art. 5º, LV, da CF", "Súmula 7 do STJ", "Lei nº 8.078/1990", "ação de cobrança", "\n", "\t"]
text_st = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.sampled_from(PROSE),
              st.text(st.characters(max_codepoint=0x17F, blacklist_categories=("Cs",)), max_size=12)),
    min_size=1, max_size=10).map("".join)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def assert_safe(*texts: str) -> None:
    for t in texts:
        assert "Traceback" not in t, t[-2000:]
        bad = CONTROLS.findall(t)
        assert not bad, f"control characters reached the terminal: {sorted(set(bad))!r} in {t[:300]!r}"


def test_term_safe_keeps_text_and_length():
    from legalprompt.termsafe import safe_label, term_safe

    s = "Ação\tválida\n" + "".join(HOSTILE)
    out = term_safe(s)
    assert not CONTROLS.search(out) and "\n" in out and "\t" in out and "Ação" in out
    assert len(out) == len(s)  # one char for one char: citation offsets stay valid
    assert term_safe("nada a mudar: é, ç, “aspas”, —") == "nada a mudar: é, ç, “aspas”, —"
    assert safe_label("a\nb\tc\x1bd") == "a\\nb\\tc\\x1bd"


@given(text_st)
@FUZZ
def test_check_and_limar_print_documents_safely(text):
    with tempfile.TemporaryDirectory() as d:
        doc = Path(d) / "doc.txt"
        doc.write_text(text, encoding="utf-8")
        for args in (["check", doc], ["check", doc, "--json"], ["limar", doc], ["limar", doc, "--json"]):
            r = invoke(*args)
            assert_safe(r.out, r.err)
        r = invoke("check", "-", stdin=text.encode("utf-8"))
        assert_safe(r.out, r.err)


@given(text_st, text_st)
@FUZZ
def test_history_prints_stored_text_safely(answer, name):
    from legalprompt.store.history import History

    h = History()
    rid = h.start_run(command="run", template="resumo", document=name, prefill=answer[:20], prompt=answer,
                      params={}, seed=0, model_name="m", model_sha256="0" * 64)
    h.finish_run(rid, status="error", output=answer, error=name)
    h.close()
    for args in (["history"], ["history", str(rid)], ["history", "--json"], ["history", str(rid), "--json"],
                 ["history", "--search", answer[:5] or "a"]):
        r = invoke(*args)
        assert_safe(r.out, r.err)


@given(answer=text_st, name=text_st)
@FUZZ
def test_batch_prints_answers_and_names_safely(answer, name):
    stem = name.replace("/", "_").replace("\x00", "_")[:60] or "x"
    with tempfile.TemporaryDirectory() as d, serve(answer) as (url, _):
        src = Path(d) / "in"
        src.mkdir()
        (src / f"a{stem}.txt").write_text("Acórdão: recurso provido. Art. 5º da CF.", encoding="utf-8")
        (src / f"b{stem}.txt").write_text("", encoding="utf-8")  # an error line with the name
        for extra in ([], ["--json"], ["-q"]):
            r = invoke("batch", src, "--out", Path(d) / "out", "--endpoint", url, "--retry-errors", *extra)
            assert_safe(r.out, r.err)


@given(text=text_st)
@FUZZ
def test_templates_list_and_show_print_safely(text, isolated_dirs):
    tdir = isolated_dirs["config"] / "templates"
    tdir.mkdir(exist_ok=True)
    (tdir / "hostil.j2").write_text(
        f"---\nname: hostil\ndescription: {json.dumps(text)}\nprefill: {json.dumps(text)}\n---\n{text}\n{{{{ documento }}}}\n",
        encoding="utf-8")
    for args in (["templates"], ["templates", "--json"], ["templates", "show", "hostil"],
                 ["templates", "--json", "show", "hostil"]):
        r = invoke(*args)
        assert_safe(r.out, r.err)


def test_json_output_escapes_c1_and_del_losslessly():
    from legalprompt.store.history import History

    h = History()
    rid = h.start_run(command="run", template="resumo", prompt="p", params={}, seed=0, model_name="m",
                      model_sha256="0" * 64)
    h.finish_run(rid, status="ok", output="Texto \x9b2J e \x7f e \x1b[2J fim")
    h.close()
    r = invoke("history", str(rid), "--json")
    assert_safe(r.out, r.err)
    assert json.loads(r.out)["output"] == "Texto \x9b2J e \x7f e \x1b[2J fim"  # the exact text, still


PAYLOAD = "".join(HOSTILE[:6]) + " Art. 5º da CF"


@pytest.mark.model
def test_model_commands_print_answers_and_prefill_safely(tmp_path):
    """run, tokens, next, compare and then history, with a hostile prefill (it is part of every answer)
    and a hostile document, on the small bundled model."""
    doc = tmp_path / "peticao.txt"
    doc.write_text("O autor pede indenização. " + PAYLOAD, encoding="utf-8")
    runs = [
        ["run", doc, "-t", "resumo", "--prefill", PAYLOAD, "--max-tokens", "4", *SMALL],
        ["run", doc, "-t", "resumo", "--prefill", PAYLOAD, "--max-tokens", "4", "--json", *SMALL],
        ["tokens", doc, *SMALL],
        ["compare", doc, "-t", "resumo", "--prefill", PAYLOAD, "-n", "1", "--max-tokens", "4", "-q", *SMALL],
        ["history"], ["history", "1"],
    ]
    for args in runs:
        r = invoke(*args)
        assert r.code in (0, 1), (args, r.code, r.err[-2000:])
        assert_safe(r.out, r.err)
