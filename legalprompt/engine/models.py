"""Find models: an explicit path, a name in models/ or the user data folder, or a bundled model."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from legalprompt.engine import bundled
from legalprompt.engine.gguf_meta import GGUFMeta, read_gguf
from legalprompt.errors import ModelError
from legalprompt.paths import cache_dir, project_models_dir, user_models_dir


@dataclass
class ModelRef:
    name: str
    path: Path
    source: str  # "path" | "models" | "data" | "bundled"
    prompt_format: str = "auto"  # "auto" | "chat" | "plain"


def _gguf_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*.gguf") if p.is_file())


def local_models() -> list[ModelRef]:
    refs = []
    seen = set()
    for source, folder in (("models", project_models_dir()), ("data", user_models_dir())):
        for p in _gguf_files(folder):
            if p.resolve() in seen:
                continue
            seen.add(p.resolve())
            refs.append(ModelRef(p.stem, p, source))
    return refs


def resolve_model(spec: str | None) -> ModelRef:
    """Resolve in the documented order: explicit path; name in models/ or data dir; bundled; default."""
    if not spec:
        spec = bundled.DEFAULT_MODEL
    p = Path(spec).expanduser()
    looks_like_path = spec.endswith(".gguf") or os.sep in spec or spec.startswith(".")
    if looks_like_path:
        if not p.exists():
            raise ModelError(f"arquivo de modelo não encontrado: {spec}")
        return ModelRef(p.stem, p, "path")
    # A bundled name always means the bundled file: a planted ./models/gemma3-270m.gguf must not be
    # loaded under the bundled model's name (the status line would vouch for it). Such a file is used
    # only when named by its path.
    bundled_name = next((n for n in bundled.BUNDLED if n.lower() == spec.lower()), None)
    if bundled_name is not None:
        b = bundled.BUNDLED[bundled_name]
        return ModelRef(b.name, bundled.bundled_path(b.name), "bundled", b.prompt_format)
    local = local_models()
    exact = [r for r in local if r.name.lower() == spec.lower()]
    if exact:
        return exact[0]
    partial = [r for r in local if spec.lower() in r.name.lower()]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        names = ", ".join(r.name for r in partial)
        raise ModelError(f"nome de modelo ambíguo '{spec}': serve para {names}. Use o nome completo.")
    known = [*bundled.BUNDLED, *(r.name for r in local)]
    raise ModelError(f"modelo desconhecido: '{spec}'. Disponíveis: {', '.join(known)}. "
                     "Coloque o .gguf em models/ ou passe o caminho do arquivo.")


def sha256_cached(path: Path) -> str:
    """sha256 of a model file, cached by (path, size, mtime) so it is computed once."""
    path = Path(path).resolve()
    st = path.stat()
    key = f"{path}|{st.st_size}|{st.st_mtime_ns}"
    cache_file = cache_dir() / "sha256.json"
    cache: dict[str, str] = {}
    try:
        cache = json.loads(cache_file.read_text())
    except (OSError, ValueError):
        cache = {}
    if key in cache:
        return cache[key]
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    cache[key] = h.hexdigest()
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_name(f"sha256.json.{os.getpid()}")
        tmp.write_text(json.dumps(cache, indent=0))
        os.replace(tmp, cache_file)
    except OSError:
        pass  # a read-only cache only costs recomputation
    return cache[key]


def describe(ref: ModelRef, meta: GGUFMeta | None = None, with_sha: bool = True) -> dict:
    meta = meta or read_gguf(ref.path)
    return {
        "name": ref.name,
        "path": str(ref.path),
        "source": ref.source,
        "architecture": meta.architecture,
        "size_bytes": meta.file_size,
        "context_length": meta.context_length,
        "quantization": meta.quantization,
        "layers": meta.block_count,
        "chat_template": bool(meta.chat_template),
        "prompt_format": effective_prompt_format(ref, meta),
        "sha256": sha256_cached(ref.path) if with_sha else None,
    }


def effective_prompt_format(ref: ModelRef, meta: GGUFMeta) -> str:
    if ref.prompt_format != "auto":
        return ref.prompt_format
    return "chat" if meta.chat_template else "plain"


def list_models() -> list[tuple[ModelRef, dict | None, str | None]]:
    """All available models with their description, or the reason one cannot be read."""
    out: list[tuple[ModelRef, dict | None, str | None]] = []
    for name, b in bundled.BUNDLED.items():
        if not bundled.is_installed(name):
            continue
        try:
            ref = ModelRef(name, bundled.bundled_path(name), "bundled", b.prompt_format)
        except ModelError as exc:
            out.append((ModelRef(name, Path("?"), "bundled"), None, exc.message))
            continue
        out.append((ref, None, None))
    out.extend((r, None, None) for r in local_models())
    result = []
    for ref, _, err in out:
        if err:
            result.append((ref, None, err))
            continue
        try:
            result.append((ref, describe(ref), None))
        except ModelError as exc:
            result.append((ref, None, exc.message))
    return result
