"""Text from PDF files (pypdf text layer), cleaned of running headers, footers and page numbers.

Hyphenated line breaks are joined ("constitu-\\ncional" -> "constitucional") except where the
hyphen is real Portuguese: enclitic pronouns ("nega-\\nse" stays "nega-se") and prefixes such as
"ex-", "vice-", "pós-". Pages are separated by a blank line unless a sentence runs across the break.
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from legalprompt.errors import DocumentError

OCR_HINT = ("PDF digitalizado sem camada de texto: passe-o por um OCR, por exemplo ocrmypdf "
            "(ocrmypdf -l por entrada.pdf saida.pdf), e tente de novo")

_EDGE_LINES = 3
_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:p[áa]g(?:ina)?\.?\s*|fls?\.?\s*|folha\s+)?\d{1,4}(?:\s*(?:de|/)\s*\d{1,4})?[-–—\s]*$",
    re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_CLITICS = {"se", "lhe", "lhes", "o", "a", "os", "as", "lo", "la", "los", "las", "no", "na", "nos",
            "nas", "me", "te", "vos", "mo", "ma", "ia", "ás", "á", "ão", "emos", "eis"}
_HYPHEN_PREFIXES = {"ex", "vice", "pós", "pré", "pró", "recém", "sem", "além", "aquém", "co", "auto",
                    "anti", "contra", "extra", "infra", "intra", "sobre", "sub", "super", "ultra", "não",
                    "quase", "bem", "mal", "grã", "grão"}
# A word (letters only) cut by a hyphen at the end of a line, followed by its lowercase rest.
_HYPHEN_BREAK = re.compile(r"(?<![^\W\d_])([^\W\d_]+)-[ \t]*\n[ \t]*([a-zà-ÿ][^\W\d_]*)")
_SENTENCE_END = set(".!?:;)]\"”»")


# Budgets. Pages: 5,000 pages hold about the 5 million characters a document may have at all (and
# pypdf reads ~1,300 pages/s here). Streams that inflate past pypdf's own limits (pypdf>=6.4) raise
# LimitReachedError: reported as too big, not as damage.
MAX_PDF_PAGES = 5000


@dataclass
class PdfText:
    text: str
    pages: int
    empty_pages: list[int] = field(default_factory=list)


def _edge_key(line: str) -> str:
    return _SPACES.sub(" ", _DIGITS.sub("#", line.strip().lower()))


def _strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop lines that repeat at the top or bottom of most pages, and bare page numbers."""
    n = len(pages)
    top: Counter[str] = Counter()
    bottom: Counter[str] = Counter()
    for lines in pages:
        content = [ln for ln in lines if ln.strip()]
        top.update({_edge_key(ln) for ln in content[:_EDGE_LINES]})
        bottom.update({_edge_key(ln) for ln in content[-_EDGE_LINES:]})
    threshold = max(2, math.ceil(0.6 * n))
    running_top = {k for k, c in top.items() if c >= threshold and k} if n >= 3 else set()
    running_bottom = {k for k, c in bottom.items() if c >= threshold and k} if n >= 3 else set()

    cleaned = []
    for lines in pages:
        idx = [i for i, ln in enumerate(lines) if ln.strip()]
        drop = set()
        for i in idx[:_EDGE_LINES]:
            if _edge_key(lines[i]) in running_top or (n > 1 and _PAGE_NUMBER.match(lines[i])):
                drop.add(i)
        for i in idx[-_EDGE_LINES:]:
            if _edge_key(lines[i]) in running_bottom or (n > 1 and _PAGE_NUMBER.match(lines[i])):
                drop.add(i)
        cleaned.append([ln for i, ln in enumerate(lines) if i not in drop])
    return cleaned


def _join_hyphen(m: re.Match) -> str:
    head, tail = m.group(1), m.group(2)
    if tail.lower() in _CLITICS or head.lower() in _HYPHEN_PREFIXES:
        return f"{head}-{tail}"
    return head + tail


def dehyphenate(text: str) -> str:
    """Join words split by a hyphen at a line end, keeping real hyphens (nega-se, ex-marido)."""
    return _HYPHEN_BREAK.sub(_join_hyphen, text)


def clean_pages(raw_pages: list[str]) -> str:
    """Turn the text of each page into one document text."""
    pages = [p.replace("\r\n", "\n").replace("\r", "\n").split("\n") for p in raw_pages]
    pages = _strip_running_lines(pages)
    out = ""
    for lines in pages:
        body = "\n".join(ln.rstrip() for ln in lines).strip("\n")
        if not body.strip():
            continue
        if not out:
            out = body
        elif out[-2:-1].isalpha() and out.endswith("-") or out.rstrip()[-1:] not in _SENTENCE_END:
            out += "\n" + body  # the sentence (or word) runs on across the page break
        else:
            out += "\n\n" + body
    out = dehyphenate(out)
    out = re.sub(r"\n{3,}", "\n\n", out)
    return out.strip()


def read_pdf(data: bytes, label: str) -> PdfText:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError

    if b"%PDF-" not in data[:1024]:
        head = data.lstrip()[:512].lower()
        if head.startswith(b"<!doctype html") or head.startswith(b"<html") or b"<html" in head:
            raise DocumentError(
                f"{label}: o arquivo tem extensão .pdf mas é uma página HTML (talvez um download que "
                "falhou ou uma tela de login do tribunal). Baixe o PDF de novo.")
        raise DocumentError(f"{label}: não é um PDF válido (falta o cabeçalho %PDF). "
                            "Baixe ou exporte o arquivo de novo.")
    pypdf_log = logging.getLogger("pypdf")
    old_level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)
    try:
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except (DependencyError, NotImplementedError) as exc:
                    raise DocumentError(
                        f"{label}: PDF criptografado com um método que exige o pacote 'cryptography' "
                        f"({exc}). Instale-o (pip install cryptography) ou salve uma cópia sem proteção.") from None
                if not ok:
                    raise DocumentError(
                        f"{label}: PDF protegido por senha. Salve uma cópia sem senha (por exemplo, "
                        "qpdf --decrypt --password=SENHA entrada.pdf saida.pdf) e tente de novo.")
            from legalprompt.documents.limits import MAX_DOCUMENT_CHARS

            try:  # the page tree's own count first: flattening 20,000 pages already takes seconds
                declared = int(reader.trailer["/Root"]["/Pages"].get("/Count", 0))
            except Exception:  # noqa: BLE001 - a damaged tree is reported below
                declared = 0
            n_pages = declared if declared > MAX_PDF_PAGES else len(reader.pages)
            if n_pages > MAX_PDF_PAGES:
                raise DocumentError(
                    f"{label}: PDF com páginas demais ({n_pages}; o limite é {MAX_PDF_PAGES}). Divida-o em "
                    "partes menores (por volume ou por peça), por exemplo com qpdf --pages, e processe cada uma.")
            raw_pages = []
            chars = 0
            for page in reader.pages:
                try:
                    raw_pages.append(page.extract_text() or "")
                except (KeyError, ValueError, TypeError, AttributeError, IndexError, PdfReadError):
                    raw_pages.append("")
                chars += len(raw_pages[-1])
                if chars > MAX_DOCUMENT_CHARS:  # stop extracting: the document will be refused anyway
                    limit = f"{MAX_DOCUMENT_CHARS:_}".replace("_", ".")
                    raise DocumentError(
                        f"{label}: documento grande demais (mais de {limit} caracteres nas primeiras "
                        f"{len(raw_pages)} páginas). Divida-o em partes menores (por volume ou por peça) e "
                        "processe cada uma.")
        except DocumentError:
            raise
        except FileNotDecryptedError:
            raise DocumentError(f"{label}: PDF protegido por senha. Salve uma cópia sem senha e tente de novo.") from None
        except LimitReachedError:
            raise DocumentError(
                f"{label}: PDF com conteúdo compactado grande demais (passa dos limites de leitura; pode ser "
                "uma 'bomba' de compressão). Exporte-o de novo (imprimir como PDF) e tente de novo.") from None
        except RecursionError:
            raise DocumentError(f"{label}: PDF com estrutura circular ou profunda demais; "
                                "exporte-o de novo (imprimir como PDF) e tente de novo.") from None
        except Exception as exc:  # pypdf raises many types on damaged files
            raise DocumentError(
                f"{label}: PDF corrompido ou incompleto ({type(exc).__name__}). "
                "Baixe o arquivo de novo ou exporte-o outra vez como PDF.") from None
    finally:
        pypdf_log.setLevel(old_level)

    if not raw_pages:
        raise DocumentError(f"{label}: PDF sem páginas. Baixe o arquivo de novo.")
    empty = [i + 1 for i, t in enumerate(raw_pages) if len(t.strip()) < 5]
    if len(empty) == len(raw_pages):
        raise DocumentError(f"{label}: {OCR_HINT}.")
    text = clean_pages(raw_pages)
    return PdfText(text=text, pages=len(raw_pages), empty_pages=empty)
