"""Where legalprompt keeps its files. Env vars override the platform defaults so tests stay isolated."""

from __future__ import annotations

import os
from pathlib import Path

APP = "legalprompt"


def _platform(kind: str) -> Path:
    import platformdirs

    fn = {
        "config": platformdirs.user_config_dir,
        "data": platformdirs.user_data_dir,
        "cache": platformdirs.user_cache_dir,
    }[kind]
    return Path(fn(APP, appauthor=False))


def config_dir() -> Path:
    """Holds config.toml and the user's templates/ folder."""
    env = os.environ.get("LEGALPROMPT_CONFIG_DIR")
    return Path(env).expanduser() if env else _platform("config")


def data_dir() -> Path:
    """Holds the history database and user models."""
    env = os.environ.get("LEGALPROMPT_DATA_DIR")
    return Path(env).expanduser() if env else _platform("data")


def cache_dir() -> Path:
    """Holds reassembled bundled models and the sha256 cache. Shared across data dirs on purpose:
    tests isolate history with LEGALPROMPT_DATA_DIR but must not reassemble 250 MB each time."""
    env = os.environ.get("LEGALPROMPT_CACHE_DIR")
    return Path(env).expanduser() if env else _platform("cache")


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def project_models_dir() -> Path:
    """`models/` beside the package (a source checkout) or in the current folder."""
    cwd_models = Path.cwd() / "models"
    if cwd_models.is_dir():
        return cwd_models
    return repo_root() / "models"


def user_models_dir() -> Path:
    return data_dir() / "models"


def builtin_templates_dir() -> Path:
    """Shipped templates: `templates/` of a source checkout, else the copy inside the package."""
    src = repo_root() / "templates"
    if src.is_dir():
        return src
    return Path(__file__).resolve().parent / "bundled_templates"


def user_templates_dir() -> Path:
    return config_dir() / "templates"


def history_db_path() -> Path:
    return data_dir() / "history.sqlite3"
