"""Reading a document for the TUI: through the size-limited readers, with pt-BR reasons a lawyer can act on.

Runs in worker threads (never on the UI thread): a 200 MB PDF takes seconds to read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from legalprompt.errors import DocumentError, UserInputError

READABLE_SUFFIXES = (".pdf", ".docx", ".txt", ".md", ".html", ".htm")
"""What the file picker shows (the readers also take .text, .markdown and .xhtml, typed as a path)."""


@dataclass
class LoadedDocument:
    path: Path
    text: str
    format: str
    warnings: list[str] = field(default_factory=list)


def _scanned_pdf(path: Path) -> bool:
    """Whether `path` is a PDF that opens but has no text layer at all (a scan)."""
    from legalprompt.documents.files import read_file_bytes
    from legalprompt.documents.limits import MAX_PACKAGE_BYTES
    from legalprompt.documents.pdf_text import read_pdf

    try:
        pdf = read_pdf(read_file_bytes(path, MAX_PACKAGE_BYTES), str(path))
    except DocumentError:
        return False
    return bool(pdf.pages) and not pdf.text.strip()


def load_document(path: str | Path) -> LoadedDocument:
    """Read `path` for the Redação screen. Raises a LegalPromptError whose message says what to do:
    not found, not a readable kind, a scanned PDF (no text), or over the size limit."""
    from legalprompt.documents import read_document
    from legalprompt.documents.limits import check_document_size

    p = Path(path).expanduser()
    if not p.is_file():
        raise UserInputError(f"arquivo não encontrado: {path}")
    try:
        doc = read_document(p)
    except DocumentError:
        if p.suffix.lower() == ".pdf" and _scanned_pdf(p):
            raise DocumentError(
                f"{p.name}: PDF digitalizado, sem texto para ler (só imagens das páginas). Passe-o por um OCR "
                "(por exemplo o do Adobe Acrobat ou o ocrmypdf) e abra o PDF que ele gerar.") from None
        raise
    # A text area holding tens of millions of characters freezes the UI for minutes.
    check_document_size(doc.text, p.name)
    return LoadedDocument(p.resolve(), doc.text, doc.format, list(doc.warnings))
