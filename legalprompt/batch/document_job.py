"""One document of a batch as a small job: it asks for generations and gets their answers back.

One generation when the document fits the context; otherwise one per chunk (map), then combine steps
(reduce) until one answer is left. The job is a generator: it yields lists of DraftRequests and receives
their outputs (`workers.GenOutput`), in order; its return value is the final output.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path

from legalprompt.batch.chunking import ChunkPlan, combine_text, group_for_reduce, split_text
from legalprompt.batch.workers import GenOutput
from legalprompt.errors import ContextOverflowError, DocumentError

MARGIN = 16  # tokens kept free when planning chunks (tokenization at the seams is not additive)


@dataclass
class DocState:
    index: int
    path: Path
    key: str
    sha256: str
    output_path: Path
    text: str = ""
    t0: float = 0.0
    gen: Generator | None = None
    waiting: dict[int, GenOutput | None] = field(default_factory=dict)
    usage: dict[str, int] = field(default_factory=lambda: {"prompt_tokens": 0, "completion_tokens": 0,
                                                             "cached_prompt_tokens": 0, "generations": 0})
    plan: ChunkPlan | None = None
    served_by: set[str] = field(default_factory=set)  # endpoints that generated its parts


def document_job(st: DocState, request: Callable[..., object], prompt_len: Callable[[object], int], n_ctx: int,
                 count_tokens: Callable[[str], int], max_tokens: int, check_citations: bool
                 ) -> Generator[list, list[GenOutput], GenOutput]:
    """`request(text, label, check=, path=)` makes a DraftRequest; `prompt_len(request)` measures its prompt
    (without refusing it); `count_tokens(text)` counts a chunk."""
    label = str(st.path)
    single = request(st.text, label, check=check_citations, path=st.path)
    if prompt_len(single) + max_tokens <= n_ctx:
        outs = yield [single]
        return outs[0]
    overhead = prompt_len(request("", label))
    budget = n_ctx - max_tokens - overhead - MARGIN
    if budget < 64:
        raise ContextOverflowError(
            f"o contexto ({n_ctx} tokens) mal comporta as instruções do template ({overhead}) e a resposta "
            f"({max_tokens}): aumente --n-ctx ou reduza --max-tokens.")
    chunks = split_text(st.text, budget, count_tokens)
    if not chunks:
        raise DocumentError(f"{label}: o documento não tem texto. Confira se é o arquivo certo.")
    st.plan = ChunkPlan(budget=budget, chunks=[{"start": c.start, "end": c.end, "tokens": c.tokens}
                                               for c in chunks])
    n = len(chunks)
    partials = yield [request(c.text, f"{label} (parte {i} de {n})", path=st.path) for i, c in enumerate(chunks, 1)]
    last = partials
    texts = [p.output for p in partials]
    while len(texts) > 1:
        groups = group_for_reduce(texts, budget, count_tokens)
        if len(groups) >= len(texts):
            raise ContextOverflowError(
                "as respostas parciais não cabem juntas no contexto para serem combinadas: "
                "reduza --max-tokens ou aumente --n-ctx.")
        st.plan.reduce_levels += 1
        last = yield [request(combine_text(g), f"{label} (combinação {st.plan.reduce_levels})", path=st.path)
                      for g in groups]
        texts = [p.output for p in last]
    return last[0]
