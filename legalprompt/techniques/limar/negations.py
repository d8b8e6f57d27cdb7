"""limar's second pass: negators and the words they govern are kept verbatim ("não foi incorporado",
"pedido julgado improcedente"): dropping a "não" flips the law."""

from __future__ import annotations

from legalprompt.techniques.limar.lexicon import Lexicon
from legalprompt.techniques.limar.units import DROP_SILENT, KEEP, PUNCT, SPAN, WORD, Units

# How many content words a forward negation governs, per level.
NEG_SCOPE = {"light": 3, "medium": 2, "strong": 1}
_BACK_LIMIT = 6      # units scanned backwards from a post-posed negator ("pedido julgado improcedente")
_FWD_LIMIT = 10      # units scanned forwards from a negator
_BOUNDARY = set(",;:.!?()[]{}“”\"«»—–|")


def mark_negations(u: Units, lex: Lexicon, level: str) -> None:
    text, starts, ends, kinds, keys = u.text, u.starts, u.ends, u.kinds, u.keys
    decision, is_content, scope_mark = u.decision, u.is_content, u.scope_mark
    n = len(u)
    k_scope = NEG_SCOPE[level]

    def _negator(key: str) -> str | None:
        if not key:
            return None
        d = lex.negators.get(key)
        if d is None and "-" in key:
            d = lex.negators.get(key.split("-", 1)[0])
        return d

    def _boundary_between(a: int, b: int) -> bool:
        return "\n\n" in text[ends[a]:starts[b]]

    def _content(j: int) -> bool:
        return kinds[j] == SPAN or is_content[j] or (kinds[j] == WORD and keys[j] not in lex.stop)

    for i in range(n):
        if kinds[i] != WORD or decision[i] == DROP_SILENT:
            continue
        direction = _negator(keys[i])
        if direction is None:
            continue
        decision[i] = KEEP
        scope_mark[i] = True
        forward = direction == "fwd"
        if direction == "back":
            found = False
            j = i - 1
            while j >= 0 and i - j <= _BACK_LIMIT and kinds[j] != PUNCT and not _boundary_between(j, j + 1):
                if _content(j) and keys[j] not in lex.generic:
                    found = True
                    break
                j -= 1
            # The head noun and what lies between ("recurso foi desprovido"); with no head in the
            # clause, the function words before the negator ("É inadmissível").
            for t in range(j if found else j + 1, i):
                scope_mark[t] = True
            forward = True     # "julgou improcedente o pedido": the object may follow too
        if forward:
            limit = k_scope if direction == "fwd" else 1
            count = 0
            j = i + 1
            while j < n and j - i <= _FWD_LIMIT and count < limit:
                if kinds[j] == PUNCT and text[starts[j]] in _BOUNDARY or _boundary_between(j - 1, j):
                    break
                scope_mark[j] = True
                if _content(j) and _negator(keys[j]) is None and keys[j] not in lex.generic:
                    count += 1
                j += 1
    for i in range(n):
        if scope_mark[i] and kinds[i] != PUNCT:
            decision[i] = KEEP


def negation_runs(u: Units) -> list[str]:
    """The text of each run of negation-scope units, in order (linear, even for "não não não...")."""
    scope_mark, starts, ends = u.scope_mark, u.starts, u.ends
    n = len(u)
    negs = []
    i = 0
    while i < n:
        if scope_mark[i]:
            j = i
            while j + 1 < n and scope_mark[j + 1]:
                j += 1
            negs.append(u.text[starts[i]:ends[j]])
            i = j + 1
        else:
            i += 1
    return negs
