"""Text from HTML pages, with block structure (paragraphs, list items, table rows) kept as lines.

Scripts, styles and other invisible parts are dropped. The encoding comes from a BOM or a
<meta charset> declaration when present (Latin-1 labels mean Windows-1252, as browsers read them),
otherwise from `decode_bytes`.
"""

from __future__ import annotations

import codecs
import re

from legalprompt.errors import DocumentError
from legalprompt.textio import decode_bytes_ex

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.IGNORECASE)
_WHATWG_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "l1": "cp1252",
                   "ascii": "cp1252", "us-ascii": "cp1252", "iso8859-1": "cp1252", "windows-1252": "cp1252"}
_DROP = ["script", "style", "noscript", "template", "head", "svg", "iframe", "object", "canvas", "button",
         "select", "form"]
_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "dl", "pre",
              "section", "article", "figure", "hr"}
_LINE = {"div", "li", "tr", "dt", "dd", "header", "footer", "main", "aside", "nav", "address",
         "caption", "figcaption", "tbody", "thead", "tfoot", "center", "fieldset", "legend"}
_BR = "\ue001"     # a <br>: a line break of its own
_PARA = "\ue000"   # a paragraph boundary; adjacent ones merge
_BLOCK = "\ue002"  # a block boundary (div, li, tr); adjacent ones merge
_WS = re.compile(r"[^\S\ue000\ue001\ue002]+")
_PARA_RUN = re.compile(r"[ \ue002]*\ue000[ \ue000\ue002]*")
_BLOCK_RUN = re.compile(r"[ \ue002]*\ue002[ \ue002]*")


def _decode(data: bytes, label: str) -> tuple[str, str]:
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        m = _META_CHARSET.search(data[:4096])
        if m:
            name = m.group(1).decode("ascii").lower()
            name = _WHATWG_ALIASES.get(name, name)
            try:
                codecs.lookup(name)
                return data.decode(name).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", ""), name
            except (LookupError, UnicodeDecodeError):
                pass
    return decode_bytes_ex(data, label)


def read_html(data: bytes, label: str) -> tuple[str, str]:
    """Returns (text, encoding)."""
    from bs4 import BeautifulSoup

    markup, encoding = _decode(data, label)
    try:
        soup = BeautifulSoup(markup, "lxml")
    except Exception:  # lxml missing or refusing the markup
        soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(_DROP):
        tag.decompose()
    for tag in soup.find_all(True):
        name = tag.name
        if name == "br":
            tag.replace_with(_BR)
        elif name in ("td", "th"):
            tag.append(" | ")
        elif name in _PARAGRAPH:
            tag.insert_before(_PARA)
            tag.insert_after(_PARA)
            if name == "pre":
                for s in tag.find_all(string=True):
                    s.replace_with(s.replace("\n", _BR))
        elif name in _LINE:
            tag.insert_before(_BLOCK)
            tag.insert_after(_BLOCK)
            if name == "li":
                tag.insert(0, "- ")
    text = soup.get_text()
    text = _WS.sub(" ", text)
    text = _PARA_RUN.sub("\n\n", text)
    text = _BLOCK_RUN.sub("\n", text).replace(_BR, "\n")
    lines = [ln.strip().removesuffix("|").rstrip() for ln in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not text:
        raise DocumentError(f"{label}: página HTML sem texto visível. Confira se é o arquivo certo.")
    return text, encoding
