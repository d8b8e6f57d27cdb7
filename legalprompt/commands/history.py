"""`legalprompt history`: list, search and show past runs."""

from __future__ import annotations

import argparse

from legalprompt.commands._common import add_json_arg, print_json
from legalprompt.errors import UserInputError
from legalprompt.store.history import STATUS_LABELS



def register(sub) -> None:
    p = sub.add_parser("history", help="lista e mostra execuções anteriores",
                       description="Histórico de execuções guardado localmente em SQLite.")
    p.add_argument("run_id", nargs="?", type=int, metavar="ID", help="mostra uma execução inteira")
    p.add_argument("--search", "-s", help="procura no texto das respostas, prompts e templates")
    p.add_argument("--limit", type=int, default=20, help="quantas mostrar (padrão 20)")
    add_json_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from legalprompt.store.history import History

    h = History()
    if args.run_id is not None:
        rec = h.get(args.run_id)
        if rec is None:
            raise UserInputError(f"execução #{args.run_id} não existe no histórico")
        if args.json:
            print_json(rec.to_dict())
            return 0
        print(f"#{rec.id} · {rec.started_at} · {rec.command} · template {rec.template} · "
              f"{STATUS_LABELS.get(rec.status, rec.status)} · modelo {rec.model_name} · semente {rec.seed}")
        print(f"documento: {rec.document}\nparâmetros: {rec.params}\nprefill: {rec.prefill!r}")
        if rec.error:
            print(f"erro: {rec.error}")
        print("\n--- resposta ---\n" + rec.output)
        return 0
    if args.limit < 1:
        raise UserInputError("--limit deve ser 1 ou mais")
    recs = h.search(args.search, limit=args.limit)
    if args.json:
        print_json({"runs": [r.to_dict() for r in recs]})
        return 0
    if not recs:
        print("nenhuma execução encontrada")
    for r in recs:
        first = r.output.replace("\n", " ")[:70]
        print(f"#{r.id:<5} {r.started_at[:19]}  {r.command:<8} {str(r.template):<14} "
              f"{STATUS_LABELS.get(r.status, r.status):<12} {first}")
    return 0
