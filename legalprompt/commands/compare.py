"""`legalprompt compare`: the same document, the same seeds, with and without priming (or two templates,
two prefills, two models, the full document against its limar version), side by side with figures."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from legalprompt.commands._common import add_json_arg, add_model_args, print_json, read_text_arg
from legalprompt.errors import DocumentError, UserInputError

_JSON_TEXT_KEYS = ("full_text", "text", "texto")


def register(sub) -> None:
    p = sub.add_parser(
        "compare", help="compara respostas com e sem prefill, lado a lado, com números",
        description=(
            "Roda dois braços sobre o mesmo documento, com o mesmo modelo, os mesmos parâmetros e as mesmas "
            "sementes (S, S+1, ...): A sem prefill, B com o prefill do template (ou --prefill). Também compara "
            "dois templates (--a-template/--b-template), dois prefills (--a-prefill/--b-prefill), dois modelos "
            "(--a-model/--b-model) ou o documento completo contra o limado (--limar). Quando os braços diferem "
            "em outra coisa além do prefill, os dois usam o prefill do template, salvo --a-prefill/--b-prefill."))
    p.add_argument("document", metavar="DOCUMENTO", nargs="?",
                   help="arquivo (txt, md, pdf, docx, html) ou - para a entrada padrão")
    p.add_argument("--corpus", metavar="PASTA",
                   help="compara cada documento da pasta (txt, md, pdf, docx, html e .json com 'full_text')")
    p.add_argument("--template", "-t", default="ementa", help="template dos dois braços (padrão: ementa)")
    p.add_argument("--a-template", dest="a_template", help="template do braço A")
    p.add_argument("--b-template", dest="b_template", help="template do braço B")
    p.add_argument("--prefill", "--b-prefill", dest="b_prefill",
                   help="prefill do braço B (padrão: o do template); '' = nenhum")
    p.add_argument("--a-prefill", dest="a_prefill", help="prefill do braço A (padrão: nenhum); '' = nenhum")
    p.add_argument("--a-model", dest="a_model", help="modelo do braço A (padrão: --model)")
    p.add_argument("--b-model", dest="b_model", help="modelo do braço B (padrão: --model)")
    p.add_argument("--citations", choices=("anchored", "free"), dest="citations",
                   help="citações dos dois braços: anchored (só as que constam do documento) ou free "
                        "(padrão: o do template)")
    p.add_argument("--a-citations", choices=("anchored", "free"), dest="a_citations", help="citações do braço A")
    p.add_argument("--b-citations", choices=("anchored", "free"), dest="b_citations", help="citações do braço B")
    p.add_argument("--limar", nargs="?", const="medium", metavar="NIVEL",
                   help="braço B recebe o documento limado (light, medium, strong; padrão medium)")
    p.add_argument("--input", "-i", action="append", default=[], metavar="CHAVE=VALOR",
                   help="entrada do template (repita para várias)")
    p.add_argument("--no-staged", dest="staged", action="store_false", default=None,
                   help="braço B sem redação por seções: só o cabeçalho como prefill (o padrão, com um template "
                        "que declara esqueleto, é escrever cada título de seção na boca do modelo)")
    p.add_argument("--samples", "-n", type=int, default=3, help="amostras por braço (padrão: 3)")
    p.add_argument("--seed", type=int, help="primeira semente (as amostras usam S, S+1, ...)")
    p.add_argument("--max-tokens", type=int, dest="max_tokens", help="máximo de tokens de cada resposta")
    p.add_argument("--temperature", type=float, help="temperatura dos dois braços")
    p.add_argument("--top-p", type=float, dest="top_p", help="top-p dos dois braços")
    p.add_argument("--report", metavar="ARQUIVO", help="grava um relatório .html (autocontido) ou .md")
    p.add_argument("--quiet", "-q", action="store_true", help="não mostrar o progresso")
    add_model_args(p)
    add_json_arg(p)
    p.set_defaults(func=run)


def build_arms(args: argparse.Namespace, inputs: dict) -> list:
    from legalprompt.compare import ArmSpec

    a_tpl = args.a_template or args.template
    b_tpl = args.b_template or args.template
    a_model = args.a_model or args.model
    b_model = args.b_model or args.model
    a_cit = args.a_citations or args.citations
    b_cit = args.b_citations or args.citations
    priming_only = a_tpl == b_tpl and a_model == b_model and args.limar is None and a_cit == b_cit
    a_prefill = args.a_prefill if args.a_prefill is not None else ("" if priming_only else None)
    return [ArmSpec("A", a_tpl, a_prefill, a_model, None, dict(inputs), a_cit),
            ArmSpec("B", b_tpl, args.b_prefill, b_model, args.limar, dict(inputs), b_cit,
                    staged=getattr(args, "staged", None))]


def corpus_documents(folder: str) -> tuple[list, int]:
    """The documents of a folder: readable files, plus JSON files holding the text under 'full_text'
    ('text' or 'texto'). Returns (documents, JSON files without a text, which are ignored)."""
    from legalprompt.documents import iter_documents, read_document
    from legalprompt.documents.files import read_file_bytes, why_not_readable
    from legalprompt.documents.limits import MAX_DOCUMENT_CHARS, too_long
    from legalprompt.compare import CompareDocument

    root = Path(folder).expanduser()
    if not root.is_dir():
        raise UserInputError(f"--corpus espera uma pasta (não encontrei {folder})")
    docs: list[CompareDocument] = []
    skipped: list = []
    try:
        paths = list(iter_documents([str(root)], skipped))
    except UserInputError:
        paths = []
    # FIFOs, devices and links out of the folder: reported as skipped documents, never read.
    docs += [CompareDocument(str(p), "", error=f"{p}: {why}") for p, why in skipped]
    for path in paths:
        try:
            docs.append(CompareDocument(str(path), read_document(path).text))
        except DocumentError as exc:
            docs.append(CompareDocument(str(path), "", error=exc.message))
    no_text = 0
    for path in sorted(root.rglob("*.json")):
        why = why_not_readable(path, root)
        if why:
            docs.append(CompareDocument(str(path), "", error=f"{path}: {why}"))
            continue
        try:
            data = json.loads(read_file_bytes(path).decode("utf-8"))
        except DocumentError as exc:
            docs.append(CompareDocument(str(path), "", error=exc.message))
            continue
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            # the decoder's reason (line and column), never the file's content
            reason = f"linha {exc.lineno}, coluna {exc.colno}: {exc.msg}" if isinstance(exc, json.JSONDecodeError) \
                else ("aninhamento profundo demais" if isinstance(exc, RecursionError) else "não é UTF-8")
            docs.append(CompareDocument(str(path), "", error=f"{path}: JSON ilegível ({reason})"))
            continue
        text = next((data[k] for k in _JSON_TEXT_KEYS if isinstance(data, dict) and isinstance(data.get(k), str)
                     and data[k].strip()), None)
        if text is None:
            no_text += 1
            continue
        if len(text) > MAX_DOCUMENT_CHARS:  # the limit read_document applies to a file's text
            docs.append(CompareDocument(str(path), "", error=too_long(str(path), len(text))))
            continue
        docs.append(CompareDocument(str(path), text))
    if not docs:
        raise UserInputError(f"nenhum documento com texto em {folder} (formatos: .txt, .md, .pdf, .docx, .html "
                             "ou .json com a chave 'full_text').")
    return docs, no_text


def run(args: argparse.Namespace) -> int:
    from legalprompt.commands._engine import settings_from_args
    from legalprompt.commands.run import parse_inputs
    from legalprompt.compare import CompareDocument, EnginePool, compare_corpus, compare_document, make_seeds
    from legalprompt.compare.report import render_terminal, report_format, write_report
    from legalprompt.compare.runner import validate_arms
    from legalprompt.store.history import History

    # Everything that can be refused is refused before the model is loaded.
    if args.document and args.corpus:
        raise UserInputError("passe um DOCUMENTO ou --corpus PASTA, não os dois")
    if not args.document and not args.corpus:
        raise UserInputError("falta o documento: legalprompt compare DOCUMENTO (ou --corpus PASTA)")
    if args.max_tokens is not None and args.max_tokens < 1:
        raise UserInputError(f"--max-tokens deve ser 1 ou mais (recebi {args.max_tokens})")
    if args.report:
        report_format(args.report)
        _check_report_folder(args.report)
    settings = settings_from_args(args)
    seeds = make_seeds(args.seed, args.samples, settings)
    arms = build_arms(args, parse_inputs(args.input))
    validate_arms(arms)
    if args.corpus:
        docs, no_text = corpus_documents(args.corpus)
        if no_text and not args.quiet:
            print(f"aviso: {no_text} arquivo(s) .json sem texto completo ('full_text') ignorado(s)", file=sys.stderr)
    else:
        text, label = read_text_arg(args.document)
        if not text.strip():
            raise UserInputError(f"o documento está vazio: {label}. Passe um arquivo com texto.")
        docs = [CompareDocument(label, text)]

    pool = EnginePool(settings)
    warned: set[str] = set()

    def progress(i, total, label, arm, sample):
        eng = pool.current
        for w in getattr(eng, "warnings", []):
            if w not in warned:
                warned.add(w)
                print(f"aviso: {w}", file=sys.stderr)
        if args.quiet:
            return
        ok = {True: "formato ok", False: "formato falhou", None: "-"}[sample.shape_ok]
        if sample.shape and sample.shape.get("findings"):
            ok += " (" + ", ".join(sorted({f["code"] for f in sample.shape["findings"]})) + ")"
        if sample.skeleton:
            ok += f" · {len(sample.skeleton)} etapas"
        doc = f"{Path(label).name} · " if args.corpus else ""
        print(f"[{i}/{total}] {doc}{arm} · semente {sample.seed} · {sample.usage['completion_tokens']} tokens · "
              f"{sample.usage['cached_prompt_tokens']}/{sample.usage['prompt_tokens']} reaproveitados · "
              f"{sample.timings['total_s']:.1f} s · {ok}", file=sys.stderr, flush=True)

    kw = dict(settings=settings, seeds=seeds, pool=pool, history=History(), max_tokens=args.max_tokens,
              temperature=args.temperature, top_p=args.top_p, progress=progress)
    try:
        if args.corpus:
            result = compare_corpus(docs, arms, source=args.corpus, **kw)
        else:
            result = compare_document(docs[0], arms, **kw)
    finally:
        pool.close()
    if args.report:
        path = write_report(result, args.report)
        if not args.quiet:
            print(f"relatório: {path}", file=sys.stderr)
    if args.json:
        print_json(result.to_dict())
    else:
        render_terminal(result)
    if args.corpus and not result.done:
        raise UserInputError("nenhum documento pôde ser comparado: " + "; ".join(
            f"{d.document}: {d.error}" for d in result.skipped[:3]))
    return 0


def _check_report_folder(report: str) -> None:
    """Refuse an unwritable report path before any generation runs (not after minutes of work)."""
    import os

    folder = Path(report).expanduser().absolute().parent
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        raise UserInputError(f"não é possível gravar o relatório em {report}: {existing} não é uma pasta "
                             "gravável. Escolha outro caminho para --report.")
