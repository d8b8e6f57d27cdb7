"""`legalprompt run`: draft with a template on a document, streaming the answer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from legalprompt.commands._common import add_draft_args, add_json_arg, add_model_args, print_json, read_text_arg
from legalprompt.errors import UserInputError
from legalprompt.citations.labels import QUOTE_LABEL, VERDICT_LABELS


def register(sub) -> None:
    p = sub.add_parser("run", help="redige com um template sobre um documento",
                       description="Gera um texto (ementa, resumo...) a partir de um documento, com o modelo local.")
    p.add_argument("document", metavar="DOCUMENTO", help="arquivo (txt, md, pdf, docx, html) ou - para a entrada padrão")
    p.add_argument("--template", "-t", default="ementa", help="nome do template (padrão: ementa)")
    add_draft_args(p, seed_help="semente (mesma semente = mesma resposta)")
    p.add_argument("--no-check", action="store_true", help="não verificar as citações da resposta")
    p.add_argument("--thinking", action="store_true",
                   help="modelos que raciocinam (DeepSeek-R1, Qwen3...): deixar o modelo raciocinar antes das palavras "
                        "iniciais; o raciocínio fica fora da resposta e vai para o histórico")
    p.add_argument("--no-staged", dest="staged", action="store_false", default=None,
                   help="sem redação por seções: só o cabeçalho como prefill, mesmo que o template declare esqueleto")
    p.add_argument("--citations", choices=("anchored", "free"), dest="citations",
                   help="citações: anchored (só as que constam do documento de origem, em qualquer forma equivalente) "
                        "ou free (padrão: o do template, anchored nos de redação)")
    p.add_argument("--anchor-tables", action="store_true", dest="anchor_tables",
                   help="com --citations anchored: permitir também as normas das tabelas embarcadas (artigo dentro do "
                        "intervalo), mesmo que não constem do documento")
    add_model_args(p)
    add_json_arg(p)
    p.set_defaults(func=run)


def parse_inputs(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise UserInputError(f"--input espera CHAVE=VALOR (recebi '{pair}')")
        k, v = pair.split("=", 1)
        out[k.strip()] = v
    return out


def run(args: argparse.Namespace) -> int:
    from legalprompt.commands._engine import engine_from_args, settings_from_args
    from legalprompt.drafting import Drafter, DraftRequest, DraftResult
    from legalprompt.engine.events import TextEvent
    from legalprompt.store.history import History

    from legalprompt.engine.params import SamplingParams, parse_gpu_layers

    # Refuse nonsense flags before reading the document or loading the model.
    early = SamplingParams()
    for name in ("temperature", "top_p", "max_tokens", "seed"):
        if getattr(args, name) is not None:
            setattr(early, name, getattr(args, name))
    early.validate()
    if args.gpu_layers is not None:
        parse_gpu_layers(args.gpu_layers)
    if args.anchor_tables and args.citations == "free":
        raise UserInputError("--anchor-tables só vale com citações ancoradas: tire --citations free "
                             "(ou use --citations anchored)")
    text, label = read_text_arg(args.document)
    req = DraftRequest(template=args.template, document=text, document_label=label,
                       document_path=None if label.startswith("<") else str(Path(label).resolve()),
                       inputs=parse_inputs(args.input), prefill="" if args.no_prefill else args.prefill,
                       temperature=args.temperature, top_p=args.top_p, max_tokens=args.max_tokens,
                       seed=args.seed, check_citations=not args.no_check, thinking=args.thinking,
                       staged=args.staged, citation_mode=args.citations,
                       anchor_tables=args.anchor_tables)
    # Validate the template and parameters before paying for the model load.
    from legalprompt.techniques.templates import load_template

    load_template(args.template)
    history = History()
    engine = engine_from_args(args)
    drafter = Drafter(engine, settings_from_args(args), history)
    prep = drafter.prepare(req)
    out = sys.stdout
    styled = out.isatty() and not args.json
    from legalprompt.termsafe import styled as write_styled

    def write_prefill() -> None:
        if styled:
            write_styled(out, prep.prefill, "1;36")
        else:
            out.write(prep.prefill)

    if not args.json and not prep.prompt.thinking:
        write_prefill()
        out.flush()
    result: DraftResult | None = None

    def show_reasoning(text: str) -> None:  # on stderr, dimmed: it is not part of the answer
        if not args.json:
            if sys.stderr.isatty():
                write_styled(sys.stderr, text, "2")
            else:
                sys.stderr.write(text)
            sys.stderr.flush()

    wrote_prefill = False
    if prep.prompt.thinking and not args.json:
        sys.stderr.write("[raciocínio do modelo]\n")
    for ev in drafter.stream(prep, on_reasoning=show_reasoning):
        if isinstance(ev, TextEvent):
            if not args.json and prep.prompt.thinking and not wrote_prefill:
                wrote_prefill = True
                sys.stderr.write("\n[resposta]\n")
                write_prefill()
            if not args.json:  # section titles written into the model's mouth look like the prefill
                if styled and ev.prefill:
                    write_styled(out, ev.text, "1;36")
                else:
                    out.write(ev.text)
                out.flush()
        else:
            result = ev
    assert result is not None
    if args.json:
        d = result.done
        print_json({
            "output": d.output, "prefill": d.prefill, "template": prep.template.name,
            "model": engine.model_name, "seed": d.seed, "stop_reason": d.stop_reason, "run_id": result.run_id,
            "shape_ok": result.shape_ok, "shape": result.shape, "skeleton": result.skeleton,
            "reasoning": result.reasoning, "citation_mode": prep.citation_mode,
            "usage": {"prompt_tokens": d.usage.prompt_tokens, "completion_tokens": d.usage.completion_tokens,
                      "cached_prompt_tokens": d.usage.cached_prompt_tokens},
            "timings": {"load_s": round(engine.load_s, 4),
                        "time_to_first_token_s": round(d.timings.time_to_first_token_s, 4),
                        "prompt_tokens_per_s": round(d.timings.prompt_tokens_per_s, 2),
                        "generation_tokens_per_s": round(d.timings.generation_tokens_per_s, 2),
                        "threads": d.timings.threads},
            "gpu_layers": engine.gpu_layers,
            "citations": result.citations.citation_dicts() if result.citations else [],
            "quotes": [q.to_dict() for q in result.citations.quotes] if result.citations else [],
        })
        return 0
    out.write("\n")
    _print_flags(result.citations, styled)
    _print_shape(result.shape)
    d = result.done
    print(f"[{engine.model_name} · {d.usage.prompt_tokens} tokens de prompt, {d.usage.completion_tokens} gerados · "
          f"1º token em {d.timings.time_to_first_token_s:.2f}s · {d.timings.generation_tokens_per_s:.1f} tokens/s · "
          f"GPU: {engine.gpu_layers} camadas · semente {d.seed} · citações {_MODE_LABEL[prep.citation_mode]} · "
          f"histórico #{result.run_id}]", file=sys.stderr)
    return 0




def _print_shape(shape: dict | None) -> None:
    """The shape check's findings (for ementas, `legalprompt lint`'s), so the user sees what to fix."""
    if not shape or not shape.get("findings"):
        return
    print("\nFormato da resposta:", file=sys.stderr)
    for f in shape["findings"]:
        where = f"linha {f['line']}: " if f.get("line") else ""
        print(f"  - {where}{f['message']} [{f['code']}]", file=sys.stderr)


_MODE_LABEL = {"anchored": "ancoradas nas fontes", "free": "livres"}


def _print_flags(report, styled: bool) -> None:
    """The checked citations and the quotations not found in the document (`report`: a CheckReport)."""
    if report is None:
        return
    if report.citations:
        print("\nCitações na resposta:", file=sys.stderr)
    for i, c in enumerate(report.citation_dicts(), 1):
        tag = VERDICT_LABELS.get(c["verdict"], c["verdict"])
        src = "" if c.get("in_sources") is None else (" · está no documento" if c["in_sources"]
                                                      else " · NÃO está no documento")
        print(f"  {i}. [{tag}{src}] {c['text']}", file=sys.stderr)
        for r in c.get("reasons", []):
            print(f"       - {r['message']}", file=sys.stderr)
    missing = [q for q in report.quotes if q.found is False]
    if missing:
        print("\nTrechos entre aspas:", file=sys.stderr)
        for q in missing:
            print(f"  [{QUOTE_LABEL}] {q.text}\n       - {q.reason}", file=sys.stderr)
