"""Chat-template prompts: rendering cost per prompt, and what the --thinking answer stage re-evaluates.

1. `render_chat` on every template llama.cpp ships (70; one prompt = four renders, see
   legalprompt.engine.prompt._render_all), with compiled templates cached, against the baseline of
   compiling the template for each render: a template's first prompt, and its next ones. Interleaved.
2. --thinking on the DeepSeek-R1-Distill copy (SmolLM2 with that template, tests/chat_templates/copies.py):
   tokens of the answer-stage prompt, how many came from the KV cache of the reasoning stage, and
   the time of the answer stage's prompt evaluation against the same prompt evaluated cold.

    .venv/bin/python bench/chat_templates.py [--reps 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, interleaved, load_note, loadavg, machine, median, print_table, ratio, write_json  # noqa: E402

R1 = "deepseek-ai-DeepSeek-R1-Distill-Llama-8B"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    from legalprompt.engine import prompt as P
    from legalprompt.errors import LegalPromptError
    from tests.chat_templates.copies import CopyMaker, template_files

    load0 = loadavg()
    doc = (REPO / "examples" / "acordao-rhc-115078.txt").read_text(encoding="utf-8")
    sources = [p.read_text(encoding="utf-8") for p in template_files().values()]

    def render(s):
        try:
            P.render_chat(s, "Você é um assistente jurídico.", doc, "EMENTA:", "<s>", "</s>")
        except LegalPromptError:
            pass

    def all_templates(_rep, repeat: bool = False) -> float:
        """Seconds for one prompt per template; `repeat`: the template's second prompt (the cache holds 8
        templates, so cycling through 70 makes every first prompt compile once)."""
        total = 0.0
        for s in sources:
            if repeat:
                render(s)
            t = time.perf_counter()
            render(s)
            total += time.perf_counter() - t
        return total

    def uncached(fn):
        def run(rep):
            original = P._compiled.__wrapped__
            P._compiled = original  # no cache: compile on every render
            try:
                return fn(rep)
            finally:
                P._compiled = P.functools.lru_cache(maxsize=8)(original)
        return run

    first = lambda rep: all_templates(rep)  # noqa: E731
    again = lambda rep: all_templates(rep, repeat=True)  # noqa: E731
    first(0)  # warm imports
    res = interleaved(args.reps, {"first": first, "first0": uncached(first), "again": again,
                                  "again0": uncached(again)})
    n = len(sources)
    rows = []
    for label, ours, base in (("render_chat, a template's first prompt (ms)", "first", "first0"),
                              ("render_chat, its next prompts (ms)", "again", "again0")):
        o, b = median(res[ours]), median(res[base])
        rows.append([label, 1000 * o / n, 1000 * b / n, ratio(b, o)])

    from legalprompt.config import load_settings
    from legalprompt.drafting import Drafter, DraftRequest
    from legalprompt.engine.llama_engine import Engine
    from legalprompt.engine.models import ModelRef
    from legalprompt.engine.params import LoadOptions

    path = CopyMaker().make(R1, template_files()[R1].read_text(encoding="utf-8"))
    eng = Engine(ModelRef(R1, path, "path"), LoadOptions(n_ctx=4096))
    drafter = Drafter(eng, load_settings()[0])
    req = DraftRequest(template="ementa", document=doc[:3000], prefill="EMENTA: DIREITO PENAL.", max_tokens=32,
                       seed=1, temperature=0.0, thinking=True)
    result = None
    for ev in drafter.stream(drafter.prepare(req)):
        result = ev
    d = result.done
    warm_eval = d.timings.prompt_eval_s
    eng.llm.reset()
    eng._canonical = 0
    t = time.perf_counter()
    with eng._lock:
        eng._eval_reusing_prefix(list(eng.prompt_tokens(P.continue_after_reasoning(
            result.prepared.prompt, result.reasoning or ""))))
    cold_eval = time.perf_counter() - t
    rows.append([f"--thinking answer stage: prompt eval (s), {d.usage.cached_prompt_tokens}/{d.usage.prompt_tokens} "
                 "tokens from the cache", warm_eval, cold_eval, ratio(cold_eval, warm_eval)])
    print_table("chat templates", ["measure", "ours", "baseline", "baseline/ours"], rows)
    note = load_note(load0, loadavg())
    if note:
        print(note)
    write_json("chat_templates", {"machine": machine(), "rows": rows, "load_note": note})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
