"""The Markdown file a batch writes for each document: the answer, its shape verdict and its citation flags."""

from __future__ import annotations

from legalprompt.batch.document_job import DocState
from legalprompt.batch.workers import GenOutput


def render_output(st: DocState, final: GenOutput, citations: dict | None, shape: dict | None, *, template: str,
                  model: str, seed: int, check_citations: bool) -> str:
    from legalprompt.citations.labels import VERDICT_LABELS

    lines = [f"# {template} — {st.path.name}", "",
             f"- Documento: `{st.path}` (sha256 {st.sha256[:12]}…)",
             f"- Modelo: {model} · template: {template} · semente {seed} · "
             f"{st.usage['completion_tokens']} tokens gerados"]
    if st.plan is not None:
        lines.append(f"- Documento longo: dividido em {len(st.plan.chunks)} partes de até {st.plan.budget} "
                     f"tokens, resumidas e depois combinadas ({st.plan.reduce_levels} etapa(s) de combinação)")
    if final.stop_reason == "length":
        lines.append("- Atenção: a resposta atingiu o limite de tokens (--max-tokens) e pode estar cortada")
    lines += ["", final.output.strip(), ""]
    if shape is not None:
        lines += ["## Formato", "", "Formato esperado: ok." if shape["ok"] else "Formato esperado: não."]
        for f in shape.get("findings", []):
            where = f"linha {f['line']}: " if f.get("line") else ""
            lines.append(f"- {where}{f['message']} [{f['code']}]")
        lines.append("")
    lines += ["## Citações", ""]
    cits = (citations or {}).get("citations", [])
    if not check_citations:
        lines.append("Verificação de citações desligada (--no-check).")
    elif not cits:
        lines.append("Nenhuma citação encontrada na resposta.")
    for i, c in enumerate(cits, 1):
        tag = VERDICT_LABELS.get(c.get("verdict"), c.get("verdict"))
        src = "" if c.get("in_sources") is None else (" · está no documento" if c["in_sources"]
                                                      else " · NÃO está no documento")
        lines.append(f"{i}. [{tag}{src}] {c.get('text')}")
        for r in c.get("reasons", []):
            lines.append(f"   - {r.get('message')}")
    return "\n".join(lines) + "\n"
