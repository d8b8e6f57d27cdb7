"""The figures and labels every form of the comparison report shows (terminal, HTML, Markdown), as text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from legalprompt.citations.labels import VERDICT_LABELS
from legalprompt.compare.runner import ArmResult, CorpusComparison, SampleResult


def rate(m: dict) -> str:
    if not m.get("shape_checked"):
        return "— (sem verificação)"
    checked = m["samples"]
    return f"{m['shape_ok']}/{checked} ({100 * m['shape_pass_rate']:.0f}%)"


def num(v: Any, digits: int = 2) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


METRIC_ROWS: list[tuple[str, Callable[[dict], str]]] = [
    ("Documentos", lambda m: num(m.get("documents"))),
    ("Amostras", lambda m: num(m["samples"])),
    ("Passa na verificação de formato", rate),
    ("Citações na resposta", lambda m: num(m["citations"])),
    ("Citações IMPOSSÍVEIS (INCONSISTENT)", lambda m: num(m["inconsistent"])),
    ("Citações que não estão no documento", lambda m: num(m["not_in_sources"])),
    ("Trechos entre aspas que não estão no documento", lambda m: num(m.get("quotes_not_found"))),
    ("Citações verificadas", lambda m: num(m["verified"])),
    ("Concordância entre amostras (0–1)", lambda m: num(m["agreement"])),
    ("Tamanho médio (palavras)", lambda m: num(m["mean_words"], 1)),
    ("Tokens gerados (média)", lambda m: num(m["mean_completion_tokens"], 1)),
    ("1º token (média, s)", lambda m: num(m["mean_time_to_first_token_s"])),
    ("Tokens/s (média)", lambda m: num(m["mean_tokens_per_s"], 1)),
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


def verdict_text(c: dict) -> str:
    tag = VERDICT_LABELS.get(c.get("verdict", ""), str(c.get("verdict")))
    if c.get("in_sources") is False:
        tag += " · fora do documento"
    elif c.get("in_sources"):
        tag += " · no documento"
    return tag


def params_text(arms: list[ArmResult]) -> str:
    p = arms[0].params if arms else {}
    keys = ("temperature", "top_p", "top_k", "min_p", "repeat_penalty", "max_tokens")
    return ", ".join(f"{k}={p[k]}" for k in keys if k in p)


def per_doc_rows(corpus: CorpusComparison) -> tuple[list[str], list[list[str]]]:
    names = [a.spec.name for a in corpus.arms]
    head = (["Documento"] + [f"Formato {n}" for n in names] + [f"Impossíveis {n}" for n in names]
            + [f"Fora do documento {n}" for n in names] + [f"Concordância {n}" for n in names])
    rows = []
    for d in corpus.done:
        ms = [a.metrics for a in d.arms]
        rows.append([d.document] + [rate(m) for m in ms] + [num(m["inconsistent"]) for m in ms]
                    + [num(m["not_in_sources"]) for m in ms] + [num(m["agreement"]) for m in ms])
    return head, rows
