import shutil

import pytest

from legalprompt.engine.bundled import bundled_path
from legalprompt.engine.gguf_meta import read_gguf
from legalprompt.errors import ModelError


def test_bundled_headers_are_read_without_loading():
    g = read_gguf(bundled_path("gemma3-270m"))
    assert g.architecture == "gemma3"
    assert g.context_length == 32768
    assert g.quantization == "Q4_K_M"
    assert g.chat_template is None
    assert g.data_offset + g.data_size == g.file_size
    s = read_gguf(bundled_path("smollm2-135m"))
    assert s.architecture == "llama"
    assert s.block_count == 30
    assert s.quantization == "Q4_1"
    assert "<|im_start|>" in s.chat_template


def test_zero_byte_file(tmp_path):
    p = tmp_path / "vazio.gguf"
    p.write_bytes(b"")
    with pytest.raises(ModelError, match="vazio"):
        read_gguf(p)


def test_text_file_renamed(tmp_path):
    p = tmp_path / "falso.gguf"
    p.write_text("isto não é um modelo\n" * 10)
    with pytest.raises(ModelError, match="não é um modelo GGUF"):
        read_gguf(p)


@pytest.mark.parametrize("keep", [20, 4000, 50_000_000])
def test_truncated_file(tmp_path, keep):
    src = bundled_path("smollm2-135m")
    p = tmp_path / "cortado.gguf"
    with src.open("rb") as f, p.open("wb") as out:
        out.write(f.read(keep))
    with pytest.raises(ModelError, match="truncado"):
        read_gguf(p)


def test_folder_and_missing(tmp_path):
    with pytest.raises(ModelError, match="pasta"):
        read_gguf(tmp_path)
    with pytest.raises(ModelError, match="não encontrado"):
        read_gguf(tmp_path / "nada.gguf")


def test_copy_with_spaces_and_accents_is_fine(tmp_path):
    d = tmp_path / "meus modelos ação"
    d.mkdir()
    p = d / "modelo pequeno ç.gguf"
    shutil.copy(bundled_path("smollm2-135m"), p)
    assert read_gguf(p).architecture == "llama"
