"""Text from Word .docx files: body paragraphs and tables, in document order.

Tables become one line per row with cells joined by " | " (merged cells once). Page headers and
footers are left out on purpose: they repeat on every page and carry no argument.
"""

from __future__ import annotations

import io

from legalprompt.errors import DocumentError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _table_lines(table) -> list[str]:
    lines = []
    for row in table.rows:
        seen = set()
        cells = []
        for cell in row.cells:
            key = id(cell._tc)
            if key in seen:
                continue
            seen.add(key)
            text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
            for inner in cell.tables:
                text = (text + " " + " / ".join(_table_lines(inner))).strip()
            cells.append(text)
        if any(cells):
            lines.append(" | ".join(cells))
    return lines


def read_docx(data: bytes, label: str) -> str:
    if data.startswith(_OLE_MAGIC):
        raise DocumentError(
            f"{label}: documento do Word protegido por senha ou no formato antigo .doc. "
            "Abra no Word ou LibreOffice, remova a senha e salve como .docx (ou PDF), e tente de novo.")
    if not data.startswith(b"PK"):
        raise DocumentError(f"{label}: DOCX corrompido (não é um pacote ZIP do Word). "
                            "Abra no Word ou LibreOffice e salve como .docx de novo.")
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        blocks: list[str] = []
        for item in document.iter_inner_content():
            if isinstance(item, Paragraph):
                blocks.append(item.text.rstrip())
            elif isinstance(item, Table):
                blocks.append("\n".join(_table_lines(item)))
    except DocumentError:
        raise
    except Exception as exc:  # zipfile, python-docx and lxml raise many types on damaged packages
        raise DocumentError(
            f"{label}: DOCX corrompido ou incompleto ({type(exc).__name__}). "
            "Abra no Word ou LibreOffice e salve como .docx de novo.") from None
    text = "\n".join(blocks)
    # Empty paragraphs are Word's way of spacing; keep at most one blank line.
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()
