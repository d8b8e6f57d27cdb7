"""Word-level diff between two outputs (difflib over words, whitespace kept as written)."""

from __future__ import annotations

import difflib
import re

_TOKENS = re.compile(r"\s+|\S+")

EQUAL, DELETE, INSERT = "=", "-", "+"


def word_diff(a: str, b: str) -> list[tuple[str, str]]:
    """Pieces (op, text) that rebuild both texts: the '=' and '-' pieces concatenated give `a`,
    the '=' and '+' pieces give `b`. Words are compared as whole tokens; whitespace is its own token
    so a change of spacing alone does not mark the neighbouring words as changed."""
    ta, tb = _TOKENS.findall(a), _TOKENS.findall(b)
    out: list[tuple[str, str]] = []

    def push(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))

    sm = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            push(EQUAL, "".join(ta[i1:i2]))
        else:
            push(DELETE, "".join(ta[i1:i2]))
            push(INSERT, "".join(tb[j1:j2]))
    return out


def side(pieces: list[tuple[str, str]], which: str) -> str:
    """Rebuild one side of a diff: which='a' (equal + deleted) or 'b' (equal + inserted)."""
    keep = {EQUAL, DELETE} if which == "a" else {EQUAL, INSERT}
    return "".join(t for op, t in pieces if op in keep)


def changed_spans(pieces: list[tuple[str, str]]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans of what differs, in `a` and in `b`, from `word_diff`'s pieces (for highlighting)."""
    spans_a: list[tuple[int, int]] = []
    spans_b: list[tuple[int, int]] = []
    pa = pb = 0
    for op, text in pieces:
        n = len(text)
        if op == EQUAL:
            pa += n
            pb += n
        elif op == DELETE:
            if text.strip():
                spans_a.append((pa, pa + n))
            pa += n
        else:
            if text.strip():
                spans_b.append((pb, pb + n))
            pb += n
    return spans_a, spans_b
