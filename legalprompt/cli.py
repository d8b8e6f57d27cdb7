"""Command-line entry point: parses arguments and hands over to one module per command.

Each module in `legalprompt.commands` exposes `register(subparsers)`; it must import nothing heavy at
module level so that `legalprompt --help` stays fast (llama.cpp is imported only when a model is used).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

from legalprompt.errors import LegalPromptError

# Order is the order shown in --help.
COMMANDS = [
    "run", "prompt", "check", "lint", "limar", "tokens", "next", "probe", "templates", "batch", "compare",
    "models", "history", "config", "doctor", "tui",
]


def _translate_argparse() -> None:
    """argparse's own strings are English; the user's language is pt-BR."""
    table = {
        "usage: ": "uso: ",
        "positional arguments": "argumentos",
        "options": "opções",
        "show this help message and exit": "mostra esta ajuda e sai",
        "the following arguments are required: %s": "faltam os argumentos: %s",
        "unrecognized arguments: %s": "argumentos não reconhecidos: %s",
        "invalid choice: %(value)r (choose from %(choices)s)": "opção inválida: %(value)r (escolha entre %(choices)s)",
        "argument %(argument_name)s: %(message)s": "argumento %(argument_name)s: %(message)s",
        "invalid %(type)s value: %(value)r": "valor inválido: %(value)r",
        "expected one argument": "esperava um valor",
        "%(prog)s: error: %(message)s\n": "%(prog)s: erro: %(message)s\n",
    }
    argparse._ = lambda s: table.get(s, s)  # type: ignore[attr-defined]


def build_parser() -> argparse.ArgumentParser:
    _translate_argparse()
    parser = argparse.ArgumentParser(
        prog="legalprompt",
        description="Redação jurídica com um modelo de linguagem local, com verificação de citações inventadas.",
    )
    from legalprompt import __version__

    parser.add_argument("--version", action="version", version=f"legalprompt {__version__}",
                        help="mostra a versão e sai")
    sub = parser.add_subparsers(dest="command", title="comandos", metavar="COMANDO")
    for name in COMMANDS:
        modname = f"legalprompt.commands.{name}"
        if importlib.util.find_spec(modname) is None:
            continue
        importlib.import_module(modname).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command. Its stdout and stderr pass through `termsafe.SafeStream`: no document, answer
    or file name can send a control sequence to the terminal, whatever the command prints. The TUI
    draws through Textual's driver instead, and makes its text safe in its widgets."""
    from legalprompt.termsafe import SafeStream

    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            if importlib.util.find_spec("legalprompt.commands.tui") is None:
                parser.print_help()
                return 0
            args = parser.parse_args(["tui", *(sys.argv[1:] if argv is None else argv)])
        if args.command == "tui" or args.func.__module__.endswith(".tui"):
            sys.stdout, sys.stderr = saved
        return _dispatch(args)
    finally:
        sys.stdout, sys.stderr = saved


def _dispatch(args: argparse.Namespace) -> int:
    try:
        return int(args.func(args) or 0)
    except LegalPromptError as exc:
        print(f"erro: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\ninterrompido.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
