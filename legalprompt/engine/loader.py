"""Open an Engine from merged settings."""

from __future__ import annotations

from legalprompt.config import Settings
from legalprompt.engine.llama_engine import Engine
from legalprompt.engine.models import resolve_model
from legalprompt.engine.params import LoadOptions


def load_engine(settings: Settings, *, vocab_only: bool = False) -> Engine:
    """`vocab_only`: vocabulary and metadata only (prompts and token counts, no generation)."""
    ref = resolve_model(settings.model)
    if settings.chat_format != "auto":
        ref.prompt_format = settings.chat_format  # the user's choice wins over the bundled default
    opts = LoadOptions(n_ctx=settings.n_ctx, n_threads=settings.threads, n_batch=settings.n_batch,
                       gpu_layers=settings.gpu_layers, seed=settings.seed or 0)
    return Engine(ref, opts, vocab_only=vocab_only)
