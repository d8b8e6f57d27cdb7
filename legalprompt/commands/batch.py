"""`legalprompt batch`: a template over every document of folders, files or globs, resumable."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from legalprompt.commands._common import add_draft_args, add_json_arg, add_model_args, print_json
from legalprompt.errors import UserInputError


def register(sub) -> None:
    p = sub.add_parser(
        "batch", help="aplica um template a uma pasta de documentos (retomável)",
        description="Gera um resumo, ementa ou outro template para cada documento, com as citações "
                    "verificadas. Cada resultado vai para PASTA/<nome>.md e uma linha para PASTA/manifest.jsonl. "
                    "Rodar o mesmo comando de novo pula o que já foi feito e termina o resto. "
                    "Sai com 0 se tudo deu certo, 1 se algum documento falhou.")
    p.add_argument("inputs", nargs="+", metavar="ENTRADA", help="arquivos, pastas ou padrões (ex.: 'autos/*.pdf')")
    p.add_argument("--template", "-t", default="resumo", help="nome do template (padrão: resumo)")
    p.add_argument("--out", "-o", required=True, metavar="PASTA", help="pasta de saída")
    add_draft_args(p, seed_help="semente (padrão: 0, para o lote ser reproduzível)", each="de cada resposta")
    p.add_argument("--jobs", "-j", default="auto",
                   help="documentos gerados ao mesmo tempo: auto (padrão: 1 na CPU, 8 com o modelo na GPU, 4 por "
                        "--endpoint) ou um número (sequências paralelas no mesmo contexto, ou pedidos simultâneos)")
    p.add_argument("--endpoint", metavar="URL[#N]", action="append",
                   help="servidor compatível com OpenAI (llama-server, vLLM) em vez do modelo local, "
                        "ex.: http://127.0.0.1:8080; repita para vários servidores (os documentos são "
                        "distribuídos entre eles); #N dá N pedidos simultâneos àquele servidor (padrão: --jobs, "
                        "ou 4); chave opcional em LEGALPROMPT_API_KEY")
    p.add_argument("--allow-remote", action="store_true", dest="allow_remote",
                   help="permite um --endpoint fora desta máquina (os documentos saem dela)")
    p.add_argument("--endpoint-model", dest="endpoint_model", help="modelo a pedir ao servidor (padrão: o primeiro listado)")
    p.add_argument("--retries", type=int, default=5, help="novas tentativas em erros passageiros do servidor (padrão: 5)")
    p.add_argument("--retry-errors", action="store_true",
                   help="tenta de novo os documentos que falharam numa execução anterior")
    p.add_argument("--no-check", action="store_true", help="não verificar as citações")
    p.add_argument("--citations", choices=("anchored", "free"), dest="citations",
                   help="citações: anchored (só as que constam do documento de origem, em qualquer forma equivalente) ou free (padrão: o do template, anchored nos de redação); anchored exige o modelo local, não --endpoint)")
    p.add_argument("--quiet", "-q", action="store_true", help="sem barra de progresso")
    add_model_args(p)
    add_json_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from legalprompt.batch.runner import BatchOptions, BatchRunner, format_summary
    from legalprompt.commands._engine import engine_from_args, settings_from_args
    from legalprompt.commands.run import parse_inputs
    from legalprompt.techniques.templates import load_template

    if args.max_tokens is not None and args.max_tokens < 1:
        raise UserInputError(f"--max-tokens deve ser 1 ou mais (recebi {args.max_tokens})")
    from legalprompt.batch.jobs import choose_jobs, parse_jobs

    jobs_requested = parse_jobs(args.jobs)
    if args.retries < 0:
        raise UserInputError(f"--retries deve ser 0 ou mais (recebi {args.retries})")
    if args.citations == "anchored" and args.endpoint:  # a remote server samples its own tokens
        raise UserInputError("--citations anchored precisa escolher cada token, e um servidor remoto sorteia os "
                             "seus: use --citations free com --endpoint, ou rode com o modelo local")
    load_template(args.template)  # refuse an unknown template before loading the model
    opts = BatchOptions(
        inputs=args.inputs, template=args.template, out_dir=Path(args.out),
        prefill="" if args.no_prefill else args.prefill, template_inputs=parse_inputs(args.input),
        max_tokens=args.max_tokens, temperature=args.temperature, top_p=args.top_p, seed=args.seed,
        jobs=1, check_citations=not args.no_check, retry_errors=args.retry_errors, json=args.json,
        progress=not args.quiet, citation_mode=args.citations)
    # Expand the inputs before paying for the model load (a typo fails fast).
    from legalprompt.documents import iter_documents

    list(iter_documents(args.inputs))
    settings = settings_from_args(args)
    from legalprompt.store.history import History

    if args.endpoint:
        from legalprompt.batch.endpoint import EndpointClient, parse_endpoint_spec

        per_server, _ = choose_jobs(jobs_requested, endpoints=1)
        servers = []
        for spec in args.endpoint:
            url, jobs = parse_endpoint_spec(spec)
            client = EndpointClient(url, model=args.endpoint_model, max_retries=args.retries,
                                    allow_remote=args.allow_remote)
            for w in client.warnings:
                print(w, file=sys.stderr)
            servers.append((client, jobs or per_server))
        opts.jobs = sum(n for _, n in servers)
        _say_jobs(f"{len(servers)} servidor(es): " + ", ".join(f"{c.base} ({n} pedidos simultâneos)"
                                                              for c, n in servers), args)
        runner = BatchRunner(opts, settings, endpoint=servers, history=History())
    else:
        engine = engine_from_args(args)
        opts.jobs, why = choose_jobs(jobs_requested, gpu_layers=engine.gpu_layers)
        _say_jobs(why, args)
        runner = BatchRunner(opts, settings, engine=engine, history=History())
    summary = runner.run()
    if args.json:
        print_json(summary.to_dict())
    else:
        print(format_summary(summary), file=sys.stderr)
    return 1 if (summary.failed or summary.previous_failures) else 0


def _say_jobs(why: str, args: argparse.Namespace) -> None:
    if not args.quiet:  # on stderr, so --json's stdout stays one JSON document
        print(why, file=sys.stderr)
