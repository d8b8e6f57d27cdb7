"""How much of a document is read: byte caps checked before reading, and the character limit on its text.

Both refusals are `DocumentError`s whose pt-BR message says to split the document.
"""

from __future__ import annotations

from legalprompt.errors import DocumentError

# Past this, one document is not something to summarise in one go (50 MB of text is ~12M tokens):
# it is refused at once instead of tokenizing for minutes. About 2,000 dense pages.
MAX_DOCUMENT_CHARS = 5_000_000
# Bytes read at most, checked with fstat before reading. No encoding we read spends more than 4 bytes
# on a character, so a text file past 4x the character limit cannot be accepted anyway. PDF and DOCX
# carry images, hence their larger cap; their text is still held to MAX_DOCUMENT_CHARS.
MAX_TEXT_BYTES = 4 * MAX_DOCUMENT_CHARS
MAX_PACKAGE_BYTES = 200 * 1024 * 1024


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def too_big(label: str, size: int, limit: int) -> DocumentError:
    """The refusal of a file of `size` bytes past `limit` bytes."""
    return DocumentError(f"{label}: arquivo grande demais ({_mb(size)}; o limite é {_mb(limit)}). Divida-o em "
                         "partes menores (por volume ou por peça) e processe cada uma.")


def too_long(label: str, chars: int) -> str:
    """The pt-BR refusal of a text of `chars` characters past MAX_DOCUMENT_CHARS."""
    size, limit = (f"{n:,}".replace(",", ".") for n in (chars, MAX_DOCUMENT_CHARS))
    return (f"{label}: documento grande demais ({size} caracteres; o limite é {limit}). Divida-o em partes "
            "menores (por volume ou por peça) e processe cada uma.")


def check_document_size(text: str, label: str) -> str:
    """Refuse (DocumentError) a text past MAX_DOCUMENT_CHARS; return the text otherwise."""
    if len(text) > MAX_DOCUMENT_CHARS:
        raise DocumentError(too_long(label, len(text)))
    return text
