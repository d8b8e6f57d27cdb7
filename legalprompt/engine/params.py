"""Load options and sampling parameters, validated with pt-BR messages that say what to do."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from legalprompt.errors import UserInputError


def physical_cores() -> int:
    """Physical cores (llama.cpp's threads spin; hyper-threads only slow it down)."""
    try:
        seen = set()
        phys = core = None
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("physical id"):
                    phys = line.split(":")[1].strip()
                elif line.startswith("core id"):
                    core = line.split(":")[1].strip()
                elif not line.strip() and core is not None:
                    seen.add((phys, core))
                    phys = core = None
        if core is not None:
            seen.add((phys, core))
        n = len(seen)
        if n:
            return min(n, len(os.sched_getaffinity(0)))
    except OSError:
        pass
    return max(1, os.cpu_count() or 1)


@dataclass
class LoadOptions:
    n_ctx: int = 4096
    n_threads: int | None = None
    n_batch: int | None = None
    gpu_layers: str = "auto"
    seed: int = 0

    def validate(self) -> None:
        if self.n_ctx < 64:
            raise UserInputError(f"--n-ctx {self.n_ctx} é pequeno demais: use pelo menos 64 (por exemplo 4096)")
        if self.n_threads is not None and self.n_threads < 1:
            raise UserInputError(f"--threads deve ser 1 ou mais (recebi {self.n_threads})")
        if self.n_batch is not None and self.n_batch < 1:
            raise UserInputError(f"--batch-size deve ser 1 ou mais (recebi {self.n_batch})")


def parse_gpu_layers(value: str | int) -> str | int:
    """'auto' | 'all' | N>=0. Anything else is refused."""
    v = str(value).strip().lower()
    if v in ("auto", "all"):
        return v
    try:
        n = int(v)
    except ValueError:
        raise UserInputError(f"--gpu-layers aceita auto, all ou um número ≥ 0 (recebi '{value}')") from None
    if n < 0:
        raise UserInputError(f"--gpu-layers aceita auto, all ou um número ≥ 0 (recebi '{value}')")
    return n


@dataclass
class SamplingParams:
    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    max_tokens: int = 256
    seed: int = 0
    stop: list[str] = field(default_factory=list)

    def validate(self) -> None:
        if not (0.0 <= self.temperature <= 5.0):
            raise UserInputError(f"--temperature deve estar entre 0 e 5 (recebi {self.temperature}); "
                                 "0 escolhe sempre o token mais provável")
        if not (0.0 < self.top_p <= 1.0):
            raise UserInputError(f"--top-p deve estar entre 0 (exclusive) e 1 (recebi {self.top_p})")
        if self.top_k < 0:
            raise UserInputError(f"--top-k deve ser 0 (desligado) ou mais (recebi {self.top_k})")
        if not (0.0 <= self.min_p <= 1.0):
            raise UserInputError(f"min_p deve estar entre 0 e 1 (recebi {self.min_p})")
        if self.repeat_penalty <= 0:
            raise UserInputError(f"repeat_penalty deve ser maior que 0 (recebi {self.repeat_penalty})")
        if self.max_tokens < 1:
            raise UserInputError(f"--max-tokens deve ser 1 ou mais (recebi {self.max_tokens})")
        if self.seed < 0 or self.seed > 2**32 - 2:
            raise UserInputError(f"--seed deve estar entre 0 e {2**32 - 2} (recebi {self.seed})")
        if any(not s for s in self.stop):
            raise UserInputError("as sequências de parada não podem ser vazias")


def choose_seed(*candidates: int | None, fallback: int | None = None) -> int:
    """The one seed policy: the first seed given (request, then settings), else `fallback`, else a random one
    (which the caller records, so a run can always be repeated)."""
    import secrets

    for seed in candidates:
        if seed is not None:
            return seed
    return fallback if fallback is not None else secrets.randbelow(2**31)
