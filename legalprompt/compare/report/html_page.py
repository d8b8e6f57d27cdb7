"""The comparison as a self-contained HTML page.

All model text is untrusted: every piece of it is escaped, and the page declares a Content-Security-Policy
that forbids scripts and any network load, so the report opens offline and a model output cannot run
anything.
"""

from __future__ import annotations

import html
from typing import Any

from legalprompt.compare.diff import DELETE, EQUAL, INSERT, word_diff
from legalprompt.compare.report.figures import metric_rows, num, params_text, per_doc_rows, shape_label, verdict_text
from legalprompt.compare.runner import ArmResult, CorpusComparison, DocumentComparison, SampleResult

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
    items = "".join(f"<li><span class=\"{_e(c.get('verdict', ''))}\">[{_e(verdict_text(c))}]</span> "
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


def render_html(result: DocumentComparison | CorpusComparison) -> str:
    if isinstance(result, CorpusComparison):
        return _render_html_corpus(result)
    doc = result
    d = doc.to_dict()["reuse"]
    body = (f"<h1>Comparação A/B: {_e(doc.document)}</h1>"
            f"<p class=meta>{doc.chars} caracteres · sementes {_e(', '.join(map(str, doc.seeds)))} · "
            f"{_e(params_text(doc.arms))} · {d['cached_prompt_tokens']} de {d['prompt_tokens']} tokens de prompt "
            f"reaproveitados · {doc.wall_s:.1f} s de geração</p>"
            f"<h2>Braços</h2>{_html_arms(doc.arms)}<h2>Números por braço</h2>{_html_metrics(doc.arms)}"
            f"<p class=meta>Semelhança média entre A e B na mesma semente: {_e(num(doc.similarity_a_b))}. "
            "Concordância: semelhança média entre as amostras do mesmo braço, sem o prefill (1 = sempre a mesma "
            "resposta; uma resposta que muda a cada semente é um palpite). Os braços rodam alternados e "
            "reaproveitam o documento já avaliado: o primeiro pedido paga a avaliação do documento, por isso "
            "o 1º token do braço A é mais lento; não é uma diferença entre os braços.</p>"
            f"<h2>Amostras lado a lado</h2>{_html_samples(doc)}")
    return _html_page(f"Comparação A/B — {doc.document}", body)


def _render_html_corpus(corpus: CorpusComparison) -> str:
    head, rows = per_doc_rows(corpus)
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
            f"sementes {_e(', '.join(map(str, corpus.seeds)))} · {_e(params_text(corpus.arms))} · "
            f"{corpus.wall_s:.1f} s</p>"
            f"<h2>Braços</h2>{_html_arms(corpus.arms)}<h2>Números por braço (corpus)</h2>"
            f"{_html_metrics(corpus.arms)}<h2>Por documento</h2>{table}{skipped}"
            f"<h2>Amostras</h2>{details}")
    return _html_page(f"Comparação A/B — corpus {corpus.source}", body)
