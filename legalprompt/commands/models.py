"""`legalprompt models`: list available models; `models pull` downloads one."""

from __future__ import annotations

import argparse

from legalprompt.commands._common import add_json_arg, print_json


def register(sub) -> None:
    p = sub.add_parser("models", help="lista os modelos disponíveis ou baixa um (pull)",
                       description="Lista os modelos: embutidos, em models/ e na pasta de dados do usuário.")
    add_json_arg(p)
    msub = p.add_subparsers(dest="models_cmd", metavar="SUBCOMANDO")
    pull = msub.add_parser("pull", help="baixa um .gguf do Hugging Face para a pasta de modelos")
    pull.add_argument("repo", help="repositório, ex.: bartowski/Meta-Llama-3.1-8B-Instruct-GGUF")
    pull.add_argument("file", help="arquivo .gguf dentro do repositório")
    pull.add_argument("--timeout", type=float, default=10.0, help="segundos para desistir de conectar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if getattr(args, "models_cmd", None) == "pull":
        from legalprompt.engine.download import pull_model

        path = pull_model(args.repo, args.file, timeout=args.timeout)
        print(f"modelo salvo em {path}")
        return 0
    from legalprompt.engine.models import list_models

    items = list_models()
    if args.json:
        print_json({"models": [dict(info, error=None) if info else
                               {"name": ref.name, "path": str(ref.path), "source": ref.source, "error": err}
                               for ref, info, err in items]})
        return 0
    if not items:
        print("nenhum modelo encontrado: coloque um .gguf em models/ ou instale os modelos embutidos")
        return 0
    for ref, info, err in items:
        if err:
            print(f"{ref.name:<28} ERRO: {err}")
            continue
        mb = info["size_bytes"] / 1e6
        print(f"{info['name']:<28} {info['architecture']:<10} {info['quantization']:<8} {mb:8.1f} MB  "
              f"ctx {info['context_length']}  {'chat' if info['chat_template'] else 'base'}  "
              f"[{info['source']}]  sha256 {info['sha256'][:12]}…\n{'':<28} {info['path']}")
    return 0
