"""Anchored citations on the bundled default model: a prefill that starts an invented citation ends
with a citation from the source, or the model leaves the citation; never with an invented one."""

import re

import pytest

from legalprompt.citations import check_text
from legalprompt.config import load_settings
from legalprompt.drafting import Drafter, DraftRequest
from legalprompt.engine.models import resolve_model
from legalprompt.engine.llama_engine import Engine
from legalprompt.engine.params import LoadOptions

pytestmark = pytest.mark.model

DOC = ("RECURSO ESPECIAL. Recuperação judicial. A Lei nº 11.101/2005 rege a recuperação judicial e a falência. "
       "O fornecedor responde nos termos do art. 14 do CDC (Lei nº 8.078/1990). Precedente: REsp 1.234.567/SP, "
       "Rel. Min. Nancy Andrighi, julgado em 10/10/2015. Incide a Súmula 7 do STJ. Ver também o Tema 1.046 do STF.")

SEEDS = (1, 2, 3)


@pytest.fixture(scope="module")
def drafter(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LEGALPROMPT_CONFIG_DIR", str(tmp_path_factory.mktemp("cfg")))
        settings, _ = load_settings({"n_ctx": 2048})
    return Drafter(Engine(resolve_model("gemma3-270m"), LoadOptions(n_ctx=2048)), settings, None)


def draft(drafter, prefill, seed, mode="anchored"):
    req = DraftRequest(template="resumo", document=DOC, prefill=prefill, max_tokens=24, seed=seed,
                       temperature=0.9, citation_mode=mode)
    res = drafter.run(req)
    assert res.prepared.citation_mode == mode
    return res.output


def invented(output: str, after: int) -> list[str]:
    """Citations that end after `after` and are not in the source (the anchored policy with a source: the
    shipped tables' norms are not allowed either)."""
    rep = check_text(output, sources=[DOC])
    return [c.text for c in rep.citations if c.end > after and not c.in_sources]


@pytest.mark.parametrize("kind,prefill", [
    ("legislation", "Em síntese, nos termos da Lei nº 11."),
    ("article", "Em síntese, nos termos do art. "),
    ("case", "Em síntese, conforme o REsp "),
    ("sumula", "Em síntese, aplica-se a Súmula "),
    ("tema", "Em síntese, conforme o Tema "),
])
def test_prefill_starting_a_citation_ends_in_an_allowed_one_or_leaves(drafter, kind, prefill):
    start = prefill.rfind(" ", 0, len(prefill) - 1) if not prefill.endswith(" ") else len(prefill) - 1
    for seed in SEEDS:
        out = draft(drafter, prefill, seed)
        assert out.startswith(prefill)
        assert invented(out, start - 12) == [], (kind, seed, out)


def test_relator_is_a_name_from_the_source_or_none(drafter):
    prefill = "Em síntese, no precedente citado (Rel. Min. "
    for seed in SEEDS:
        out = draft(drafter, prefill, seed)
        after = out[len(prefill):]
        name = re.match(r"[A-ZÀ-Ý][\w]+(?:\s+[A-ZÀ-Ý][\w]+)*", after)
        assert name is None or "Nancy Andrighi".startswith(name.group(0)) or name.group(0).startswith("Nancy"), out




def test_prefill_opening_a_quote_ends_with_source_text_or_leaves_it(drafter):
    from legalprompt.citations.quotes import MIN_WORDS, fragments, found_in, padded, word_count

    prefill = "Em síntese, a decisão afirma que “"
    src = padded(DOC)
    for seed in SEEDS:
        out = draft(drafter, prefill, seed)
        body = out[len(prefill):]
        quoted = body.split("”", 1)[0]        # what the model put inside the quote, closed or not
        assert word_count(quoted) < MIN_WORDS or found_in(fragments(quoted), src, open_end="”" not in body), out
        rep = check_text(out, sources=[DOC])
        assert rep.quotes_not_found == 0, out


def test_with_the_tables_a_draft_may_also_cite_a_table_norm_in_range(drafter):
    prefill = "Em síntese, nos termos do art. "
    for seed in SEEDS:
        req = DraftRequest(template="resumo", document=DOC, prefill=prefill, max_tokens=24, seed=seed,
                           temperature=0.9, citation_mode="anchored", anchor_tables=True)
        res = drafter.run(req)
        assert res.prepared.allowed.with_tables
        rep = check_text(res.output, sources=[DOC])
        # in the source, or a known norm with every part checked (article in range): never invented
        bad = [c.text for c in rep.citations if c.end > len(prefill) - 6 and not c.in_sources
               and not (c.kind == "legislation" and c.verdict.value == "VERIFIED")]
        assert bad == [], (seed, res.output)
