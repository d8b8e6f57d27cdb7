"""Show with objdump that our build flags keep AMX out of llama.cpp's CPU library, even for an AMX target.

Builds llama.cpp's `ggml-cpu` library (the one that crashes on AMX Xeons) from the vendored sources of the
llama-cpp-python archive twice, both forced to `-march=sapphirerapids` (an AMX CPU) whatever this machine is:
  control: no other flag                       -> the library must contain AMX instructions (the check can fail)
  fixed:   our flags merged by engine/build.py -> it must contain none
and, when objdump is present, counts AMX instructions in the engine installed in this Python too.

    python scripts/check_no_amx.py [--jobs N] [--keep DIR]
Exit 0 when control > 0 and fixed == 0 (and the installed engine has none); 1 otherwise. ~2x the CPU library's
build time (a few minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from legalprompt.engine import build  # noqa: E402

TARGET = "-march=sapphirerapids"


def configure_and_build(src: Path, out: Path, cmake_args: str, jobs: int) -> Path:
    import shlex

    cmd = ["cmake", "-S", str(src), "-B", str(out), "-G", "Ninja" if shutil.which("ninja") else "Unix Makefiles",
           "-DCMAKE_BUILD_TYPE=Release", "-DGGML_NATIVE=OFF", "-DBUILD_SHARED_LIBS=ON", "-DLLAMA_CURL=OFF",
           "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF", "-DLLAMA_BUILD_TOOLS=OFF",
           "-DLLAMA_BUILD_SERVER=OFF", *shlex.split(cmake_args)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", str(out), "--target", "ggml-cpu", "-j", str(jobs)], check=True,
                   stdout=subprocess.DEVNULL)
    libs = [p for p in out.rglob("libggml-cpu.so*") if p.is_file() and not p.is_symlink()]
    if not libs:
        raise SystemExit(f"libggml-cpu.so not found under {out}")
    return libs[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="build here and keep it (default: a temporary folder)")
    args = ap.parse_args()
    if not build.is_x86():
        print("not an x86 machine: AMX does not exist here")
        return 0
    work = args.keep or Path(tempfile.mkdtemp(prefix="lp-amx-"))
    work.mkdir(parents=True, exist_ok=True)
    sdist = build.sdist_path()
    src_root = work / "src"
    if not src_root.is_dir():
        with tarfile.open(sdist) as tar:
            members = [m for m in tar.getmembers() if "/vendor/llama.cpp/" in m.name and "/models/" not in m.name]
            tar.extractall(src_root, members=members, filter="data")
    src = next(src_root.glob("*/vendor/llama.cpp"))
    target_only = f'-DCMAKE_C_FLAGS="{TARGET}" -DCMAKE_CXX_FLAGS="{TARGET}"'
    configs = {"control (-march=sapphirerapids)": target_only,
               "fixed (-march=sapphirerapids + set-up flags)": build.merge_cmake_args(target_only,
                                                                                        build.NO_AMX_FLAGS)}
    counts = {}
    for i, (name, cmake_args) in enumerate(configs.items()):
        t0 = time.monotonic()
        lib = configure_and_build(src, work / f"build{i}", cmake_args, args.jobs)
        found = build.amx_instructions(lib.parent)
        counts[name] = sum(v for k, v in found.items() if k.startswith("libggml-cpu"))
        print(f"{name:<48} {counts[name]:>6} AMX instructions in {lib.name}   "
              f"(CMAKE_ARGS {cmake_args}; built in {time.monotonic() - t0:.0f} s)", flush=True)
    from legalprompt.engine.selfcheck import installed_engine_dir

    installed = installed_engine_dir()
    inst = None
    if installed is not None:
        inst = sum(build.amx_instructions(installed).values())
        print(f"{'installed engine (' + str(installed) + ')':<48} {inst:>6} AMX instructions")
    ok = list(counts.values())[0] > 0 and list(counts.values())[1] == 0 and not inst
    print("OK: the set-up flags keep AMX out" if ok else "FAILED")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
