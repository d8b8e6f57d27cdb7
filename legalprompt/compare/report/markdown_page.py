"""The comparison as Markdown. Outputs sit in fenced blocks longer than any backtick run they contain;
every other piece of text is escaped, so a file name cannot add a link or an image to the report."""

from __future__ import annotations

import re
from typing import Any

from legalprompt.compare.diff import DELETE, EQUAL, word_diff
from legalprompt.compare.report.figures import (citation_summary, metric_rows, num, params_text, per_doc_rows,
                                                shape_label, verdict_text)
from legalprompt.compare.runner import ArmResult, CorpusComparison, DocumentComparison

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
                out.append(f"- [{verdict_text(c)}] {_md_cell(c.get('text', ''))}")
            if s.citations:
                out.append("")
        a0, a1 = doc.arms[0], doc.arms[1]
        out.append(f"Diferença palavra a palavra ([-só em {a0.spec.name}-] {{+só em {a1.spec.name}+}}):\n\n"
                   f"{_fence(_md_diff(a0.samples[i].output, a1.samples[i].output))}\n")
    return "\n".join(out)


def render_markdown(result: DocumentComparison | CorpusComparison) -> str:
    if isinstance(result, CorpusComparison):
        c = result
        head, rows = per_doc_rows(c)
        parts = [f"# Comparação A/B sobre o corpus {_md_cell(c.source)}\n",
                 f"{len(c.done)} documento(s) comparado(s), {len(c.skipped)} não comparado(s) · sementes "
                 f"{', '.join(map(str, c.seeds))} · {params_text(c.arms)} · {c.wall_s:.1f} s\n",
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
             f"{doc.chars} caracteres · sementes {', '.join(map(str, doc.seeds))} · {params_text(doc.arms)} · "
             f"{r['cached_prompt_tokens']} de {r['prompt_tokens']} tokens de prompt reaproveitados · "
             f"{doc.wall_s:.1f} s de geração\n",
             "## Braços\n", _md_arms(doc.arms), "\n## Números por braço\n", _md_metrics(doc.arms),
             f"\nSemelhança média entre A e B na mesma semente: {num(doc.similarity_a_b)}. Concordância: "
             "semelhança média entre as amostras do mesmo braço, sem o prefill. Os braços rodam alternados e "
             "reaproveitam o documento já avaliado: o 1º token do braço A inclui a avaliação do documento.\n",
             "## Amostras lado a lado\n", _md_samples(doc)]
    return "\n".join(parts) + "\n"
