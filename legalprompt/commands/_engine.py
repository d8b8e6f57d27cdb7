"""Settings and engine from parsed command-line arguments (shared by every command that uses a model)."""

from __future__ import annotations

import argparse
import sys

_FLAG_FIELDS = {"model": "model", "n_ctx": "n_ctx", "threads": "threads", "n_batch": "n_batch",
                "gpu_layers": "gpu_layers", "seed": "seed", "temperature": "temperature", "top_p": "top_p",
                "max_tokens": "max_tokens", "chat_format": "chat_format"}


def settings_from_args(args: argparse.Namespace):
    from legalprompt.config import load_settings

    flags = {field: getattr(args, attr) for attr, field in _FLAG_FIELDS.items() if hasattr(args, attr)}
    settings, _ = load_settings(flags)
    return settings


def engine_from_args(args: argparse.Namespace, quiet: bool = False):
    """Load the model the flags, env and config ask for; print engine warnings to stderr."""
    from legalprompt.engine.loader import load_engine
    settings = settings_from_args(args)
    engine = load_engine(settings)
    if not quiet:
        for w in engine.warnings:
            print(f"aviso: {w}", file=sys.stderr)
    return engine
