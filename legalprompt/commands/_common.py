"""Helpers shared by the command modules: reading inputs, printing JSON, common flags."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from legalprompt.errors import UserInputError



def add_model_args(p: argparse.ArgumentParser) -> None:
    """Flags that choose and load a model; every command that uses one takes them."""
    g = p.add_argument_group("modelo")
    g.add_argument("--model", "-m", help="nome (gemma3-270m, smollm2-135m, um arquivo de models/) ou caminho de um .gguf")
    g.add_argument("--n-ctx", type=int, dest="n_ctx", help="tamanho do contexto em tokens")
    g.add_argument("--threads", type=int, help="threads da CPU (padrão: núcleos físicos)")
    g.add_argument("--batch-size", type=int, dest="n_batch", help="tamanho do lote de avaliação do prompt")
    g.add_argument("--gpu-layers", dest="gpu_layers", help="camadas na GPU: auto, all, N ou 0")
    g.add_argument("--chat-format", dest="chat_format", choices=["auto", "chat", "plain"],
                   help="auto: o chat template do modelo, se houver; plain: prompt simples, sem chat template "
                        "(para um template que o legalprompt não consegue aplicar)")


def add_prompt_args(p: argparse.ArgumentParser, *, each: str = "da resposta") -> None:
    """Prefill, template inputs and the answer's length: what shapes a prompt (run, batch, prompt)."""
    pre = p.add_mutually_exclusive_group()
    pre.add_argument("--prefill", help="primeiras palavras da resposta (substitui as do template)")
    pre.add_argument("--no-prefill", action="store_true", help="sem palavras iniciais")
    p.add_argument("--input", "-i", action="append", default=[], metavar="CHAVE=VALOR",
                   help="entrada do template (repita para várias)")
    p.add_argument("--max-tokens", type=int, dest="max_tokens", help=f"máximo de tokens {each}")


def add_draft_args(p: argparse.ArgumentParser, *, seed_help: str, each: str = "da resposta") -> None:
    """The prompt's flags plus sampling: shared by run and batch."""
    add_prompt_args(p, each=each)
    p.add_argument("--temperature", type=float, help="temperatura (0 = sempre o mais provável)")
    p.add_argument("--top-p", type=float, dest="top_p", help="top-p (0 a 1)")
    p.add_argument("--seed", type=int, help=seed_help)


def add_json_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="saída em JSON")


def print_json(obj: Any) -> None:
    from legalprompt.termsafe import json_safe

    sys.stdout.write(json_safe(json.dumps(obj, ensure_ascii=False, indent=2, default=str)) + "\n")
    sys.stdout.flush()


def read_text_arg(value: str) -> tuple[str, str]:
    """A document argument: '-' is stdin, otherwise a path read through the document readers (both
    within the size limits). Returns (text, label)."""
    from legalprompt.documents import read_document, read_text_stream

    if value == "-":
        return read_text_stream(sys.stdin.buffer, "<stdin>"), "<stdin>"
    path = Path(value)
    return read_document(path).text, str(path)




def text_or_file(value: str) -> str:
    """For commands that take 'TEXT_OR_FILE': an existing file is read, anything else is the text itself."""
    if value == "-":
        return read_text_arg("-")[0]
    p = Path(value)
    try:
        is_file = len(value) < 4096 and p.is_file()
        # Only a value written as a path ("autos/", "/tmp/x") is taken for a folder: a bare word that
        # happens to name a folder in the current directory is still text.
        is_dir = not is_file and len(value) < 4096 and ("/" in value or "\\" in value) and p.is_dir()
    except OSError:
        is_file = is_dir = False
    if is_file:
        return read_text_arg(value)[0]
    if is_dir:
        raise UserInputError(f"{value}: é uma pasta, não um arquivo. Passe um arquivo ou o próprio texto.")
    if len(value) < 4096 and p.suffix and ("/" in value or p.suffix in {".txt", ".md", ".pdf", ".docx", ".html"}) and not p.exists():
        raise UserInputError(f"arquivo não encontrado: {value}")
    return value
