"""Output shape checks a template can declare: does the answer look like what was asked for?"""

from __future__ import annotations

import re

# An ementa opens with a chain of uppercase subjects separated by periods or dashes
# ("EMENTA: DIREITO CONSTITUCIONAL. SAÚDE. FORNECIMENTO DE MEDICAMENTO."), then propositions.
_EMENTA_HEAD = re.compile(r"^\s*EMENTA\s*:?\s*")
_SUBJECT = re.compile(r"[A-ZÀ-ÖØ-Þ0-9][A-ZÀ-ÖØ-Þ0-9 ,;/()º°ª'\"-]{2,}")


def ementa_shape(text: str) -> bool:
    m = _EMENTA_HEAD.match(text)
    if not m:
        return False
    first_line = text[m.end():].split("\n", 1)[0]
    parts = [p.strip() for p in re.split(r"\s*(?:\.|–|—| - )\s*", first_line) if p.strip()]
    subjects = 0
    for p in parts:
        if _SUBJECT.fullmatch(p) and p.upper() == p:
            subjects += 1
        else:
            break
    return subjects >= 2


def run_check(check, output: str, sources: list[str] | None = None) -> bool:
    return check_verdict(check, output, sources)["ok"]


def check_verdict(check, output: str, sources: list[str] | None = None) -> dict:
    """{"ok": bool}; the ementa checks add the lint's "form" and "findings" (code, message, line).
    `sources`: the documents the answer was drafted from (the CNJ 154 lint checks its final lines
    against them)."""
    from legalprompt.techniques.lint_ementa import lint

    verdict: dict = {"ok": True}
    if check.named in ("ementa", "ementa-tradicional"):
        result = lint(output)
        verdict = {"ok": ementa_shape(output), "form": result.form,
                   "findings": [f.to_dict() for f in result.findings if f.code != "OLD_FORM"]}
    elif check.named == "ementa-cnj154":
        verdict = lint(output, sources=sources).to_dict()
    elif check.named == "nonempty":
        verdict = {"ok": bool(output.strip())}
    if verdict["ok"] and check.regex:
        verdict["ok"] = re.search(check.regex, output, re.S | re.M) is not None
    return verdict
