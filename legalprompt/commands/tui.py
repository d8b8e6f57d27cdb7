"""`legalprompt tui` (and `legalprompt` with no arguments): the terminal UI.

Textual is imported only inside run(), so `legalprompt --help` stays fast.
"""

from __future__ import annotations

import argparse

from legalprompt.commands._common import add_model_args


def register(sub) -> None:
    p = sub.add_parser("tui", help="abre a interface no terminal (padrão sem argumentos)",
                       description="Interface no terminal para redigir com o modelo local: documento, template, "
                                   "início da resposta, citações verificadas, histórico e exportação.")
    p.add_argument("--document", "-d", metavar="ARQUIVO",
                   help="documento para abrir já na tela de redação (txt, md, pdf, docx, html)")
    add_model_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from legalprompt.commands._engine import settings_from_args
    from legalprompt.engine.params import parse_gpu_layers
    from legalprompt.errors import UserInputError

    settings = settings_from_args(args)
    parse_gpu_layers(settings.gpu_layers)
    if args.document:
        from pathlib import Path

        if not Path(args.document).is_file():
            raise UserInputError(f"arquivo não encontrado: {args.document}")
    from legalprompt.tui.app import LegalPromptApp

    app = LegalPromptApp(settings=settings, document=args.document)
    app.run()
    return int(app.return_code or 0)
