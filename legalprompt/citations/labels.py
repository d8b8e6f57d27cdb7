"""The one pt-BR word for each citation verdict, used by every front end (CLI, TUI, reports, exports)."""

VERDICT_LABELS = {"INCONSISTENT": "IMPOSSÍVEL", "UNVERIFIED": "NÃO VERIFICADA", "VERIFIED": "VERIFICADA"}


# a quotation of the answer that the source document does not contain
QUOTE_LABEL = "CITAÇÃO LITERAL NÃO ENCONTRADA"


def verdict_label(verdict: str | None) -> str:
    return VERDICT_LABELS.get(verdict or "", verdict or "")
