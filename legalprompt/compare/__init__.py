"""A/B comparison of completions (with and without priming, two templates, two models, limar vs full).

    from legalprompt.compare import ArmSpec, CompareDocument, EnginePool, compare_document, make_seeds
    result = compare_document(CompareDocument("peticao.txt", text),
                              [ArmSpec("A", "ementa", prefill=""), ArmSpec("B", "ementa", prefill=None)],
                              settings=settings, seeds=make_seeds(42, 3), pool=EnginePool(settings))
    result.to_dict()      # {"arms": [{"name", "prefill", "template", "samples": [...], "metrics": {...}}], ...}

Rendering lives in `legalprompt.compare.report` (terminal, HTML, Markdown).
"""

from legalprompt.compare.runner import (
    ArmResult, ArmSpec, CompareDocument, CorpusComparison, DocumentComparison, EnginePool, SampleResult,
    compare_corpus, compare_document, make_seeds, run_comparisons, validate_arms,
)

__all__ = ["ArmResult", "ArmSpec", "CompareDocument", "CorpusComparison", "DocumentComparison", "EnginePool",
           "SampleResult", "compare_corpus", "compare_document", "make_seeds", "run_comparisons", "validate_arms"]
