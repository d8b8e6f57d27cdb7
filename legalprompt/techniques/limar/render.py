"""limar's last step: the kept units, with the original punctuation between them where only function
words were dropped, and "... " where content was cut."""

from __future__ import annotations

import re

from legalprompt.techniques.limar.lexicon import Lexicon
from legalprompt.techniques.limar.units import DROP_CONTENT, DROP_SILENT, PUNCT, UNDECIDED, WORD, Units

ELLIPSIS = "..."
_WS = re.compile(r"\s+")
_PUNCT_RUN = re.compile(r"([.,;:])(?:[ \t]*[.,;:])+")


def _ws(m: re.Match) -> str:
    return "\n" if "\n\n" in m.group() else " "


def _join(text, a, b, silent, starts, ends, keys, connectors) -> str:
    """The text between two kept units when only function words were dropped: the punctuation,
    the connectors this level keeps, and collapsed whitespace."""
    if not silent:
        between = text[a:b]
        if between == " " or not between:
            return between
        return _WS.sub(_ws, between)
    parts = []
    pos = a
    for i in silent:
        if keys[i] in connectors:
            continue
        parts.append(text[pos:starts[i]])
        pos = ends[i]
    parts.append(text[pos:b])
    joined = _WS.sub(_ws, "".join(parts))
    if not joined.strip():
        return joined
    # Dropping a phrase can leave two marks in a row ("caso. É o relatório. O" -> ". .").
    return _PUNCT_RUN.sub(r"\1", joined.replace(" ,", ",").replace(" .", "."))


def render(u: Units, lex: Lexicon, level: str) -> str:
    text, starts, ends, kinds, keys = u.text, u.starts, u.ends, u.kinds, u.keys
    decision, scope_mark, name_mark = u.decision, u.scope_mark, u.name_mark
    connectors = lex.connectors if level != "strong" else frozenset()
    out: list[str] = []
    last = -1
    cut = False
    silent: list[int] = []
    for i in range(len(u)):
        d = decision[i]
        if kinds[i] == PUNCT and not scope_mark[i]:
            if d == DROP_SILENT:
                silent.append(i)
            continue
        if d == DROP_CONTENT:
            cut = True
            continue
        if d == DROP_SILENT or (d == UNDECIDED and kinds[i] == WORD):
            silent.append(i)
            continue
        if last >= 0:
            between = text[ends[last]:starts[i]]
            if cut:
                out.append(ELLIPSIS + ("\n" if "\n\n" in between else " "))
            else:
                conn = lex.name_connectors if name_mark[last] and name_mark[i] else connectors
                out.append(_join(text, ends[last], starts[i], silent, starts, ends, keys, conn))
        elif not cut:
            out.append(_join(text, 0, starts[i], silent, starts, ends, keys, frozenset()).lstrip())
        out.append(text[starts[i]:ends[i]])
        last = i
        cut = False
        silent = []
    if last >= 0:
        if cut:
            out.append(ELLIPSIS)
        else:
            tail = _join(text, ends[last], len(text), silent, starts, ends, keys, frozenset()).rstrip()
            out.append(tail)
    return "".join(out).strip()
