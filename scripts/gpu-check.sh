#!/usr/bin/env bash
# GPU check: build llama-cpp-python with CUDA from its sdist, offline, then run scripts/gpu_check.py
# (our Engine on both bundled models with --gpu-layers all and 0: layers offloaded, prompt and generation
# tokens/s on GPU and CPU, and whether the greedy outputs agree).
#
# Usage (on the GPU machine, no network needed):
#   scripts/gpu-check.sh [SDIST [WHEELS [GEMMA_GGUF [SMOLLM_GGUF]]]] [-- gpu_check.py options]
# or the same through the environment:
#   GPU_SDIST=llama_cpp_python-0.3.36.tar.gz   the llama-cpp-python sdist (a .tar.gz or an unpacked folder)
#   GPU_WHEELS=dir                            wheels for our Python dependencies (pydantic, pydantic-core,
#                                             annotated-types, typing-inspection, pydantic-settings,
#                                             python-dotenv, platformdirs, diskcache, gguf; numpy, jinja2,
#                                             pyyaml and typing-extensions too where the machine lacks them)
#   GEMMA_GGUF=path  SMOLLM_GGUF=path         the two model files (a missing one is skipped and reported)
#   GPU_VENV=/tmp/lp-gpu-venv                 where to install (a venv over the system site-packages, so the
#                                             machine's scikit-build-core, cmake and ninja serve the build)
#   GPU_SKIP_BUILD=1                          reuse the llama-cpp-python already in GPU_VENV (a second run)
#   GPU_CPU_ONLY=1                            no CUDA: build nothing, run gpu_check.py --cpu-only (dry run)
#   PYTHON=python3                            the interpreter to build for
#   OUT=dir                                   the summary is also written to $OUT/gpu-check.txt (+ .json, logs)
#
# To make the offline kit on a machine with network (wheels for Python 3.12, the sdist trimmed of
# llama.cpp's test models, docs and .git -- 77 MB -> about 15 MB):
#   scripts/gpu-check.sh --prepare DIR [SDIST]
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LLAMA_VERSION=0.3.36
PY="${PYTHON:-python3}"
log() { printf '[gpu-check %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }

# -- --prepare: build the offline kit (run where pip can reach PyPI) ---------------------------------
if [[ "${1:-}" == "--prepare" ]]; then
    DIR="${2:?usage: gpu-check.sh --prepare DIR [SDIST]}"
    SRC="${3:-${GPU_SDIST:-}}"
    mkdir -p "$DIR/wheels"
    PIP="${PIP:-$REPO/.venv/bin/python -m pip}"
    if [[ -z "$SRC" ]]; then
        log "downloading the llama-cpp-python $LLAMA_VERSION sdist"
        $PIP download --no-deps --no-binary :all: --no-build-isolation "llama-cpp-python==$LLAMA_VERSION" -d "$DIR/src"
        SRC="$(ls "$DIR"/src/llama_cpp_python-*.tar.gz | head -1)"
    fi
    log "trimming $SRC"
    TMP="$(mktemp -d)"
    tar xzf "$SRC" -C "$TMP"
    top="$(ls "$TMP")"
    rm -rf "$TMP/$top/.git" "$TMP/$top/vendor/llama.cpp/models" "$TMP/$top/vendor/llama.cpp/docs" \
           "$TMP/$top/vendor/llama.cpp/.git" "$TMP/$top/vendor/llama.cpp/media" "$TMP/$top/docs" \
           "$TMP/$top/vendor/llama.cpp/benches" "$TMP/$top/tests" "$TMP/$top/examples"
    tar czf "$DIR/llama_cpp_python-$LLAMA_VERSION-trimmed.tar.gz" -C "$TMP" "$top"
    rm -rf "$TMP"
    log "downloading wheels for CPython 3.12 manylinux x86_64"
    $PIP download --only-binary=:all: --no-deps --python-version 3.12 --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        -d "$DIR/wheels" pydantic pydantic-core annotated-types typing-inspection pydantic-settings \
        python-dotenv platformdirs diskcache gguf typing-extensions
    du -sh "$DIR"/* >&2
    log "kit ready in $DIR: GPU_SDIST=$DIR/llama_cpp_python-$LLAMA_VERSION-trimmed.tar.gz GPU_WHEELS=$DIR/wheels"
    exit 0
fi

# -- arguments -----------------------------------------------------------------------------------------
EXTRA=()
POS=()
while [[ $# -gt 0 ]]; do
    if [[ "$1" == "--" ]]; then shift; EXTRA=("$@"); break; fi
    POS+=("$1"); shift
done
GPU_SDIST="${POS[0]:-${GPU_SDIST:-}}"
GPU_WHEELS="${POS[1]:-${GPU_WHEELS:-}}"
GEMMA_GGUF="${POS[2]:-${GEMMA_GGUF:-}}"
SMOLLM_GGUF="${POS[3]:-${SMOLLM_GGUF:-}}"
GPU_VENV="${GPU_VENV:-/tmp/lp-gpu-venv}"
CPU_ONLY="${GPU_CPU_ONLY:-0}"
LOGDIR="${OUT:-/tmp/lp-gpu-logs}"
mkdir -p "$LOGDIR"
T0=$(date +%s)

log "repo $REPO; python $($PY -c 'import sys; print(sys.version.split()[0])') at $(command -v "$PY")"
if [[ "$CPU_ONLY" != 1 ]]; then
    command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2 \
        || die "nvidia-smi not found: is this a machine with an NVIDIA GPU? (GPU_CPU_ONLY=1 for a dry run)"
    if ! command -v nvcc >/dev/null; then
        for d in /usr/local/cuda/bin /usr/local/cuda-*/bin; do [[ -x "$d/nvcc" ]] && export PATH="$d:$PATH" && break; done
    fi
    command -v nvcc >/dev/null || die "CUDA's compiler (nvcc) not found on PATH nor in /usr/local/cuda*/bin"
    log "nvcc: $(nvcc --version | tail -1)"
fi

# -- environment: a venv over the system site-packages (build deps come from there) --------------------
if [[ ! -x "$GPU_VENV/bin/python" ]]; then
    log "creating $GPU_VENV"
    $PY -m venv --system-site-packages "$GPU_VENV" || die "could not create a venv with $PY"
fi
VPY="$GPU_VENV/bin/python"
PIPQ=("$VPY" -m pip install --no-input --disable-pip-version-check --no-index)

if [[ -n "$GPU_WHEELS" ]]; then
    [[ -d "$GPU_WHEELS" ]] || die "GPU_WHEELS=$GPU_WHEELS is not a folder"
    log "installing our dependencies from $GPU_WHEELS (offline)"
    "${PIPQ[@]}" --no-deps --find-links "$GPU_WHEELS" "$GPU_WHEELS"/*.whl >"$LOGDIR/pip-deps.log" 2>&1 \
        || { tail -20 "$LOGDIR/pip-deps.log" >&2; die "installing the wheels failed (see $LOGDIR/pip-deps.log)"; }
fi
"$VPY" - <<'EOF' || die "missing Python packages (give their wheels in GPU_WHEELS)"
import importlib.util, sys
need = ["pydantic", "pydantic_settings", "platformdirs", "numpy", "jinja2", "diskcache", "typing_extensions"]
missing = [m for m in need if importlib.util.find_spec(m) is None]
if missing:
    print("missing: " + ", ".join(missing), file=sys.stderr)
    sys.exit(1)
if importlib.util.find_spec("gguf") is None:
    print("note: gguf not installed: quantization names and the truncation check are skipped", file=sys.stderr)
EOF

# -- build llama-cpp-python with CUDA ----------------------------------------------------------------
if [[ "$CPU_ONLY" == 1 ]]; then
    log "GPU_CPU_ONLY=1: no build; using the llama-cpp-python this environment has"
elif [[ "${GPU_SKIP_BUILD:-0}" == 1 ]]; then
    log "GPU_SKIP_BUILD=1: reusing the llama-cpp-python in $GPU_VENV"
else
    [[ -n "$GPU_SDIST" && -e "$GPU_SDIST" ]] || die "GPU_SDIST (the llama-cpp-python sdist) not given or not found: '$GPU_SDIST'"
    "$VPY" -c "import scikit_build_core, cmake, ninja" 2>/dev/null \
        || log "warning: scikit-build-core / cmake / ninja not all importable; the build may fail offline"
    # The same no-AMX fix as set-up (legalprompt/engine/build.py merges -mno-amx-* into these CMAKE_ARGS): the
    # CPU side of a CUDA build is still -march=native and would crash on an AMX Xeon host.
    CMAKE_ARGS="$(CMAKE_ARGS="-DGGML_CUDA=on -DCMAKE_CUDA_ARCHITECTURES=native -DLLAVA_BUILD=off -DLLAMA_BUILD_TESTS=off -DLLAMA_BUILD_EXAMPLES=off ${GPU_CMAKE_EXTRA:-}" \
        "$PY" "$REPO/scripts/setup_engine.py" cmake-args)"
    export CMAKE_ARGS
    export CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)"
    export FORCE_CMAKE=1
    log "building llama-cpp-python with CUDA ($CMAKE_BUILD_PARALLEL_LEVEL jobs; CMAKE_ARGS=$CMAKE_ARGS); log: $LOGDIR/build.log"
    tb=$(date +%s)
    if ! "$VPY" -m pip install --no-input --disable-pip-version-check --no-index --no-build-isolation --no-deps \
            --force-reinstall --no-cache-dir -v "$GPU_SDIST" >"$LOGDIR/build.log" 2>&1; then
        grep -E "error|Error|ERROR" "$LOGDIR/build.log" | tail -25 >&2 || true
        tail -15 "$LOGDIR/build.log" >&2
        die "the CUDA build failed (full log: $LOGDIR/build.log)"
    fi
    log "build done in $(( $(date +%s) - tb )) s"
fi

# -- run -----------------------------------------------------------------------------------------------
export PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1
ARGS=()
[[ -n "$GEMMA_GGUF" ]] && ARGS+=(--gemma "$GEMMA_GGUF")
[[ -n "$SMOLLM_GGUF" ]] && ARGS+=(--smollm "$SMOLLM_GGUF")
[[ "$CPU_ONLY" == 1 ]] && ARGS+=(--cpu-only)
log "running scripts/gpu_check.py ${ARGS[*]} ${EXTRA[*]:-}"
set +e
"$VPY" "$REPO/scripts/gpu_check.py" "${ARGS[@]}" "${EXTRA[@]}"
rc=$?
set -e
log "finished in $(( $(date +%s) - T0 )) s (exit $rc)"
exit $rc
