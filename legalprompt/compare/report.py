"""Rendering a comparison: a side-by-side terminal view (rich), a self-contained HTML file, Markdown.

All model text is untrusted: the HTML escapes every piece of it and declares a Content-Security-Policy
that forbids scripts and any network load, so the report opens offline and a model output cannot run
anything. The Markdown puts outputs in fenced blocks longer than any backtick run they contain.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from legalprompt.compare.diff import DELETE, EQUAL, INSERT, word_diff
from legalprompt.compare.runner import ArmResult, CorpusComparison, DocumentComparison, SampleResult
from legalprompt.errors import UserInputError
from legalprompt.citations.labels import VERDICT_LABELS

REPORT_SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


# -- figures as text ------------------------------------------------------------------------------
def _rate(m: dict) -> str:
    if not m.get("shape_checked"):
        return "— (sem verificação)"
    checked = m["samples"]
    return f"{m['shape_ok']}/{checked} ({100 * m['shape_pass_rate']:.0f}%)"


def _num(v: Any, digits: int = 2) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


METRIC_ROWS: list[tuple[str, Callable[[dict], str]]] = [
    ("Documentos", lambda m: _num(m.get("documents"))),
    ("Amostras", lambda m: _num(m["samples"])),
    ("Passa na verificação de formato", _rate),
    ("Citações na resposta", lambda m: _num(m["citations"])),
    ("Citações IMPOSSÍVEIS (INCONSISTENT)", lambda m: _num(m["inconsistent"])),
    ("Citações que não estão no documento", lambda m: _num(m["not_in_sources"])),
    ("Trechos entre aspas que não estão no documento", lambda m: _num(m.get("quotes_not_found"))),
    ("Citações verificadas", lambda m: _num(m["verified"])),
    ("Concordância entre amostras (0–1)", lambda m: _num(m["agreement"])),
    ("Tamanho médio (palavras)", lambda m: _num(m["mean_words"], 1)),
    ("Tokens gerados (média)", lambda m: _num(m["mean_completion_tokens"], 1)),
    ("1º token (média, s)", lambda m: _num(m["mean_time_to_first_token_s"])),
    ("Tokens/s (média)", lambda m: _num(m["mean_tokens_per_s"], 1)),
    ("Tokens de prompt reaproveitados", lambda m: f"{m['cached_prompt_tokens']}/{m['prompt_tokens']}"),
]


def metric_rows(arms: list[ArmResult]) -> list[tuple[str, list[str]]]:
    rows = []
    for label, fn in METRIC_ROWS:
        if label == "Documentos" and all(a.metrics.get("documents") is None for a in arms):
            continue
        rows.append((label, [fn(a.metrics) for a in arms]))
    return rows


def describe_arm(a: ArmResult) -> str:
    prefill = f"prefill “{a.prefill}”" if a.prefill else "sem prefill"
    mode = {"anchored": "citações ancoradas", "free": "citações livres"}.get(a.citation_mode, "")
    return (f"{a.spec.name}: template {a.template}, {prefill}, modelo {a.model}, documento {a.document_input}"
            + (f", {mode}" if mode else ""))


def citation_summary(s: SampleResult) -> str:
    n = len(s.citations)
    if not n:
        return "nenhuma citação"
    bad = sum(1 for c in s.citations if c.get("verdict") == "INCONSISTENT")
    out = sum(1 for c in s.citations if c.get("in_sources") is False)
    return f"{n} citação(ões): {bad} impossível(is), {out} fora do documento"


def shape_label(ok: bool | None) -> str:
    return "formato ok" if ok else ("sem verificação de formato" if ok is None else "formato FALHOU")




def _verdict_text(c: dict) -> str:
    tag = VERDICT_LABELS.get(c.get("verdict", ""), str(c.get("verdict")))
    if c.get("in_sources") is False:
        tag += " · fora do documento"
    elif c.get("in_sources"):
        tag += " · no documento"
    return tag


# -- HTML -----------------------------------------------------------------------------------------
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1200px;
 padding:0 1rem;color:#1d1d1f;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}h3{font-size:1.05rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;
 vertical-align:top}th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#555;font-size:.9rem}.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:1rem}
.col{border:1px solid #ddd;border-radius:6px;padding:.5rem .8rem;background:#fafafa}
pre{white-space:pre-wrap;word-wrap:break-word;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9rem;
 margin:.3rem 0}
.prefill{background:#dbeafe;color:#1e3a8a;border-radius:3px}
.ok{color:#166534;font-weight:600}.bad{color:#b91c1c;font-weight:600}.none{color:#666}
del{background:#fee2e2;color:#991b1b;text-decoration:line-through}ins{background:#dcfce7;color:#166534;
 text-decoration:none}ul.cits{margin:.2rem 0;padding-left:1.2rem;font-size:.88rem}
.INCONSISTENT{color:#b91c1c;font-weight:600}.VERIFIED{color:#166534}.UNVERIFIED{color:#92400e}
details{margin:.5rem 0}summary{cursor:pointer;font-weight:600}
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'"


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _html_page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"pt-BR\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_CSP}\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def _html_arms(arms: list[ArmResult]) -> str:
    rows = "".join(
        f"<tr><th>{_e(a.spec.name)}</th><td>{_e(a.template)}</td>"
        f"<td>{'<span class=prefill>' + _e(a.prefill) + '</span>' if a.prefill else '<span class=none>nenhum</span>'}</td>"
        f"<td>{_e(a.model)}</td><td>{_e(a.document_input)}</td><td>{_e(a.citation_mode or '—')}</td>"
        f"<td>{_e(a.shape_check or '—')}</td></tr>" for a in arms)
    return ("<table><tr><th>Braço</th><th>Template</th><th>Prefill</th><th>Modelo</th><th>Documento</th><th>Citações</th>"
            f"<th>Verificação de formato</th></tr>{rows}</table>")


def _html_metrics(arms: list[ArmResult]) -> str:
    head = "".join(f"<th>{_e(a.spec.name)}</th>" for a in arms)
    body = "".join(f"<tr><th>{_e(label)}</th>" + "".join(f"<td class=n>{_e(v)}</td>" for v in vals) + "</tr>"
                   for label, vals in metric_rows(arms))
    return f"<table><tr><th></th>{head}</tr>{body}</table>"


def _html_output(s: SampleResult) -> str:
    pre = f"<span class=prefill>{_e(s.prefill)}</span>" if s.prefill else ""
    return f"<pre>{pre}{_e(s.generated)}</pre>"


def _html_citations(s: SampleResult) -> str:
    if not s.citations:
        return "<p class=none>nenhuma citação</p>"
    items = "".join(f"<li><span class=\"{_e(c.get('verdict', ''))}\">[{_e(_verdict_text(c))}]</span> "
                    f"{_e(c.get('text', ''))}</li>" for c in s.citations)
    return f"<ul class=cits>{items}</ul>"


def _html_diff(a: str, b: str) -> str:
    parts = []
    for op, text in word_diff(a, b):
        if op == EQUAL:
            parts.append(_e(text))
        elif op == DELETE:
            parts.append(f"<del>{_e(text)}</del>")
        elif op == INSERT:
            parts.append(f"<ins>{_e(text)}</ins>")
    return f"<pre>{''.join(parts)}</pre>"


def _html_samples(doc: DocumentComparison) -> str:
    out = []
    arms = doc.arms
    for i, seed in enumerate(doc.seeds):
        cols = []
        for a in arms:
            s = a.samples[i]
            cls = "ok" if s.shape_ok else ("none" if s.shape_ok is None else "bad")
            cols.append(f"<div class=col><h4>{_e(a.spec.name)}</h4>{_html_output(s)}"
                        f"<p><span class={cls}>{_e(shape_label(s.shape_ok))}</span> · "
                        f"{s.usage.get('completion_tokens', 0)} tokens · "
                        f"1º token {s.timings.get('time_to_first_token_s', 0):.2f} s · "
                        f"{s.timings.get('generation_tokens_per_s', 0):.1f} tokens/s · "
                        f"{s.usage.get('cached_prompt_tokens', 0)}/{s.usage.get('prompt_tokens', 0)} "
                        f"tokens de prompt reaproveitados</p>{_html_citations(s)}</div>")
        a0, a1 = arms[0].samples[i], arms[1].samples[i]
        out.append(f"<section><h3>Semente {seed}</h3><div class=cols>{''.join(cols)}</div>"
                   f"<p><b>Diferença palavra a palavra</b> ({_e(arms[0].spec.name)} → {_e(arms[1].spec.name)}: "
                   f"<del>só em {_e(arms[0].spec.name)}</del> <ins>só em {_e(arms[1].spec.name)}</ins>)</p>"
                   f"{_html_diff(a0.output, a1.output)}</section>")
    return "".join(out)


def _params_text(arms: list[ArmResult]) -> str:
    p = arms[0].params if arms else {}
    keys = ("temperature", "top_p", "top_k", "min_p", "repeat_penalty", "max_tokens")
    return ", ".join(f"{k}={p[k]}" for k in keys if k in p)


def render_html(result: DocumentComparison | CorpusComparison) -> str:
    if isinstance(result, CorpusComparison):
        return _render_html_corpus(result)
    doc = result
    d = doc.to_dict()["reuse"]
    body = (f"<h1>Comparação A/B: {_e(doc.document)}</h1>"
            f"<p class=meta>{doc.chars} caracteres · sementes {_e(', '.join(map(str, doc.seeds)))} · "
            f"{_e(_params_text(doc.arms))} · {d['cached_prompt_tokens']} de {d['prompt_tokens']} tokens de prompt "
            f"reaproveitados · {doc.wall_s:.1f} s de geração</p>"
            f"<h2>Braços</h2>{_html_arms(doc.arms)}<h2>Números por braço</h2>{_html_metrics(doc.arms)}"
            f"<p class=meta>Semelhança média entre A e B na mesma semente: {_e(_num(doc.similarity_a_b))}. "
            "Concordância: semelhança média entre as amostras do mesmo braço, sem o prefill (1 = sempre a mesma "
            "resposta; uma resposta que muda a cada semente é um palpite). Os braços rodam alternados e "
            "reaproveitam o documento já avaliado: o primeiro pedido paga a avaliação do documento, por isso "
            "o 1º token do braço A é mais lento; não é uma diferença entre os braços.</p>"
            f"<h2>Amostras lado a lado</h2>{_html_samples(doc)}")
    return _html_page(f"Comparação A/B — {doc.document}", body)


def _per_doc_rows(corpus: CorpusComparison) -> tuple[list[str], list[list[str]]]:
    names = [a.spec.name for a in corpus.arms]
    head = (["Documento"] + [f"Formato {n}" for n in names] + [f"Impossíveis {n}" for n in names]
            + [f"Fora do documento {n}" for n in names] + [f"Concordância {n}" for n in names])
    rows = []
    for d in corpus.done:
        ms = [a.metrics for a in d.arms]
        rows.append([d.document] + [_rate(m) for m in ms] + [_num(m["inconsistent"]) for m in ms]
                    + [_num(m["not_in_sources"]) for m in ms] + [_num(m["agreement"]) for m in ms])
    return head, rows


def _render_html_corpus(corpus: CorpusComparison) -> str:
    head, rows = _per_doc_rows(corpus)
    table = ("<table><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>"
             + "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows) + "</table>")
    skipped = ""
    if corpus.skipped:
        skipped = ("<h2>Documentos não comparados</h2><ul>"
                   + "".join(f"<li>{_e(d.document)}: {_e(d.error)}</li>" for d in corpus.skipped) + "</ul>")
    details = "".join(f"<details><summary>{_e(d.document)}</summary>{_html_samples(d)}</details>"
                      for d in corpus.done)
    body = (f"<h1>Comparação A/B sobre o corpus {_e(corpus.source)}</h1>"
            f"<p class=meta>{len(corpus.done)} documento(s) comparado(s), {len(corpus.skipped)} não comparado(s) · "
            f"sementes {_e(', '.join(map(str, corpus.seeds)))} · {_e(_params_text(corpus.arms))} · "
            f"{corpus.wall_s:.1f} s</p>"
            f"<h2>Braços</h2>{_html_arms(corpus.arms)}<h2>Números por braço (corpus)</h2>"
            f"{_html_metrics(corpus.arms)}<h2>Por documento</h2>{table}{skipped}"
            f"<h2>Amostras</h2>{details}")
    return _html_page(f"Comparação A/B — corpus {corpus.source}", body)


# -- Markdown -------------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+!|~&])")  # "(" is inert once "[" and "]" are escaped


def _md_cell(v: Any) -> str:
    """Text outside code fences (names, prefills, citations, errors): one line, and every character
    Markdown would read as markup (links, images, HTML, emphasis, code, headings, table cells) escaped,
    so a file name cannot add a tracking image or a link to the report."""
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", str(v)).strip()) or " "


def _md_table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(_md_cell(h) for h in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _fence(text: str, info: str = "text") -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    f = "`" * max(3, longest + 1)
    return f"{f}{info}\n{text}\n{f}"


def _md_diff(a: str, b: str) -> str:
    parts = []
    for op, text in word_diff(a, b):
        parts.append(text if op == EQUAL else (f"[-{text}-]" if op == DELETE else f"{{+{text}+}}"))
    return "".join(parts)


def _md_arms(arms: list[ArmResult]) -> str:
    return _md_table(["Braço", "Template", "Prefill", "Modelo", "Documento", "Citações", "Verificação de formato"],
                     [[a.spec.name, a.template, f"“{a.prefill}”" if a.prefill else "nenhum", a.model,
                       a.document_input, a.citation_mode or "—", a.shape_check or "—"] for a in arms])


def _md_metrics(arms: list[ArmResult]) -> str:
    return _md_table([""] + [a.spec.name for a in arms], [[label, *vals] for label, vals in metric_rows(arms)])


def _md_samples(doc: DocumentComparison, level: str = "###") -> str:
    out = []
    for i, seed in enumerate(doc.seeds):
        out.append(f"{level} Semente {seed}\n")
        for a in doc.arms:
            s = a.samples[i]
            pre = f" (prefill: {_md_cell(s.prefill)})" if s.prefill else ""
            out.append(f"**{a.spec.name}**{pre} — {shape_label(s.shape_ok)}, {citation_summary(s)}, "
                       f"{s.usage.get('completion_tokens', 0)} tokens\n\n{_fence(s.output)}\n")
            for c in s.citations:
                out.append(f"- [{_verdict_text(c)}] {_md_cell(c.get('text', ''))}")
            if s.citations:
                out.append("")
        a0, a1 = doc.arms[0], doc.arms[1]
        out.append(f"Diferença palavra a palavra ([-só em {a0.spec.name}-] {{+só em {a1.spec.name}+}}):\n\n"
                   f"{_fence(_md_diff(a0.samples[i].output, a1.samples[i].output))}\n")
    return "\n".join(out)


def render_markdown(result: DocumentComparison | CorpusComparison) -> str:
    if isinstance(result, CorpusComparison):
        c = result
        head, rows = _per_doc_rows(c)
        parts = [f"# Comparação A/B sobre o corpus {_md_cell(c.source)}\n",
                 f"{len(c.done)} documento(s) comparado(s), {len(c.skipped)} não comparado(s) · sementes "
                 f"{', '.join(map(str, c.seeds))} · {_params_text(c.arms)} · {c.wall_s:.1f} s\n",
                 "## Braços\n", _md_arms(c.arms), "\n## Números por braço (corpus)\n", _md_metrics(c.arms),
                 "\n## Por documento\n", _md_table(head, rows)]
        if c.skipped:
            parts += ["\n## Documentos não comparados\n"] + [f"- {_md_cell(d.document)}: {_md_cell(d.error)}"
                                                             for d in c.skipped]
        parts.append("\n## Amostras\n")
        for d in c.done:
            parts += [f"### {_md_cell(d.document)}\n", _md_samples(d, "####")]
        return "\n".join(parts) + "\n"
    doc = result
    r = doc.to_dict()["reuse"]
    parts = [f"# Comparação A/B: {_md_cell(doc.document)}\n",
             f"{doc.chars} caracteres · sementes {', '.join(map(str, doc.seeds))} · {_params_text(doc.arms)} · "
             f"{r['cached_prompt_tokens']} de {r['prompt_tokens']} tokens de prompt reaproveitados · "
             f"{doc.wall_s:.1f} s de geração\n",
             "## Braços\n", _md_arms(doc.arms), "\n## Números por braço\n", _md_metrics(doc.arms),
             f"\nSemelhança média entre A e B na mesma semente: {_num(doc.similarity_a_b)}. Concordância: "
             "semelhança média entre as amostras do mesmo braço, sem o prefill. Os braços rodam alternados e "
             "reaproveitam o documento já avaliado: o 1º token do braço A inclui a avaliação do documento.\n",
             "## Amostras lado a lado\n", _md_samples(doc)]
    return "\n".join(parts) + "\n"


def report_format(path: str | Path) -> str:
    fmt = REPORT_SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise UserInputError(f"--report espera um arquivo .html ou .md (recebi {path})")
    return fmt


def write_report(result: DocumentComparison | CorpusComparison, path: str | Path) -> Path:
    path = Path(path)
    text = render_html(result) if report_format(path) == "html" else render_markdown(result)
    try:
        from legalprompt.private import write_private_text

        write_private_text(path, text)
    except OSError as exc:
        raise UserInputError(f"não foi possível gravar o relatório em {path}: {exc.strerror}") from None
    return path


# -- terminal -------------------------------------------------------------------------------------
def _rich_metrics(arms: list[ArmResult], title: str):
    from rich.table import Table

    t = Table(title=title, title_justify="left")
    t.add_column("")
    for a in arms:
        t.add_column(a.spec.name, justify="right")
    for label, vals in metric_rows(arms):
        t.add_row(label, *vals)
    return t


def _rich_arms(arms: list[ArmResult]):
    from rich.text import Text

    return [Text(describe_arm(a), style="dim") for a in arms]


def render_terminal(result: DocumentComparison | CorpusComparison, console=None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    if isinstance(result, CorpusComparison):
        c = result
        console.print(Text(f"Corpus {c.source}: {len(c.done)} documento(s), sementes "
                           f"{', '.join(map(str, c.seeds))}", style="bold"))
        for line in _rich_arms(c.arms):
            console.print(line)
        head, rows = _per_doc_rows(c)
        t = Table(title="Por documento", title_justify="left")
        for h in head:
            t.add_column(h)
        for r in rows:
            t.add_row(*[Text(x) for x in r])
        console.print(t)
        for d in c.skipped:
            console.print(Text(f"não comparado: {d.document}: {d.error}", style="yellow"))
        console.print(_rich_metrics(c.arms, "Números por braço (corpus)"))
        return
    doc = result
    console.print(Text(f"{doc.document} · sementes {', '.join(map(str, doc.seeds))} · "
                       f"{_params_text(doc.arms)}", style="bold"))
    for line in _rich_arms(doc.arms):
        console.print(line)
    for i, seed in enumerate(doc.seeds):
        t = Table(title=f"Semente {seed}", title_justify="left", expand=True, show_lines=True)
        for a in doc.arms:
            t.add_column(a.spec.name, ratio=1)
        outs, notes = [], []
        for a in doc.arms:
            s = a.samples[i]
            txt = Text()
            if s.prefill:
                txt.append(s.prefill, style="bold cyan")
            txt.append(s.generated)
            outs.append(txt)
            style = "green" if s.shape_ok else ("dim" if s.shape_ok is None else "red")
            note = Text(shape_label(s.shape_ok), style=style)
            note.append(f" · {citation_summary(s)} · {s.usage.get('completion_tokens', 0)} tokens · "
                        f"1º token {s.timings.get('time_to_first_token_s', 0):.2f} s", style="dim")
            notes.append(note)
        t.add_row(*outs)
        t.add_row(*notes)
        console.print(t)
    console.print(_rich_metrics(doc.arms, "Números por braço"))
    r = doc.to_dict()["reuse"]
    console.print(Text(f"Semelhança A×B: {_num(doc.similarity_a_b)} · {r['cached_prompt_tokens']} de "
                       f"{r['prompt_tokens']} tokens de prompt reaproveitados · {doc.wall_s:.1f} s", style="dim"))
