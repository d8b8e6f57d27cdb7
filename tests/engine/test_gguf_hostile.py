"""Issue 19 (low): crafted GGUF headers (alignment 0, wrong value types, deep or huge nested arrays)
are ModelError messages, never tracebacks; one bad file does not break `models`."""

from __future__ import annotations

import struct

import pytest

from legalprompt.engine.gguf_meta import read_gguf
from legalprompt.errors import ModelError
from tests.cli.helpers import assert_clean_error, assert_ok, invoke

U32, U64, STR, ARR = 4, 10, 8, 9


def _s(text: str) -> bytes:
    b = text.encode()
    return struct.pack("<Q", len(b)) + b


def _gguf(kvs: list[bytes]) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs)) + b"".join(kvs)


def _kv_u32(key, v):
    return _s(key) + struct.pack("<I", U32) + struct.pack("<I", v)


def _kv_str(key, v):
    return _s(key) + struct.pack("<I", STR) + _s(v)


def _nested(depth: int) -> bytes:
    # general.tags (a kept array) holding arrays holding arrays ... `depth` levels
    body = struct.pack("<IQ", STR, 0)
    for _ in range(depth):
        body = struct.pack("<IQ", ARR, 1) + body
    return _s("general.tags") + struct.pack("<I", ARR) + body


CRAFTED = {
    "alinhamento-zero": _gguf([_kv_str("general.architecture", "llama"), _kv_u32("general.alignment", 0)]),
    "alinhamento-texto": _gguf([_kv_str("general.architecture", "llama"), _kv_str("general.alignment", "x")]),
    "contexto-texto": _gguf([_kv_str("general.architecture", "llama"), _kv_str("llama.context_length", "muito")]),
    "tipo-arquivo-texto": _gguf([_kv_str("general.architecture", "llama"), _kv_str("general.file_type", "q4")]),
    "arrays-profundos": _gguf([_nested(50_000)]),
    "arrays-enormes": _gguf([_s("x") + struct.pack("<IIQ", ARR, ARR, 1 << 31) + struct.pack("<IQ", U32, 0) * 4]),
}


@pytest.mark.parametrize("name", list(CRAFTED))
def test_crafted_header_is_a_model_error_or_read(tmp_path, name):
    p = tmp_path / f"{name}.gguf"
    p.write_bytes(CRAFTED[name])
    try:
        m = read_gguf(p)
    except ModelError as exc:
        assert "GGUF" in exc.message or "modelo" in exc.message
        return
    # read: then describing it must not raise either
    _ = (m.architecture, m.context_length, m.block_count, m.quantization, m.chat_template, m.name)


def test_models_lists_good_and_bad_files_and_run_refuses_cleanly(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "models").mkdir()
    for name, data in CRAFTED.items():
        (tmp_path / "models" / f"{name}.gguf").write_bytes(data)
    r = invoke("models")
    assert_ok(r)
    assert "gemma3-270m" in r.out and "ERRO" in r.out
    r = invoke("models", "--json")
    assert_ok(r)
    for name in ("alinhamento-zero", "arrays-profundos", "arrays-enormes"):
        assert_clean_error(invoke("run", "-", "--model", f"./models/{name}.gguf", stdin=b"Peticao."), code=2)
