"""What a batch run reports: per-document results, the summary, and its pt-BR table."""

from __future__ import annotations

from dataclasses import dataclass, field

from legalprompt.batch.progress import fmt_duration
from legalprompt.termsafe import safe_label


@dataclass
class DocResult:
    path: str
    status: str
    error: str | None = None
    output_file: str | None = None
    flagged: int = 0
    completion_tokens: int = 0
    prompt_tokens: int = 0
    resumed: bool = False  # finished in an earlier run: no new manifest line


@dataclass
class BatchSummary:
    total: int = 0
    ok: int = 0
    skipped: int = 0       # duplicates of another document's content (manifest status "skipped")
    resumed: int = 0       # done in an earlier run
    failed: int = 0
    previous_failures: int = 0
    flagged: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    elapsed_s: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # found but not read (links out, FIFOs)
    results: list[DocResult] = field(default_factory=list)
    out_dir: str = ""
    manifest: str = ""

    def to_dict(self) -> dict:
        return {"event": "summary", "total": self.total, "ok": self.ok, "skipped": self.skipped,
                "resumed": self.resumed, "failed": self.failed, "previous_failures": self.previous_failures,
                "citations_flagged": self.flagged, "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens, "elapsed_s": round(self.elapsed_s, 2),
                "docs_per_min": round(self.docs_per_min(), 2), "tokens_per_s": round(self.tokens_per_s(), 2),
                "failures": [{"path": p, "error": e} for p, e in self.failures],
                "ignored": [{"path": p, "reason": r} for p, r in self.ignored],
                "out_dir": self.out_dir, "manifest": self.manifest}

    def docs_per_min(self) -> float:
        worked = self.ok + self.failed
        return worked / self.elapsed_s * 60 if self.elapsed_s > 0 else 0.0

    def tokens_per_s(self) -> float:
        return self.completion_tokens / self.elapsed_s if self.elapsed_s > 0 else 0.0


def count_flagged(citations: dict | None) -> int:
    """Citations that need a lawyer's look: not verified, or not found in the document."""
    if not citations:
        return 0
    return sum(1 for c in citations.get("citations", [])
               if c.get("verdict") != "VERIFIED" or c.get("in_sources") is False)


def format_summary(s: BatchSummary) -> str:
    """The final table, in pt-BR."""
    rows = [
        ("Documentos", str(s.total)),
        ("Resumidos agora (ok)", str(s.ok)),
        ("Já feitos antes (retomada)", str(s.resumed)),
        ("Pulados (conteúdo repetido)", str(s.skipped)),
        ("Com erro", str(s.failed + s.previous_failures)),
        ("Citações sinalizadas", str(s.flagged)),
        ("Tokens (prompt / gerados)", f"{s.prompt_tokens} / {s.completion_tokens}"),
        ("Tempo", fmt_duration(s.elapsed_s)),
        ("Velocidade", f"{s.docs_per_min():.1f} documentos/min · {s.tokens_per_s():.1f} tokens/s"),
    ]
    w = max(len(k) for k, _ in rows)
    out = [f"{k.ljust(w)}  {v}" for k, v in rows]
    if s.failures:
        out.append("")
        out.append("Falhas:")
        out += [f"  - {safe_label(p)}: {safe_label(e)}" for p, e in s.failures]
    if s.ignored:
        out += ["", "Ignorados (não lidos):"] + [f"  - {safe_label(p)}: {r}" for p, r in s.ignored]
    out.append("")
    out.append(f"Saída em {safe_label(s.out_dir)} · manifesto {safe_label(s.manifest)}")
    return "\n".join(out)
