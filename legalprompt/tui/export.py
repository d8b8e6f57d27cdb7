"""Write an answer to Markdown or Word (.docx), with its citation verdicts and what a reader must know
(an answer cut at the token limit, citations the checker proved impossible)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from legalprompt.errors import UserInputError
from legalprompt.private import open_private, write_private_text
from legalprompt.termsafe import term_safe
from legalprompt.tui.widgets.answer import citation_label

CITATIONS_HEADING = "Citações na resposta (conferência automática)"


def _flags(citations: list[dict[str, Any]]) -> list[str]:
    out = []
    for c in citations:
        reasons = "; ".join(r.get("message", "") for r in c.get("reasons") or [])
        out.append(f"[{citation_label(c)}] {c.get('text', '')}" + (f" — {reasons}" if reasons else ""))
    return out


def export_warnings(answer) -> list[str]:
    """What the lawyer must be told before the answer leaves the app (shown in the dialog and written in the file)."""
    out = []
    if getattr(answer, "stop_reason", None) == "length":
        out.append("A resposta foi cortada no limite de tokens: está incompleta. Aumente o máximo e gere de novo, "
                   "ou continue a resposta (ctrl+t).")
    if answer.status == "cancelled":
        out.append("A resposta foi interrompida antes do fim: está incompleta.")
    if getattr(answer, "document_edited", False):
        out.append("O documento foi alterado depois desta resposta: ela foi redigida sobre o texto anterior. "
                   "Gere de novo (F5) para o texto atual.")
    bad = sum(1 for c in answer.citations if c.get("verdict") == "INCONSISTENT")
    if bad:
        out.append(f"{bad} citaç{'ão' if bad == 1 else 'ões'} IMPOSSÍVE{'L' if bad == 1 else 'IS'} no texto: "
                   "corrija ou remova antes de usar.")
    return out


def to_markdown(answer) -> str:
    lines = [answer.text.rstrip(), ""]
    warnings = export_warnings(answer)
    flags = _flags(answer.citations)
    if warnings or flags:
        lines += ["---", ""]
    for w in warnings:
        lines += [f"> **Atenção:** {w}", ""]
    if flags:
        lines += [f"**{CITATIONS_HEADING}**", ""] + [f"- {f}" for f in flags] + [""]
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
    for w in export_warnings(answer):
        run = doc.add_paragraph().add_run(f"Atenção: {w}")
        run.bold = True
    flags = _flags(answer.citations)
    if flags:
        doc.add_heading(CITATIONS_HEADING, level=2)
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


def default_export_folder(document_path: str | None, remembered: str | None) -> Path:
    """Where an export goes unless the user says otherwise: the last folder exported to, else the case's
    document's folder, else ~/Documentos (or ~/Documents), else home — never the folder the app started in."""
    home = Path.home()
    for candidate in (remembered, str(Path(document_path).parent) if document_path else None,
                      str(home / "Documentos"), str(home / "Documents")):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return home
