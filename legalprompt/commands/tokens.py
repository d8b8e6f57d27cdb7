"""`legalprompt tokens`: the tokens and ids the model sees for a text."""

from __future__ import annotations

import argparse
import sys

from legalprompt.commands._common import add_json_arg, add_model_args, print_json, text_or_file


def register(sub) -> None:
    p = sub.add_parser("tokens", help="mostra os tokens (pedaços e ids) de um texto",
                       description="Mostra como o modelo divide o texto em tokens, com o id de cada um, "
                                   "e quanto do contexto o texto ocupa.")
    p.add_argument("text", metavar="TEXTO_OU_ARQUIVO", help="texto, caminho de arquivo ou - para a entrada padrão")
    p.add_argument("--no-bos", action="store_true", help="não incluir o token de início (BOS)")
    add_model_args(p)
    add_json_arg(p)
    p.set_defaults(func=run)


_COLOURS = ["\x1b[48;5;153m", "\x1b[48;5;186m", "\x1b[48;5;217m", "\x1b[48;5;151m", "\x1b[48;5;223m"]


def run(args: argparse.Namespace) -> int:
    from legalprompt.commands._engine import engine_from_args

    text = text_or_file(args.text)
    eng = engine_from_args(args)
    pieces = eng.token_pieces(text, add_bos=not args.no_bos)
    if args.json:
        print_json({"model": eng.ref.name, "count": len(pieces), "n_ctx": eng.n_ctx,
                    "tokens": [{"id": i, "piece": p} for i, p in pieces]})
        return 0
    tty = sys.stdout.isatty()
    if tty:
        from legalprompt.termsafe import term_safe, write_control

        # The colours pass the SafeStream as the program's own codes; the pieces are made safe.
        for k, (_, p) in enumerate(pieces):
            write_control(sys.stdout, f"{_COLOURS[k % len(_COLOURS)]}\x1b[30m")
            sys.stdout.write(term_safe(p))
            write_control(sys.stdout, "\x1b[0m")
        print()
        print()
    for k, (tid, piece) in enumerate(pieces):
        print(f"{k:>5}  {tid:>7}  {piece!r}")
    share = 100 * len(pieces) / eng.n_ctx
    print(f"\n{len(pieces)} tokens · {len(text)} caracteres · {share:.1f}% do contexto de {eng.n_ctx} tokens "
          f"({eng.ref.name})")
    return 0
