"""A corpus of hostile documents, generated on the spot (no binary fixtures): each one must be refused
by the readers with a pt-BR message, within seconds and a bounded memory. Shared by
tests/reliability/test_hostile_readers.py and bench/hostile_readers.py."""

from __future__ import annotations

import io
import os
import zlib
import zipfile
from pathlib import Path

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                  'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
                  'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                  'wordprocessingml.document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
         '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def _docx(path: Path, chunks) -> Path:
    """A .docx whose word/document.xml is streamed from `chunks` (bytes), deflated."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            for c in chunks:
                f.write(c)
    return path


def _body(inner, head=b"", tail=b""):
    yield f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>'.encode() + head
    yield from inner
    yield tail + b"</w:body></w:document>"


def _repeat(unit: bytes, total: int, block: int = 1 << 20):
    chunk = unit * max(1, block // len(unit))
    sent = 0
    while sent < total:
        yield chunk
        sent += len(chunk)


def _pdf(path: Path, objects: list[bytes]) -> Path:
    """A PDF with a correct xref from numbered object bodies (1-based); object 1 is the catalog."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


def _pdf_flate_bomb(path: Path, size: int) -> Path:
    comp = zlib.compressobj(9)
    parts = [comp.compress(b) for b in _repeat(b"BT /F1 12 Tf (a) Tj ET\n", size)]
    data = b"".join(parts) + comp.flush()
    return _pdf(path, [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def _pdf_many_pages(path: Path, pages: int) -> Path:
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
            b"<< /Length 37 >>\nstream\nBT /F1 12 Tf 72 720 Td (pagina) Tj ET\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
             b"/Resources << /Font << /F1 4 0 R >> >> >>"] * pages
    return _pdf(path, objs)


def make_corpus(folder: Path) -> dict[str, Path]:
    """name -> path of each hostile document, created in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    c: dict[str, Path] = {}
    big = folder / "texto-1gb.txt"
    with open(big, "wb") as f:
        f.truncate(1024 ** 3)  # sparse
    c["txt 1 GB (esparso)"] = big
    os.symlink("/dev/zero", folder / "zero.txt")
    c["txt -> /dev/zero"] = folder / "zero.txt"
    os.mkfifo(folder / "fila.txt")
    c["txt FIFO"] = folder / "fila.txt"
    para = b"<w:p><w:r><w:t>bomba</w:t></w:r></w:p>"
    c["docx bomba zip (1 GB de XML)"] = _docx(folder / "bomba.docx", _body(_repeat(para, 1024 ** 3)))
    c["docx 200 mil parágrafos"] = _docx(folder / "paragrafos.docx", _body([para * 200_000]))
    depth = 50_000
    c["docx aninhado 50 mil níveis"] = _docx(folder / "aninhado.docx", _body(
        [b"<w:customXml>" * depth, b"</w:customXml>" * depth]))
    c["html aninhado 11 MB"] = folder / "aninhado.html"
    n = 1_000_000
    c["html aninhado 11 MB"].write_bytes(b"<html><body>" + b"<div>" * n + b"x" + b"</div>" * n + b"</body></html>")
    c["html 400 mil elementos"] = folder / "plano.html"
    c["html 400 mil elementos"].write_bytes(b"<html><body>" + b"<p>texto</p>" * 400_000 + b"</body></html>")
    c["pdf bomba flate (1 GB)"] = _pdf_flate_bomb(folder / "bomba.pdf", 1024 ** 3)
    c["pdf 20 mil páginas"] = _pdf_many_pages(folder / "paginas.pdf", 20_000)
    return c
