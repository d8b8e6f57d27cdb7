"""Report rendering on hand-built results (no model): HTML is one offline file with every model text
escaped, Markdown fences cannot be broken, the terminal view shows both arms."""

import re
from html.parser import HTMLParser

import pytest

from legalprompt.compare.metrics import arm_metrics
from legalprompt.compare.report import render_html, render_markdown, render_terminal, report_format, write_report
from legalprompt.compare.runner import (
    ArmResult, ArmSpec, CorpusComparison, DocumentComparison, SampleResult,
)
from legalprompt.errors import UserInputError

EVIL = '<script>alert("x")</script><img src="http://example.com/a.png"> ``` fim'


def _sample(seed, prefill, generated, shape_ok, citations=()):
    return SampleResult(seed=seed, output=prefill + generated, prefill=prefill, generated=generated,
                        stop_reason="length", citations=list(citations), shape_ok=shape_ok,
                        usage={"prompt_tokens": 900, "completion_tokens": 12, "cached_prompt_tokens": 512},
                        timings={"time_to_first_token_s": 0.4, "generation_tokens_per_s": 25.0, "total_s": 0.9})


def _doc(label="peticao.txt"):
    cit = {"kind": "legislation", "text": "Lei nº 99.999/2030", "verdict": "INCONSISTENT", "in_sources": False,
           "reasons": [{"code": "X", "message": "lei inexistente"}]}
    a = ArmResult(ArmSpec("A", "ementa", ""), "ementa", "", "gemma3-270m", "completo", {"temperature": 0.3},
                  "cadeia de assuntos",
                  [_sample(7, "", "O banco " + EVIL, False), _sample(8, "", "A autora pede danos.", False, [cit])])
    b = ArmResult(ArmSpec("B", "ementa", None), "ementa", "EMENTA: DIREITO.", "gemma3-270m", "completo",
                  {"temperature": 0.3}, "cadeia de assuntos",
                  [_sample(7, "EMENTA: DIREITO.", " CONSUMIDOR. DANO MORAL.", True),
                   _sample(8, "EMENTA: DIREITO.", " CIVIL. <b>RECURSO</b>.", True)])
    for arm in (a, b):
        arm.metrics = arm_metrics(arm.samples)
    return DocumentComparison(label, 700, [7, 8], [a, b], similarity_a_b=0.1, wall_s=3.0)


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.attrs = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)


def test_html_is_self_contained_and_escapes_model_text():
    page = render_html(_doc())
    p = _Collect()
    p.feed(page)
    assert "script" not in p.tags and "img" not in p.tags and "link" not in p.tags
    assert not any(k in ("src", "href") for k, _ in p.attrs)
    assert "http://" not in page.split("Content-Security-Policy")[0]
    assert not re.search(r"(?i)<script|<img|<link|@import|url\(", page)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;b&gt;RECURSO&lt;/b&gt;" in page
    assert "default-src 'none'" in page
    # side by side, the prefill styled apart, the word diff, the per-arm table
    assert '<span class=prefill>EMENTA: DIREITO.</span>' in page
    assert "<del>" in page and "<ins>" in page
    assert "Passa na verificação de formato" in page and "0/2 (0%)" in page and "2/2 (100%)" in page
    assert "IMPOSSÍVEL" in page and "Lei nº 99.999/2030" in page


def test_html_report_written_as_one_file(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = write_report(_doc(), folder / "r.html")
    assert [p.name for p in folder.iterdir()] == ["r.html"]
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")


def test_markdown_report_fences_and_tables(tmp_path):
    md = write_report(_doc(), tmp_path / "r.md").read_text(encoding="utf-8")
    assert md.startswith("# Comparação A/B")
    assert "| Passa na verificação de formato | 0/2 (0%) | 2/2 (100%) |" in md
    # the model wrote ``` : the fence around it must be longer
    assert "````text\nO banco " in md
    assert "[-" in md and "{+" in md
    assert "IMPOSSÍVEL · fora do documento" in md


def test_corpus_reports_pool_metrics_and_list_skipped():
    d1, d2 = _doc("a.txt"), _doc("b.txt")
    skipped = DocumentComparison("c.txt", 90000, [7, 8], [], error="o prompt tem 9000 tokens")
    pooled = []
    for i in range(2):
        samples = d1.arms[i].samples + d2.arms[i].samples
        ar = ArmResult(d1.arms[i].spec, "ementa", d1.arms[i].prefill, "gemma3-270m", "completo", {}, None, samples)
        ar.metrics = arm_metrics(samples, groups=[d1.arms[i].samples, d2.arms[i].samples])
        ar.metrics["documents"] = 2
        pooled.append(ar)
    corpus = CorpusComparison("pasta", [7, 8], [d1, skipped, d2], pooled, 9.0)
    assert [d.document for d in corpus.done] == ["a.txt", "b.txt"]
    html_page = render_html(corpus)
    assert "c.txt" in html_page and "9000 tokens" in html_page and "0/4 (0%)" in html_page
    md = render_markdown(corpus)
    assert "| Documentos | 2 | 2 |" in md and "| Passa na verificação de formato | 0/4 (0%) | 4/4 (100%) |" in md
    j = corpus.to_dict()
    assert [a["name"] for a in j["arms"]] == ["A", "B"]
    assert j["arms"][0]["metrics"]["inconsistent"] == 2
    assert j["skipped"] == [{"document": "c.txt", "error": "o prompt tem 9000 tokens"}]


def test_terminal_view_shows_both_arms_without_interpreting_markup():
    from rich.console import Console

    console = Console(record=True, width=140, color_system=None)
    render_terminal(_doc(), console)
    text = console.export_text()
    assert "Semente 7" in text and "Semente 8" in text
    assert "EMENTA: DIREITO. CONSUMIDOR" in text
    assert "<b>RECURSO</b>" in text  # shown as written, not eaten as markup
    assert "Números por braço" in text and "2/2 (100%)" in text


@pytest.mark.parametrize("name", ["r.pdf", "r", "r.txt"])
def test_report_format_refuses_other_suffixes(name):
    with pytest.raises(UserInputError, match="html ou .md"):
        report_format(name)


def _outside_fences(md: str) -> str:
    out, fence = [], None
    for line in md.splitlines():
        m = re.match(r"^(`{3,})", line)
        if fence is None and m:
            fence = m.group(1)
        elif fence is not None and line.startswith(fence) and line.strip("`") == "":
            fence = None
        elif fence is None:
            out.append(line)
    return "\n".join(out)


def test_markdown_report_escapes_names_and_prefill_outside_fences(tmp_path):
    """Issue 19 (low): a file name or prefill cannot add links, images (a tracking pixel), HTML or
    headings to the Markdown report."""
    evil = "![p](https://evil.example/t.png) [x](https://evil.example) <img src=x onerror=alert(1)> *b* _i_ `c`"
    doc = _doc(label=evil + ".txt")
    doc.arms[1].prefill = evil
    for s in doc.arms[1].samples:
        s.prefill = evil
    md = _outside_fences(write_report(doc, tmp_path / "r.md").read_text(encoding="utf-8"))
    assert "evil.example" in md  # still shown, as text
    for raw in ("![p](", "[x](", "<img", "*b*", "_i_", "`c`"):  # each only with its first character escaped
        assert not re.search(r"(?<!\\)" + re.escape(raw), md), raw
