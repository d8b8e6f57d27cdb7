"""Compile the pattern database (`legalprompt/data/citations/patterns.json` plus the names and
aliases of the well-known norms in `known_norms.json`) into regular expressions.

Names are turned into a prefix trie before compiling, so a few hundred alternatives cost about as
much as one: the regex engine never re-tries a shared prefix. Every quantifier is either bounded or
applied to a single character class, so no pattern can backtrack catastrophically (see
bench/citations_speed.py for the hostile inputs).

Compiled lazily on first use and cached; importing this module reads no file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

_FOLD = {
    "a": "aáàâã", "e": "eéê", "i": "ií", "o": "oóôõ", "u": "uúü", "c": "cç",
}
for _base, _chars in list(_FOLD.items()):
    for _ch in _chars:
        _FOLD[_ch] = _chars


def _data_file(name: str):
    return resources.files("legalprompt").joinpath("data", "citations", name)


@lru_cache(maxsize=None)
def load_json(name: str):
    with _data_file(name).open("r", encoding="utf-8") as fh:
        return json.load(fh)


def _units(s: str, *, loose: bool) -> list[str]:
    """One regex fragment per character: accent-folded letters, flexible spaces and dashes."""
    out: list[str] = []
    for ch in s:
        low = ch.lower()
        if ch == " ":
            out.append(r"\s+" if loose else r"\s?")
        elif ch == "-" and loose:
            out.append(r"\s?-\s?")
        elif ch == "." and loose:
            out.append(r"\.")
        elif loose and low in _FOLD:
            out.append("[" + _FOLD[low] + "]")
        else:
            out.append(re.escape(ch))
    return out


def trie_regex(seqs: list[list[str]]) -> str:
    """Alternation of unit sequences, factored by shared prefixes; longer matches tried first."""
    trie: dict = {}
    for seq in seqs:
        node = trie
        for u in seq:
            node = node.setdefault(u, {})
        node[""] = {}

    def emit(node: dict) -> str:
        end = "" in node
        alts = [k + emit(v) for k, v in node.items() if k != ""]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if end else body

    return emit(trie)


def names_regex(names: list[str]) -> str:
    """Case- and accent-insensitive alternation of names (any whitespace between words)."""
    return "(?i:" + trie_regex([_units(n, loose=True) for n in dict.fromkeys(names)]) + ")"


def abbr_regex(abbrs: list[str]) -> str:
    """Case-sensitive alternation of abbreviations, as written and in upper case."""
    variants: list[str] = []
    for a in abbrs:
        variants.append(a)
        variants.append(a.upper())
    return trie_regex([_units(a, loose=False) for a in dict.fromkeys(variants)])


WB = r"(?<![\w])"      # start of a word
WE = r"(?![\w])"       # end of a word

# "nºs", "n.ºs", "números": the plural sign of an enumeration ("Leis nºs 8.078/1990 e 10.406/2002")
NUM_SIGN = r"(?:(?i:n(?:[º°]s?|o|\.\s?[º°o]s?|r\.|[úu]meros?|\.)|N\.?\s?[º°]s?)\.?\s?:?\s?)"
# Process numbers from before the CNJ unified number (Resolução 65/2008), as courts wrote them.
PRE_CNJ_NUMBER = (
    r"|\d{4}\.\d{2}\.\d{2}\.\d{6}-\d"                                  # TRF: 2001.61.00.012345-6
    r"|\d{2}\.\d{2}\.\d{5,6}-\d"                                       # TRF, 1990s: 96.03.012345-6
    r"|\d{3}\.\d{2}\.\d{6}-\d"                                         # TJSP: 994.09.123456-7
    r"|(?:19|20)\d{2}\.\d{3}\.\d{4,6}(?![\d.])"                        # TJRJ: 2003.001.12345
    r"|\d{1,3}(?:\.\d{3})?/(?:19|20)\d{2}-\d{3}-\d{2}-\d{2}(?:\.\d)?"  # TST: 123.456/2003-900-02-00.1
    r"|\d{3}\.\d{3}/(?:19|20)\d{2}-\d"                                 # TCU: TC 012.345/2004-5
)
DATE_NUM = r"(?P<{p}d>\d{{1,2}})\s?[/.-]\s?(?P<{p}m>\d{{1,2}})\s?[/.-]\s?(?P<{p}y>\d{{4}}|\d{{2}})(?!\d)"


def month_regex() -> str:
    return names_regex(load_json("patterns.json")["months"])


def date_regex(prefix: str) -> str:
    """A date, numeric (14/11/2017, 14.11.17) or spelled out (11 de setembro de 1990)."""
    return (
        "(?:" + DATE_NUM.format(p=prefix) + "|"
        rf"(?P<{prefix}D>\d{{1,2}})[º°o]?\s+(?i:de)\s+(?P<{prefix}M>" + month_regex() + rf")\s+(?i:de)\s+(?P<{prefix}Y>\d{{4}})(?!\d))"
    )


@dataclass
class NamedNorm:
    key: str
    local: bool = False
    standalone: bool = True


@dataclass
class Compiled:
    numbered: re.Pattern
    named: re.Pattern
    named_attach: re.Pattern
    named_lookup: dict[str, NamedNorm]
    named_regex_keys: list[tuple[re.Pattern, NamedNorm]]
    kind_lookup: dict[str, str]
    case_core: re.Pattern
    class_lookup: dict[str, dict]
    court_lookup: dict[str, str]
    court_re: str
    ufs: frozenset
    alias_keys: dict[str, set[str]] = field(default_factory=dict)   # folded name -> every norm it can mean
    extra: dict = field(default_factory=dict)
    triggers: re.Pattern | None = None        # the literal pre-filter: first words of every head that needs
                                              # a number (lower case)
    named_triggers: re.Pattern | None = None  # the same for the named norms ("Código Civil", "CDC")
    trigger_words: list[tuple[str, str]] = field(default_factory=list)   # (squeezed folded word, family)
    trigger_heads: tuple[str, ...] = ()       # the first words behind `triggers`, lower case, as written
    named_heads: tuple[str, ...] = ()         # the same behind `named_triggers`
    _families: dict[str, frozenset] = field(default_factory=dict)

    def families(self, word: str) -> frozenset:
        """The pattern families a trigger word (as matched in the lower-cased text) can start: every
        family with a trigger word that is a prefix of it."""
        hit = self._families.get(word)
        if hit is None:
            key = squeeze(word)
            hit = self._families[word] = frozenset(f for w, f in self.trigger_words if key.startswith(w))
        return hit

    def word_families(self, word: str) -> frozenset:
        """The families of exactly this first word (not of the shorter words it starts with): what a
        whole word followed by its boundary can start. "ar" (Ação Rescisória) is a prefix of "art", but
        every head is followed by a boundary, a space or a number sign, never by a letter, so "AR"
        cannot start at "art"."""
        key = squeeze(word)
        return frozenset(f for w, f in self.trigger_words if w == key)


def squeeze(word: str) -> str:
    return fold_key(word).replace(" ", "")


def _first_word(name: str) -> str:
    """The word a head starts with: the whole name when its first word is a letter ("A G .REG."), the
    literal part before any regex syntax for a name written as a regex ("RI(?:TJ|TRF)..." -> "RI")."""
    w = name.strip().split()[0]
    if len(w) < 2:
        w = name.strip()
    return re.split(r"[\[\](){}?*+|\\]", w)[0] or w


def trigger_regex(families: dict[str, list[str]]) -> tuple[re.Pattern, list[tuple[str, str]], tuple[str, ...]]:
    """One regex over the lower-cased text for the first words of all families (accent-insensitive),
    the (word, family) list that tells which patterns a hit can start, and the first words themselves."""
    words: dict[str, set[str]] = {}
    for fam, names in families.items():
        for n in names:
            w = _first_word(n).lower()
            words.setdefault(w, set()).add(fam)
    seqs = [_units(w, loose=True) for w in words]
    table = sorted({(squeeze(w), f) for w, fs in words.items() for f in fs})
    # a first word is a whole word: what follows it is not a letter ("RE" does not start "recurso"; "HC123",
    # "CF/88" and "art." do start their heads), or it is a number sign glued to it ("Lein° 12.034")
    return (re.compile(r"(?<![\w])(?:" + trie_regex(seqs) + r")(?:(?![^\W\d_])|(?=n[º°.]))"), table,
            tuple(words))


@lru_cache(maxsize=65536)
def fold_key(s: str) -> str:
    """Lower-case, accent-free, single-spaced form used for table look-ups."""
    import unicodedata

    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("º", "o").replace("°", "o").replace("ª", "a")
    return re.sub(r"\s+", " ", s).strip().lower()


@lru_cache(maxsize=1)
def compiled() -> Compiled:
    db = load_json("patterns.json")
    known = load_json("known_norms.json")

    # ---------------- legislation: numbered norms ("Lei nº 8.078/90")
    kind_lookup: dict[str, str] = {}
    plain_names, plain_abbr, year_abbr = [], [], []
    for entry in db["norm_kinds"]:
        for n in entry["names"]:
            plain_names.append(n)
            kind_lookup[fold_key(n)] = entry["kind"]
        for a in entry["abbr"]:
            (year_abbr if entry.get("requires_year") else plain_abbr).append(a)
            kind_lookup[fold_key(a)] = entry["kind"]
    q = db["norm_qualifiers"]
    qual_words = q["local"] + q["federal"] + q["neutral"]
    qual = (r"(?:[\s/-]{1,3}(?P<qual%d>" + names_regex(qual_words)
            + r"|(?i:d[aoe])\s+[A-Z]{2,8}(?![\w])|[A-Z]{2,8}(?![\w])))")
    quals = qual % 1 + "?" + qual % 2 + "?"
    number = r"(?P<num>\d{1,3}(?:\.\d{3}){1,3}|\d{1,6})(?P<suffix>-\d{1,3}(?!\d)|-[A-Z](?![\w]))?"
    cnj_number = r"(?P<cnjnum>\d{1,7}\s?-\s?\d{2}\.\d{4}\.\d\.\d{2}\.\d{4})"
    year = (r"(?:\s?/\s?(?P<year>\d{4}|\d{2})(?!\d)"
            r"|,?\s+(?i:de)\s+(?:" + date_regex("n") + r"|(?P<year2>\d{4})(?!\d)))?")
    issuer = r"(?:\s+(?i:d[oa])\s+(?:" + "|".join(db["norm_issuers"]) + r")(?![\w]))?"
    local_suffix = issuer + r"(?:,?\s+(?P<lsuf>(?i:" + "|".join(q["local_suffix_regex"]) + r")(?![\w])))?"
    head = "(?P<kind>" + names_regex(plain_names) + "|" + abbr_regex(plain_abbr) + ")"
    head_y = "(?P<kindy>" + abbr_regex(year_abbr) + ")"
    numbered = re.compile(
        WB + "(?:" + head + quals + r"\s?" + NUM_SIGN + "?" + r"\s?(?:" + cnj_number + "|" + number + year + local_suffix + ")"
        + "|" + head_y + r"\s?(?P<numy>\d{1,3}(?:\.\d{3}){1,3}|\d{1,6})\s?/\s?(?P<yeary>\d{4}|\d{2})(?!\d))"
        + r"(?![\d])"
    )

    # ---------------- legislation: named norms and codes ("CPC", "Código Civil", "Carta Magna")
    standalone_abbr = set(db["standalone_abbreviations"])
    named_lookup: dict[str, NamedNorm] = {}
    alias_keys: dict[str, set[str]] = {}
    name_list, abbr_alone, abbr_attach = [], [], []
    regex_names: list[tuple[str, NamedNorm]] = []
    for entry in db["named_norms"]:
        nn = NamedNorm(entry["key"], local=entry.get("local", False))
        for n in entry["names"]:
            if entry.get("regex"):
                regex_names.append((n, nn))
            else:
                name_list.append(n)
                named_lookup[fold_key(n)] = nn
        for n in entry["names"] + entry["abbr"]:
            alias_keys.setdefault(fold_key(n), set()).add(nn.key)
        for a in entry["abbr"]:
            named_lookup[fold_key(a)] = nn
            (abbr_alone if a in standalone_abbr else abbr_attach).append(a)
    for row in known:
        key = f"{row['kind']}:{row['number']}"
        for n in [row["nickname"], *row["aliases"]]:
            alias_keys.setdefault(fold_key(n), set()).add(key)
            if re.match(r"(?i)(lei|lc|ec|decreto)\b\.?\s*(n|\d)", n):
                continue                       # "Lei 8.112", "EC 45/2004": found by the numbered pattern
            nn = NamedNorm(key)
            if fold_key(n) in named_lookup:
                continue
            named_lookup[fold_key(n)] = nn
            if " " in n or len(n) > 6 and not n.isupper():
                name_list.append(n)
            else:
                (abbr_alone if n in standalone_abbr else abbr_attach).append(n)
    year_tail = r"(?:\s?/\s?(?P<nyear>\d{4}|\d{2})(?![\d])|\s+(?i:de)\s+(?P<nyear2>1[89]\d\d|20\d\d)(?![\d]))?"
    named_parts = [names_regex(name_list) + WE, abbr_regex(abbr_alone) + r"(?![\w/])"]
    named_regex_keys = []
    for rx, nn in regex_names:
        named_parts.insert(0, "(?i:" + rx + ")" + WE)
        named_regex_keys.append((re.compile("(?i:" + rx + ")"), nn))
    named = re.compile(WB + "(?P<name>" + "|".join(named_parts) + ")" + year_tail)
    named_attach = re.compile(WB + "(?P<name>" + "|".join(named_parts + [abbr_regex(abbr_attach) + r"(?![\w/])"]) + ")" + year_tail)

    # ---------------- case law: class + number ("REsp n. 1694984/MS", "AgRg no HC 123")
    class_lookup: dict[str, dict] = {}
    cls_names, cls_abbr = [], []
    for entry in db["case_classes"]:
        for n in entry["names"]:
            cls_names.append(n)
            class_lookup[fold_key(n)] = entry
        for a in entry["abbr"]:
            cls_abbr.append(a)
            class_lookup[fold_key(a)] = entry
    inc_names, inc_abbr = [], []
    for entry in db["incidents_prefix"]:
        inc_names += entry["names"]
        inc_abbr += entry["abbr"]
    prefix_inc = (r"(?P<pre>(?:(?:" + names_regex(inc_names) + "|" + abbr_regex(inc_abbr) + r")\s?(?:-\s?(?:" + abbr_regex(inc_abbr) + r"))?"
                  r"\s+(?i:n[oa]s?|em)\s+){1,3})?")
    suffix_inc = r"(?P<suf>(?:\s?[-\s]\s?(?:" + abbr_regex(db["incidents_suffix"]) + r")(?![\w])){1,3})?"
    ufs = db["ufs"]
    uf_re = "(?:" + "|".join(ufs) + ")"
    case_number = (
        r"(?P<cnum>"
        r"\d{1,7}\s?-\s?\d{2}\.\d{4}\.\d\.\d{2}\.\d{4}"            # CNJ
        r"|\d\.\d{4}\.\d{2}\.\d{6}-\d(?:/\d{3})?"                    # TJMG
        r"|\d{20}"                                                   # CNJ without punctuation
        r"|(?:19|20)\d{12}[A-Z]{3}"                                  # TJDFT
        + PRE_CNJ_NUMBER +
        r"|\d{1,3}(?:\.\d{3}){1,3}(?:-\d(?!\d))?(?:/(?:19|20)?\d{2}(?![\d]))?"
        r"|\d{1,14}(?:-\d(?!\d))?(?:/(?:19|20)?\d{2}(?![\d]))?"
        r")"
    )
    case_core = re.compile(
        WB + prefix_inc + r"(?P<tst>TST-(?:(?:Ag|AgR|ED|E|RR)-){0,3})?"
        # A spelled-out class takes no period before its number: "RECURSO DE REVISTA. 1. ..." is an ementa's
        # subject followed by its first numbered point, not a case; "REsp. 1.234" is a case.
        + r"(?P<cls>" + names_regex(cls_names) + r"(?![\w])|" + abbr_regex(cls_abbr) + r"(?![\w])\.?)"
        + r"(?:\s?-\s?(?i:cv|cr))?" + r"(?:\s(?:TCU|TST|STJ|STF)(?![\w]))?" + r"(?:\s?-\s?|\s?)" + NUM_SIGN + r"?\s?" + case_number + r"(?![\d])"
        + suffix_inc
        + r"(?:(?P<ufsep>\s?[/-]\s?|\s)(?P<uf>" + uf_re + r")(?![\w]))?"
    )
    court_lookup: dict[str, str] = {}
    court_alts = []
    for c in db["courts"]:
        for n in c["names"]:
            court_lookup[fold_key(n)] = c["id"]
        for a in c["abbr"]:
            court_lookup[fold_key(a)] = c["id"]
        court_alts.append(names_regex(c["names"]) if c["names"] else None)
        court_alts.append(abbr_regex(c["abbr"]) + (r"(?:\s?[/-]?\s?" + uf_re + ")?" if c.get("with_uf") else "")
                          + (r"(?:\s?-?\s?\d{1,2}(?:ª\s+Região)?)?" if c.get("with_region") else ""))
    court_re = "(?:" + "|".join(a for a in court_alts if a) + r")(?![\w])"

    # ---------------- the literal pre-filter (see prefilter.Triggers)
    tr = db["triggers"]
    named_words = [n for n in name_list + abbr_alone]
    families = {
        "norm": plain_names + plain_abbr + year_abbr,
        "case": cls_names + cls_abbr + inc_names + inc_abbr + tr["case"],
        "named": named_words + [_first_word(rx) for rx, _ in regex_names],
        "provision": tr["provision"], "sumula": tr["sumula"], "tema": tr["tema"],
    }
    named_triggers, _, named_heads = trigger_regex({"named": families.pop("named")})
    triggers, trigger_words, trigger_heads = trigger_regex(families)
    return Compiled(numbered=numbered, named=named, named_attach=named_attach, named_lookup=named_lookup,
                    named_regex_keys=named_regex_keys, kind_lookup=kind_lookup, case_core=case_core,
                    class_lookup=class_lookup, court_lookup=court_lookup, court_re=court_re, ufs=frozenset(ufs),
                    alias_keys=alias_keys, triggers=triggers, trigger_words=trigger_words,
                    named_triggers=named_triggers, trigger_heads=trigger_heads, named_heads=named_heads)
