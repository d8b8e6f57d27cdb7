"""`models pull`: the only network code in legalprompt, and it only runs when asked.

What a hostile repository or server cannot do here:
- write outside the models folder: the repository id and the file name are validated by us (no `..`,
  no absolute or backslashed paths), whatever huggingface_hub does, and the file is saved under its
  base name only;
- leave a bad file behind or replace a good one: the download goes to a private temporary folder; it
  is moved into place only after its sha256 matches the one the Hub announced (for LFS files) and its
  GGUF header reads;
- phone home: huggingface_hub's telemetry is turned off before it is imported.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import tempfile
from pathlib import Path
from urllib.parse import urlparse

from legalprompt.errors import ModelError, UserInputError
from legalprompt.paths import user_models_dir

_PART = r"[A-Za-z0-9][A-Za-z0-9._-]*"
_REPO = re.compile(rf"{_PART}/{_PART}")
_FILE = re.compile(rf"(?:{_PART}/)*{_PART}\.gguf")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _reachable(host: str, port: int, timeout: float) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _validate(repo: str, filename: str) -> None:
    if not _FILE.fullmatch(filename) or ".." in filename.split("/"):
        raise UserInputError(
            f"nome de arquivo inválido: {filename!r}. Use o nome do arquivo .gguf como aparece no repositório "
            "(letras, números, '.', '_', '-', e '/' para subpastas; sem '..' nem caminho absoluto).")
    if not _REPO.fullmatch(repo) or ".." in repo:
        raise UserInputError(f"repositório inválido: {repo!r}. Use DONO/NOME, por exemplo bartowski/Llama-3.2-1B-GGUF.")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def pull_model(repo: str, filename: str, timeout: float = 10.0) -> Path:
    if not filename.strip().endswith(".gguf"):
        raise UserInputError(f"'{filename}' não é um arquivo .gguf; escolha um arquivo GGUF do repositório")
    _validate(repo, filename)
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    url = urlparse(endpoint)
    host = url.hostname or "huggingface.co"
    port = url.port or (80 if url.scheme == "http" else 443)
    # Check connectivity ourselves first: offline, fail at once instead of waiting on retries.
    if os.environ.get("HF_HUB_OFFLINE") == "1" or not _reachable(host, port, timeout):
        raise UserInputError(f"sem conexão com {host}: não é possível baixar {repo}/{filename}. "
                             f"Baixe o arquivo em outra máquina e coloque-o em {user_models_dir()} ou em models/.")
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    import huggingface_hub.constants as hub_constants
    from huggingface_hub import get_hf_file_metadata, hf_hub_download, hf_hub_url
    from huggingface_hub.errors import HfHubHTTPError

    hub_constants.HF_HUB_DISABLE_TELEMETRY = True  # in case the hub was imported before the variable was set
    from legalprompt.engine.gguf_meta import read_gguf
    from legalprompt.private import make_private_dir

    dest = user_models_dir()
    make_private_dir(dest)
    target = dest / Path(filename).name
    tmp = Path(tempfile.mkdtemp(prefix=".lp-download-", dir=dest))
    try:
        try:
            # endpoint given explicitly: huggingface_hub reads HF_ENDPOINT only once, when imported
            meta = get_hf_file_metadata(hf_hub_url(repo_id=repo, filename=filename, endpoint=endpoint),
                                        timeout=timeout)
            got = Path(hf_hub_download(repo_id=repo, filename=filename, local_dir=tmp, endpoint=endpoint))
        except HfHubHTTPError as exc:
            raise UserInputError(f"falha ao baixar {repo}/{filename}: {str(exc)[:300]}") from None
        except Exception as exc:  # noqa: BLE001 - httpx, OSError, ValueError...: a message, never a traceback
            raise UserInputError(f"falha ao baixar {repo}/{filename} ({type(exc).__name__}): {str(exc)[:300]}. "
                                 "Confira a conexão e o nome do repositório e do arquivo.") from None
        if not got.resolve().is_relative_to(tmp.resolve()):
            raise UserInputError(f"o download de {repo}/{filename} saiu da pasta de destino; nada foi salvo.")
        announced = (meta.etag or "").strip('"').lower()
        if _SHA256.fullmatch(announced) and _sha256(got) != announced:
            raise UserInputError(f"o arquivo baixado de {repo}/{filename} não confere com o sha256 anunciado "
                                 f"({announced[:12]}…): nada foi salvo. Tente de novo mais tarde.")
        try:
            read_gguf(got)
        except ModelError as exc:
            raise UserInputError(f"o arquivo baixado de {repo}/{filename} não é um modelo GGUF válido "
                                 f"({exc.message}); nada foi salvo.") from None
        os.replace(got, target)
        return target
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
