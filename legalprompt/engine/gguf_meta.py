"""Read a GGUF file's header without loading the model.

Why not `gguf.GGUFReader`: it decodes the whole vocabulary into numpy arrays (35 s for Gemma's
262k tokens here). We only need a few scalar keys and the tensor table, so we stream the header and
skip arrays. The tensor table also lets us tell a truncated download from a good file before
llama.cpp is asked to load it (llama.cpp's own message is only "failed to load model").
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from legalprompt.errors import ModelError

GGUF_MAGIC = b"GGUF"

# GGUF value types -> struct format (scalars) ; 8 = string, 9 = array
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
_MAX_ARRAY_DEPTH = 4  # real files nest at most one level; a crafted 50,000 recursed until it crashed

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
        return _int_or_none(self.metadata.get(f"{self.architecture}.context_length"))

    @property
    def block_count(self) -> int | None:
        return _int_or_none(self.metadata.get(f"{self.architecture}.block_count"))

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
            return _gguf_constants().LlamaFileType(int(ft)).name.removeprefix("MOSTLY_")
        except Exception:
            return f"file_type {ft}"


def _int_or_none(v: Any) -> int | None:
    """A header value that should be a whole number; a crafted one of another type reads as unknown."""
    return v if isinstance(v, int) and not isinstance(v, bool) else None


class _Truncated(Exception):
    pass


_U32 = struct.Struct("<I").unpack_from
_U64 = struct.Struct("<Q").unpack_from


def _truncated(path: Path) -> ModelError:
    return ModelError(f"arquivo de modelo truncado ou corrompido: {path} (o cabeçalho GGUF termina antes do esperado). "
                      "Baixe o arquivo de novo.")


class _Header:
    """A cursor over the memory-mapped file. Reading from a mapping with `unpack_from` at an offset
    costs a fraction of a file read per value, which matters for vocabularies of 262k strings that
    have to be walked (their lengths are inline) just to find where the next key starts."""

    __slots__ = ("buf", "pos", "end", "path")

    def __init__(self, buf, path: Path):
        self.buf, self.pos, self.end, self.path = buf, 0, len(buf), path

    def take(self, n: int) -> bytes:
        if self.pos + n > self.end:
            raise _Truncated
        b = self.buf[self.pos : self.pos + n]
        self.pos += n
        return b

    def fmt(self, f: str):
        size = struct.calcsize(f)
        if self.pos + size > self.end:
            raise _Truncated
        v = struct.unpack_from(f, self.buf, self.pos)[0]
        self.pos += size
        return v

    def u32(self) -> int:
        if self.pos + 4 > self.end:
            raise _Truncated
        v = _U32(self.buf, self.pos)[0]
        self.pos += 4
        return v

    def u64(self) -> int:
        if self.pos + 8 > self.end:
            raise _Truncated
        v = _U64(self.buf, self.pos)[0]
        self.pos += 8
        return v

    def string(self, keep: bool = True) -> str | None:
        n = self.u64()
        if n > 1 << 28:
            raise ModelError(f"cabeçalho GGUF inválido em {self.path}: texto de {n} bytes. O arquivo está corrompido.")
        if not keep:
            if self.pos + n > self.end:
                raise _Truncated
            self.pos += n
            return None
        return self.take(n).decode("utf-8", errors="replace")

    def skip_strings(self, count: int) -> None:
        """Walk `count` length-prefixed strings without decoding them (the tokenizer's vocabulary)."""
        buf, pos, end, u64 = self.buf, self.pos, self.end, _U64
        try:
            for _ in range(count):
                pos += 8 + u64(buf, pos)[0]
        except struct.error:
            raise _Truncated from None
        if pos > end:
            raise _Truncated
        self.pos = pos

    def value(self, vtype: int, keep: bool, depth: int = 0) -> Any:
        if vtype in _SCALARS:
            return self.fmt(_SCALARS[vtype])
        if vtype == _STRING:
            return self.string(keep)
        if vtype == _ARRAY:
            itype = self.u32()
            count = self.u64()
            # Every element takes at least one byte (a nested array 12): a count the rest of the file
            # cannot hold is a crafted header, refused before looping over it. Nesting is bounded too.
            least = 12 if itype == _ARRAY else struct.calcsize(_SCALARS[itype]) if itype in _SCALARS else 8
            if count > 1 << 32 or depth >= _MAX_ARRAY_DEPTH:
                raise ModelError(f"cabeçalho GGUF inválido em {self.path}. O arquivo está corrompido.")
            if count * least > self.end - self.pos:  # cut short (or claiming more than it holds)
                raise _Truncated
            if itype in _SCALARS and not keep:
                n = struct.calcsize(_SCALARS[itype]) * count
                if self.pos + n > self.end:
                    raise _Truncated
                self.pos += n
                return None
            if itype == _STRING and not keep:
                self.skip_strings(count)
                return None
            return [self.value(itype, keep, depth + 1) for _ in range(count)]
        raise ModelError(f"cabeçalho GGUF inválido em {self.path} (tipo de valor {vtype}). O arquivo está corrompido.")


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
    with path.open("rb") as f:
        if f.read(4) != GGUF_MAGIC:
            raise ModelError(f"{path} não é um modelo GGUF (assinatura ausente). "
                             "Use um arquivo .gguf para llama.cpp; modelos .bin/.safetensors precisam ser convertidos.")
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            try:
                version, n_tensors, n_kv, meta, tensors, pos = _parse(_Header(buf, path))
            except _Truncated:
                raise _truncated(path) from None
            except (ValueError, TypeError, OverflowError, RecursionError, struct.error) as exc:
                # a net under the checks above: a crafted header is a message, never a traceback
                raise ModelError(f"cabeçalho GGUF inválido em {path} ({type(exc).__name__}). "
                                 "O arquivo está corrompido ou foi adulterado: baixe-o de novo.") from None
    alignment = meta.get("general.alignment", 32)
    if not isinstance(alignment, int) or isinstance(alignment, bool) or not 1 <= alignment <= 1 << 20 \
            or alignment & (alignment - 1):
        raise ModelError(f"cabeçalho GGUF inválido em {path}: alinhamento {alignment!r} (deve ser uma potência "
                         "de 2). O arquivo está corrompido ou foi adulterado: baixe-o de novo.")
    data_offset = (pos + alignment - 1) // alignment * alignment
    try:
        data_size = _tensor_data_size(tensors)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ModelError(f"cabeçalho GGUF inválido em {path} ({type(exc).__name__}). "
                         "O arquivo está corrompido ou foi adulterado: baixe-o de novo.") from None
    gm = GGUFMeta(path=path, file_size=size, version=version, metadata=meta, tensor_count=n_tensors,
                  data_size=data_size, data_offset=data_offset)
    if data_size and data_offset + data_size > size:
        missing = data_offset + data_size - size
        raise ModelError(f"arquivo de modelo truncado: {path} tem {size} bytes, faltam {missing} bytes de pesos. "
                         "O download provavelmente foi interrompido: baixe-o de novo.")
    return gm


def _parse(h: _Header):
    path = h.path
    h.pos = 4
    version = h.u32()
    if version not in (2, 3):
        raise ModelError(f"versão GGUF {version} não suportada em {path}")
    n_tensors = h.u64()
    n_kv = h.u64()
    if n_tensors > 1 << 20 or n_kv > 1 << 20:
        raise ModelError(f"cabeçalho GGUF inválido em {path}. O arquivo está corrompido.")
    meta: dict[str, Any] = {}
    for _ in range(n_kv):
        key = h.string()
        vtype = h.u32()
        keep = vtype != _ARRAY or key in _KEEP_ARRAYS
        value = h.value(vtype, keep)
        if value is not None:
            meta[key] = value
    tensors = []
    for _ in range(n_tensors):
        h.string(keep=False)
        n_dims = h.u32()
        if n_dims > 8:
            raise ModelError(f"cabeçalho GGUF inválido em {path}. O arquivo está corrompido.")
        dims = struct.unpack(f"<{n_dims}Q", h.take(8 * n_dims))
        ttype = h.u32()
        offset = h.u64()
        tensors.append((dims, ttype, offset))
    return version, n_tensors, n_kv, meta, tensors, h.pos


def _gguf_constants():
    """gguf's constants module without importing the `gguf` package, whose __init__ pulls in numpy
    and yaml (over a second of start-up for `legalprompt models`). constants.py needs only enum."""
    import importlib.util
    import sys

    mod = sys.modules.get("gguf.constants") or sys.modules.get("_legalprompt_gguf_constants")
    if mod is not None:
        return mod
    spec = importlib.util.find_spec("gguf")
    if spec is None or not spec.origin:
        return None
    file = Path(spec.origin).parent / "constants.py"
    cspec = importlib.util.spec_from_file_location("_legalprompt_gguf_constants", file)
    if cspec is None or cspec.loader is None:
        return None
    mod = importlib.util.module_from_spec(cspec)
    sys.modules[cspec.name] = mod
    try:
        cspec.loader.exec_module(mod)
    except Exception:  # noqa: BLE001 - a broken or changed gguf only loses the optional names
        del sys.modules[cspec.name]
        return None
    return mod


def _tensor_data_size(tensors: list[tuple[tuple[int, ...], int, int]]) -> int:
    if not tensors:
        return 0
    c = _gguf_constants()
    if c is None:
        return 0
    GGML_QUANT_SIZES, GGMLQuantizationType = c.GGML_QUANT_SIZES, c.GGMLQuantizationType
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
