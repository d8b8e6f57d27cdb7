"""Text from Word .docx files: body paragraphs and tables, in document order.

Tables become one line per row with cells joined by " | " (merged cells once). Page headers and
footers are left out on purpose: they repeat on every page and carry no argument.
"""

from __future__ import annotations

import io

from legalprompt.errors import DocumentError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Budgets, read from the ZIP's directory before anything is unpacked. python-docx unpacks every part
# into memory and parses every XML part, so a 2.4 MB zip bomb used to take 45 s and 3.75 GB. The sizes
# a directory declares bound what zipfile unpacks (a part that lies fails its CRC check).
MAX_DOCX_PARTS = 2000
MAX_DOCX_UNPACKED = 150 * 1024 * 1024    # all parts (images included)
MAX_DOCX_XML = 20 * 1024 * 1024          # all XML parts: what lxml parses (a tree takes ~20x in memory)
MAX_DOCX_PARAGRAPHS = 50_000             # python-docx builds an object per paragraph (~20k/s here)
MAX_DOCX_DEPTH = 200
_W_P = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
_ADVICE = "Abra no Word ou LibreOffice e salve como PDF, ou divida o documento, e tente de novo."


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


def _check_budget(data: bytes, label: str) -> None:
    import zipfile

    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return  # python-docx reports a damaged package below
    if len(infos) > MAX_DOCX_PARTS:
        raise DocumentError(f"{label}: DOCX com partes demais ({len(infos)}; o limite é {MAX_DOCX_PARTS}). {_ADVICE}")
    unpacked = sum(i.file_size for i in infos)
    xml = sum(i.file_size for i in infos if i.filename.lower().endswith((".xml", ".rels")))
    if unpacked > MAX_DOCX_UNPACKED or xml > MAX_DOCX_XML:
        raise DocumentError(
            f"{label}: DOCX grande demais descompactado ({unpacked // (1024 * 1024)} MB, dos quais "
            f"{xml // (1024 * 1024)} MB de XML; os limites são {MAX_DOCX_UNPACKED // (1024 * 1024)} MB e "
            f"{MAX_DOCX_XML // (1024 * 1024)} MB). {_ADVICE}")
    body = next((i for i in infos if i.filename == "word/document.xml"), None)
    if body is not None:
        _check_body(zipfile.ZipFile(io.BytesIO(data)), body, label)


def _check_body(z, info, label: str) -> None:
    """Paragraphs and depth of the body, streamed (elements cleared as they end: little memory)."""
    from lxml import etree

    paragraphs = depth = 0
    try:
        with z.open(info) as f:
            for event, el in etree.iterparse(f, events=("start", "end"), resolve_entities=False,
                                             no_network=True, huge_tree=False):
                if event == "start":
                    depth += 1
                    if depth > MAX_DOCX_DEPTH:
                        raise DocumentError(f"{label}: DOCX aninhado demais (mais de {MAX_DOCX_DEPTH} níveis). "
                                            f"{_ADVICE}")
                    continue
                depth -= 1
                if el.tag == _W_P:
                    paragraphs += 1
                    if paragraphs > MAX_DOCX_PARAGRAPHS:
                        limit = f"{MAX_DOCX_PARAGRAPHS:_}".replace("_", ".")
                        raise DocumentError(f"{label}: DOCX com parágrafos demais (mais de {limit}). {_ADVICE}")
                el.clear()
    except DocumentError:
        raise
    except Exception:  # damaged XML or ZIP: python-docx says so below
        return


def read_docx(data: bytes, label: str) -> str:
    if data.startswith(_OLE_MAGIC):
        raise DocumentError(
            f"{label}: documento do Word protegido por senha ou no formato antigo .doc. "
            "Abra no Word ou LibreOffice, remova a senha e salve como .docx (ou PDF), e tente de novo.")
    if not data.startswith(b"PK"):
        raise DocumentError(f"{label}: DOCX corrompido (não é um pacote ZIP do Word). "
                            "Abra no Word ou LibreOffice e salve como .docx de novo.")
    _check_budget(data, label)
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
