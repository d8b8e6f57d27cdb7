"""Batch runner: manifest, safe names, chunking, and whole batches on the fake decoder (no model load): the
orchestration — reading, resume keys, duplicates, chunking, the manifest, the output files — is the same
whatever decoder generates. Batches on real models: tests/batch/test_parallel.py and test_endpoint.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from legalprompt.batch.chunking import combine_text, group_for_reduce, split_text
from legalprompt.batch.manifest import MANIFEST_NAME, Manifest, atomic_write_text, plan_output_names, safe_stem
from legalprompt.batch.runner import BatchOptions, BatchRunner, format_summary
from legalprompt.config import load_settings
from legalprompt.engine.fake import FakeDecoder
from tests.drafting.mini_template import install_mini
from legalprompt.errors import ContextOverflowError

DOCS = Path(__file__).resolve().parent.parent / "fixtures" / "docs"
GOOD = ["acordao.pdf", "bom.md", "cp1252.txt", "pagina.html", "peticao.docx", "sem-extensao"]  # every format


@pytest.fixture(autouse=True)
def mini_template(isolated_dirs):
    """A template with almost no instructions: the machine is shared, prompts are kept short."""
    install_mini(isolated_dirs["config"])
BAD = {"binario.dat": "não é texto", "corrompido.docx": "DOCX corrompido", "corrompido.pdf": "PDF corrompido",
       "digitalizado.pdf": "OCR", "protegido.pdf": "senha", "sem-documento.docx": "DOCX", "vazio.txt": "vazio"}


# -- names and manifest (no model) ----------------------------------------------------------------

def test_safe_stem_never_escapes_or_hides():
    for raw in ["../../etc/passwd", "/abs/olute", "..", ".hidden", "a/b\\c", "con", "dec\u202eisao", "ação ñ",
                "\x00nul", "", "manifest"]:
        s = safe_stem(raw)
        assert s and "/" not in s and "\\" not in s and not s.startswith(".")
        assert s.isascii() and s.lower() not in {"con", "manifest"}
    assert safe_stem("Decisão nº 5") == "Decisao_no_5"


def test_output_names_stay_inside_and_do_not_collide(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    paths = [tmp_path / "x" / "a.txt", tmp_path / "y" / "a.txt", tmp_path / "A.pdf", tmp_path / "..b.txt",
             Path("/abs/../c.txt")]
    out = tmp_path / "out"
    names = plan_output_names(paths, out)
    assert len({n.name.lower() for n in names.values()}) == len(paths)
    for n in names.values():
        assert n.parent == out.resolve() and n.suffix == ".md"
    # stable whatever the order of the inputs
    assert plan_output_names(list(reversed(paths)), out) == names


def test_manifest_ignores_and_cuts_a_torn_last_line(tmp_path):
    m = Manifest.open(tmp_path)
    m.append({"key": "k1", "status": "ok", "path": "a"})
    m.append({"key": "k2", "status": "error", "path": "b"})
    m.close()
    with open(tmp_path / MANIFEST_NAME, "ab") as f:
        f.write(b'{"key": "k3", "status": "o')  # killed mid-write
    m2 = Manifest.open(tmp_path)
    assert m2.dropped_torn and m2.done("k1") and not m2.done("k2") and m2.last("k3") is None
    m2.append({"key": "k3", "status": "ok", "path": "c"})
    m2.close()
    lines = (tmp_path / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["key"] for x in lines] == ["k1", "k2", "k3"]


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path):
    d = tmp_path / "o"
    d.mkdir()
    p = d / "a.md"
    atomic_write_text(p, "velho")
    atomic_write_text(p, "novo\n")
    assert p.read_text() == "novo\n"
    assert [x.name for x in d.iterdir()] == ["a.md"]


# -- chunking (no model) --------------------------------------------------------------------------

def _words(text: str) -> int:
    return len(text.split())


def test_split_text_tiles_the_text_on_paragraphs_within_budget():
    paras = [" ".join(f"p{i}w{j}" for j in range(7)) + "." for i in range(10)]
    text = "\n\n".join(paras)
    chunks = split_text(text, 20, _words)
    assert "".join(c.text for c in chunks) == text
    assert all(c.tokens <= 20 for c in chunks)
    assert all(text[c.start:c.end] == c.text for c in chunks)
    # paragraph boundaries are kept: no paragraph is cut when each fits
    for c in chunks:
        assert c.text.rstrip().endswith(".")


def test_split_text_cuts_a_huge_paragraph_and_a_huge_word():
    text = "frase um dois três. " * 30 + "x" * 500
    chunks = split_text(text, 12, lambda t: len(t.split()) + len(t) // 50)
    assert "".join(c.text for c in chunks) == text
    assert all(c.tokens <= 12 for c in chunks)
    with pytest.raises(ContextOverflowError):
        split_text(text, 4, _words)


def test_reduce_groups_shrink():
    parts = [f"resumo {i} " * 5 for i in range(9)]
    groups = group_for_reduce(parts, 40, _words)
    assert 1 < len(groups) < len(parts)
    assert all(_words(combine_text(g)) <= 40 for g in groups)
    assert [p for g in groups for p in g] == parts


# -- whole batches on the fake decoder --------------------------------------------------------------

@pytest.fixture
def fake() -> FakeDecoder:
    return FakeDecoder(" o recurso foi provido em parte.", n_ctx=1024)


def _settings():
    return load_settings({})[0]


def _lines(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()]


def test_folder_of_good_and_bad_files(tmp_path, fake):
    src = tmp_path / "in"
    src.mkdir()
    for name in GOOD + list(BAD):
        shutil.copy(DOCS / name, src / name)
    (src / "sub").mkdir()
    (src / "sub" / "bom.md").write_text("Agravo provido.", encoding="utf-8")  # same stem as bom.md
    out = tmp_path / "out"
    inputs = [str(src / n) for n in GOOD + list(BAD)] + [str(src / "sub")]
    opts = BatchOptions(inputs=inputs, template="mini", out_dir=out, max_tokens=4, progress=False)
    s = BatchRunner(opts, _settings(), decoder=fake).run()
    lines = _lines(out)
    by_name = {Path(e["path"]).name if "sub" not in e["path"] else "sub/bom.md": e for e in lines}
    assert len(lines) == len(GOOD) + len(BAD) + 1
    for name in GOOD + ["sub/bom.md"]:
        e = by_name[name]
        assert e["status"] == "ok", e
        text = Path(e["output_file"]).read_text(encoding="utf-8")
        assert "Resumo:" in text and "## Citações" in text
        assert e["shape"] == {"ok": True} and "## Formato" in text  # the template's check, as in run/compare
        assert e["usage"]["completion_tokens"] >= 1 and e["citations"] is not None
        assert e["template"] == "mini" and e["model"] == "fake" and len(e["sha256"]) == 64
    # the two bom.md files got different output names
    assert by_name["bom.md"]["output_file"] != by_name["sub/bom.md"]["output_file"]
    for name, why in BAD.items():
        e = by_name[name]
        assert e["status"] == "error" and why in e["error"], e
        assert e["output_file"] is None
    assert s.ok == len(GOOD) + 1 and s.failed == len(BAD)
    table = format_summary(s)
    assert "Com erro" in table and "vazio.txt" in table and "arquivo vazio" in table

    # Same command again: nothing redone, no new line; failures reported from the manifest.
    s2 = BatchRunner(opts, _settings(), decoder=fake).run()
    assert _lines(out) == lines
    assert s2.ok == 0 and s2.resumed == len(GOOD) + 1 and s2.previous_failures == len(BAD)

    # A different max_tokens is a different job: documents are done again (new key).
    opts3 = BatchOptions(inputs=[str(src / "bom.md")], template="mini", out_dir=out, max_tokens=3, progress=False)
    s3 = BatchRunner(opts3, _settings(), decoder=fake).run()
    assert s3.ok == 1 and len(_lines(out)) == len(lines) + 1


def test_duplicate_content_is_summarised_once(tmp_path, fake):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DOCS / "crlf.txt", src / "a.txt")
    shutil.copy(DOCS / "crlf.txt", src / "b.txt")
    out = tmp_path / "out"
    s = BatchRunner(BatchOptions(inputs=[str(src)], template="mini", out_dir=out, max_tokens=3, progress=False),
                    _settings(), decoder=fake).run()
    lines = _lines(out)
    assert [e["status"] for e in lines] == ["ok", "skipped"]
    assert lines[1]["duplicate_of"] == lines[0]["path"] and lines[1]["output_file"] == lines[0]["output_file"]
    assert s.ok == 1 and s.skipped == 1


def test_citation_mode_is_part_of_the_resume_key(tmp_path, fake):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Aplica-se a Súmula 7 do STJ.", encoding="utf-8")
    out = tmp_path / "out"

    def batch(mode):
        opts = BatchOptions(inputs=[str(src)], template="mini", out_dir=out, max_tokens=3, progress=False,
                            citation_mode=mode)
        return BatchRunner(opts, _settings(), decoder=fake).run()

    assert batch("free").ok == 1
    s = batch("anchored")                 # same document, same parameters, another citation mode: done again
    assert s.ok == 1 and s.resumed == 0
    lines = _lines(out)
    assert len(lines) == 2 and lines[0]["key"] != lines[1]["key"]
    s = batch("anchored")                 # the same mode again resumes
    assert s.ok == 0 and s.resumed == 1 and len(_lines(out)) == 2


def test_long_document_is_split_summarised_and_combined(tmp_path):
    eng = FakeDecoder(" o relator votou pelo provimento.", n_ctx=128)  # words: the document is ~200
    paras = [f"Parágrafo {i}. O relator votou pelo provimento do recurso quanto ao ponto {i}, "
             "mantida a sentença nos demais termos." for i in range(12)]
    doc = tmp_path / "longo.txt"
    doc.write_text("\n\n".join(paras), encoding="utf-8")
    out = tmp_path / "out"
    s = BatchRunner(BatchOptions(inputs=[str(doc)], template="mini", out_dir=out, max_tokens=6, progress=False),
                    _settings(), decoder=eng).run()
    assert s.ok == 1, s.failures
    e = _lines(out)[0]
    plan = e["chunks"]
    assert plan is not None and len(plan["chunks"]) >= 2 and plan["reduce_levels"] >= 1
    assert all(c["tokens"] <= plan["budget"] for c in plan["chunks"])
    # the chunks tile the document
    text = doc.read_text(encoding="utf-8")
    assert plan["chunks"][0]["start"] == 0 and plan["chunks"][-1]["end"] == len(text)
    assert e["usage"]["generations"] > len(plan["chunks"])  # the chunk summaries, then the combine steps
    body = Path(e["output_file"]).read_text(encoding="utf-8")
    assert "dividido em" in body and "Resumo:" in body
