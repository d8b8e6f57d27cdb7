"""Reading one document (txt, md, pdf, docx, html) into text, within the size limits.

`read_document(path)` never lets a library traceback through: every failure is a `DocumentError`
whose pt-BR message says what is wrong and what to do. `read_text_stream` does the same for stdin.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from legalprompt.documents.files import read_capped, read_file_bytes
from legalprompt.documents.limits import MAX_PACKAGE_BYTES, MAX_TEXT_BYTES, check_document_size, too_big
from legalprompt.errors import DocumentError

SUPPORTED_EXTENSIONS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".pdf": "pdf",
                        ".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html"}
_UNSUPPORTED_HINTS = {
    ".doc": "formato .doc (Word 97-2003) não é lido: abra no Word ou LibreOffice e salve como .docx ou PDF",
    ".rtf": "formato .rtf não é lido: salve como .docx, PDF ou .txt",
    ".odt": "formato .odt não é lido: no LibreOffice, salve como .docx ou PDF",
    ".zip": "arquivo .zip: extraia os documentos e passe a pasta",
    ".rar": "arquivo .rar: extraia os documentos e passe a pasta",
    ".7z": "arquivo .7z: extraia os documentos e passe a pasta",
    ".png": "imagem: passe-a por um OCR (por exemplo, ocrmypdf ou tesseract) e use o texto",
    ".jpg": "imagem: passe-a por um OCR (por exemplo, ocrmypdf ou tesseract) e use o texto",
    ".jpeg": "imagem: passe-a por um OCR (por exemplo, ocrmypdf ou tesseract) e use o texto",
    ".tif": "imagem: passe-a por um OCR (por exemplo, ocrmypdf ou tesseract) e use o texto",
    ".tiff": "imagem: passe-a por um OCR (por exemplo, ocrmypdf ou tesseract) e use o texto",
}


@dataclass(frozen=True)
class Document:
    """One document's text and where it came from."""

    path: Path
    text: str
    format: str                 # "txt" | "md" | "pdf" | "docx" | "html"
    sha256: str                 # of the file's bytes
    size: int                   # bytes on disk
    encoding: str | None = None  # text and html formats
    pages: int | None = None     # pdf
    warnings: list[str] = field(default_factory=list)  # pt-BR notes (e.g. pages without text)


def _sniff(data: bytes) -> str:
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") and b"word/" in data[:65536]:
        return "docx"
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if low.startswith((b"<!doctype html", b"<html")) or (low.startswith(b"<") and b"<body" in data[:65536].lower()):
        return "html"
    return "txt"


def _limit_for(path: Path) -> int:
    fmt = SUPPORTED_EXTENSIONS.get(path.suffix.lower())
    return MAX_TEXT_BYTES if fmt in ("txt", "md", "html") else MAX_PACKAGE_BYTES


def read_document(path: Path | str) -> Document:
    """Read a document into text. Raises `DocumentError` with a pt-BR reason on any failure, a text past
    MAX_DOCUMENT_CHARS included: every caller gets the size limit without asking for it."""
    path = Path(path)
    label = str(path)
    data = read_file_bytes(path, _limit_for(path))
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise DocumentError(f"{label}: arquivo vazio. Confira se é o arquivo certo.")
    sha = hashlib.sha256(data).hexdigest()
    ext = path.suffix.lower()
    fmt = SUPPORTED_EXTENSIONS.get(ext)
    if fmt is None:
        if ext in _UNSUPPORTED_HINTS:
            raise DocumentError(f"{label}: {_UNSUPPORTED_HINTS[ext]}.")
        fmt = _sniff(data)
        if fmt in ("txt", "html") and len(data) > MAX_TEXT_BYTES:
            raise too_big(label, len(data), MAX_TEXT_BYTES)

    encoding = None
    pages = None
    warnings: list[str] = []
    if fmt in ("txt", "md"):
        from legalprompt.documents.encoding import decode_bytes_ex

        try:
            text, encoding = decode_bytes_ex(data, label)
        except DocumentError:
            if ext and ext not in SUPPORTED_EXTENSIONS:
                raise DocumentError(
                    f"{label}: formato {ext} não reconhecido e o conteúdo não é texto. "
                    "Use .txt, .md, .pdf, .docx ou .html.") from None
            raise
    elif fmt == "pdf":
        from legalprompt.documents.pdf_text import read_pdf

        pdf = read_pdf(data, label)
        text, pages = pdf.text, pdf.pages
        if pdf.empty_pages:
            listed = ", ".join(map(str, pdf.empty_pages[:20])) + ("..." if len(pdf.empty_pages) > 20 else "")
            warnings.append(f"páginas sem texto (digitalizadas?): {listed}; passe o PDF por um OCR para lê-las")
    elif fmt == "docx":
        from legalprompt.documents.docx_text import read_docx

        text = read_docx(data, label)
    else:
        from legalprompt.documents.html_text import read_html

        text, encoding = read_html(data, label)
    if not text.strip():
        raise DocumentError(f"{label}: o documento não tem texto. Confira se é o arquivo certo.")
    check_document_size(text, label)
    return Document(path=path, text=text, format=fmt, sha256=sha, size=len(data), encoding=encoding,
                    pages=pages, warnings=warnings)


def read_text_stream(stream: BinaryIO, label: str = "<stdin>") -> str:
    """The text of a plain-text stream (stdin), capped in bytes and in characters like a file."""
    from legalprompt.documents.encoding import decode_bytes

    # Capped: `check - < /dev/zero` must end with a message, not fill the memory.
    data = read_capped(stream, MAX_TEXT_BYTES, label)
    return check_document_size(decode_bytes(data, label=label), label)
