"""`legalprompt next`: the most probable next tokens after a text ("O céu é" -> " azul")."""

from __future__ import annotations

import argparse

from legalprompt.commands._common import add_json_arg, add_model_args, print_json, text_or_file


def register(sub) -> None:
    p = sub.add_parser("next", help="mostra os próximos tokens mais prováveis",
                       description="Mostra os K tokens que o modelo considera mais prováveis logo após o texto.")
    p.add_argument("text", metavar="TEXTO", help="o começo de uma frase, ex.: 'O céu é'")
    p.add_argument("--top", "-k", type=int, default=10, help="quantos candidatos (padrão 10)")
    add_model_args(p)
    add_json_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from legalprompt.commands._engine import engine_from_args
    from legalprompt.errors import UserInputError

    if args.top < 1:
        raise UserInputError(f"--top deve ser 1 ou mais (recebi {args.top})")
    text = text_or_file(args.text)
    from legalprompt.commands._engine import settings_from_args
    from legalprompt.drafting import Drafter
    from legalprompt.store.history import History

    history = History()
    eng = engine_from_args(args)
    cands = Drafter(eng, settings_from_args(args), history).next_tokens(text, args.top)
    if args.json:
        print_json({"model": eng.model_name, "text": text,
                    "candidates": [{"id": c.id, "piece": c.piece, "prob": c.prob} for c in cands]})
        return 0
    print(f"Depois de {text!r}, o modelo {eng.model_name} espera:")
    for c in cands:
        bar = "█" * max(1, round(c.prob * 40))
        print(f"  {c.piece!r:<20} {c.prob * 100:6.2f}%  {bar}")
    return 0
