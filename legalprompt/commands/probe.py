"""`legalprompt probe`: does the model answer the same way every time? (and the reversed question)"""

from __future__ import annotations

import argparse

from legalprompt.commands._common import add_json_arg, add_model_args, print_json

LOW_AGREEMENT = 0.6


def register(sub) -> None:
    p = sub.add_parser("probe", help="testa se o modelo responde sempre igual (sinal de que sabe ou chuta)",
                       description="Faz a mesma pergunta N vezes com sementes diferentes e mede a concordância.")
    p.add_argument("question", metavar="PERGUNTA")
    p.add_argument("--samples", "-n", type=int, default=5, help="quantas amostras (padrão 5)")
    p.add_argument("--reverse", metavar="PERGUNTA", help="a pergunta invertida (maldição da reversão)")
    p.add_argument("--seed", type=int, default=1, help="primeira semente (as demais são seed+1, seed+2...)")
    p.add_argument("--max-tokens", type=int, default=24, dest="max_tokens")
    p.add_argument("--temperature", type=float, default=0.8)
    add_model_args(p)
    add_json_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from legalprompt.commands._engine import engine_from_args, settings_from_args
    from legalprompt.drafting import Drafter
    from legalprompt.errors import UserInputError
    from legalprompt.store.history import History
    from legalprompt.techniques.probe import ask

    if args.samples < 1:
        raise UserInputError(f"--samples deve ser 1 ou mais (recebi {args.samples})")
    history = History()
    eng = engine_from_args(args)
    drafter = Drafter(eng, settings_from_args(args), history)
    results = [ask(drafter, args.question, args.samples, args.seed, args.max_tokens, args.temperature)]
    if args.reverse:
        results.append(ask(drafter, args.reverse, args.samples, args.seed, args.max_tokens, args.temperature))
    if args.json:
        print_json({"model": eng.model_name, "probes": [r.to_dict() for r in results],
                    "warning": any(r.agreement < LOW_AGREEMENT for r in results)})
        return 0
    for r in results:
        print(f"\nPergunta: {r.question}")
        for s, a in zip(r.seeds, r.answers):
            print(f"  semente {s:<4} {a}")
        print(f"  concordância: {r.agreement * 100:.0f}% (resposta mais comum: {r.majority[0]!r})")
        if r.agreement < LOW_AGREEMENT:
            print("  ATENÇÃO: respostas diferentes a cada semente — o modelo provavelmente está chutando.")
    return 0
