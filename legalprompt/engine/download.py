"""`models pull`: the only network code in legalprompt, and it only runs when asked."""

from __future__ import annotations

import socket
from pathlib import Path

from legalprompt.errors import UserInputError
from legalprompt.paths import user_models_dir


def _reachable(host: str, timeout: float) -> bool:
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def pull_model(repo: str, filename: str, timeout: float = 10.0) -> Path:
    if not filename.endswith(".gguf"):
        raise UserInputError(f"'{filename}' não é um arquivo .gguf; escolha um arquivo GGUF do repositório")
    from urllib.parse import urlparse

    import os

    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    host = urlparse(endpoint).hostname or "huggingface.co"
    # Check connectivity ourselves first: offline, fail at once instead of waiting on retries.
    if os.environ.get("HF_HUB_OFFLINE") == "1" or not _reachable(host, timeout):
        raise UserInputError(f"sem conexão com {host}: não é possível baixar {repo}/{filename}. "
                             f"Baixe o arquivo em outra máquina e coloque-o em {user_models_dir()} ou em models/.")
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import HfHubHTTPError

    dest = user_models_dir()
    dest.mkdir(parents=True, exist_ok=True)
    try:
        return Path(hf_hub_download(repo_id=repo, filename=filename, local_dir=dest))
    except HfHubHTTPError as exc:
        raise UserInputError(f"falha ao baixar {repo}/{filename}: {exc}") from None
    except OSError as exc:
        raise UserInputError(f"falha ao baixar {repo}/{filename}: {exc}") from None
