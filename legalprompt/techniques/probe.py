"""Consistency probe: ask the same question with several seeds and measure how much the answers agree.

A model that knows something answers the same way whatever the seed; one that guesses does not. The
reversed question exposes the "reversal curse": knowing A's mother is B does not mean knowing B's child.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from collections import Counter
from dataclasses import dataclass, field

from legalprompt.errors import UserInputError



def normalise(answer: str) -> str:
    """Lowercase, no accents, no punctuation, first sentence only: 'Paris.' == 'paris'."""
    first = re.split(r"(?<=[.!?])\s|\n", answer.strip(), maxsplit=1)[0]
    s = unicodedata.normalize("NFKD", first.lower())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = re.sub(r"[^\w\s]", " ", s)
    return " ".join(s.split())


@dataclass
class ProbeResult:
    question: str
    answers: list[str] = field(default_factory=list)
    seeds: list[int] = field(default_factory=list)
    normalised: list[str] = field(default_factory=list)
    run_ids: list[int | None] = field(default_factory=list)   # history rows, one per sample
    citations: list[list[dict]] = field(default_factory=list)  # per sample: the citation check's findings

    @property
    def majority(self) -> tuple[str, int]:
        if not self.normalised:
            return "", 0
        return Counter(self.normalised).most_common(1)[0]

    @property
    def agreement(self) -> float:
        """Share of samples that give the most common (normalised) answer."""
        return self.majority[1] / len(self.normalised) if self.normalised else 0.0

    def to_dict(self) -> dict:
        return {"question": self.question, "agreement": round(self.agreement, 4),
                "majority_answer": self.majority[0],
                "samples": [{"seed": s, "answer": a, "normalised": n, "run_id": r, "citations": c}
                            for s, a, n, r, c in zip(self.seeds, self.answers, self.normalised,
                                                     self.run_ids or [None] * len(self.seeds),
                                                     self.citations or [[]] * len(self.seeds))]}


PROBE_TEMPLATE = Path(__file__).resolve().parent.parent / "data" / "probe" / "pergunta.j2"


def ask(drafter, question: str, samples: int, seed: int, max_tokens: int = 24,
        temperature: float = 0.8) -> ProbeResult:
    """`samples` answers to `question`, seeds seed, seed+1...; each one a request through the drafting core
    (`legalprompt.drafting.Drafter`): one history row, its citations checked against the question."""
    from legalprompt.drafting import DraftRequest

    if samples < 1:
        raise UserInputError(f"--samples deve ser 1 ou mais (recebi {samples})")
    if not question.strip():
        raise UserInputError("pergunta vazia")
    res = ProbeResult(question)
    for i in range(samples):
        result = drafter.run(DraftRequest(
            template=str(PROBE_TEMPLATE), document=question.strip(), document_label=question.strip()[:80],
            temperature=temperature, max_tokens=max_tokens, seed=seed + i, command="probe", staged=False))
        answer = result.done.generated.strip()
        res.answers.append(answer)
        res.seeds.append(seed + i)
        res.normalised.append(normalise(answer))
        res.run_ids.append(result.run_id)
        res.citations.append(result.citations.citation_dicts() if result.citations else [])
    return res
