"""GGUF copies of the bundled SmolLM2 with other models' chat templates, for the template matrix.

The templates come from `vendor/llama.cpp/models/templates/` in the llama-cpp-python source archive
(`legalprompt.engine.build.sdist_path()`, downloaded once if missing); they are not committed.

A copy is SmolLM2's weights with a swapped `tokenizer.chat_template` and with the template's markup
tokens (<|eot_id|>, <｜Assistant｜>, <think>...) written over SmolLM2's unused special tokens, so the
copy's vocabulary holds them as a real model of that family would: the end-of-turn marker takes the
slot of <|im_end|> (the token SmolLM2 ends its turns with) and becomes the GGUF's eos/eot token.

Copies live in the cache folder under a key of (template text, base model sha256, the markup the prompt
uses, COPY_VERSION), so an edited template, a changed base model or a prompt that writes new markup never
reuses a stale copy.
"""

from __future__ import annotations

import hashlib
import os
import re
import tarfile
from pathlib import Path

from legalprompt.engine.prompt import render_chat
from legalprompt.errors import LegalPromptError
from legalprompt.paths import cache_dir

COPY_VERSION = "2"
TEMPLATES_IN_ARCHIVE = "vendor/llama.cpp/models/templates/"
BASE_BOS = "<|endoftext|>"  # the copies' BOS: a token SmolLM2 has and no template names

# Markup shapes that are special tokens in the models using them.
_MARKUP = re.compile(
    r"<\|[^|<>\s]{1,48}\|>|<｜[^｜<>\s]{1,48}｜>"        # <|eot_id|>, <｜Assistant｜>
    r"|</?[A-Za-z_][\w:.\-]{0,40}>"                       # <think>, </think>, <start_of_turn>, <seed:bos>
    r"|<\|\w{1,20}>|<\w{1,20}\|>"                         # Gemma 4: <|turn>, <turn|>
    r"|\[/?[A-Z_]{3,20}\]"                                # [INST], [/THINK]
    r"|\]~!?b\]|\[e~\["                                   # MiniMax
)


def templates_dir() -> Path:
    """The archive's chat templates, extracted once into the cache (keyed by the archive's name)."""
    from legalprompt.engine.build import sdist_path

    archive = sdist_path()
    dest = cache_dir() / "chat-templates" / archive.name.removesuffix(".tar.gz")
    done = dest / ".complete"
    if done.is_file():
        return dest
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            rel = member.name.split("/", 1)[-1]
            if member.isfile() and rel.startswith(TEMPLATES_IN_ARCHIVE) and rel.endswith(".jinja"):
                data = tar.extractfile(member).read()
                (dest / Path(rel).name).write_bytes(data)
    done.write_text("ok\n")
    return dest


def template_files() -> dict[str, Path]:
    return {p.stem: p for p in sorted(templates_dir().glob("*.jinja"))}


def markup_tokens(source: str) -> tuple[str | None, list[str]]:
    """(the end-of-turn marker or None, the markup the template writes for our conversation in both
    modes, end-of-turn marker first)."""
    texts, eot = [], ""
    for thinking in (False, True):
        try:
            bp = render_chat(source, "S", "U", "P", BASE_BOS, "", thinking=thinking)
        except LegalPromptError:
            continue
        eot = eot or bp.end_of_turn
        texts += [s.text for s in bp.segments if s.special] + [bp.end_of_turn, bp.reasoning_close]
    eot_markers = _MARKUP.findall(eot)
    found: list[str] = []
    for m in eot_markers[::-1] + _MARKUP.findall("".join(texts)):
        if m not in found and m != BASE_BOS:
            found.append(m)
    # The last marker after an answer ends the turn: <|END_OF_TURN_TOKEN|> after <|END_TEXT|>, Kimi's <|end_of_msg|>.
    return (eot_markers[-1] if eot_markers else None), found


def _base_model() -> Path:
    from legalprompt.engine.bundled import bundled_path

    return bundled_path("smollm2-135m")


def copy_path(name: str, source: str) -> Path:
    from legalprompt.engine.models import sha256_cached

    # The markup list is in the key too: when prompt.py starts writing a marker it did not write before,
    # only the copies of the templates concerned are made again.
    markup = "\0".join(str(m) for m in markup_tokens(source))
    key = hashlib.sha256(f"{COPY_VERSION}\0{sha256_cached(_base_model())}\0{source}\0{markup}".encode()
                         ).hexdigest()[:16]
    return cache_dir() / "template-copies" / f"{name}.{key}.gguf"


class CopyMaker:
    """Reads the base model once, writes any number of copies."""

    def __init__(self):
        import gguf

        self.gguf = gguf
        self.reader = gguf.GGUFReader(_base_model())
        tokens = self.reader.fields["tokenizer.ggml.tokens"].contents()
        types = self.reader.fields["tokenizer.ggml.token_type"].contents()
        self.tokens, self.types = list(tokens), list(types)
        self.special_ids = [i for i, t in enumerate(self.types) if t == gguf.TokenType.CONTROL]
        self.fields = []  # decoded once: the vocabulary and merges take seconds
        for f in self.reader.fields.values():
            if f.name == "general.architecture" or f.name.startswith("GGUF."):
                continue
            vtype = f.types[0]
            self.fields.append((f.name, vtype, f.types[-1] if vtype == gguf.GGUFValueType.ARRAY else None,
                                f.contents()))

    def make(self, name: str, source: str) -> Path:
        out = copy_path(name, source)
        if out.is_file():
            return out
        out.parent.mkdir(parents=True, exist_ok=True)
        for stale in out.parent.glob(f"{name}.*.gguf"):
            stale.unlink(missing_ok=True)
        g = self.gguf
        tokens, types = list(self.tokens), list(self.types)
        present = set(tokens[i] for i in self.special_ids)
        eot_marker, markers = markup_tokens(source)
        # <|im_end|>'s slot first (SmolLM2 ends turns with it), then the other unused special tokens.
        free = [i for i in [2, 1, *self.special_ids] if i != 0 and tokens[i] not in markers]
        free = list(dict.fromkeys(free))
        ids: dict[str, int] = {}
        for m in markers:
            if m in present:
                ids[m] = tokens.index(m)
            elif free:
                i = free.pop(0)
                tokens[i] = m
                # Reasoning tags are ordinary (user-defined) tokens in real vocabularies, shown as text.
                types[i] = g.TokenType.USER_DEFINED if "think" in m.lower() else g.TokenType.CONTROL
                ids[m] = i
        eot_id = ids.get(eot_marker, 2) if eot_marker else 2
        meta = {
            "tokenizer.chat_template": (g.GGUFValueType.STRING, source),
            "tokenizer.ggml.tokens": (g.GGUFValueType.ARRAY, tokens, g.GGUFValueType.STRING),
            "tokenizer.ggml.token_type": (g.GGUFValueType.ARRAY, types, g.GGUFValueType.INT32),
            "tokenizer.ggml.bos_token_id": (g.GGUFValueType.UINT32, 0),
            "tokenizer.ggml.eos_token_id": (g.GGUFValueType.UINT32, eot_id),
            "tokenizer.ggml.eot_token_id": (g.GGUFValueType.UINT32, eot_id),
            # Not the family's name: llama.cpp adjusts some vocabularies by general.name (Phi-3 expects </s>).
            "general.name": (g.GGUFValueType.STRING, "SmolLM2-135M (chat template trocado)"),
            "general.description": (g.GGUFValueType.STRING, f"chat template {name}"),
        }
        tmp = out.with_name(out.name + f".part-{os.getpid()}")
        self._write(tmp, meta)
        os.replace(tmp, out)
        return out

    def _write(self, path: Path, meta: dict) -> None:
        g, reader = self.gguf, self.reader
        arch = reader.fields["general.architecture"].contents()
        writer = g.GGUFWriter(str(path), arch=arch, endianess=reader.endianess)
        done = set()
        for name, vtype, sub, value in self.fields:
            if name in meta:
                vtype, value, *new_sub = meta[name]
                sub = new_sub[0] if new_sub else None
            writer.add_key_value(name, value, vtype, sub_type=sub)
            done.add(name)
        for key, (vtype, value, *sub) in meta.items():
            if key not in done:
                writer.add_key_value(key, value, vtype, sub_type=sub[0] if sub else None)
        for t in reader.tensors:
            writer.add_tensor_info(t.name, t.data.shape, t.data.dtype, t.data.nbytes, t.tensor_type)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_ti_data_to_file()
        for t in reader.tensors:
            writer.write_tensor_data(t.data, tensor_endianess=reader.endianess)
        writer.close()
