""""Limar o texto": compress a text to its key words and phrases joined by ellipses.

    recurso extraordinário... medicamento de alto custo... art. 196 da CF...

Deterministic, linear in the text, no model. What is never dropped, at any level:

* every citation `legalprompt.citations.extract` finds (laws, articles, case numbers, súmulas),
  copied verbatim and never split;
* every number, amount and date ("R$ 1.000,00 (mil reais)", "11/09/1990", "10%",
  "5 (cinco) anos", "11 de setembro de 1990"), verbatim;
* negations with the words they govern ("não foi incorporado", "sem culpa", "nega-se provimento",
  "pedido julgado improcedente"): dropping a "não" flips the law;
* multi-word legal expressions (recurso extraordinário, prisão preventiva, dano moral) and legal terms.

What goes depends on the level (re-tuned so that the default, medium, cuts at least 40% of the
tokens of an ordinary acórdão; see bench/limar_bench.py for the figures on the tuning documents and
on held-out ones):

* light: filler phrases, articles, pronouns, auxiliaries, generic verbs, adverbs and adjectives
  ("verificar", "referido", "-mente"), verbs and very short words; the rest stays, with the "de"
  that joins two kept words (about 22% of the tokens go);
* medium (default): the skeleton plus the document's recurring topic words, with the joining "de"
  (about 42-44%);
* strong: only the skeleton: legal terms and expressions, names, acronyms, citations, numbers and
  negations (about 53%).

Each stronger level drops a superset of what the weaker one drops. Function words dropped between
two kept words vanish silently (light and medium keep the joining "de"); a dropped content word
leaves "... " so the reader knows something was cut.

The word lists live in `legalprompt/data/limar/` (one entry per line, matched case- and
accent-insensitively).

The passes, one module each: `protected` (citation and number spans), `units` (the text cut into
units), `phrases`, `negations`, `scoring`, `render`; `compress` runs them in order.
"""

from legalprompt.techniques.limar.compress import LEVEL_ALIASES, LEVELS, LimarResult, limar, limar_filter
from legalprompt.techniques.limar.lexicon import DATA_DIR, fold, lexicon, read_list
from legalprompt.techniques.limar.protected import citation_spans, number_spans
from legalprompt.techniques.limar.render import ELLIPSIS

__all__ = ["DATA_DIR", "ELLIPSIS", "LEVELS", "LEVEL_ALIASES", "LimarResult", "citation_spans", "fold", "lexicon",
           "limar", "limar_filter", "number_spans", "read_list"]
