"""Does the engine work on this machine? One token generated in a child process.

llama.cpp is native code: an instruction this CPU does not execute (AMX on some Xeons), a bad build or a
broken model kill the whole process with a signal, and no `except` can catch that. So the check runs in a
child, reports each stage it reaches on stdout, and the parent turns a death into a pt-BR message with the
exact command that rebuilds the engine. The parent never imports llama_cpp.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from legalprompt.engine import build

PROBE_TEXT = "O céu é"

_STAGES = {
    "start": "ao iniciar",
    "import": "ao carregar a biblioteca do llama.cpp",
    "model": "ao localizar o modelo",
    "load": "ao carregar o modelo",
    "generate": "ao gerar o primeiro token",
}

_SIGNAL_CAUSES = {
    "SIGILL": ("instrução ilegal: o motor foi compilado com instruções que este processador não executa "
               "(em Xeons com AMX, o caminho AMX do llama.cpp; ou um motor compilado em outra máquina)"),
    "SIGSEGV": "falha de segmentação no llama.cpp (motor mal compilado ou arquivo de modelo corrompido)",
    "SIGBUS": "erro de barramento (arquivo de modelo truncado ou disco cheio)",
    "SIGKILL": "processo morto pelo sistema (provavelmente falta de memória: o modelo não cabe na RAM)",
    "SIGABRT": "o llama.cpp abortou (verificação interna falhou; veja LEGALPROMPT_DEBUG=1)",
}


@dataclass
class EngineCheck:
    ok: bool
    stage: str                      # the last stage the child reached
    returncode: int
    signal: str | None = None
    message: str = ""               # pt-BR, what happened and what to do
    info: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _child_command(model: str) -> list[str]:
    return [sys.executable, "-c", "from legalprompt.engine.selfcheck import child_main; child_main()", model]


def check_engine(model: str = "gemma3-270m", timeout: float = 600.0) -> EngineCheck:
    """Run the child and read what it reached. Never raises for a broken engine."""
    t0 = time.monotonic()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    try:
        proc = subprocess.run(_child_command(model), capture_output=True, text=True, timeout=timeout, env=env,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return EngineCheck(False, "timeout", -1, None,
                           f"o teste do motor não terminou em {timeout:g} s; a máquina pode estar sobrecarregada. "
                           "Tente de novo com `legalprompt doctor`.", seconds=time.monotonic() - t0)
    info: dict[str, Any] = {}
    stage = "start"
    for line in proc.stdout.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if isinstance(msg, dict) and "stage" in msg:
            stage = msg["stage"]
            info.update(msg.get("info", {}))
    seconds = time.monotonic() - t0
    if proc.returncode == 0 and stage == "done":
        return EngineCheck(True, stage, 0, info=info, seconds=seconds,
                           message=f"motor ok: gerou {info.get('token', '')!r} depois de {PROBE_TEXT!r}")
    sig = None
    if proc.returncode < 0:
        try:
            sig = signal.Signals(-proc.returncode).name
        except ValueError:
            sig = f"sinal {-proc.returncode}"
    return EngineCheck(False, stage, proc.returncode, sig, _explain(stage, sig, proc, info), info, seconds)


def _explain(stage: str, sig: str | None, proc: subprocess.CompletedProcess, info: dict) -> str:
    where = _STAGES.get(stage, "")
    rebuild = build.rebuild_command()
    if sig:
        cause = _SIGNAL_CAUSES.get(sig, "o processo do motor morreu")
        head = f"o motor (llama.cpp) morreu com {sig} {where}: {cause}."
    else:
        err = info.get("error") or _last_line(proc.stderr) or f"código de saída {proc.returncode}"
        head = f"o motor (llama.cpp) falhou {where}: {err}."
    if stage == "model" and not sig:
        return head + " Reinstale os modelos embutidos com `make setup` (ou passe --model com um .gguf)."
    return (f"{head}\nPara recompilar o motor para este processador (sem AMX), rode:\n  {rebuild}\n"
            "ou, num clone do legalprompt: make engine")


def _last_line(text: str) -> str:
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[-1][-300:] if lines else ""


def _say(stage: str, **info: Any) -> None:
    sys.stdout.write(json.dumps({"stage": stage, "info": info}, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def system_features(llama_cpp) -> dict[str, Any]:
    raw = llama_cpp.llama_print_system_info()
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    feats = []
    for part in text.replace("\n", "|").split("|"):
        name, _, value = part.partition("=")
        if value.strip() == "1":
            feats.append(name.strip().split(":")[-1].strip())
    return {"system_info": text.strip(), "cpu_features": feats,
            "gpu_offload": bool(llama_cpp.llama_supports_gpu_offload())}


def child_main() -> None:
    """Runs in the child process: import, find the model, load it, generate one greedy token."""
    model = sys.argv[1] if len(sys.argv) > 1 else "gemma3-270m"
    _say("import")
    try:
        import llama_cpp
    except ImportError as exc:
        _say("import", error=f"llama-cpp-python não está instalado ({exc}); rode `make setup`")
        sys.exit(3)
    _say("model", llama_cpp_version=getattr(llama_cpp, "__version__", "?"), **system_features(llama_cpp))
    from legalprompt.engine import bundled
    from legalprompt.engine.models import ModelRef, resolve_model
    from legalprompt.errors import LegalPromptError

    try:
        if model in bundled.BUNDLED:  # the bundled file itself, never a local file of the same name
            b = bundled.BUNDLED[model]
            ref = ModelRef(b.name, bundled.bundled_path(b.name), "bundled", b.prompt_format)
        else:
            ref = resolve_model(model)
    except LegalPromptError as exc:
        _say("model", error=exc.message)
        sys.exit(3)
    _say("load", model=ref.name, model_path=str(ref.path))
    from legalprompt.engine.llama_engine import Engine
    from legalprompt.engine.params import LoadOptions, SamplingParams

    try:
        engine = Engine(ref, LoadOptions(n_ctx=128, gpu_layers="0"))
    except LegalPromptError as exc:
        _say("load", error=exc.message)
        sys.exit(3)
    _say("generate")
    params = SamplingParams(temperature=0.0, max_tokens=1, seed=0)
    out = ""
    for ev in engine.generate(engine.tokenize(PROBE_TEXT, add_bos=True), params):
        out = getattr(ev, "generated", out)
    _say("done", token=out)


def installed_engine_dir() -> Path | None:
    """The folder of the installed llama_cpp package, found without importing it."""
    import importlib.util

    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def cpu_has_amx() -> bool:
    try:
        return "amx_tile" in Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return False
