"""`legalprompt limar`: compress a document to its key words and phrases ("limar o texto")."""

from __future__ import annotations

import argparse
import sys

from legalprompt.commands._common import add_json_arg, add_model_args, print_json, read_text_arg

_LEVEL_CHOICES = ["light", "medium", "strong", "leve", "medio", "médio", "forte"]


def register(sub) -> None:
    p = sub.add_parser(
        "limar", help="enxuga um texto até as palavras e expressões-chave",
        description="Limar o texto: reduz um documento às palavras e expressões-chave, unidas por reticências, "
                    "sem usar o modelo. Mantém, sem alterar, todas as citações (leis, artigos, processos, súmulas), "
                    "números, valores e datas, e as negações com o que negam. Com --json, conta também os tokens "
                    "com o tokenizador do modelo ativo.")
    p.add_argument("document", metavar="ARQUIVO", help="arquivo (txt, md, pdf, docx, html) ou - para a entrada padrão")
    p.add_argument("--level", "-l", default="medium", choices=_LEVEL_CHOICES, metavar="NÍVEL",
                   help="quanto cortar: light (leve), medium (médio, padrão) ou strong (forte)")
    add_model_args(p)
    add_json_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from legalprompt.techniques.limar import limar

    text, _label = read_text_arg(args.document)
    result = limar(text, args.level)
    if not args.json:
        sys.stdout.write(result.text + "\n")
        return 0
    from legalprompt.commands._engine import engine_from_args

    engine = engine_from_args(args, quiet=True)
    print_json({
        "text": result.text,
        "level": result.level,
        "chars_before": result.chars_before,
        "chars_after": result.chars_after,
        "tokens_before": len(engine.tokenize(text)),
        "tokens_after": len(engine.tokenize(result.text)),
        "kept_citations": result.kept_citations,
        "model": getattr(getattr(engine, "ref", None), "name", None),
    })
    return 0
