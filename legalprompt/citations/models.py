"""Typed results of extraction and checking (plain dataclasses: cheap to import)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from enum import Enum


class Verdict(str, Enum):
    INCONSISTENT = "INCONSISTENT"
    VERIFIED = "VERIFIED"
    UNVERIFIED = "UNVERIFIED"


@dataclass(frozen=True, slots=True)
class DateRef:
    """A date as written. `value` is None when it is not a real calendar date (31/02/2020)."""

    text: str
    start: int
    end: int
    day: int
    month: int
    year: int

    @property
    def value(self) -> _dt.date | None:
        try:
            return _dt.date(self.year, self.month, self.day)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    start: int
    end: int


@dataclass(slots=True)
class Citation:
    """One citation found in a text. `text == source[start:end]`.

    `core_start`/`core_end` delimit the identifier alone (class and number, or the norm with its
    provisions) without the trailing relator/dates that are grouped into the same object."""

    kind: str                                  # "case" | "cnj" | "sumula" | "tema" | "legislation"
    text: str
    start: int
    end: int
    core_start: int = -1
    core_end: int = -1
    # case law
    court: str | None = None
    case_class: str | None = None
    number: str | None = None
    uf: str | None = None
    incidents: list[str] = field(default_factory=list)
    relator: Span | None = None
    relator_acordao: Span | None = None
    orgao: str | None = None
    judgment_date: DateRef | None = None
    publication_date: DateRef | None = None
    cnj: str | None = None                     # NNNNNNN-DD.AAAA.J.TR.OOOO, zero-padded
    # súmulas and temas
    numbers: list[int] = field(default_factory=list)
    series: str | None = None                  # "sumula", "sumula_vinculante", "enunciado_administrativo", "oj_sdi1", "tema"
    # legislation
    norm_kind: str | None = None               # lei, lei_complementar, decreto_lei, decreto, ..., named
    norm_number: int | None = None
    norm_suffix: str | None = None
    norm_year: int | None = None
    norm_date: DateRef | None = None
    norm_key: str | None = None                # "lei:8078", "constituicao:1988", "lodf", ...
    norm_text: str | None = None
    local: bool = False                        # state, district or municipal norm
    articles: list[str] = field(default_factory=list)
    provisions: str | None = None
    alias_text: str | None = None              # "Código de Processo Penal (CPC)": "CPC"
    alias_key: str | None = None               # the norm the parenthesised alias itself names

    def __post_init__(self) -> None:
        if self.core_start < 0:
            self.core_start = self.start
        if self.core_end < 0:
            self.core_end = self.end

    @property
    def core_text(self) -> str:
        return self.text[self.core_start - self.start:self.core_end - self.start]


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    message: str
    severity: str = "error"                    # "error" (makes INCONSISTENT) | "warning" | "info"

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


@dataclass(slots=True)
class CheckedCitation:
    citation: Citation
    verdict: Verdict
    in_sources: bool | None
    reasons: list[Reason]
    checks: list[str] = field(default_factory=list)   # what was checked: "norma conhecida", "consta da fonte", ...

    kind = property(lambda self: self.citation.kind)
    text = property(lambda self: self.citation.text)
    start = property(lambda self: self.citation.start)
    end = property(lambda self: self.citation.end)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end,
                "verdict": self.verdict.value, "in_sources": self.in_sources, "checks": list(self.checks),
                "reasons": [r.to_dict() for r in self.reasons]}


@dataclass
class CheckReport:
    """The check of one text: its citations and its quotations (legalprompt.citations.quotes.CheckedQuote)."""

    text: str
    citations: list[CheckedCitation]
    quotes: list = field(default_factory=list)

    @property
    def quotes_not_found(self) -> int:
        return sum(1 for q in self.quotes if q.found is False)

    @property
    def not_in_sources(self) -> int:
        return sum(1 for c in self.citations if c.in_sources is False)

    @property
    def has_inconsistent(self) -> bool:
        return any(c.verdict is Verdict.INCONSISTENT for c in self.citations)

    @property
    def counts(self) -> dict[str, int]:
        out = {v.value: 0 for v in Verdict}
        for c in self.citations:
            out[c.verdict.value] += 1
        return out

    def citation_dicts(self) -> list[dict]:
        """The citations as JSON-ready dicts (what the history, the TUI's widgets and JSON output hold)."""
        return [c.to_dict() for c in self.citations]

    def to_dict(self) -> dict:
        return {"citations": self.citation_dicts(), "quotes": [q.to_dict() for q in self.quotes]}
