"""Text from HTML pages, with block structure (paragraphs, list items, table rows) kept as lines.

Scripts, styles and other invisible parts are dropped. The encoding comes from a BOM or a
<meta charset> declaration when present (Latin-1 labels mean Windows-1252, as browsers read them),
otherwise from `decode_bytes`.
"""

from __future__ import annotations

import codecs
import re

from legalprompt.errors import DocumentError
from legalprompt.documents.encoding import decode_bytes_ex

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


# Budgets: past these a page is not a document to summarise, and the parse would take minutes (the
# old tree-editing extraction was quadratic: 550 KB of nested <div> took 163 s). Real pages of court
# decisions nest a few dozen levels and hold some thousands of elements.
MAX_HTML_DEPTH = 200
MAX_HTML_ELEMENTS = 100_000


def _check_budget(markup: str, label: str) -> None:
    """Depth and element count from lxml's C pull parser (linear), before the tree is built."""
    from lxml import etree

    parser = etree.HTMLPullParser(events=("start", "end"), no_network=True, recover=True)
    depth = elements = 0
    step = 1 << 20
    for i in range(0, len(markup), step):
        parser.feed(markup[i:i + step])
        for event, _ in parser.read_events():
            if event == "start":
                depth += 1
                elements += 1
                if depth > MAX_HTML_DEPTH:
                    raise DocumentError(
                        f"{label}: página HTML aninhada demais (mais de {MAX_HTML_DEPTH} níveis de elementos). "
                        "Abra-a no navegador, salve como PDF ou copie o texto para um .txt, e tente de novo.")
                if elements > MAX_HTML_ELEMENTS:
                    limit = f"{MAX_HTML_ELEMENTS:_}".replace("_", ".")
                    raise DocumentError(
                        f"{label}: página HTML com elementos demais (mais de {limit}). Abra-a no "
                        "navegador, salve como PDF ou copie o texto para um .txt, e tente de novo.")
            else:
                depth -= 1
    try:
        parser.close()
    except etree.LxmlError:
        pass  # recover=True: a broken page is still read below


def _text_of(soup) -> str:
    """The visible text with block markers, in one pass over the tree (no tree edits: linear time,
    and no recursion however deep the page)."""
    from bs4 import NavigableString, Tag
    from bs4.element import CData

    out: list[str] = []
    in_pre = 0
    stack = [(soup, iter(soup.contents))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if node is soup:
                continue
            name = node.name
            if name in ("td", "th"):
                out.append(" | ")
            elif name in _PARAGRAPH:
                out.append(_PARA)
                if name == "pre":
                    in_pre -= 1
            elif name in _LINE:
                out.append(_BLOCK)
            continue
        if isinstance(child, Tag):
            name = child.name
            if name in _DROP:
                continue
            if name == "br":
                out.append(_BR)
                continue
            if name in _PARAGRAPH:
                out.append(_PARA)
                if name == "pre":
                    in_pre += 1
            elif name in _LINE:
                out.append(_BLOCK)
                if name == "li":
                    out.append("- ")
            stack.append((child, iter(child.contents)))
        elif type(child) in (NavigableString, CData):  # not comments, doctypes, processing instructions
            out.append(child.replace("\n", _BR) if in_pre else str(child))
    return "".join(out)


def read_html(data: bytes, label: str) -> tuple[str, str]:
    """Returns (text, encoding)."""
    from bs4 import BeautifulSoup

    markup, encoding = _decode(data, label)
    _check_budget(markup, label)
    try:
        soup = BeautifulSoup(markup, "lxml")
    except Exception:  # lxml missing or refusing the markup
        soup = BeautifulSoup(markup, "html.parser")
    text = _text_of(soup)
    text = _WS.sub(" ", text)
    text = _PARA_RUN.sub("\n\n", text)
    text = _BLOCK_RUN.sub("\n", text).replace(_BR, "\n")
    lines = [ln.strip().removesuffix("|").rstrip() for ln in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not text:
        raise DocumentError(f"{label}: página HTML sem texto visível. Confira se é o arquivo certo.")
    return text, encoding
