"""The walking patterns of the pattern data and the small readers every extractor shares (years,
dates, numbers)."""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache

from legalprompt.citations.models import DateRef
from legalprompt.citations.patterns import NUM_SIGN, WB, compiled, date_regex, fold_key, load_json


def year4(y: str | None) -> int | None:
    if not y:
        return None
    v = int(y)
    if len(y) == 2:
        this = _dt.date.today().year % 100
        return 2000 + v if v <= this else 1900 + v
    return v


def _month_number(name: str) -> int:
    months = [fold_key(m) for m in load_json("patterns.json")["months"]]
    return months.index(fold_key(name)) + 1


def date_from(m: re.Match, p: str) -> DateRef | None:
    if m.group(p + "d"):
        d, mo, y = m.group(p + "d"), m.group(p + "m"), m.group(p + "y")
        s, e = m.start(p + "d"), m.end(p + "y")
        return DateRef(m.string[s:e], s, e, int(d), int(mo), year4(y))
    if m.group(p + "D"):
        s, e = m.start(p + "D"), m.end(p + "Y")
        return DateRef(m.string[s:e], s, e, int(m.group(p + "D")), _month_number(m.group(p + "M")),
                       int(m.group(p + "Y")))
    return None


_NOT_DIGIT = re.compile(r"\D")


def int_number(s: str) -> int:
    return int(_NOT_DIGIT.sub("", s))


@lru_cache(maxsize=1)
def walk_patterns() -> dict[str, re.Pattern]:
    """The walking patterns of the pattern data ("extract_patterns" in patterns.json), with their
    {{placeholders}} filled from the compiled heads (courts, states) and the shared pieces."""
    C = compiled()
    subs = {"court": C.court_re, "num_sign": NUM_SIGN, "wb": WB, "ufs": "|".join(sorted(C.ufs)),
            **{f"date_{p}": date_regex(p) for p in "jpv"}}
    fill = re.compile(r"\{\{(\w+)\}\}")
    return {name: re.compile(fill.sub(lambda m: subs[m.group(1)], rx))
            for name, rx in load_json("patterns.json")["extract_patterns"].items() if not name.startswith("_")}


_CAPS_S = re.compile(r"[A-Z]{2,}S\b")
_PLURAL_SIGN = re.compile(r"(?i:n\.?\s?[º°o]s|n[úu]meros)\s?$")
_CNJ_SPLIT = re.compile(r"(\d{1,7})\s?-\s?(\d{2})\.(\d{4})\.(\d)\.(\d{2})\.(\d{4})$")
_SPACE = re.compile(r"\s")


def may_continue(text: str, pos: int) -> bool:
    """Whether an enumeration can go on at `pos`: a comma or an "e", after at most one space (what
    list_cont and case_cont start with)."""
    c = text[pos:pos + 1]
    if c.isspace():
        c = text[pos + 1:pos + 2]
    return c in (",", "e", "E")


def plural_head(text: str, start: int, end: int) -> bool:
    head = text[start:end]
    if "s" not in head and "S" not in head and "ſ" not in head:
        return False                             # every plural form has an s ("Leis", "nºs", "números")
    if _CAPS_S.match(head):          # "MS", "ADIS": an abbreviation, not a plural
        return bool(_PLURAL_SIGN.search(head))
    return bool(walk_patterns()["plural"].search(head))


def cnj_normal(s: str) -> str | None:
    digits = _NOT_DIGIT.sub("", s)
    m = _CNJ_SPLIT.match(_SPACE.sub("", s))
    if m:
        return f"{int(m.group(1)):07d}-{m.group(2)}.{m.group(3)}.{m.group(4)}.{m.group(5)}.{m.group(6)}"
    if len(digits) == 20:
        return f"{digits[:7]}-{digits[7:9]}.{digits[9:13]}.{digits[13]}.{digits[14:16]}.{digits[16:]}"
    return None
