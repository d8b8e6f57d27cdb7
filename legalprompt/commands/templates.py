"""`legalprompt templates`: list templates and where each comes from; `templates show NAME`."""

from __future__ import annotations

import argparse

from legalprompt.commands._common import add_json_arg, print_json


def register(sub) -> None:
    p = sub.add_parser("templates", help="lista os templates (embutidos e do usuário) ou mostra um",
                       description="Templates Jinja com cabeçalho YAML. Os seus ficam na pasta templates/ "
                                   "da configuração e substituem os embutidos de mesmo nome.")
    add_json_arg(p)
    tsub = p.add_subparsers(dest="templates_cmd", metavar="SUBCOMANDO")
    show = tsub.add_parser("show", help="mostra um template")
    show.add_argument("name", metavar="NOME")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from legalprompt.techniques.templates import list_templates, load_template

    if getattr(args, "templates_cmd", None) == "show":
        t = load_template(args.name)
        if args.json:
            print_json({"name": t.name, "path": str(t.path), "source": t.source, "sha256": t.sha256,
                        "meta": t.meta.model_dump(), "body": t.body})
        else:
            print(f"# {t.name} ({t.source}: {t.path})\n")
            print(t.path.read_text(encoding="utf-8"))
        return 0
    items = list_templates()
    if args.json:
        print_json({"templates": [{"name": n, "path": str(p), "source": s,
                                   "description": t.meta.description if t else None, "error": e}
                                  for n, p, s, t, e in items]})
        return 0
    for name, path, source, t, err in items:
        desc = t.meta.description if t else f"ERRO: {err}"
        print(f"{name:<15} [{source}] {desc}")
    return 0
