"""Read a GGUF file's header without loading the model.

Why not `gguf.GGUFReader`: it decodes the whole vocabulary into numpy arrays (35 s for Gemma's
262k tokens here). We only need a few scalar keys and the tensor table, so we stream the header and
skip arrays. The tensor table also lets us tell a truncated download from a good file before
llama.cpp is asked to load it (llama.cpp's own message is only "failed to load model").
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from legalprompt.errors import ModelError

GGUF_MAGIC = b"GGUF"

# GGUF value types -> struct format (scalars) ; 8 = string, 9 = array
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9

# Keys whose (string) value we keep; arrays are always skipped except general.languages/tags.
_KEEP_ARRAYS = {"general.languages", "general.tags"}


@dataclass
class GGUFMeta:
    path: Path
    file_size: int
    version: int
    metadata: dict[str, Any] = field(default_factory=dict)
    tensor_count: int = 0
    data_size: int = 0  # bytes the tensor data needs after the header
    data_offset: int = 0

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", "?"))

    @property
    def name(self) -> str:
        return str(self.metadata.get("general.name", self.path.stem))

    @property
    def context_length(self) -> int | None:
        v = self.metadata.get(f"{self.architecture}.context_length")
        return int(v) if v is not None else None

    @property
    def block_count(self) -> int | None:
        v = self.metadata.get(f"{self.architecture}.block_count")
        return int(v) if v is not None else None

    @property
    def chat_template(self) -> str | None:
        v = self.metadata.get("tokenizer.chat_template")
        return str(v) if v else None

    @property
    def quantization(self) -> str:
        ft = self.metadata.get("general.file_type")
        if ft is None:
            return "?"
        try:
            from gguf.constants import LlamaFileType

            return LlamaFileType(int(ft)).name.removeprefix("MOSTLY_")
        except Exception:
            return f"file_type {ft}"


def _read_exact(f: BinaryIO, n: int, path: Path) -> bytes:
    b = f.read(n)
    if len(b) != n:
        raise ModelError(f"arquivo de modelo truncado ou corrompido: {path} (o cabeçalho GGUF termina antes do esperado). "
                         "Baixe o arquivo de novo.")
    return b


def _read_fmt(f: BinaryIO, fmt: str, path: Path):
    return struct.unpack(fmt, _read_exact(f, struct.calcsize(fmt), path))[0]


def _read_str(f: BinaryIO, path: Path, keep: bool = True) -> str | None:
    n = _read_fmt(f, "<Q", path)
    if n > 1 << 28:
        raise ModelError(f"cabeçalho GGUF inválido em {path}: texto de {n} bytes. O arquivo está corrompido.")
    if not keep:
        f.seek(n, 1)
        return None
    return _read_exact(f, n, path).decode("utf-8", errors="replace")


def _read_value(f: BinaryIO, vtype: int, path: Path, keep: bool) -> Any:
    if vtype in _SCALARS:
        return _read_fmt(f, _SCALARS[vtype], path)
    if vtype == _STRING:
        return _read_str(f, path, keep)
    if vtype == _ARRAY:
        itype = _read_fmt(f, "<I", path)
        count = _read_fmt(f, "<Q", path)
        if count > 1 << 32:
            raise ModelError(f"cabeçalho GGUF inválido em {path}. O arquivo está corrompido.")
        if itype in _SCALARS and not keep:
            f.seek(struct.calcsize(_SCALARS[itype]) * count, 1)
            return None
        if itype == _STRING and not keep:
            # Strings are length-prefixed: walk them without decoding.
            for _ in range(count):
                n = _read_fmt(f, "<Q", path)
                f.seek(n, 1)
            return None
        return [_read_value(f, itype, path, True) for _ in range(count)]
    raise ModelError(f"cabeçalho GGUF inválido em {path} (tipo de valor {vtype}). O arquivo está corrompido.")


def read_gguf(path: Path) -> GGUFMeta:
    """Parse the header and tensor table; raise ModelError with a pt-BR message on anything wrong."""
    path = Path(path)
    if not path.exists():
        raise ModelError(f"arquivo de modelo não encontrado: {path}")
    if path.is_dir():
        raise ModelError(f"{path} é uma pasta, não um arquivo .gguf")
    size = path.stat().st_size
    if size == 0:
        raise ModelError(f"o arquivo de modelo está vazio (0 bytes): {path}. Baixe-o de novo.")
    with path.open("rb", buffering=1 << 20) as f:
        if f.read(4) != GGUF_MAGIC:
            raise ModelError(f"{path} não é um modelo GGUF (assinatura ausente). "
                             "Use um arquivo .gguf para llama.cpp; modelos .bin/.safetensors precisam ser convertidos.")
        version = _read_fmt(f, "<I", path)
        if version not in (2, 3):
            raise ModelError(f"versão GGUF {version} não suportada em {path}")
        n_tensors = _read_fmt(f, "<Q", path)
        n_kv = _read_fmt(f, "<Q", path)
        if n_tensors > 1 << 20 or n_kv > 1 << 20:
            raise ModelError(f"cabeçalho GGUF inválido em {path}. O arquivo está corrompido.")
        meta: dict[str, Any] = {}
        for _ in range(n_kv):
            key = _read_str(f, path)
            vtype = _read_fmt(f, "<I", path)
            keep = vtype != _ARRAY or key in _KEEP_ARRAYS
            meta[key] = _read_value(f, vtype, path, keep)
            if meta[key] is None:
                del meta[key]
        tensors = []
        for _ in range(n_tensors):
            _read_str(f, path, keep=False)
            n_dims = _read_fmt(f, "<I", path)
            if n_dims > 8:
                raise ModelError(f"cabeçalho GGUF inválido em {path}. O arquivo está corrompido.")
            dims = struct.unpack(f"<{n_dims}Q", _read_exact(f, 8 * n_dims, path))
            ttype = _read_fmt(f, "<I", path)
            offset = _read_fmt(f, "<Q", path)
            tensors.append((dims, ttype, offset))
        alignment = int(meta.get("general.alignment", 32))
        pos = f.tell()
        data_offset = (pos + alignment - 1) // alignment * alignment
    data_size = _tensor_data_size(tensors)
    gm = GGUFMeta(path=path, file_size=size, version=version, metadata=meta, tensor_count=n_tensors,
                  data_size=data_size, data_offset=data_offset)
    if data_size and data_offset + data_size > size:
        missing = data_offset + data_size - size
        raise ModelError(f"arquivo de modelo truncado: {path} tem {size} bytes, faltam {missing} bytes de pesos. "
                         "O download provavelmente foi interrompido: baixe-o de novo.")
    return gm


def _tensor_data_size(tensors: list[tuple[tuple[int, ...], int, int]]) -> int:
    if not tensors:
        return 0
    from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType

    end = 0
    for dims, ttype, offset in tensors:
        try:
            block, type_size = GGML_QUANT_SIZES[GGMLQuantizationType(ttype)]
        except (ValueError, KeyError):
            return 0  # unknown tensor type (newer file): let llama.cpp judge
        n = 1
        for d in dims:
            n *= d
        end = max(end, offset + n // block * type_size)
    return end
