"""`batch --jobs auto`: how many documents to generate at once, from what the machine can use.

On a CPU, llama.cpp's decoding of one sequence already takes every core it is given, and parallel sequences
only add work: measured on 2 cores, --jobs 4 ran at 9.07 tok/s against 10.86 with --jobs 1. With the model on a
GPU, one sequence leaves the GPU mostly idle and several decoded together share each weight read. A server
(--endpoint) schedules its own slots; a few requests in flight keep it busy without queueing a whole folder.
"""

from __future__ import annotations

from legalprompt.errors import UserInputError

GPU_JOBS = 8
ENDPOINT_JOBS = 4


def parse_jobs(value: str | int) -> str | int:
    v = str(value).strip().lower()
    if v == "auto":
        return "auto"
    try:
        n = int(v)
    except ValueError:
        n = 0
    if n < 1:
        raise UserInputError(f"--jobs aceita auto ou um número ≥ 1 (recebi '{value}')")
    return n


def choose_jobs(requested: str | int, *, gpu_layers: int = 0, endpoints: int = 0) -> tuple[int, str]:
    """(jobs, why) for a parsed --jobs value; `why` is pt-BR, for the user."""
    if requested != "auto":
        return int(requested), f"--jobs {requested}"
    if endpoints:
        return ENDPOINT_JOBS * endpoints, f"--jobs auto: {ENDPOINT_JOBS} pedidos simultâneos por servidor"
    if gpu_layers > 0:
        return GPU_JOBS, f"--jobs auto: {GPU_JOBS} sequências paralelas (modelo na GPU)"
    return 1, "--jobs auto: 1 documento por vez (na CPU, sequências paralelas não aceleram)"
