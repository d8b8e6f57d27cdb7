"""Reading documents (txt, md, pdf, docx, html) into text, and expanding the batch inputs.

`read_document(path)` never lets a library traceback through: every failure is a `DocumentError`
whose pt-BR message says what is wrong and what to do.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from legalprompt.errors import DocumentError, UserInputError

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


def _read_bytes(path: Path) -> bytes:
    label = str(path)
    try:
        if not path.exists():
            raise DocumentError(f"{label}: arquivo não encontrado. Confira o caminho e tente de novo.")
        if path.is_dir():
            raise DocumentError(f"{label}: é uma pasta, não um arquivo. Passe um arquivo, "
                                "ou use o comando batch para processar a pasta inteira.")
        if not path.is_file():
            raise DocumentError(f"{label}: não é um arquivo comum (dispositivo, fila ou socket).")
        return path.read_bytes()
    except PermissionError:
        raise DocumentError(f"{label}: sem permissão de leitura. Ajuste as permissões do arquivo.") from None
    except OSError as exc:
        raise DocumentError(f"{label}: não foi possível ler o arquivo ({exc.strerror or exc}).") from None


def read_document(path: Path | str) -> Document:
    """Read a document into text. Raises `DocumentError` with a pt-BR reason on any failure."""
    path = Path(path)
    label = str(path)
    data = _read_bytes(path)
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise DocumentError(f"{label}: arquivo vazio. Confira se é o arquivo certo.")
    sha = hashlib.sha256(data).hexdigest()
    ext = path.suffix.lower()
    fmt = SUPPORTED_EXTENSIONS.get(ext)
    if fmt is None:
        if ext in _UNSUPPORTED_HINTS:
            raise DocumentError(f"{label}: {_UNSUPPORTED_HINTS[ext]}.")
        fmt = _sniff(data)

    encoding = None
    pages = None
    warnings: list[str] = []
    if fmt in ("txt", "md"):
        from legalprompt.textio import decode_bytes_ex

        try:
            text, encoding = decode_bytes_ex(data, label)
        except DocumentError:
            if ext and ext not in SUPPORTED_EXTENSIONS:
                raise DocumentError(
                    f"{label}: formato {ext} não reconhecido e o conteúdo não é texto. "
                    "Use .txt, .md, .pdf, .docx ou .html.") from None
            raise
    elif fmt == "pdf":
        from legalprompt.batch.pdftext import read_pdf

        pdf = read_pdf(data, label)
        text, pages = pdf.text, pdf.pages
        if pdf.empty_pages:
            listed = ", ".join(map(str, pdf.empty_pages[:20])) + ("..." if len(pdf.empty_pages) > 20 else "")
            warnings.append(f"páginas sem texto (digitalizadas?): {listed}; passe o PDF por um OCR para lê-las")
    elif fmt == "docx":
        from legalprompt.batch.docxtext import read_docx

        text = read_docx(data, label)
    else:
        from legalprompt.batch.htmltext import read_html

        text, encoding = read_html(data, label)
    if not text.strip():
        raise DocumentError(f"{label}: o documento não tem texto. Confira se é o arquivo certo.")
    return Document(path=path, text=text, format=fmt, sha256=sha, size=len(data), encoding=encoding,
                    pages=pages, warnings=warnings)


def _natural_key(path: Path) -> list:
    return [[int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", part)] for part in path.parts]


def _is_hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$")


def _walk(folder: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not _is_hidden(d)]
        for name in files:
            if not _is_hidden(name) and Path(name).suffix.lower() in SUPPORTED_EXTENSIONS:
                found.append(Path(root) / name)
    return sorted(found, key=_natural_key)


def iter_documents(inputs: list[str]) -> Iterator[Path]:
    """Expand files, folders (recursive, supported extensions, natural order) and globs into paths.

    Each file is yielded once, in the order the inputs were given. A named file is yielded whatever
    its extension (the reader sniffs it). Raises `UserInputError` for a path that does not exist, a
    glob that matches nothing, or when nothing readable was found at all."""
    seen: set[Path] = set()
    count = 0
    for item in inputs:
        p = Path(item).expanduser()
        if p.is_dir():
            paths = _walk(p)
        elif p.is_file():
            paths = [p]
        elif glob.has_magic(item):
            matches = [Path(m) for m in glob.glob(os.path.expanduser(item), recursive=True)]
            paths = []
            for m in sorted(matches, key=_natural_key):
                if m.is_dir():
                    paths.extend(_walk(m))
                elif m.is_file() and m.suffix.lower() in SUPPORTED_EXTENSIONS and not _is_hidden(m.name):
                    paths.append(m)
            if not matches:
                raise UserInputError(f"nenhum arquivo corresponde a {item!r}.")
        else:
            raise UserInputError(f"arquivo ou pasta não encontrado: {item}")
        for path in paths:
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            count += 1
            yield path
    if count == 0:
        raise UserInputError("nenhum documento encontrado (formatos lidos: .txt, .md, .pdf, .docx, .html).")


# Past this, one document is not something to summarise in one go (50 MB of text is ~12M tokens):
# commands refuse it at once instead of tokenizing for minutes.
MAX_DOCUMENT_CHARS = 5_000_000


def check_document_size(text: str, label: str) -> str:
    """Refuse (DocumentError) a document past MAX_DOCUMENT_CHARS; return the text otherwise."""
    if len(text) > MAX_DOCUMENT_CHARS:
        size, limit = (f"{n:,}".replace(",", ".") for n in (len(text), MAX_DOCUMENT_CHARS))
        raise DocumentError(
            f"{label}: documento grande demais ({size} caracteres; o limite é {limit}). Divida-o em partes "
            "menores (por volume ou por peça) e processe cada uma.")
    return text
