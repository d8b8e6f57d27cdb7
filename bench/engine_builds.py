"""Two builds of llama-cpp-python side by side: prompt and generation tokens/s, interleaved.

Made for issue 12: the set-up build (-march=native with -mno-amx-*) against a build made before the fix (plain
`pip install llama-cpp-python`, -march=native). Each build lives in its own Python environment; every
repetition starts one child process per build, alternating which goes first (A B, B A, ...), and each child
loads the same GGUF and runs the same greedy work with llama-cpp-python called directly (the same way
bench/engine_vs_direct.py's "direct" side does): a prompt evaluated cold, then N generated tokens.

    .venv/bin/python bench/engine_builds.py --a /tmp/prefix-venv/bin/python --b .venv/bin/python \
        [--model gemma3-270m] [--reps 6] [--prompt-tokens 400] [--gen-tokens 128] [--threads N] [--code]

--code first compares the two builds' libraries instruction by instruction (objdump mnemonics): on a CPU without
AMX the -mno-amx-* flags must change nothing, so the streams must be identical.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CHILD = r"""
import json, sys, time
import llama_cpp
path, n_prompt, n_gen, threads, salt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
llm = llama_cpp.Llama(model_path=path, n_ctx=2048, n_batch=64, n_threads=threads, n_threads_batch=threads,
                      n_gpu_layers=0, logits_all=False, verbose=False)
text = (f"Processo {salt}. " + "O recurso extraordinário discute o fornecimento de medicamento de alto custo "
        "pelo Estado, nos termos do art. 196 da Constituição Federal. ") * 200
toks = llm.tokenize(text.encode(), add_bos=True)[:n_prompt]
t0 = time.perf_counter(); llm.reset(); llm.eval(toks); t1 = time.perf_counter()
n = 0; t_first = None
for tok in llm.generate(toks, temp=0.0, repeat_penalty=1.0, reset=False):
    if t_first is None:
        t_first = time.perf_counter()
    if llm._model.vocab and llama_cpp.llama_vocab_is_eog(llm._model.vocab, tok):
        break
    n += 1
    if n >= n_gen:
        break
t2 = time.perf_counter()
print(json.dumps({"prompt_tps": len(toks) / (t1 - t0), "gen_tps": (n - 1) / (t2 - t_first), "n": n,
                  "system_info": llama_cpp.llama_print_system_info().decode()}))
"""


def run_child(python: str, model: str, args, salt: int) -> dict:
    out = subprocess.run([python, "-c", CHILD, model, str(args.prompt_tokens), str(args.gen_tokens),
                          str(args.threads), str(salt)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def lib_dir(python: str) -> Path:
    out = subprocess.run([python, "-c", "import importlib.util as u; s = u.find_spec('llama_cpp'); "
                          "print(list(s.submodule_search_locations)[0])"], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip()) / "lib"


def mnemonics(lib: Path) -> list[str]:
    """The instruction stream without addresses or operands: equal streams mean the same code, whatever
    the constant offsets (which move with the length of the build path strings in .rodata)."""
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(lib)], capture_output=True, text=True,
                         check=True).stdout
    return [f[1].split(" ", 1)[0] for f in (line.split("\t") for line in out.splitlines()) if len(f) >= 2]


def compare_code(a: str, b: str) -> None:
    for name in ("libggml-cpu.so", "libggml-base.so", "libllama.so"):
        ma, mb = mnemonics(lib_dir(a) / name), mnemonics(lib_dir(b) / name)
        print(f"code {name:<16} A {len(ma):>7} instructions, B {len(mb):>7}: "
              f"{'identical instruction stream' if ma == mb else 'DIFFERENT instruction streams'}")


def main() -> int:
    from legalprompt.engine import bundled
    from legalprompt.engine.params import physical_cores

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", required=True, help="python of build A (the baseline)")
    ap.add_argument("--b", required=True, help="python of build B")
    ap.add_argument("--model", default="gemma3-270m")
    ap.add_argument("--reps", type=int, default=6)
    ap.add_argument("--prompt-tokens", type=int, default=400)
    ap.add_argument("--gen-tokens", type=int, default=128)
    ap.add_argument("--threads", type=int, default=physical_cores())
    ap.add_argument("--code", action="store_true", help="also compare the libraries' instruction streams (objdump)")
    args = ap.parse_args()
    if args.code:
        compare_code(args.a, args.b)
    if args.reps < 1:
        return 0
    model = str(bundled.bundled_path(args.model)) if args.model in bundled.BUNDLED else args.model
    res: dict[str, list[dict]] = {"A": [], "B": []}
    print(f"model {args.model}; {args.prompt_tokens}-token prompt, {args.gen_tokens} greedy tokens, "
          f"{args.threads} threads; A={args.a} B={args.b}")
    for i in range(args.reps):
        order = ("A", "B") if i % 2 == 0 else ("B", "A")
        for side in order:
            res[side].append(run_child(args.a if side == "A" else args.b, model, args, salt=i))
        a, b = res["A"][-1], res["B"][-1]
        print(f"rep {i + 1} ({order[0]} first): prompt A {a['prompt_tps']:7.1f} B {b['prompt_tps']:7.1f} "
              f"B/A {b['prompt_tps'] / a['prompt_tps']:.3f} | generation A {a['gen_tps']:6.1f} "
              f"B {b['gen_tps']:6.1f} B/A {b['gen_tps'] / a['gen_tps']:.3f}", flush=True)
    for key, label in (("prompt_tps", "prompt tok/s"), ("gen_tps", "generation tok/s")):
        ma = statistics.median(r[key] for r in res["A"])
        mb = statistics.median(r[key] for r in res["B"])
        pair = statistics.median(rb[key] / ra[key] for ra, rb in zip(res["A"], res["B"]))
        print(f"median {label:<17} A {ma:8.1f}  B {mb:8.1f}  B/A of medians {mb / ma:.3f}  median pair ratio {pair:.3f}")
    print("A features:", res["A"][0]["system_info"].strip())
    print("B features:", res["B"][0]["system_info"].strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
