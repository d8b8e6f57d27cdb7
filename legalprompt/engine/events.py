"""Typed events a generation streams: text pieces, then one Done with usage and timings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0  # reused from the previous request's prefix, not evaluated again


@dataclass
class Timings:
    load_s: float = 0.0
    time_to_first_token_s: float = 0.0
    prompt_eval_s: float = 0.0
    prompt_tokens_per_s: float = 0.0
    generation_s: float = 0.0
    generation_tokens_per_s: float = 0.0
    total_s: float = 0.0
    threads: int = 0  # CPU threads the request ran with (chosen at its start unless --threads fixed them)


@dataclass
class TextEvent:
    text: str
    token_ids: list[int]
    prefill: bool = False  # written into the model's mouth (a staged section title), not generated


@dataclass
class DoneEvent:
    output: str  # the prefill followed by the generated text: what the user sees as the answer
    prefill: str
    generated: str
    stop_reason: str  # "eos" | "length" | "stop" | "cancelled"
    usage: Usage = field(default_factory=Usage)
    timings: Timings = field(default_factory=Timings)
    seed: int = 0
    served_by: str | None = None  # the server that generated it (a remote decoder), else None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Candidate:
    """One of the most probable next tokens (`legalprompt next`, the TUI's Tokens screen)."""
    id: int
    piece: str
    prob: float
