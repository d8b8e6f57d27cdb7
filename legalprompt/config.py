"""Settings: defaults < config.toml (user config dir) < LEGALPROMPT_* environment < command-line flags.

`load_settings(flags)` returns the merged settings and, for `legalprompt config`, where each value came from.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, SettingsConfigDict

from legalprompt.errors import LegalPromptError, UserInputError
from legalprompt.paths import config_dir, data_dir


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEGALPROMPT_", extra="ignore")

    model: str | None = None
    n_ctx: int = 4096
    threads: int | None = None
    n_batch: int | None = None  # None: 64 on the CPU, 512 with GPU offload (see Engine)
    gpu_layers: str | int = "auto"  # "auto" | "all" | N >= 0, parsed here once
    seed: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    chat_format: str = "auto"  # "auto": the model's chat template if it has one; "chat"; "plain"

    @field_validator("chat_format")
    @classmethod
    def _chat_format(cls, v: str) -> str:
        if v not in ("auto", "chat", "plain"):
            raise ValueError("use auto, chat ou plain")
        return v

    @field_validator("gpu_layers", mode="before")
    @classmethod
    def _gpu_layers(cls, v: Any) -> str | int:
        from legalprompt.engine.params import parse_gpu_layers

        try:
            return parse_gpu_layers(v)
        except LegalPromptError as exc:
            raise ValueError(exc.message) from None


FIELDS = list(Settings.model_fields)
# Env vars that name folders, not settings: shown by `config` but not merged.
_DIR_VARS = {"config_dir", "data_dir", "cache_dir"}


def config_file() -> Path:
    return config_dir() / "config.toml"


def _from_toml() -> dict[str, Any]:
    path = config_file()
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserInputError(f"arquivo de configuração inválido: {path} ({exc}). Corrija-o ou apague-o.") from None
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise UserInputError(f"chave desconhecida em {path}: {', '.join(unknown)}. "
                             f"Chaves válidas: {', '.join(FIELDS)}.")
    return data


def _from_env() -> dict[str, Any]:
    src = EnvSettingsSource(Settings)
    return {k: v for k, v in src().items() if k in FIELDS and k not in _DIR_VARS}


class Provenance(BaseModel):
    value: Any
    source: str  # "padrão" | "arquivo" | "ambiente" | "opção"


def load_settings(flags: dict[str, Any] | None = None) -> tuple[Settings, dict[str, Provenance]]:
    layers = [("arquivo", _from_toml()), ("ambiente", _from_env()),
              ("opção", {k: v for k, v in (flags or {}).items() if v is not None and k in FIELDS})]
    merged: dict[str, Any] = {}
    origin = {k: "padrão" for k in FIELDS}
    for name, layer in layers:
        for k, v in layer.items():
            merged[k] = v
            origin[k] = name
    try:
        # model_validate skips the settings sources: the layers above are the only inputs.
        settings = Settings.model_validate(merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = err["loc"][0] if err["loc"] else "?"
        where = {"arquivo": str(config_file()), "ambiente": f"variável LEGALPROMPT_{str(key).upper()}",
                 "opção": f"opção --{str(key).replace('_', '-')}"}.get(origin.get(str(key), ""), str(key))
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        raise UserInputError(f"valor inválido para '{key}' em {where}: {err.get('input')!r} "
                             f"({msg}). Corrija o valor e tente de novo.") from None
    prov = {k: Provenance(value=getattr(settings, k), source=origin[k]) for k in FIELDS}
    return settings, prov


def describe_dirs() -> dict[str, str]:
    from legalprompt.paths import cache_dir, history_db_path, user_templates_dir

    return {
        "config_file": str(config_file()),
        "config_dir": str(config_dir()),
        "data_dir": str(data_dir()),
        "cache_dir": str(cache_dir()),
        "history_db": str(history_db_path()),
        "user_templates": str(user_templates_dir()),
    }
