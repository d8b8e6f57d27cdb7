"""Where the patterns may match, found before they run: the literal pre-filter (`Triggers`: the first
words of every head, from the pattern data, and the digit runs that start number-first patterns) and,
as the fallback for the rare text whose lower case changes its length, the digit windows.

The first words are found in one pass of an Aho-Corasick automaton (pyahocorasick, in C) over a folded
copy of the text that keeps every offset: one character per character, letters lower-cased and without
accents, digits as "0", the rest as a space, except the few signs the patterns start at. A whole first
word is a keyword with the character before it and the one after it, so a hit is that word and proposes
its families; a first word with a flexible part (spaces, a dash) is a keyword up to that part, and its
hits are confirmed by the trigger regexes. Proposals are a superset of what the regex scan finds (a
hit may fold an accent the pattern does not take: the pattern tried there decides), at a fraction of
the cost: a regex alternation is tried at every character, the automaton costs one table step."""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache

import ahocorasick

from legalprompt.citations.patterns import compiled


# Every pattern but the named norms needs a digit (a number, an article, a date) within a short reach:
# the text is scanned once for digits and those patterns run only on the windows around them, so a
# page of prose without numbers costs one pass of a one-character class. The reach covers the longest
# head before a number ("Agravo Regimental nos Embargos de Declaração no Recurso Especial nº") and the
# longest tail after one (a spelled-out date, a court's full name).
_BEFORE, _AFTER = 240, 160
# a cluster of digit runs whose gaps are shorter than the two reaches together: one window (the classes
# are disjoint, so a failed gap costs at most its length once)
_DIGIT_CLUSTER = re.compile(r"\d+(?:\D{1,%d}\d+)*" % (_BEFORE + _AFTER))
# the number-first patterns, by how their number starts: CNJ "NNNNNNN-DD." (1-7 digits, a dash), old
# TRF "AAAA.NN." (4 digits, a dot), TJDFT "AAAANNNNNNNNNN" + letters (14 digits); a digit first, so the
# regex engine skips to digits quickly, and the look-behind after it
_NUMBER_FIRST = re.compile(r"\d(?<![\w.-]\d)(?:(?P<cnj>\d{0,6}(?=\s?-))|(?P<old_trf>\d{3}(?=\.))"
                           r"|(?P<tjdft>\d{13}(?!\d)))")
# a word character outside Latin-1 (Greek, Cyrillic, other scripts' digits)
_WIDE_WORD = re.compile(r"[^\W\x00-\xff]")
_FAMILIES = ("norm", "case", "named", "provision", "sumula", "tema")
_OPEN = " .-§"            # the folded characters a first word may follow (what `(?<![\w])` lets through)


def digit_windows(text: str) -> list[tuple[int, int]]:
    n = len(text)
    return [(max(0, m.start() - _BEFORE), min(n, m.end() + _AFTER)) for m in _DIGIT_CLUSTER.finditer(text)]


def scan_windows(pattern: re.Pattern, text: str, wins: list[tuple[int, int]]):
    for s, e in wins:
        yield from pattern.finditer(text, s, e)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch.isdecimal():
        return "0"
    if ch in _OPEN or ch == "_":
        return ch
    if ch.isalnum():                      # a word character: its letter without accent, or "x"
        base = unicodedata.normalize("NFKD", ch.lower())[:1]
        return base if base.isascii() and base.isalpha() else "x"
    return " "


@lru_cache(maxsize=1)
def _fold_table() -> bytes:
    return bytes(ord(_fold_char(chr(i))) for i in range(256))


def _fold_wide(exc: UnicodeError):
    """The encoding's error handler: a character outside Latin-1 becomes its folded class ("x" for a
    letter, "0" for a digit, a space for the rest), one byte for one character."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    run = exc.object[exc.start:exc.end]
    # curly quotes and dashes, the usual run, are no word characters: all spaces
    return ("".join(map(_fold_char, run)) if _WIDE_WORD.search(run) else " " * len(run)), exc.end


codecs.register_error("legalprompt-fold", _fold_wide)


def fold_text(text: str) -> str:
    """" " + the text + " ", folded one character per character (see the module docstring)."""
    raw = text.encode("latin-1", "legalprompt-fold")
    return (b" " + raw + b" ").translate(_fold_table()).decode("latin-1")


def _stems(word: str) -> tuple[list[str], bool]:
    """The folded literal starts of a first word, up to its first flexible part, and whether a start is
    the whole word. A dash (which may have spaces around it) or another sign ends the start. A space,
    which the pattern allows repeated, is spelled out 1 to 3 times with the letters after it up to the
    next flexible part, plus once as 4 spaces and nothing after ("A G .REG.": not every "a " of the
    text)."""
    out = []
    for i, ch in enumerate(word):
        f = _fold_char(ch)
        if f == " " and ch.isspace() and out:
            head, rest = "".join(out), []
            for c2 in word[i + 1:]:
                f2 = _fold_char(c2)
                if f2 in (" ", "-"):
                    break
                rest.append(f2)
            tail = "".join(rest) + (" " if len(rest) < len(word) - i - 1 else "")
            return [head + " " * k + tail for k in (1, 2, 3)] + [head + "    "], False
        if f in (" ", "-"):
            return ["".join(out)], False
        out.append(f)
    return ["".join(out)], True


# what may follow a whole first word: not a letter (a space, a digit, a sign), or a number sign glued to
# it ("Lein° 12.034", "nº", "n.")
_TAILS = (" ", "0", ".", "-", "§", "_", "n ", "no", "n.")


# a proposal's bits: the families a whole first word starts (tried where a digit is near, except the
# named norms), the first words that end in a flexible part (confirmed by their regex, which tells
# the word), and the digit runs of the number-first patterns
_BIT = {f: 1 << i for i, f in enumerate(_FAMILIES)}
_NEAR_DIGITS = sum(_BIT[f] for f in _FAMILIES if f != "named")
_CONFIRM_TRIGGER, _CONFIRM_NAMED, _NUMBER = 1 << 8, 1 << 9, 1 << 10
_NAMED = _BIT["named"]


def _family_bits(families) -> int:
    return sum(_BIT[f] for f in families)


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    """Keywords: every first word's stem after each character a word may follow (a whole word also
    with each character that may end it); "§", which starts a word by itself; and the digit runs the
    number-first patterns start with. A keyword's value: (its length minus the offset of the word in
    it, the proposal's bits)."""
    C = compiled()
    keys: dict[str, list[int]] = {}           # keyword -> [bits, offset of the word in it]

    def add(kw: str, bits: int, opened: int) -> None:
        entry = keys.setdefault(kw, [0, opened])
        assert entry[1] == opened, kw
        entry[0] |= bits

    for named, heads in ((False, C.trigger_heads), (True, C.named_heads)):
        for w in heads:
            stems, whole = _stems(w)
            if not all(stems):
                raise ValueError(f"first word {w!r} has no literal start for the pre-filter")
            if whole:
                bits = _NAMED if named else _family_bits(C.word_families(w))
            else:
                bits = _CONFIRM_NAMED if named else _CONFIRM_TRIGGER
            for st in stems:
                for tail in (_TAILS if whole else ("",)):
                    if st[0] == "§":
                        add(st + tail, bits, 0)
                    else:
                        for o in _OPEN:
                            add(o + st + tail, bits, 1)
    for o in " §":                            # a digit not after a word character, "." or "-"
        for k in range(1, 8):
            add(o + "0" * k + "-", _NUMBER, 1)
            add(o + "0" * k + " -", _NUMBER, 1)
        add(o + "0000.", _NUMBER, 1)
        add(o + "0" * 14, _NUMBER, 1)
    A = ahocorasick.Automaton()
    for kw, (bits, opened) in keys.items():
        A.add_word(kw, (len(kw) - opened, bits))
    A.make_automaton()
    return A


def _in_window(folded: str, p: int) -> bool:
    """Whether text offset `p` lies in a digit window (`digit_windows`): a digit at most _BEFORE after
    it, or one at most _AFTER before it (a gap inside a cluster is shorter than the two together)."""
    return folded.find("0", p + 1, p + _BEFORE + 2) >= 0 or folded.find("0", max(1, p - _AFTER + 1), p + 1) >= 0


class Triggers:
    """Where each family of patterns may start: the first words of every head in the pattern data
    (patterns.json: norm kinds, case classes, incidents, named norms, "triggers"), found in the
    lower-cased text, and the starts of digit runs for the number-first patterns (CNJ, old TRF, TJDFT).
    Every pattern starts at a word start with one of its first words, so trying it only there finds what
    scanning would. The patterns that need a number are looked for only inside the digit windows, so
    "art. art. art." or a page of prose costs one pass; the named norms over the whole text."""

    def __init__(self, text: str):
        self.at: dict[str, list[int]] = {f: [] for f in (*_FAMILIES, "cnj", "old_trf", "tjdft")}
        # lower() keeps every offset but for one character ("İ" becomes two): the confirming regexes run on
        # the lower-cased text, so a text with it takes the digit windows
        self.ok = "\u0130" not in text
        if self.ok:
            self._from_automaton(text, fold_text(text))
            return
        for m in _NUMBER_FIRST.finditer(text):
            self.at[m.lastgroup].append(m.start())

    def _from_automaton(self, text: str, folded: str) -> None:
        C = compiled()
        low = None                                    # lower-cased when a proposal needs confirming
        at = self.at
        proposed: dict[int, int] = {}
        for end, (back, bits) in _automaton().iter(folded):
            p = end - back
            proposed[p] = proposed.get(p, 0) | bits
        lists_of: dict[int, list[list[int]]] = {}     # family bits -> the lists they add to
        confirmed: dict[str, int] = {}                # word matched by the trigger regex -> family bits
        num_end = -1                                  # non-overlapping, as finditer gives them
        for p in sorted(proposed):
            bits = proposed[p]
            if bits & _CONFIRM_TRIGGER:
                if low is None:
                    low = text.lower()
                m = C.triggers.match(low, p)
                if m:
                    w = m.group(0)
                    fb = confirmed.get(w)
                    if fb is None:
                        fb = confirmed[w] = _family_bits(C.families(w))
                    bits |= fb
            if bits & _CONFIRM_NAMED and not bits & _NAMED:
                if low is None:
                    low = text.lower()
                if C.named_triggers.match(low, p):
                    bits |= _NAMED
            fams = bits & (_NEAR_DIGITS | _NAMED)
            if fams & _NEAR_DIGITS and not _in_window(folded, p):
                fams &= _NAMED
            if fams:
                lists = lists_of.get(fams)
                if lists is None:
                    lists = lists_of[fams] = [at[f] for f in _FAMILIES if fams & _BIT[f]]
                for lst in lists:
                    lst.append(p)
            if bits & _NUMBER and p >= num_end:
                m = _NUMBER_FIRST.match(text, p)
                if m:
                    num_end = m.end()
                    at[m.lastgroup].append(p)

def _at(pattern: re.Pattern, text: str, starts: list[int]):
    """pattern.finditer(text), tried only at `starts` (sorted): the same non-overlapping matches."""
    last = -1
    for p in starts:
        if p < last:
            continue
        m = pattern.match(text, p)
        if m:
            last = m.end()
            yield m


def find_at_triggers(pattern: re.Pattern, text: str, wins, trig: Triggers | None, family: str):
    if trig is not None and trig.ok:
        return _at(pattern, text, trig.at[family])
    if family == "named":
        return pattern.finditer(text)
    return scan_windows(pattern, text, wins)
