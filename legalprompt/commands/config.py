"""`legalprompt config`: the effective settings and where each came from."""

from __future__ import annotations

import argparse

from legalprompt.commands._common import add_json_arg, print_json


def register(sub) -> None:
    p = sub.add_parser("config", help="mostra a configuração em vigor e de onde vem cada valor",
                       description="Ordem: padrão < config.toml < variáveis LEGALPROMPT_* < opções da linha de comando.")
    add_json_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from legalprompt.config import describe_dirs, load_settings

    _, prov = load_settings({})
    dirs = describe_dirs()
    if args.json:
        print_json({"settings": {k: {"value": v.value, "source": v.source} for k, v in prov.items()}, "paths": dirs})
        return 0
    print("Configuração em vigor (valor · origem):")
    for k, v in prov.items():
        print(f"  {k:<12} {str(v.value):<20} {v.source}")
    print("\nPastas:")
    for k, v in dirs.items():
        print(f"  {k:<15} {v}")
    return 0
