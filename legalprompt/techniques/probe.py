"""Consistency probe: ask the same question with several seeds and measure how much the answers agree.

A model that knows something answers the same way whatever the seed; one that guesses does not. The
reversed question exposes the "reversal curse": knowing A's mother is B does not mean knowing B's child.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from legalprompt.engine.llama_engine import Engine
from legalprompt.engine.params import SamplingParams
from legalprompt.errors import UserInputError

_ANSWER_PREFILL = "Resposta:"


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
                "samples": [{"seed": s, "answer": a, "normalised": n}
                            for s, a, n in zip(self.seeds, self.answers, self.normalised)]}


def ask(engine: Engine, question: str, samples: int, seed: int, max_tokens: int = 24,
        temperature: float = 0.8) -> ProbeResult:
    if samples < 1:
        raise UserInputError(f"--samples deve ser 1 ou mais (recebi {samples})")
    if not question.strip():
        raise UserInputError("pergunta vazia")
    res = ProbeResult(question)
    user = f"Responda em poucas palavras.\nPergunta: {question.strip()}"
    prompt = engine.build_prompt(user, prefill=_ANSWER_PREFILL)
    for i in range(samples):
        params = SamplingParams(temperature=temperature, max_tokens=max_tokens, seed=seed + i, stop=["\n"])
        done = None
        for ev in engine.generate(prompt, params):
            done = ev
        answer = done.generated.strip()
        res.answers.append(answer)
        res.seeds.append(seed + i)
        res.normalised.append(normalise(answer))
    return res
