"""Take the inputs of an ementa's header from the decision itself, where it says them:

* classe: the procedural class named in the document's opening or in the "acordam" paragraph
  ("RECURSO ORDINÁRIO EM HABEAS CORPUS", "AGRAVO REGIMENTAL NO MANDADO DE INJUNÇÃO");
* resultado: the outcome in the "acordam" paragraph or the extrato de ata ("negar provimento" ->
  "RECURSO DESPROVIDO", "denegar a ordem" -> "ORDEM DENEGADA");
* ramo: the branch of law whose vocabulary dominates the text ("DIREITO PENAL");
* tese: whether the judgment fixes a thesis ("fixa a seguinte tese", "tese de julgamento").

Each is "" (tese: False) when the document does not say it; the template's default then applies.
Pure text rules, no model.
"""

from __future__ import annotations

import re
from functools import lru_cache

from legalprompt.techniques.lint_ementa import fold

_BASE_CLASSES = (
    "recurso ordinario em habeas corpus", "recurso extraordinario com agravo", "recurso extraordinario",
    "agravo em recurso especial", "recurso especial", "recurso de revista", "recurso ordinario",
    "habeas corpus", "agravo de instrumento", "apelacao civel", "apelacao criminal", "apelacao",
    "mandado de seguranca", "mandado de injuncao", "acao direta de inconstitucionalidade", "reclamacao",
    "embargos de declaracao", "agravo interno", "agravo regimental", "conflito de competencia",
)
_PREFIX = r"(?:(?:agravo regimental|agravo interno|embargos de declaracao|embargos declaratorios)\s+(?:n[oa]s?|em)\s+)?"
_CLASS = re.compile(r"\b(" + _PREFIX + "(?:" + "|".join(c.replace(" ", r"\s+") for c in _BASE_CLASSES) + r"))\b")
# Accented spellings of the folded class words, to write the class back in capitals.
_ACCENTS = {"ordinario": "ORDINÁRIO", "extraordinario": "EXTRAORDINÁRIO", "apelacao": "APELAÇÃO",
            "civel": "CÍVEL", "seguranca": "SEGURANÇA", "injuncao": "INJUNÇÃO", "acao": "AÇÃO",
            "reclamacao": "RECLAMAÇÃO", "declaracao": "DECLARAÇÃO", "declaratorios": "DECLARATÓRIOS",
            "competencia": "COMPETÊNCIA"}

# (folded pattern of the decision, result in capitals, for which kind of class: None = any)
_RESULTS = (
    (r"\b(?:dar|deu|dou|damos|deram)\s+parcial\s+provimento|\bparcialmente\s+provid", "RECURSO PARCIALMENTE PROVIDO"),
    (r"\bnao\s+conhec(?:er|eu|eram|o)\b", "RECURSO NÃO CONHECIDO"),
    (r"\b(?:neg(?:ar|ou|o|aram|amos)|nega-se)\s+provimento|\bdesprovid|\bimprovid", "{kind} DESPROVIDO"),
    (r"\b(?:dar|deu|dou|deram|damos|da-se)\s+provimento|\b(?<!des)provid[oa]\b", "{kind} PROVIDO"),
    (r"\bdeneg(?:ar|ou|o|aram)\s+a\s+ordem|\bordem\s+denegada", "ORDEM DENEGADA"),
    (r"\bconced(?:er|eu|o|eram)\s+a\s+ordem|\bordem\s+concedida", "ORDEM CONCEDIDA"),
    (r"\brejeit(?:ar|ou|o|aram)\s+os\s+embargos|\bembargos\s+rejeitados", "EMBARGOS REJEITADOS"),
    (r"\bacolh(?:er|eu|o|eram)\s+os\s+embargos|\bembargos\s+acolhidos", "EMBARGOS ACOLHIDOS"),
    (r"\bjulg(?:ar|ou|o|aram)\s+procedente", "PEDIDO PROCEDENTE"),
    (r"\bjulg(?:ar|ou|o|aram)\s+improcedente", "PEDIDO IMPROCEDENTE"),
)

# Branch vocabulary (folded); the branch with most hits wins.
_BRANCHES = (
    ("DIREITO PENAL", r"\b(?:crime|delito|pena|reclusao|reu|codigo penal|habeas corpus|prisao|acusad[oa]|denuncia)\b"),
    ("DIREITO TRIBUTÁRIO", r"\b(?:tribut\w*|icms|iptu|ipva|imposto|contribuinte|fisco|cofins|credito tributario)\b"),
    ("DIREITO DO TRABALHO", r"\b(?:reclamante|reclamada|empregador|empregad[oa]|clt|jornada|horas extras|trabalhista)\b"),
    ("DIREITO DO CONSUMIDOR", r"\b(?:consumidor\w*|cdc|fornecedor|relacao de consumo)\b"),
    ("DIREITO ADMINISTRATIVO", r"\b(?:servidor\w*|administracao publica|concurso publico|militar|licitacao|improbidade)\b"),
    ("DIREITO PREVIDENCIÁRIO", r"\b(?:aposentadoria|previdenci\w*|inss|beneficio previdenciario|pensao por morte)\b"),
    ("DIREITO CONSTITUCIONAL", r"\b(?:mandado de injuncao|inconstitucionalidade|constituicao da republica|repercussao geral)\b"),
    ("DIREITO CIVIL", r"\b(?:contrato|indenizacao|dano moral|responsabilidade civil|posse|propriedade|locacao|alimentos)\b"),
)
_THESIS = re.compile(r"\b(?:tese de julgamento|fix(?:a|ou|ar|ada|ando|aram)\s+a\s+seguinte\s+tese|tese de repercussao geral)\b")


def _decision_text(folded: str) -> str:
    """The parts that state the outcome: the 'acordam' paragraph and the extrato's 'Decisão:'."""
    parts = []
    m = re.search(r"\bacorda[mn]\b.{0,900}?(?:\.\s|\n|$)", folded, re.S)
    if m:
        parts.append(m.group(0))
    for m in re.finditer(r"\bdecisao\s*:.{0,400}", folded):
        parts.append(m.group(0))
    return "\n".join(parts)


def _upper_class(folded_class: str) -> str:
    words = re.sub(r"\s+", " ", folded_class).split(" ")
    return " ".join(_ACCENTS.get(w, w.upper()) for w in words)


def infer_classe(text: str) -> str:
    """The fullest class name among those the opening, the acordam paragraph and the extrato mention."""
    folded = re.sub(r"\bag\.\s*reg\.\s*", "agravo regimental ", fold(text))
    where = folded[:3000] + "\n" + _decision_text(folded)
    found = [m.group(1) for m in _CLASS.finditer(where)]
    if not found:
        return ""
    return _upper_class(max(found, key=lambda c: (len(c), -found.index(c))))


def infer_resultado(text: str, classe: str = "") -> str:
    decision = _decision_text(fold(text))
    kind = "AGRAVO" if classe.startswith("AGRAVO") else "RECURSO"
    hits = []
    for pat, result in _RESULTS:
        m = re.search(pat, decision)
        if m:
            hits.append((m.start(), result.format(kind=kind)))
    return min(hits)[1] if hits else ""


def infer_ramo(text: str) -> str:
    folded = fold(text)
    scores = [(len(re.findall(pat, folded)), name) for name, pat in _BRANCHES]
    best = max(scores)
    return best[1] if best[0] >= 3 else ""


def infer_tese(text: str) -> bool:
    return bool(_THESIS.search(fold(text)))


@lru_cache(maxsize=16)
def infer_ementa_inputs(text: str) -> dict:
    """{'ramo', 'classe', 'resultado', 'tese'} as the document states them ("" / False when it does not)."""
    classe = infer_classe(text)
    return {"ramo": infer_ramo(text), "classe": classe, "resultado": infer_resultado(text, classe),
            "tese": infer_tese(text)}
