"""`legalprompt lint FILE|- [--sources DOC ...] [--json]`: check an ementa against Recomendação CNJ nº 154/2024.

Exit code: 0 when the ementa follows the standard with nothing to point out, 1 when there are findings
(including an ementa in the older form), 2 on bad input. Imports nothing heavy at module level.
"""

from __future__ import annotations

import argparse
import sys

FORM_LABEL = {"cnj154": "padrão CNJ 154", "tradicional": "formato tradicional", "outra": "formato não reconhecido"}


def register(sub) -> None:
    from legalprompt.commands._common import add_json_arg

    p = sub.add_parser(
        "lint", help="confere uma ementa com o padrão CNJ 154/2024",
        description=("Confere uma ementa com a Recomendação CNJ nº 154/2024: cabeçalho em maiúsculas (ramo, classe, "
                     "tema, resultado; até 4 linhas), seções I a IV em ordem, itens numerados continuamente, "
                     "número de questões, \"Trata-se\", tese e linhas finais de dispositivos e jurisprudência. "
                     "Reconhece o formato tradicional. Sai com 0 se estiver tudo certo, 1 se houver apontamentos, "
                     "2 se a entrada for inválida."))
    p.add_argument("file", metavar="ARQUIVO_OU_-", help="a ementa (arquivo ou '-' para a entrada padrão)")
    p.add_argument("--sources", nargs="+", metavar="DOC", default=None,
                   help="documentos de origem: normas e precedentes das linhas finais devem constar do corpo "
                        "da ementa ou deles")
    add_json_arg(p)
    p.set_defaults(func=run)


def render(result, *, color: bool = False) -> str:
    """Findings one per line, 'linha N: mensagem [CÓDIGO]', then a one-line verdict."""
    lines = []
    for f in result.findings:
        where = f"linha {f.line}: " if f.line else ""
        lines.append(f"{where}{f.message} [{f.code}]")
    if result.ok:
        lines.append("ementa no padrão CNJ 154: nada a apontar.")
    else:
        n = len(result.findings)
        lines.append(f"{FORM_LABEL[result.form]}: {n} apontamento{'s' if n != 1 else ''}.")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from legalprompt.commands._common import print_json, read_text_arg
    from legalprompt.errors import UserInputError
    from legalprompt.techniques.lint_ementa import lint

    text = read_text_arg(args.file)[0]
    if not text.strip():
        raise UserInputError(f"{'a entrada padrão' if args.file == '-' else args.file} está vazia: passe o texto "
                             "de uma ementa")
    sources = [read_text_arg(s)[0] for s in args.sources] if args.sources else None
    result = lint(text, sources=sources)
    if args.json:
        print_json({"ok": result.ok, "form": result.form, "findings": [f.to_dict() for f in result.findings]})
    else:
        sys.stdout.write(render(result) + "\n")
    return 0 if result.ok else 1
