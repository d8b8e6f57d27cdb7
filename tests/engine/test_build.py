"""The engine build: our no-AMX flags merge into the user's CMAKE_ARGS, the wheel cache key follows the flags,
and the AMX scan finds AMX code where there is some and none in the installed engine."""

from __future__ import annotations

import platform
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from legalprompt.engine import build
from legalprompt.engine.selfcheck import installed_engine_dir

x86_only = pytest.mark.skipif(not build.is_x86(), reason="AMX exists only on x86")


def _flags(cmake_args: str) -> dict[str, str]:
    out = {}
    for arg in shlex.split(cmake_args):
        name, _, value = arg.partition("=")
        out[name] = value
    return out


def test_flags_added_when_user_sets_none():
    got = _flags(build.merge_cmake_args("", build.NO_AMX_FLAGS))
    assert got == {"-DCMAKE_C_FLAGS": "-mno-amx-tile -mno-amx-int8 -mno-amx-bf16",
                   "-DCMAKE_CXX_FLAGS": "-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"}


def test_user_cuda_and_own_flags_are_kept():
    user = '-DGGML_CUDA=on -DCMAKE_CXX_FLAGS="-O3 -g" -DCMAKE_CUDA_ARCHITECTURES=90'
    got = _flags(build.merge_cmake_args(user, build.NO_AMX_FLAGS))
    assert got["-DGGML_CUDA"] == "on" and got["-DCMAKE_CUDA_ARCHITECTURES"] == "90"
    assert got["-DCMAKE_CXX_FLAGS"].split() == ["-O3", "-g", *build.NO_AMX_FLAGS]
    assert got["-DCMAKE_C_FLAGS"].split() == list(build.NO_AMX_FLAGS)


def test_merging_twice_adds_nothing():
    once = build.merge_cmake_args("-DGGML_CUDA=on", build.NO_AMX_FLAGS)
    assert build.merge_cmake_args(once, build.NO_AMX_FLAGS) == once


def test_no_flags_means_user_args_untouched():
    assert build.merge_cmake_args("-DGGML_CUDA=on", ()) == "-DGGML_CUDA=on"


@x86_only
def test_this_compiler_takes_the_flags():
    assert build.compiler_accepts(build.NO_AMX_FLAGS, {})
    assert "-mno-amx-int8" in build.final_cmake_args({})


def test_cache_key_follows_flags_and_python():
    k_cpu = build.wheel_key(sys.executable, build.merge_cmake_args("", build.NO_AMX_FLAGS), {})
    k_cuda = build.wheel_key(sys.executable, build.merge_cmake_args("-DGGML_CUDA=on", build.NO_AMX_FLAGS), {})
    k_plain = build.wheel_key(sys.executable, "", {})
    assert len({k_cpu, k_cuda, k_plain}) == 3
    assert k_cpu == build.wheel_key(sys.executable, build.merge_cmake_args("", build.NO_AMX_FLAGS), {})


def test_rebuild_command_is_runnable_shell():
    cmd = build.rebuild_command("/x/.venv/bin/python")
    words = shlex.split(cmd)
    assert words[0].startswith("CMAKE_ARGS=") and words[1] == "/x/.venv/bin/python"
    assert "--no-cache-dir" in words and "llama-cpp-python==" + build.LLAMA_VERSION in words


@x86_only
@pytest.mark.skipif(not (shutil.which("gcc") and shutil.which("objdump")), reason="needs gcc and objdump")
def test_scan_finds_amx_code(tmp_path: Path):
    """The scan must be able to fail: a library with AMX instructions in it is caught."""
    src = tmp_path / "amx.c"
    src.write_text('void f(void) { __asm__ volatile("tilerelease"); }\n'
                   'void g(void) { __asm__ volatile("tilezero %tmm1"); }\n')
    lib = tmp_path / "lib" / "libamx.so"
    lib.parent.mkdir()
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    assert build.amx_instructions(lib.parent) == {"libamx.so": 2}


@x86_only
@pytest.mark.skipif(not shutil.which("objdump"), reason="needs objdump")
def test_installed_engine_has_no_amx():
    lib = installed_engine_dir()
    assert lib is not None, "llama_cpp is not installed"
    libs = [p.name for p in lib.rglob("*.so*")]
    assert any("ggml-cpu" in n for n in libs), libs
    assert build.amx_instructions(lib) == {}

