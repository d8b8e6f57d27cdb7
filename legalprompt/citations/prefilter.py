"""Where the patterns may match, found before they run: the literal pre-filter (`Triggers`: the first
words of every head, from the pattern data, and the digit runs that start number-first patterns) and,
as the fallback for the rare text whose lower case changes its length, the digit windows."""

from __future__ import annotations

import re

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


def digit_windows(text: str) -> list[tuple[int, int]]:
    n = len(text)
    return [(max(0, m.start() - _BEFORE), min(n, m.end() + _AFTER)) for m in _DIGIT_CLUSTER.finditer(text)]


def scan_windows(pattern: re.Pattern, text: str, wins: list[tuple[int, int]]):
    for s, e in wins:
        yield from pattern.finditer(text, s, e)


class Triggers:
    """Where each family of patterns may start: the first words of every head in the pattern data
    (patterns.json: norm kinds, case classes, incidents, named norms, "triggers"), found in the
    lower-cased text, and the starts of digit runs for the number-first patterns (CNJ, old TRF, TJDFT).
    Every pattern starts at a word start with one of its first words, so trying it only there finds what
    scanning would. The patterns that need a number are looked for only inside the digit windows, so
    "art. art. art." or a page of prose costs one pass; the named norms over the whole text."""

    def __init__(self, text: str):
        C = compiled()
        self.at: dict[str, list[int]] = {f: [] for f in ("norm", "case", "named", "provision", "sumula", "tema")}
        low = text.lower()
        self.ok = len(low) == len(text)         # lower() keeps offsets for every character legal text has
        if self.ok:
            at = self.at
            for s, e in digit_windows(text):
                for m in C.triggers.finditer(low, s, e):
                    for f in C.families(m.group(0)):
                        at[f].append(m.start())
            at["named"] = [m.start() for m in C.named_triggers.finditer(low)]
        num: dict[str, list[int]] = {"cnj": [], "old_trf": [], "tjdft": []}
        for m in _NUMBER_FIRST.finditer(text):
            num[m.lastgroup].append(m.start())
        self.at.update(num)


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
