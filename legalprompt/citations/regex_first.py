"""The characters a regular expression's match can start with, read from Python's own parse of it.

Used to put a one-character look-ahead (`(?=[...])`) before an alternation that is tried at many
offsets: the regex engine then rejects an offset with one class test instead of trying every
alternative there. The set is a superset (look-arounds are skipped, a class too wide to list gives up),
so the look-ahead never changes what matches. None when the set cannot be listed."""

from __future__ import annotations

import re

try:                                   # Python 3.11+
    import re._parser as _parser
except ImportError:                    # Python 3.10
    import sre_parse as _parser        # type: ignore[no-redef]

_MAX_CHARS = 4000


class _Unlistable(Exception):
    pass


# A first character is kept with the case rule it was written under: (character, case-insensitive).
# The look-ahead then puts the case-insensitive ones under (?i:...), so the regex engine itself decides
# what else they match ("k" also matches the Kelvin sign), exactly as in the pattern.


def _category(code) -> str:
    name = str(code).upper()
    for key, esc in (("NOT_DIGIT", r"\D"), ("DIGIT", r"\d"), ("NOT_SPACE", r"\S"), ("SPACE", r"\s"),
                     ("NOT_WORD", r"\W"), ("WORD", r"\w")):
        if name.endswith(key) and "LOC" not in name:
            return esc
    raise _Unlistable


def _first_in(items, icase: bool) -> set[tuple[str, bool]]:
    out: set[tuple[str, bool]] = set()
    for op, av in items:
        if op is _parser.LITERAL:
            out.add((chr(av), icase))
        elif op is _parser.RANGE:
            lo, hi = av
            if hi - lo > _MAX_CHARS:
                raise _Unlistable
            out |= {(chr(code), icase) for code in range(lo, hi + 1)}
        elif op is _parser.CATEGORY:   # kept as its escape, which a class may hold
            out.add((_category(av), False))
        else:                          # NEGATE: a class of everything but some characters
            raise _Unlistable
    return out


def _first_seq(items, icase: bool) -> tuple[set[tuple[str, bool]], bool]:
    """(first characters, whether the sequence can match the empty string)."""
    out: set[tuple[str, bool]] = set()
    for op, av in items:
        chars, nullable = _first_item(op, av, icase)
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _first_item(op, av, icase: bool) -> tuple[set[tuple[str, bool]], bool]:
    if op is _parser.LITERAL:
        return {(chr(av), icase)}, False
    if op is _parser.IN:
        return _first_in(av, icase), False
    if op is _parser.BRANCH:
        out, nullable = set(), False
        for alt in av[1]:
            chars, n = _first_seq(alt, icase)
            out |= chars
            nullable = nullable or n
        return out, nullable
    if op is _parser.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        icase = (icase or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
        return _first_seq(sub, icase)
    if op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT) or op is getattr(_parser, "POSSESSIVE_REPEAT", None):
        lo, _hi, sub = av
        chars, nullable = _first_seq(sub, icase)
        return chars, nullable or lo == 0
    if op is getattr(_parser, "ATOMIC_GROUP", None):
        return _first_seq(av, icase)
    if op in (_parser.AT, _parser.ASSERT, _parser.ASSERT_NOT):
        return set(), True             # zero width: says nothing about the first character
    raise _Unlistable                  # ANY, NOT_LITERAL, group references: anything


def _class(chars) -> str:
    return "[" + "".join(c if len(c) == 2 and c[0] == "\\" else re.escape(c) for c in sorted(chars)) + "]"


def first_chars(pattern: str, flags: int = 0) -> str | None:
    """A regex for one character a match of `pattern` can start with (a class, and a case-insensitive
    class for what was written under IGNORECASE), or None when it cannot be listed (or the pattern can
    match the empty string)."""
    try:
        parsed = _parser.parse(pattern, flags)
        icase = bool(parsed.state.flags & re.IGNORECASE)
        chars, nullable = _first_seq(parsed, icase)
    except (_Unlistable, re.error, AttributeError, TypeError, ValueError):
        return None
    if nullable or not chars or len(chars) > _MAX_CHARS:
        return None
    folded = {c for c, i in chars if i}
    exact = {c for c, i in chars if not i} - folded          # the case-insensitive one covers it
    parts = ([_class(exact)] if exact else []) + ([f"(?i:{_class(folded)})"] if folded else [])
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
