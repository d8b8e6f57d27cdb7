"""Check extracted citations against the reference tables and the user's source documents.

Verdicts (one per citation):
* INCONSISTENT: a provable contradiction (reason with severity "error"). Facts marked low-confidence
  in the tables only ever give warnings, and "not in our tables" is never a contradiction.
* VERIFIED: the citation is in the source documents, or it names a known norm consistently.
* UNVERIFIED: well formed, nothing known contradicts it.
"""

from __future__ import annotations

import datetime as _dt

from legalprompt.citations.extract import extract
from legalprompt.citations.models import Citation, CheckedCitation, CheckReport, Reason, Verdict
from legalprompt.citations.quotes import check_quotes
from legalprompt.citations.rules_case import (
    check_case, check_cnj, check_sumula, cnj_check_digits, cnj_check_digits_ok, relator_is_judge_title,
)
from legalprompt.citations.rules_legislation import (
    check_legislation, federal_numbering_applies, legislation_verified,
)
from legalprompt.citations.sources import SourceIndex, citation_keys, source_index

# the rules live in rules_case, rules_legislation and sources; these names stay importable from here
__all__ = ["check_text", "check_citation", "resolve_locality", "SourceIndex", "source_index", "citation_keys",
           "cnj_check_digits", "cnj_check_digits_ok", "federal_numbering_applies", "relator_is_judge_title"]



def _has_error(reasons: list[Reason]) -> bool:
    for r in reasons:
        if r.severity == "error":
            return True
    return False


def check_citation(c: Citation, today: _dt.date, index: SourceIndex | None = None) -> CheckedCitation:
    reasons: list[Reason] = []
    checks: list[str] = []
    if c.kind in ("case", "cnj"):
        reasons += check_case(c, today)
    elif c.kind == "legislation":
        if c.cnj:
            reasons += check_cnj(c, today)
        r, checks = check_legislation(c, today)
        reasons += r
    elif c.kind == "sumula":
        reasons += check_sumula(c, today)
    in_sources = None
    if index is not None:
        in_sources = index.contains(c)
        if in_sources:
            checks.append("consta da fonte")
            reasons.append(Reason("IN_SOURCES", "consta dos documentos de origem", "info"))
        else:
            reasons.append(Reason("NOT_IN_SOURCES", "não consta dos documentos de origem", "warning"))
    if _has_error(reasons):
        verdict = Verdict.INCONSISTENT
    elif in_sources or (c.kind == "legislation" and legislation_verified(checks, c)):
        verdict = Verdict.VERIFIED
    else:
        verdict = Verdict.UNVERIFIED
    return CheckedCitation(c, verdict, in_sources, reasons, checks)


def check_text(text: str, sources: list[str] | SourceIndex | None = None, today: _dt.date | None = None) -> CheckReport:
    """Extract every citation and quotation of `text` and give each a verdict.

    `sources`: texts of the documents the answer was based on, or their `SourceIndex` (None: no source
    check, in_sources and found are None). `today`: the date that counts as "now" for future-date
    checks (default: the real today)."""
    today = today or _dt.date.today()
    if sources is None or isinstance(sources, SourceIndex):
        index = sources
    else:
        index = source_index(sources)
    cits = extract(text)
    resolve_locality(cits)
    quotes = check_quotes(text, index.quote_texts if index is not None else None)
    return CheckReport(text, [check_citation(c, today, index) for c in cits], quotes)


def resolve_locality(cits: list[Citation]) -> None:
    """A norm written once as local ("Lei Paulista nº 11.819/2005") is local everywhere in the same text."""
    local = {(c.norm_kind, c.norm_number) for c in cits if c.kind == "legislation" and c.local and c.norm_number}
    for c in cits:
        if c.kind == "legislation" and not c.local and (c.norm_kind, c.norm_number) in local:
            c.local = True
            c.norm_key = None
