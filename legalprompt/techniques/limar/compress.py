"""`limar(text, level)`: the passes in order, and the result with what was kept."""

from __future__ import annotations

from dataclasses import dataclass, field

from legalprompt.errors import UserInputError
from legalprompt.techniques.limar.lexicon import lexicon
from legalprompt.techniques.limar.negations import mark_negations, negation_runs
from legalprompt.techniques.limar.phrases import mark_phrases
from legalprompt.techniques.limar.protected import citation_spans, number_spans
from legalprompt.techniques.limar.render import render
from legalprompt.techniques.limar.scoring import score_words
from legalprompt.techniques.limar.units import split_units

LEVELS = ("light", "medium", "strong")
LEVEL_ALIASES = {"leve": "light", "medio": "medium", "médio": "medium", "forte": "strong",
                 "light": "light", "medium": "medium", "strong": "strong"}


@dataclass
class LimarResult:
    text: str
    level: str
    chars_before: int
    chars_after: int
    kept_citations: list[str] = field(default_factory=list)
    kept_numbers: list[str] = field(default_factory=list)
    kept_negations: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        """chars_after / chars_before (1.0 for an empty text)."""
        return self.chars_after / self.chars_before if self.chars_before else 1.0


def limar(text: str, level: str = "medium") -> LimarResult:
    """Compress `text` to its key words and phrases joined by "... ". See the package docstring."""
    if not isinstance(text, str):
        raise UserInputError(f"limar espera um texto, recebeu {type(text).__name__}.")
    canonical = LEVEL_ALIASES.get(str(level).strip().lower())
    if canonical is None:
        raise UserInputError(f"nível de limar desconhecido: {level!r}. Use light, medium ou strong "
                             "(ou leve, médio, forte).")
    level = canonical
    lex = lexicon()
    cites = citation_spans(text)
    nums = number_spans(text)
    units = split_units(text, [(s, e) for s, e, _ in cites] + [(s, e) for s, e, _ in nums])
    mark_phrases(units, lex)
    mark_negations(units, lex, level)
    score_words(units, lex, level)
    result = render(units, lex, level)
    kept_cites = list(dict.fromkeys(t for _, _, t in cites))
    return LimarResult(text=result, level=level, chars_before=len(text), chars_after=len(result),
                       kept_citations=kept_cites, kept_numbers=[t for _, _, t in nums],
                       kept_negations=negation_runs(units))


def limar_filter(text, level: str = "medium") -> str:
    """Jinja filter: `{{ documento | limar }}` or `{{ documento | limar("strong") }}`."""
    if text is None:
        return ""
    return limar(str(text), level).text
