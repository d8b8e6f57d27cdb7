"""`legalprompt check FILE_OR_- [--sources DOC ...] [--json]`: mark the citations of a text by verdict.

Exit code: 0 when no citation is INCONSISTENT, 1 when one is, 2 on bad input (through UserInputError /
DocumentError). Imports nothing heavy at module level (the CLI's --help must stay fast).
"""

from __future__ import annotations

import argparse
import sys
from legalprompt.citations.labels import QUOTE_LABEL, VERDICT_LABELS

VERDICT_STYLE = {"INCONSISTENT": "bold red", "VERIFIED": "green", "UNVERIFIED": "yellow"}


def register(sub) -> None:
    from legalprompt.commands._common import add_json_arg

    p = sub.add_parser(
        "check", help="verifica as citações de um texto",
        description=("Encontra as citações (leis, artigos, julgados, números CNJ, súmulas, temas) e aponta as "
                     "impossíveis (IMPOSSÍVEL), as confirmadas nas fontes ou nas tabelas (VERIFICADA) e as "
                     "demais (NÃO VERIFICADA). Sai com código 1 se houver alguma impossível."))
    p.add_argument("file", metavar="ARQUIVO_OU_-", help="texto a verificar (arquivo ou '-' para a entrada padrão)")
    p.add_argument("--sources", nargs="+", metavar="DOC", default=None,
                   help="documentos de origem: cada citação recebe in_sources (consta ou não deles)")
    p.add_argument("--today", metavar="AAAA-MM-DD", default=None,
                   help="data considerada 'hoje' para datas no futuro (padrão: a data de hoje)")
    add_json_arg(p)
    p.set_defaults(func=run)


def _parse_today(value: str | None):
    import datetime as dt

    from legalprompt.errors import UserInputError

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UserInputError(f"data inválida em --today: {value} (use AAAA-MM-DD)") from None


def render_marked(report, *, color: bool) -> str:
    """The text with each citation wrapped and numbered; rich markup when `color`."""
    parts: list[str] = []
    pos = 0
    text = report.text
    if color:
        from rich.markup import escape
    for i, c in enumerate(report.citations, 1):
        v = c.verdict.value
        before, body = text[pos:c.start], text[c.start:c.end]
        if color:
            parts.append(escape(before))
            parts.append(f"[{VERDICT_STYLE[v]}]{escape(body)}[/][dim]\\[{i}][/]")
        else:
            parts.append(before)
            parts.append(f"[{body}]{{{i}:{VERDICT_LABELS[v]}}}")
        pos = c.end
    rest = text[pos:]
    parts.append(escape(rest) if color else rest)
    return "".join(parts)


def render_list(report, *, color: bool) -> str:
    lines = []
    if color:
        from rich.markup import escape
    else:
        def escape(s):
            return s
    for i, c in enumerate(report.citations, 1):
        v = c.verdict.value
        label = VERDICT_LABELS[v]
        head = f"[{VERDICT_STYLE[v]}]{label}[/]" if color else label
        src = ""
        if c.in_sources is not None:
            src = " (consta das fontes)" if c.in_sources else " (não consta das fontes)"
        lines.append(f"{i}. {head}: {escape(' '.join(c.text.split()))}{src}")
        if c.checks:
            lines.append(f"   conferido: {escape('; '.join(c.checks))}")
        for r in c.reasons:
            if r.code in ("IN_SOURCES", "NOT_IN_SOURCES"):
                continue
            mark = {"error": "✗", "warning": "!", "info": "·"}.get(r.severity, "·")
            lines.append(f"   {mark} {escape(r.message)} [{r.code}]" if not color
                         else f"   {mark} {escape(r.message)} [dim]\\[{r.code}][/]")
    for q in report.quotes:
        if q.found is False:
            head = f"[red]{QUOTE_LABEL}[/]" if color else QUOTE_LABEL
            lines.append(f"{head}: {escape(' '.join(q.text.split()))}")
            lines.append(f"   ✗ {escape(q.reason or '')}")
    counts = report.counts
    lines.append("")
    lines.append(f"{len(report.citations)} citações: {counts['INCONSISTENT']} impossíveis, "
                 f"{counts['VERIFIED']} verificadas, {counts['UNVERIFIED']} não verificadas."
                 + (f" {report.quotes_not_found} trecho(s) entre aspas não encontrado(s) nas fontes."
                    if report.quotes_not_found else ""))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from legalprompt.citations import check_text
    from legalprompt.commands._common import print_json, read_text_arg

    today = _parse_today(args.today)
    # read_document refuses a missing file or a folder with a pt-BR message saying what to do.
    text = read_text_arg(args.file)[0]
    sources = [read_text_arg(s)[0] for s in args.sources] if args.sources else None
    report = check_text(text, sources=sources, today=today)
    if args.json:
        print_json(report.to_dict())
    else:
        color = sys.stdout.isatty()
        if color:
            from rich.console import Console

            from legalprompt.termsafe import term_safe

            # Rich writes its own colour codes: past the SafeStream, with the document's text made safe here.
            console = Console(file=getattr(sys.stdout, "inner", sys.stdout), highlight=False)
            console.print(term_safe(render_marked(report, color=True)))
            console.print()
            console.print(term_safe(render_list(report, color=True)))
        else:
            sys.stdout.write(render_marked(report, color=False) + "\n\n" + render_list(report, color=False) + "\n")
    return 1 if report.has_inconsistent else 0
