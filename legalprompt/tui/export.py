"""Write an answer to Markdown or Word (.docx), with its citation flags."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from legalprompt.errors import UserInputError
from legalprompt.private import open_private, write_private_text
from legalprompt.termsafe import term_safe
from legalprompt.tui.widgets.answer import citation_label


def _flags(citations: list[dict[str, Any]]) -> list[str]:
    out = []
    for c in citations:
        reasons = "; ".join(r.get("message", "") for r in c.get("reasons") or [])
        out.append(f"[{citation_label(c)}] {c.get('text', '')}" + (f" — {reasons}" if reasons else ""))
    return out


def to_markdown(answer) -> str:
    lines = [answer.text.rstrip(), ""]
    flags = _flags(answer.citations)
    if flags:
        lines += ["---", "", "**Citações verificadas**", ""] + [f"- {f}" for f in flags] + [""]
    meta = [f"modelo {answer.model}", f"template {answer.template}"]
    if answer.seed is not None:
        meta.append(f"semente {answer.seed}")
    if answer.run_id is not None:
        meta.append(f"histórico #{answer.run_id}")
    if answer.status == "cancelled":
        meta.append("resposta interrompida")
    lines.append(f"<!-- legalprompt: {' · '.join(meta)} -->")
    return "\n".join(lines) + "\n"


def _check_target(path: Path, suffix: str) -> Path:
    if path.suffix.lower() != suffix:
        path = path.with_suffix(suffix)
    if path.is_dir():
        raise UserInputError(f"{path} é uma pasta: escreva o nome do arquivo")
    if not path.parent.is_dir():
        raise UserInputError(f"a pasta {path.parent} não existe: crie-a ou escolha outra")
    return path


def write_markdown(path: str | Path, answer) -> Path:
    target = _check_target(Path(path).expanduser(), ".md")
    try:
        write_private_text(target, to_markdown(answer))
    except OSError as exc:
        raise UserInputError(f"não foi possível gravar {target}: {exc.strerror}") from None
    return target


def write_docx(path: str | Path, answer) -> Path:
    import docx
    from docx.enum.text import WD_COLOR_INDEX

    target = _check_target(Path(path).expanduser(), ".docx")
    doc = docx.Document()
    # XML cannot hold C0 controls (python-docx raises ValueError on them): a form feed is a page
    # break; any other control is shown as a visible symbol (termsafe), as on the screen.
    for i, page in enumerate(answer.text.rstrip().split("\x0c")):
        if i:
            doc.add_page_break()
        for para in page.split("\n"):
            doc.add_paragraph(term_safe(para))
    flags = _flags(answer.citations)
    if flags:
        doc.add_heading("Citações verificadas", level=2)
        for c, f in zip(answer.citations, flags):
            run = doc.add_paragraph(style="List Bullet").add_run(term_safe(f).replace("\t", " "))
            if c.get("verdict") == "INCONSISTENT":
                run.font.highlight_color = WD_COLOR_INDEX.RED
    try:
        with open_private(target, "wb") as f:
            doc.save(f)
    except OSError as exc:
        raise UserInputError(f"não foi possível gravar {target}: {exc.strerror}") from None
    return target
