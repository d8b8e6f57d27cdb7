"""Install llama-cpp-python into a virtual environment from a wheel built once per machine.

Why this exists (issue 12): llama.cpp's CPU build uses -march=native, so on an Intel Xeon with AMX its AMX
code path is compiled in, and that path crashes with SIGILL (tile configuration optimised away, worker threads
without the kernel's AMX permission). We keep -march=native (full speed on every CPU) and take the AMX ISA away
with -mno-amx-* in CMAKE_C_FLAGS and CMAKE_CXX_FLAGS: GCC and Clang let an explicit -mno-<isa> win over what
-march implies, whatever the order, so llama.cpp's `__AMX_INT8__` paths are not compiled at all.

The wheel is kept outside the clone, under a key made of everything that changes the binary (package version,
Python tag, compiler, CPU features, the final CMAKE_ARGS). pip's own wheel cache keys a wheel by its source
archive only, so we never let pip reuse it (--no-cache-dir): a machine whose pip cache holds the crashing wheel
still gets a good one.

Stdlib only: set-up runs it before anything else is installed (`python -m legalprompt.engine.build install`
from the repository root, or `python scripts/setup_engine.py`).

    install [VENV_PYTHON]   install the engine into that interpreter, building the wheel if the cache lacks it
    cmake-args              the CMAKE_ARGS we build with (the user's own, e.g. -DGGML_CUDA=on, merged in)
    cache-dir               where the wheels are kept
    scan DIR                count AMX instructions in the shared libraries under DIR (exit 1 if any)
    sdist                   the llama-cpp-python source archive (downloaded once, kept in the cache)
    rebuild-command         the exact command that rebuilds the engine for this Python
"""

from __future__ import annotations

import hashlib
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

LLAMA_VERSION = "0.3.36"
NO_AMX_FLAGS = ("-mno-amx-tile", "-mno-amx-int8", "-mno-amx-bf16")
# AMX mnemonics as objdump prints them (tile loads/stores, config, dot products).
AMX_MNEMONICS = ("ldtilecfg", "sttilecfg", "tileloadd", "tileloaddt1", "tilestored", "tilezero",
                 "tilerelease", "tdpbssd", "tdpbsud", "tdpbusd", "tdpbuud", "tdpbf16ps", "tdpfp16ps")


def log(msg: str) -> None:
    print(f"[engine] {msg}", file=sys.stderr, flush=True)


def is_x86() -> bool:
    return platform.machine().lower() in ("x86_64", "amd64", "i386", "i686")


def compiler(env: dict[str, str]) -> str:
    return env.get("CXX") or shutil.which("c++") or shutil.which("g++") or shutil.which("clang++") or "c++"


def compiler_accepts(flags: tuple[str, ...], env: dict[str, str]) -> bool:
    """A compiler older than AMX support (GCC < 11) rejects -mno-amx-*; it cannot emit AMX either."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "t.cpp")
        src.write_text("int main() { return 0; }\n")
        res = subprocess.run([compiler(env), *flags, "-march=native", "-c", str(src), "-o", str(Path(tmp, "t.o"))],
                             capture_output=True)
        return res.returncode == 0


def merge_cmake_args(user_args: str, extra_flags: tuple[str, ...]) -> str:
    """Append our compiler flags to the user's CMAKE_C_FLAGS/CMAKE_CXX_FLAGS (or add them)."""
    if not extra_flags:
        return user_args.strip()
    args = shlex.split(user_args)
    out: list[str] = []
    seen = set()
    for arg in args:
        for var in ("CMAKE_C_FLAGS", "CMAKE_CXX_FLAGS"):
            prefix = f"-D{var}="
            typed = f"-D{var}:STRING="
            for p in (prefix, typed):
                if arg.startswith(p):
                    value = arg[len(p):]
                    arg = p + " ".join([value, *[f for f in extra_flags if f not in value.split()]]).strip()
                    seen.add(var)
        out.append(arg)
    for var in ("CMAKE_C_FLAGS", "CMAKE_CXX_FLAGS"):
        if var not in seen:
            out.append(f"-D{var}={' '.join(extra_flags)}")
    return " ".join(_cmake_quote(a) for a in out)


def _cmake_quote(arg: str) -> str:
    """-DVAR="a b" rather than '-DVAR=a b': the form users know from llama-cpp-python's docs."""
    name, eq, value = arg.partition("=")
    if eq and " " in value and '"' not in value and "'" not in name:
        return f'{name}="{value}"'
    return shlex.quote(arg)


def final_cmake_args(env: dict[str, str] | None = None) -> str:
    env = dict(os.environ if env is None else env)
    flags = NO_AMX_FLAGS if is_x86() and compiler_accepts(NO_AMX_FLAGS, env) else ()
    return merge_cmake_args(env.get("CMAKE_ARGS", ""), flags)


def cpu_signature() -> str:
    """The CPU model and feature flags: -march=native makes the wheel specific to them."""
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return platform.processor() or platform.machine()
    model = next((l.split(":", 1)[1].strip() for l in text.splitlines() if l.startswith("model name")), "")
    flags = next((l.split(":", 1)[1].strip() for l in text.splitlines() if l.startswith(("flags", "Features"))), "")
    return model + "|" + " ".join(sorted(flags.split()))


def compiler_version(env: dict[str, str]) -> str:
    try:
        return subprocess.run([compiler(env), "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        return "unknown"


def cache_root() -> Path:
    base = os.environ.get("LEGALPROMPT_ENGINE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "legalprompt", "engine-wheels")
    return Path(base)


def wheel_key(python: str, cmake_args: str, env: dict[str, str]) -> str:
    tag = subprocess.run([python, "-c", "import sys,sysconfig;print(sys.implementation.cache_tag,"
                          "sysconfig.get_platform())"], capture_output=True, text=True, check=True).stdout.strip()
    parts = [LLAMA_VERSION, tag, platform.machine(), compiler_version(env), cpu_signature(), cmake_args,
             env.get("CFLAGS", ""), env.get("CXXFLAGS", "")]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def amx_instructions(lib_dir: Path) -> dict[str, int]:
    """Count AMX instructions in every shared library under lib_dir (needs objdump; {} when absent)."""
    objdump = shutil.which("objdump")
    if not objdump or not is_x86():
        return {}
    found: dict[str, int] = {}
    for lib in sorted(lib_dir.rglob("*.so*")):
        if not lib.is_file():
            continue
        proc = subprocess.Popen([objdump, "-d", "--no-show-raw-insn", str(lib)], stdout=subprocess.PIPE, text=True,
                                errors="replace")
        assert proc.stdout is not None
        count = 0
        for line in proc.stdout:
            fields = line.split("\t")
            if len(fields) >= 2 and fields[1].split(" ", 1)[0].strip() in AMX_MNEMONICS:
                count += 1
        proc.wait()
        if count:
            found[lib.name] = count
    return found


def sdist_path(python: str | None = None) -> Path:
    """The llama-cpp-python source archive, kept beside the wheels (its vendored llama.cpp also carries the
    chat templates the tests use). LEGALPROMPT_LLAMA_SDIST points at an offline copy."""
    given = os.environ.get("LEGALPROMPT_LLAMA_SDIST")
    if given:
        return Path(given)
    dest = cache_root() / "src"
    found = sorted(dest.glob(f"llama_cpp_python-{LLAMA_VERSION}.tar.gz"))
    if found:
        return found[0]
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        subprocess.run([python or sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                        "-d", tmp, f"llama-cpp-python=={LLAMA_VERSION}"], check=True)
        archive = next(Path(tmp).glob("llama_cpp_python-*.tar.gz"))
        os.replace(archive, dest / archive.name)
    return dest / archive.name


def build_wheel(python: str, cmake_args: str, dest: Path, user_args: str = "") -> Path:
    env = dict(os.environ, CMAKE_ARGS=cmake_args)
    env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 2))
    log(f"compilando llama-cpp-python {LLAMA_VERSION} (uma vez por máquina, 6-10 minutos em 2 núcleos)")
    log(f"CMAKE_ARGS={cmake_args}")
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [python, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "--no-binary", "llama-cpp-python",
               "-w", tmp, str(sdist_path(python))]
        subprocess.run(cmd, env=env, check=True)
        wheels = list(Path(tmp).glob("llama_cpp_python-*.whl"))
        if len(wheels) != 1:
            raise SystemExit(f"esperava um wheel de llama-cpp-python, encontrei {len(wheels)}")
        dest.mkdir(parents=True, exist_ok=True)
        # Unpack to scan before the wheel enters the cache: a bad wheel must never be reused.
        scan_dir = Path(tmp, "scan")
        shutil.unpack_archive(str(wheels[0]), str(scan_dir), format="zip")
        amx = amx_instructions(scan_dir)
        if amx:
            raise SystemExit(f"o motor compilado ainda contém instruções AMX: {amx}")
        staged = dest / (wheels[0].name + ".part")
        shutil.copy2(wheels[0], staged)
        final = dest / wheels[0].name
        os.replace(staged, final)
        (dest / "CMAKE_ARGS").write_text(cmake_args + "\n")
        (dest / "USER_CMAKE_ARGS").write_text(user_args + "\n")
        return final


def installed_from(python: str) -> str:
    res = subprocess.run([python, "-c", "import importlib.metadata as m,json;"
                          "d=m.distribution('llama-cpp-python');print(d.read_text('direct_url.json') or '')"],
                         capture_output=True, text=True)
    return res.stdout.strip() if res.returncode == 0 else ""


def _venv_record(python: str) -> Path:
    """Where a virtual environment remembers the user's CMAKE_ARGS (so a later set-up keeps a CUDA build)."""
    if os.path.abspath(python) == os.path.abspath(sys.executable):
        prefix = sys.prefix
    else:
        prefix = subprocess.run([python, "-c", "import sys; print(sys.prefix)"], capture_output=True, text=True,
                                check=True).stdout.strip()
    return Path(prefix) / "legalprompt-engine-cmake-args"


def recorded_user_args(python: str | None = None) -> str | None:
    try:
        return _venv_record(python or sys.executable).read_text().strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def install(python: str) -> Path:
    env = dict(os.environ)
    record = _venv_record(python)
    if "CMAKE_ARGS" not in env and record.is_file():
        env["CMAKE_ARGS"] = record.read_text().strip()
        log(f"usando os CMAKE_ARGS gravados neste ambiente: {env['CMAKE_ARGS']}")
    cmake_args = final_cmake_args(env)
    key = wheel_key(python, cmake_args, env)
    dest = cache_root() / key
    wheels = sorted(dest.glob(f"llama_cpp_python-{LLAMA_VERSION}-*.whl"))
    if env.get("LEGALPROMPT_ENGINE_REBUILD"):
        wheels = []
    wheel = wheels[0] if wheels else build_wheel(python, cmake_args, dest, env.get("CMAKE_ARGS", ""))
    source = installed_from(python)
    if not env.get("LEGALPROMPT_ENGINE_REBUILD") and wheel.name in source and str(dest) in source:
        log(f"motor já instalado de {wheel}")
    else:
        log(f"instalando o motor de {wheel}")
        subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
                       check=True)
    try:
        record.write_text(env.get("CMAKE_ARGS", "") + "\n")
    except OSError:
        pass
    return wheel


def rebuild_command(python: str | None = None, user_args: str | None = None) -> str:
    """What a user types to get a working engine in this environment, whatever installed the broken one."""
    python = python or sys.executable
    env = dict(os.environ)
    if user_args is None and "CMAKE_ARGS" not in env:
        user_args = recorded_user_args(python)  # keep a CUDA build a CUDA build
    if user_args is not None:
        env["CMAKE_ARGS"] = user_args
    return (f"CMAKE_ARGS={shlex.quote(final_cmake_args(env))} {shlex.quote(python)} -m pip install --force-reinstall "
            f"--no-cache-dir --no-deps llama-cpp-python=={LLAMA_VERSION}")


def main(argv: list[str]) -> int:
    verb, rest = (argv[0], argv[1:]) if argv else ("install", [])
    if verb == "cmake-args":
        print(final_cmake_args())
        return 0
    if verb == "sdist":
        print(sdist_path())
        return 0
    if verb == "cache-dir":
        print(cache_root())
        return 0
    if verb == "rebuild-command":
        print(rebuild_command(rest[0] if rest else None))
        return 0
    if verb == "scan":
        found = amx_instructions(Path(rest[0]))
        print("AMX: " + (", ".join(f"{k}={v}" for k, v in found.items()) if found else "nenhuma instrução"))
        return 1 if found else 0
    if verb != "install":
        print(__doc__, file=sys.stderr)
        return 2
    python = rest[0] if rest else sys.executable
    try:
        install(python)
    except subprocess.CalledProcessError as exc:
        log(f"falhou: {' '.join(map(str, exc.cmd))} (código {exc.returncode})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
