"""Reading documents (txt, md, pdf, docx, html) into text, and expanding the batch inputs.

`read_document(path)` never lets a library traceback through: every failure is a `DocumentError`
whose pt-BR message says what is wrong and what to do.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import stat
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


# Past this, one document is not something to summarise in one go (50 MB of text is ~12M tokens):
# commands refuse it at once instead of tokenizing for minutes.
MAX_DOCUMENT_CHARS = 5_000_000
# Bytes read at most, checked with fstat before reading. No encoding we read spends more than 4 bytes
# on a character, so a text file past 4x the character limit cannot be accepted anyway. PDF and DOCX
# carry images, hence their larger cap; their text is still held to MAX_DOCUMENT_CHARS.
MAX_TEXT_BYTES = 4 * MAX_DOCUMENT_CHARS
MAX_PACKAGE_BYTES = 200 * 1024 * 1024
HIDDEN = "arquivo oculto (o nome começa com '.' ou '~$'); renomeie-o para incluí-lo"
NOT_REGULAR = "não é um arquivo comum (fila, dispositivo ou socket); passe um arquivo de documento"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def too_big(label: str, size: int, limit: int) -> DocumentError:
    return DocumentError(f"{label}: arquivo grande demais ({_mb(size)}; o limite é {_mb(limit)}). Divida-o em "
                         "partes menores (por volume ou por peça) e processe cada uma.")


def open_regular(path: Path | str, label: str | None = None):
    """Open a regular file for reading, or raise DocumentError. A FIFO or device is refused before any
    read (O_NONBLOCK: opening a FIFO would otherwise wait forever for a writer)."""
    label = label or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise DocumentError(f"{label}: arquivo não encontrado. Confira o caminho e tente de novo.") from None
    except IsADirectoryError:
        raise DocumentError(f"{label}: é uma pasta, não um arquivo. Passe um arquivo, "
                            "ou use o comando batch para processar a pasta inteira.") from None
    except PermissionError:
        raise DocumentError(f"{label}: sem permissão de leitura. Ajuste as permissões do arquivo.") from None
    except OSError as exc:
        raise DocumentError(f"{label}: não foi possível ler o arquivo ({exc.strerror or exc}).") from None
    st = os.fstat(fd)
    if stat.S_ISDIR(st.st_mode):
        os.close(fd)
        raise DocumentError(f"{label}: é uma pasta, não um arquivo. Passe um arquivo, "
                            "ou use o comando batch para processar a pasta inteira.")
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise DocumentError(f"{label}: {NOT_REGULAR}.")
    return os.fdopen(fd, "rb")


def read_capped(f, limit: int, label: str, size_hint: int | None = None) -> bytes:
    """Read at most `limit` bytes from a binary stream; past it, refuse without reading the rest."""
    if size_hint is not None and size_hint > limit:
        raise too_big(label, size_hint, limit)
    data = f.read(limit + 1)
    if len(data) > limit:
        raise too_big(label, len(data), limit)
    return data


def read_file_bytes(path: Path | str, limit: int = MAX_TEXT_BYTES, label: str | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or DocumentError (pt-BR) saying why not."""
    label = label or str(path)
    with open_regular(path, label) as f:
        try:
            return read_capped(f, limit, label, os.fstat(f.fileno()).st_size)
        except OSError as exc:
            raise DocumentError(f"{label}: não foi possível ler o arquivo ({exc.strerror or exc}).") from None


def _limit_for(path: Path) -> int:
    fmt = SUPPORTED_EXTENSIONS.get(path.suffix.lower())
    return MAX_TEXT_BYTES if fmt in ("txt", "md", "html") else MAX_PACKAGE_BYTES


def _read_bytes(path: Path) -> bytes:
    return read_file_bytes(path, _limit_for(path))


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
        if fmt in ("txt", "html") and len(data) > MAX_TEXT_BYTES:
            raise too_big(label, len(data), MAX_TEXT_BYTES)

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


def why_not_readable(path: Path, root: Path) -> str | None:
    """Why a file found in a folder is not read, or None: a link leaving the folder (it would send a
    file the user did not put there), or anything that is not a regular file (a FIFO hangs a reader,
    /dev/zero never ends)."""
    try:
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            target = Path(os.path.realpath(path))
            if not target.is_relative_to(Path(os.path.realpath(root))):
                return "é um atalho (link simbólico) para fora da pasta; passe o arquivo de destino diretamente"
            st = target.stat()
    except OSError as exc:
        return f"não foi possível ler ({exc.strerror or exc})"
    if stat.S_ISDIR(st.st_mode):
        return "é um atalho para uma pasta, que não é seguido; passe a pasta de destino diretamente"
    if not stat.S_ISREG(st.st_mode):
        return NOT_REGULAR
    return None


def _walk(folder: Path, skipped: list) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not _is_hidden(d)]
        # os.walk lists a link to a folder among `dirs` and does not follow it: say so.
        for d in dirs:
            if (Path(root) / d).is_symlink():
                skipped.append((Path(root) / d, "é um atalho para uma pasta, que não é seguido; "
                                                "passe a pasta de destino diretamente"))
        for name in files:
            if Path(name).suffix.lower() not in SUPPORTED_EXTENSIONS:
                continue
            path = Path(root) / name
            if _is_hidden(name):  # lock files of Word/LibreOffice, macOS '._' forks: said, not read
                skipped.append((path, HIDDEN))
                continue
            why = why_not_readable(path, folder)
            if why:
                skipped.append((path, why))
            else:
                found.append(path)
    return sorted(found, key=_natural_key)


def iter_documents(inputs: list[str], skipped: list | None = None) -> Iterator[Path]:
    """Expand files, folders (recursive, supported extensions, natural order) and globs into paths.

    Each file is yielded once, in the order the inputs were given. A named file is yielded whatever
    its extension (the reader sniffs it). Files found in a folder or by a glob that are not regular
    files, or are links leaving their folder, are not yielded: each is appended to `skipped` as
    (path, pt-BR reason) for the caller to report. Raises `UserInputError` for a path that does not
    exist, a glob that matches nothing, or when nothing readable was found at all."""
    seen: set[Path] = set()
    skipped = [] if skipped is None else skipped
    count = 0
    for item in inputs:
        p = Path(item).expanduser()
        if p.is_dir():
            paths = _walk(p, skipped)
        elif p.is_file():
            paths = [p]
        elif p.exists():  # named, but a FIFO, socket or device
            skipped.append((p, NOT_REGULAR))
            continue
        elif glob.has_magic(item):
            matches = [Path(m) for m in glob.glob(os.path.expanduser(item), recursive=True)]
            paths = []
            for m in sorted(matches, key=_natural_key):
                if m.is_dir() and not m.is_symlink():
                    paths.extend(_walk(m, skipped))
                elif m.suffix.lower() in SUPPORTED_EXTENSIONS and not _is_hidden(m.name):
                    why = why_not_readable(m, m.parent)
                    if why:
                        skipped.append((m, why))
                    else:
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


def check_document_size(text: str, label: str) -> str:
    """Refuse (DocumentError) a document past MAX_DOCUMENT_CHARS; return the text otherwise."""
    if len(text) > MAX_DOCUMENT_CHARS:
        size, limit = (f"{n:,}".replace(",", ".") for n in (len(text), MAX_DOCUMENT_CHARS))
        raise DocumentError(
            f"{label}: documento grande demais ({size} caracteres; o limite é {limit}). Divida-o em partes "
            "menores (por volume ou por peça) e processe cada uma.")
    return text
