"""limar's third pass: every word still undecided gets a weight, and the level's threshold keeps or drops it.

Weights: 0 generic, 1 verb or short word, 2 other word, 3 recurring topic word, 4 legal term, name or
acronym. Function words are dropped silently.
"""

from __future__ import annotations

import math

from legalprompt.techniques.limar.lexicon import Lexicon
from legalprompt.techniques.limar.units import DROP_CONTENT, DROP_SILENT, KEEP, PUNCT, SPAN, UNDECIDED, WORD, Units

# Content-word weight needed to survive each level.
MIN_SCORE = {"light": 2, "medium": 3, "strong": 4}
_SENTENCE_END = set(".!?;:\n")
_VERB_ENDINGS = ("aram", "eram", "iram", "avam", "ando", "endo", "indo", "asse", "esse", "isse", "arao",
                 "erao", "irao", "aria", "eria", "iria", "ava", "ara", "era", "ira", "ou",
                 "ado", "ada", "ados", "adas", "ido", "ida", "idos", "idas")  # participles too
_INFINITIVE = ("ar", "er", "ir")


def _is_titled(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].islower()


def score_words(u: Units, lex: Lexicon, level: str) -> None:
    text, starts, ends, kinds, keys = u.text, u.starts, u.ends, u.kinds, u.keys
    decision, name_mark = u.decision, u.name_mark
    n = len(u)
    min_score = MIN_SCORE[level]
    tf: dict[str, int] = {}
    content_total = 0
    for i in range(n):
        if decision[i] == UNDECIDED and kinds[i] == WORD and keys[i] not in lex.stop:
            tf[keys[i]] = tf.get(keys[i], 0) + 1
            content_total += 1
    topical = max(3, math.ceil(content_total / 250))
    prev_word_upper = False
    sentence_start = True
    for i in range(n):
        kind = kinds[i]
        if kind == PUNCT:
            if text[starts[i]] in _SENTENCE_END:
                sentence_start = True
            continue
        if i and "\n" in text[ends[i - 1]:starts[i]]:
            sentence_start = True
        if kind == SPAN or decision[i] != UNDECIDED:
            sentence_start = False
            prev_word_upper = False
            continue
        key = keys[i]
        word = text[starts[i]:ends[i]]
        upper = word.isupper() and len(word) > 1
        # A capitalised word is a name, except at a sentence start, unless another capitalised word follows
        # ("João Antônio propôs ...").
        titled = len(word) > 1 and word[0].isupper() and word[1:].islower() and (
            not sentence_start or (i + 1 < n and kinds[i + 1] == WORD and starts[i + 1] - ends[i] == 1
                                   and _is_titled(text[starts[i + 1]:ends[i + 1]])))
        if key in lex.stop and not (titled and i + 2 < n and kinds[i + 1] == WORD and starts[i + 1] - ends[i] == 1
                                    and _is_titled(text[starts[i + 1]:ends[i + 1]])):
            decision[i] = DROP_SILENT
        else:
            if key in lex.legal:
                score = 4
            elif key in lex.generic or (key.endswith("mente") and len(key) > 7):
                score = 0          # generic verbs, adjectives and adverbs go at every level
            elif upper and not prev_word_upper and not (i + 1 < n and kinds[i + 1] == WORD
                                                        and text[starts[i + 1]:ends[i + 1]].isupper()):
                score = 4          # an acronym in normal text (STF, INSS)
                name_mark[i] = True
            elif titled:
                score = 4          # a name (Ministério Público, Celso de Mello, São Paulo)
                name_mark[i] = True
            elif tf.get(key, 0) >= topical and len(key) > 3:
                score = 3          # the document's recurring topic words
            elif len(key) > 4 and (key.endswith(_VERB_ENDINGS) or key.endswith(_INFINITIVE)):
                score = 1
            elif len(key) <= 2:
                score = 1
            else:
                score = 2
            decision[i] = KEEP if score >= min_score else DROP_CONTENT
        prev_word_upper = upper
        sentence_start = False
