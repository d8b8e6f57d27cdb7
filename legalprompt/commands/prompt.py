"""`legalprompt prompt`: exactly what the model will receive for a draft, before anything is generated."""

from __future__ import annotations

import argparse
import sys

from legalprompt.commands._common import add_json_arg, add_model_args, add_prompt_args, print_json, read_text_arg


def register(sub) -> None:
    p = sub.add_parser("prompt", help="mostra o prompt exatamente como o modelo o recebe",
                       description="Monta o prompt de um rascunho (template, documento, palavras iniciais) no chat "
                                   "template do modelo e o mostra como o modelo o recebe: tokens especiais marcados, "
                                   "contagem de tokens contra o contexto e onde começam as palavras iniciais. "
                                   "Nada é gerado.")
    p.add_argument("document", metavar="DOCUMENTO", help="arquivo (txt, md, pdf, docx, html) ou - para a entrada padrão")
    p.add_argument("--template", "-t", default="ementa", help="nome do template (padrão: ementa)")
    add_prompt_args(p)
    p.add_argument("--thinking", action="store_true",
                   help="modelos que raciocinam: deixar o modelo raciocinar antes das palavras iniciais")
    add_model_args(p)
    add_json_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from legalprompt.commands._engine import engine_from_args, settings_from_args
    from legalprompt.commands.run import parse_inputs
    from legalprompt.drafting import Drafter, DraftRequest
    from legalprompt.techniques.templates import load_template

    text, label = read_text_arg(args.document)
    load_template(args.template)
    req = DraftRequest(template=args.template, document=text, document_label=label, inputs=parse_inputs(args.input),
                       prefill="" if args.no_prefill else args.prefill, max_tokens=args.max_tokens,
                       thinking=args.thinking, seed=0)
    engine = engine_from_args(args)
    prep = Drafter(engine, settings_from_args(args)).measure(req)  # show it even when it does not fit
    prompt = prep.prompt
    view = engine.prompt_view(prompt)
    n = len(view)
    prefill_token = next((k for k, t in enumerate(view) if t["part"] == "prefill"), None)
    eog = engine.end_of_turn_tokens()
    info = {
        "model": engine.ref.name, "chat_format": prompt.format, "template": prep.template.name,
        "text": prompt.text, "prefill": prompt.prefill, "prefill_start_char": prompt.prefill_start,
        "prefill_start_token": prefill_token, "prompt_tokens": n, "max_tokens": prep.params.max_tokens,
        "fits": prep.fits,
        "n_ctx": engine.n_ctx, "thinking": prompt.thinking, "reasoning_close": prompt.reasoning_close or None,
        "end_of_turn_text": prompt.end_of_turn or None, "stop": prep.params.stop,
        "end_of_turn_tokens": [{"id": i, "piece": p} for i, p in eog],
        "notes": prompt.notes, "tokens": view,
    }
    if args.json:
        print_json(info)
        return 0
    tty = sys.stdout.isatty()
    out = sys.stdout
    out.write(f"── prompt para {engine.ref.name} · formato {'chat (template do modelo)' if prompt.format == 'chat' else 'simples'}"
              f" · template {prep.template.name} ──\n")
    out.write(_marked(engine, view, tty) + "\n")
    out.write("──\n")
    share = 100 * (n + prep.params.max_tokens) / engine.n_ctx
    out.write(f"{n} tokens de prompt + até {prep.params.max_tokens} de resposta = {n + prep.params.max_tokens} de "
              f"{engine.n_ctx} do contexto ({share:.0f}%)\n")
    if not prep.fits:
        out.write("atenção: não cabe no contexto; `legalprompt run` recusaria. Encurte o documento (por exemplo com "
                  "`legalprompt limar`), reduza --max-tokens ou aumente --n-ctx.\n")
    if prompt.thinking:
        out.write(f"--thinking: o modelo raciocina a partir do fim do prompt; as palavras iniciais "
                  f"{prompt.prefill!r} entram depois de {prompt.reasoning_close.strip()!r}\n")
    elif prefill_token is not None:
        out.write(f"palavras iniciais a partir do token {prefill_token} (caractere {prompt.prefill_start}): "
                  f"{prompt.prefill!r}\n")
    else:
        out.write("sem palavras iniciais: o modelo começa a resposta sozinho\n")
    if eog:
        out.write("fim de turno (param a geração): " + ", ".join(f"{p} (id {i})" for i, p in eog[:8])
                  + (f" e mais {len(eog) - 8}" if len(eog) > 8 else "") + "\n")
    for note in prompt.notes:
        out.write(f"nota: {note}\n")
    return 0


def _marked(engine, view: list[dict], tty: bool) -> str:
    """The prompt text with special tokens marked (⟦…⟧, or reverse video on a terminal) and a ▶ where
    the prefill begins. Runs of ordinary tokens are decoded together, so accents split across tokens
    show as letters."""
    parts: list[str] = []
    run: list[int] = []

    def flush():
        if run:
            parts.append(engine.detokenize(run))
            run.clear()

    started = False
    for t in view:
        if t["part"] == "prefill" and not started:
            flush()
            started = True
            parts.append("\x1b[1;36m▶" if tty else "▶")
        if t["special"]:
            flush()
            parts.append(f"\x1b[7m{t['piece']}\x1b[27m" if tty else f"⟦{t['piece']}⟧")
        else:
            run.append(t["id"])
    flush()
    if started and tty:
        parts.append("\x1b[0m")
    return "".join(parts)
