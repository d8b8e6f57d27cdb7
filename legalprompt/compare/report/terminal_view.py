"""The comparison in the terminal: outputs side by side per seed, and the figures per arm (rich)."""

from __future__ import annotations

from legalprompt.compare.report.figures import (citation_summary, describe_arm, metric_rows, num, params_text,
                                                per_doc_rows, shape_label)
from legalprompt.compare.runner import ArmResult, CorpusComparison, DocumentComparison


def _rich_metrics(arms: list[ArmResult], title: str):
    from rich.table import Table

    t = Table(title=title, title_justify="left")
    t.add_column("")
    for a in arms:
        t.add_column(a.spec.name, justify="right")
    for label, vals in metric_rows(arms):
        t.add_row(label, *vals)
    return t


def _rich_arms(arms: list[ArmResult]):
    from rich.text import Text

    return [Text(describe_arm(a), style="dim") for a in arms]


def render_terminal(result: DocumentComparison | CorpusComparison, console=None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    if isinstance(result, CorpusComparison):
        c = result
        console.print(Text(f"Corpus {c.source}: {len(c.done)} documento(s), sementes "
                           f"{', '.join(map(str, c.seeds))}", style="bold"))
        for line in _rich_arms(c.arms):
            console.print(line)
        head, rows = per_doc_rows(c)
        t = Table(title="Por documento", title_justify="left")
        for h in head:
            t.add_column(h)
        for r in rows:
            t.add_row(*[Text(x) for x in r])
        console.print(t)
        for d in c.skipped:
            console.print(Text(f"não comparado: {d.document}: {d.error}", style="yellow"))
        console.print(_rich_metrics(c.arms, "Números por braço (corpus)"))
        return
    doc = result
    console.print(Text(f"{doc.document} · sementes {', '.join(map(str, doc.seeds))} · "
                       f"{params_text(doc.arms)}", style="bold"))
    for line in _rich_arms(doc.arms):
        console.print(line)
    for i, seed in enumerate(doc.seeds):
        t = Table(title=f"Semente {seed}", title_justify="left", expand=True, show_lines=True)
        for a in doc.arms:
            t.add_column(a.spec.name, ratio=1)
        outs, notes = [], []
        for a in doc.arms:
            s = a.samples[i]
            txt = Text()
            if s.prefill:
                txt.append(s.prefill, style="bold cyan")
            txt.append(s.generated)
            outs.append(txt)
            style = "green" if s.shape_ok else ("dim" if s.shape_ok is None else "red")
            note = Text(shape_label(s.shape_ok), style=style)
            note.append(f" · {citation_summary(s)} · {s.usage.get('completion_tokens', 0)} tokens · "
                        f"1º token {s.timings.get('time_to_first_token_s', 0):.2f} s", style="dim")
            notes.append(note)
        t.add_row(*outs)
        t.add_row(*notes)
        console.print(t)
    console.print(_rich_metrics(doc.arms, "Números por braço"))
    r = doc.to_dict()["reuse"]
    console.print(Text(f"Semelhança A×B: {num(doc.similarity_a_b)} · {r['cached_prompt_tokens']} de "
                       f"{r['prompt_tokens']} tokens de prompt reaproveitados · {doc.wall_s:.1f} s", style="dim"))
