"""`legalprompt doctor`: does the engine work here, what was it built with, where are the model and data."""

from __future__ import annotations

import argparse
import sys

from legalprompt.commands._common import add_json_arg, print_json


def register(sub) -> None:
    p = sub.add_parser("doctor", help="testa o motor (um token num processo à parte) e mostra a instalação",
                       description="Gera um token com o modelo embutido num processo à parte: se o motor morrer "
                                   "(instrução ilegal, falha de segmentação), diz o que houve e como recompilar.")
    p.add_argument("--model", "-m", default="gemma3-270m", help="modelo do teste (padrão: gemma3-270m embutido)")
    p.add_argument("--setup", action="store_true", help="saída curta, para o fim da instalação")
    p.add_argument("--no-scan", action="store_true", help="não procura instruções AMX na biblioteca (objdump)")
    add_json_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from legalprompt.config import describe_dirs
    from legalprompt.engine import build, selfcheck

    check = selfcheck.check_engine(args.model)
    lib = selfcheck.installed_engine_dir()
    amx = None
    if not args.no_scan and not args.setup and lib is not None:
        amx = build.amx_instructions(lib / "lib") if (lib / "lib").is_dir() else build.amx_instructions(lib)
    report = {
        "ok": check.ok, "check": check.to_dict(), "engine_dir": str(lib) if lib else None,
        "cpu_has_amx": selfcheck.cpu_has_amx(), "amx_instructions_in_engine": amx,
        "build_cmake_args": build.final_cmake_args({"CMAKE_ARGS": build.recorded_user_args() or ""}), "engine_cache": str(build.cache_root()),
        "rebuild_command": build.rebuild_command(), "paths": describe_dirs(),
    }
    if args.json:
        print_json(report)
        return 0 if check.ok else 1
    if args.setup:
        if check.ok:
            print(f"legalprompt doctor: {check.message} ({_secs(check.seconds)})")
            return 0
        print(f"legalprompt doctor: FALHOU. {check.message}", file=sys.stderr)
        return 1
    info = check.info
    print("Motor")
    print(f"  teste              {'ok' if check.ok else 'FALHOU'} ({_secs(check.seconds)})")
    if not check.ok:
        print("  " + check.message.replace("\n", "\n  "))
    print(f"  llama-cpp-python   {info.get('llama_cpp_version', '?')} em {lib}")
    print(f"  recursos da CPU    {' '.join(info.get('cpu_features', [])) or '?'}")
    print(f"  GPU                {'sim' if info.get('gpu_offload') else 'não (compilado só para CPU)'}")
    print(f"  CPU com AMX        {'sim' if report['cpu_has_amx'] else 'não'}")
    if amx is not None:
        print(f"  AMX no motor       {_amx_text(amx)}")
    print(f"  compilado com      CMAKE_ARGS={report['build_cmake_args']}")
    print(f"  cache de motores   {report['engine_cache']}")
    print("Modelo")
    print(f"  {info.get('model', args.model)}: {info.get('model_path', '?')}")
    print("Pastas")
    for k, v in report["paths"].items():
        print(f"  {k:<18} {v}")
    return 0 if check.ok else 1


def _secs(s: float) -> str:
    return f"{s:.1f} s".replace(".", ",")


def _amx_text(found: dict[str, int]) -> str:
    if not found:
        return "nenhuma instrução (ok)"
    return "; ".join(f"{k}: {v} instruções" for k, v in found.items()) + " — recompile com `make engine`"
