"""Check an ementa against the national standard, Recomendação CNJ nº 154/2024.

The standard (Manual de Padronização de Ementas):

    DIREITO CIVIL. APELAÇÃO CÍVEL. TEMA DO MAIS GERAL AO MAIS ESPECÍFICO. RECURSO DESPROVIDO.
    I. CASO EM EXAME
    1. Apresentação do caso ...
    II. QUESTÃO EM DISCUSSÃO
    2. A questão em discussão consiste em saber se ...
    III. RAZÕES DE DECIDIR
    3. Um fundamento por item ...
    IV. DISPOSITIVO E TESE
    4. Recurso desprovido.
    Tese de julgamento: "1. ...".
    Dispositivos relevantes citados: CF/1988, art. 1º, III e IV; CC, art. 1.641, II.
    Jurisprudência relevante citada: STF, ADPF nº 130, Rel. Min. Ayres Britto, Plenário, j. 30.04.2009.

`lint(text, sources=None)` returns the form it recognised (cnj154, tradicional, outra) and one
finding per problem, each with a stable code, a pt-BR message and the 1-based line. An ementa in the
older form (a chain of uppercase subjects, then numbered propositions) gets a single OLD_FORM finding
instead of four missing sections. Pure functions: no model, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Literal

Form = Literal["cnj154", "tradicional", "outra"]

# The four sections, in order, with the folded words that name each one.
SECTIONS = (
    ("I", "CASO EM EXAME", ("caso em exame",)),
    ("II", "QUESTÃO EM DISCUSSÃO", ("questao em discussao", "questoes em discussao")),
    ("III", "RAZÕES DE DECIDIR", ("razoes de decidir",)),
    ("IV", "DISPOSITIVO E TESE", ("dispositivo e tese", "dispositivo")),
)
SECTION_TITLES = tuple(f"{roman}. {name}" for roman, name, _ in SECTIONS)
FINAL_LABELS = ("Dispositivos relevantes citados", "Jurisprudência relevante citada")
THESIS_LABEL = "Tese de julgamento"

_TITLE = re.compile(r"^\s*(?:(?P<roman>[IVXLC]+)\s*[.\-–—)]\s*)?(?P<name>[^\d].*?)\s*:?\s*$")
# A numbered item: its number and some text on the same line ("8." alone is not an item). Staged priming
# numbers its titles with the same pattern, so the two never disagree on what the next item is.
ITEM_LINE = r"^[^\S\n]*(\d{1,3})[^\S\n]*[.)][^\S\n]+\S"
_ITEM = re.compile(ITEM_LINE)
_EMENTA_PREFIX = re.compile(r"^\s*(?:E\s*M\s*E\s*N\s*T\s*A|Ementa)\s*[:.\-–—]\s*", re.I)
_TRATA_SE = re.compile(r"\btrata-se\b", re.I)
_NUMBER_WORDS = {"uma": 1, "um": 1, "duas": 2, "dois": 2, "tres": 3, "quatro": 4, "cinco": 5, "seis": 6,
                 "sete": 7, "oito": 8, "nove": 9, "dez": 10}
_QUESTION_COUNT = re.compile(r"\bha\s+(\d+|" + "|".join(_NUMBER_WORDS) + r")\s+questoes\b")
_SINGLE_QUESTION = re.compile(r"\ba questao em discussao consiste\b")
_ENUM = re.compile(r"\((i|ii|iii|iv|v|vi|vii|viii|ix|x)\)")
_ROMAN_VALUES = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
# Words of a result, folded ("RECURSO DESPROVIDO", "ORDEM DENEGADA", "PEDIDO JULGADO IMPROCEDENTE").
_RESULT = re.compile(
    r"\b(?:(?:des|im)?provid[oa]s?|parcialmente provid|nao conhecid[oa]s?|conhecid[oa]s?|concedid[oa]s?|"
    r"denegad[oa]s?|(?:im)?procedentes?|acolhid[oa]s?|rejeitad[oa]s?|extint[oa]s?|prejudicad[oa]s?|"
    r"anulad[oa]s?|mantid[oa]s?|reformad[oa]s?|cassad[oa]s?|homologad[oa]s?|(?:in)?deferid[oa]s?|"
    r"negad[oa]s?|desacolhid[oa]s?|admitid[oa]s?|inadmitid[oa]s?)\b")
# Lowercase words an uppercase header may still contain (abbreviations in citations).
_HEADER_LOWER_OK = {"nº", "n.º", "n°", "art.", "arts.", "inc.", "c/c", "al.", "p.", "fls.", "ss.", "e"}
_MAX_HEADER_LINES = 4


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    line: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class LintResult:
    form: Form
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """A CNJ 154 ementa with nothing to point out."""
        return self.form == "cnj154" and not self.findings

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def to_dict(self) -> dict:
        return {"ok": self.ok, "form": self.form, "findings": [f.to_dict() for f in self.findings]}


def fold(text: str) -> str:
    t = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in t if not unicodedata.combining(c))


def _section_of(line: str) -> tuple[int, str | None] | None:
    """(section index, roman numeral written or None) when the line is a section title."""
    m = _TITLE.match(line)
    if not m:
        return None
    name = fold(m.group("name")).strip(" .:")
    for idx, (_, _, names) in enumerate(SECTIONS):
        if name in names:
            return idx, m.group("roman")
    return None


def _is_final_or_thesis(line: str) -> str | None:
    """'thesis', 'final' or None, by the line's opening words (tolerant: catches malformed ones)."""
    f = fold(line.strip())
    if f.startswith("tese de julgamento") or f.startswith("tese:"):
        return "thesis"
    if re.match(r"(dispositivos?|jurisprudencias?|precedentes?)\s+(relevantes?\s+)?(citad[oa]s?|mencionad)", f):
        return "final"
    return None


def detect_form(text: str) -> Form:
    """cnj154 when any of the four section titles is there; tradicional for a chain of uppercase
    subjects or numbered propositions; outra otherwise."""
    lines = text.splitlines()
    if any(_section_of(ln) for ln in lines):
        return "cnj154"
    body = _EMENTA_PREFIX.sub("", text.strip(), count=1)
    first = body.split("\n", 1)[0]
    parts = [p.strip() for p in re.split(r"\s*(?:\.|–|—| - )\s*", first) if p.strip()]
    subjects = 0
    for p in parts:
        letters = [c for c in p if c.isalpha()]
        if len(letters) >= 3 and p.upper() == p:
            subjects += 1
        else:
            break
    if subjects >= 2:
        return "tradicional"
    if len(re.findall(r"(?:^|\s)([2-9])\.\s+[A-ZÀ-Ú]", body)) >= 2:  # "1 ... 2. Texto. 3. Texto." (STF style)
        return "tradicional"
    return "outra"


def lint(text: str, sources: list[str] | None = None) -> LintResult:
    """Check `text` against CNJ 154. `sources`: with them, every norm and precedent in the last two
    lines must also be in the body or in a source."""
    if not text.strip():
        return LintResult("outra", [Finding("EMPTY", "o texto está vazio: passe uma ementa", None)])
    form = detect_form(text)
    if form == "tradicional":
        return LintResult(form, [Finding(
            "OLD_FORM", "ementa no formato tradicional (cadeia de assuntos e proposições numeradas), não no "
            "padrão da Recomendação CNJ nº 154/2024: reescreva com as seções I. CASO EM EXAME, "
            "II. QUESTÃO EM DISCUSSÃO, III. RAZÕES DE DECIDIR e IV. DISPOSITIVO E TESE", 1)])
    if form == "outra":
        return LintResult(form, [Finding(
            "NOT_EMENTA", "não parece uma ementa: faltam o cabeçalho em maiúsculas e as seções I a IV do "
            "padrão CNJ 154", 1)])
    findings: list[Finding] = []
    lines = text.splitlines()
    numbered = [(i + 1, ln) for i, ln in enumerate(lines) if ln.strip()]
    first_title = next(no for no, ln in numbered if _section_of(ln))
    repeat = _check_repeat(numbered, first_title)
    if repeat:  # a second ementa glued on: lint the first one only, and say so once
        findings += repeat
        numbered = [(no, ln) for no, ln in numbered if no < repeat[0].line]
        text = "\n".join(lines[: repeat[0].line - 1])
    titles = [(no, _section_of(ln)) for no, ln in numbered]
    findings += _check_header([(no, ln) for no, ln in numbered if no < first_title], first_title)
    findings += _check_sections([(no, s, ln) for (no, s), (_, ln) in zip(titles, numbered) if s], first_title)
    body_lines = [(no, ln) for no, ln in numbered if no > first_title]
    findings += _check_numbering(body_lines)
    findings += _check_trata_se(numbered)
    findings += _check_questions(body_lines)
    findings += _check_final_lines(body_lines, text, sources)
    findings.sort(key=lambda f: (f.line or 0))
    return LintResult("cnj154", findings)


def _check_header(header: list[tuple[int, str]], first_title: int) -> list[Finding]:
    out: list[Finding] = []
    if not header:
        return [Finding("HEADER_MISSING", "falta o cabeçalho em maiúsculas antes de I. CASO EM EXAME (ramo, classe, "
                        "tema e resultado, ex.: DIREITO CIVIL. APELAÇÃO CÍVEL. ... RECURSO DESPROVIDO.)", first_title)]
    if len(header) > _MAX_HEADER_LINES:
        out.append(Finding("HEADER_TOO_LONG", f"o cabeçalho tem {len(header)} linhas; o padrão admite no máximo "
                           f"{_MAX_HEADER_LINES}: deixe só ramo, classe, tema e resultado", header[0][0]))
    for no, ln in header:
        body = _EMENTA_PREFIX.sub("", ln, count=1)
        lower = [w for w in body.split() if any(c.islower() for c in w) and w.lower() not in _HEADER_LOWER_OK]
        if len([w for w in lower if sum(c.islower() for c in w) >= 2]) >= 1:
            out.append(Finding("HEADER_CASE", f"o cabeçalho deve estar todo em maiúsculas (encontrei "
                               f"\"{' '.join(lower[:4])}\")", no))
            break
    joined = " ".join(_EMENTA_PREFIX.sub("", ln, count=1) for _, ln in header).strip()
    sentences = [s for s in re.split(r"\.\s+|\.$", joined) if s.strip()]
    if not sentences or not _RESULT.search(fold(sentences[-1])):
        out.append(Finding("HEADER_NO_RESULT", "o cabeçalho deve terminar com o resultado do julgamento "
                           "(ex.: RECURSO DESPROVIDO. ou ORDEM DENEGADA.)", header[-1][0]))
    return out


def _check_sections(found: list[tuple[int, tuple[int, str | None], str]], first_title: int) -> list[Finding]:
    out: list[Finding] = []
    seen: list[int] = []
    for no, (idx, roman), ln in found:
        expected_roman, name, _ = SECTIONS[idx]
        if idx in seen:
            out.append(Finding("SECTION_REPEATED", f"a seção {expected_roman}. {name} aparece de novo", no))
            continue
        if seen and idx < max(seen):
            out.append(Finding("SECTION_ORDER", f"a seção {expected_roman}. {name} está fora de ordem: a ordem é "
                               "I. CASO EM EXAME, II. QUESTÃO EM DISCUSSÃO, III. RAZÕES DE DECIDIR, "
                               "IV. DISPOSITIVO E TESE", no))
        seen.append(idx)
        title = ln.strip()
        if roman != expected_roman or title != title.upper():
            out.append(Finding("SECTION_TITLE", f"título de seção malformado: \"{title}\"; escreva "
                               f"\"{expected_roman}. {name}\"", no))
    for idx, (roman, name, _) in enumerate(SECTIONS):
        if idx not in seen:
            later = [no for no, (j, _), _ in found if j > idx]
            out.append(Finding("SECTION_MISSING", f"falta a seção {roman}. {name}", later[0] if later else None))
    return out


def _looks_like_header(line: str) -> bool:
    """A chain of two or more uppercase subjects ("DIREITO PENAL. HABEAS CORPUS. ...")."""
    parts = [p.strip() for p in re.split(r"\.\s+|\.$", _EMENTA_PREFIX.sub("", line.strip(), count=1)) if p.strip()]
    caps = [p for p in parts[:3] if sum(c.isalpha() for c in p) >= 3 and p == p.upper()]
    return len(caps) >= 2


def _check_repeat(numbered: list[tuple[int, str]], first_title: int) -> list[Finding]:
    """The header (or another one) written again after the sections: a second ementa glued on."""
    first = fold(_EMENTA_PREFIX.sub("", numbered[0][1], count=1)).strip()[:40]
    for no, ln in numbered:
        if no <= first_title or _section_of(ln) or _is_final_or_thesis(ln) or _ITEM.match(ln):
            continue
        again = len(first) >= 8 and fold(_EMENTA_PREFIX.sub("", ln, count=1)).strip().startswith(first)
        if again or _looks_like_header(ln) or _EMENTA_PREFIX.match(ln):
            return [Finding("REPEATED_HEADER", "um cabeçalho se repete depois das seções: há uma segunda ementa "
                            "colada na primeira; apague a repetição", no)]
    return []


def _check_numbering(body: list[tuple[int, str]]) -> list[Finding]:
    out: list[Finding] = []
    expected = 1
    for no, ln in body:
        if _section_of(ln) or _is_final_or_thesis(ln):
            continue
        m = _ITEM.match(ln)
        if not m:
            continue
        n = int(m.group(1))
        if n != expected:
            out.append(Finding("NUMBERING", f"item {n} onde se esperava {expected}: os itens são numerados 1, 2, 3... "
                               "continuamente, através de todas as seções", no))
        expected = n + 1
    if not any(_ITEM.match(ln) for no, ln in body if not _is_final_or_thesis(ln)):
        out.append(Finding("NUMBERING", "as seções não têm itens numerados (1., 2., 3. ...)", body[0][0] if body else None))
    return out


def _check_trata_se(numbered: list[tuple[int, str]]) -> list[Finding]:
    return [Finding("TRATA_SE", "evite \"Trata-se\": apresente o caso diretamente (fatos, pedido, decisão "
                    "recorrida)", no) for no, ln in numbered if _TRATA_SE.search(ln)]


def _section_lines(body: list[tuple[int, str]], idx: int) -> list[tuple[int, str]]:
    out, inside = [], False
    for no, ln in body:
        s = _section_of(ln)
        if s:
            inside = s[0] == idx
            continue
        if inside:
            out.append((no, ln))
    return out


def _check_questions(body: list[tuple[int, str]]) -> list[Finding]:
    lines = _section_lines(body, 1)
    if not lines:
        return []
    text = fold(" ".join(ln for _, ln in lines))
    m = _QUESTION_COUNT.search(text)
    enums = [_ROMAN_VALUES[e] for e in _ENUM.findall(text)]
    where = lines[0][0]
    if m:
        w = m.group(1)
        declared = int(w) if w.isdigit() else _NUMBER_WORDS[w]
        if len(enums) != declared or enums != list(range(1, declared + 1)):
            listed = ", ".join(f"({e})" for e in _ENUM.findall(text)) or "nenhuma"
            return [Finding("QUESTION_COUNT", f"o texto diz que há {declared} questões, mas enumera {len(enums)} "
                            f"({listed}); enumere (i), (ii)... uma para cada questão", where)]
    elif enums and _SINGLE_QUESTION.search(text) and len(enums) > 1:
        return [Finding("QUESTION_COUNT", f"\"A questão em discussão\" (uma só), mas {len(enums)} questões "
                        "enumeradas: escreva \"Há N questões em discussão: (i) ...; e (ii) ...\"", where)]
    elif enums and enums != list(range(1, len(enums) + 1)):
        return [Finding("QUESTION_COUNT", "as questões devem ser enumeradas em ordem: (i), (ii), (iii)...", where)]
    return []


def _check_final_lines(body: list[tuple[int, str]], text: str, sources: list[str] | None) -> list[Finding]:
    out: list[Finding] = []
    finals = [(no, ln) for no, ln in body if _is_final_or_thesis(ln) == "final"]
    for no, ln in body:
        if _is_final_or_thesis(ln) == "thesis":
            s = ln.strip()
            if not re.match(r"^Tese de julgamento:\s*[\"“].+[\"”]\.?$", s):
                out.append(Finding("THESIS_FORMAT", "a tese deve vir como: Tese de julgamento: \"1. (...). 2. (...).\"",
                                   no))
    if not finals:
        return out
    last_body = [no for no, ln in body if not _is_final_or_thesis(ln)]
    good_labels = {fold(lbl) for lbl in FINAL_LABELS}
    labels_seen = []
    for no, ln in finals:
        label, sep, content = ln.strip().partition(":")
        if fold(label.strip()) not in good_labels or not sep:
            out.append(Finding("FINAL_LINE", f"linha final malformada: comece com \"{FINAL_LABELS[0]}:\" ou "
                               f"\"{FINAL_LABELS[1]}:\"", no))
            continue
        labels_seen.append(fold(label.strip()))
        entries = [e.strip() for e in content.strip().rstrip(".").split(";") if e.strip()]
        if not entries:
            out.append(Finding("FINAL_LINE", f"\"{label.strip()}:\" sem nenhuma citação: liste-as ou apague a linha",
                               no))
        elif any(not re.search(r"\d", e) for e in entries):
            bad = next(e for e in entries if not re.search(r"\d", e))
            out.append(Finding("FINAL_LINE", f"citação sem número em \"{label.strip()}\": \"{bad}\"; use a forma "
                               "abreviada, ex.: CF/1988, art. 5º, LXXI; STF, ADPF nº 130, Rel. Min. ...", no))
        elif not content.strip().endswith("."):
            out.append(Finding("FINAL_LINE", f"a linha \"{label.strip()}\" deve terminar com ponto final", no))
    if len(labels_seen) != len(set(labels_seen)):
        out.append(Finding("FINAL_LINE", "a mesma linha final aparece duas vezes", finals[-1][0]))
    if labels_seen == [fold(FINAL_LABELS[1]), fold(FINAL_LABELS[0])]:
        out.append(Finding("FINAL_LINE", f"\"{FINAL_LABELS[0]}\" vem antes de \"{FINAL_LABELS[1]}\"", finals[0][0]))
    if last_body and max(last_body) > finals[0][0]:
        out.append(Finding("FINAL_LINE", "as citações finais devem ser as últimas linhas da ementa", finals[0][0]))
    if sources is not None:
        out += _check_final_sources(finals, text, sources)
    return out


def _check_final_sources(finals: list[tuple[int, str]], text: str, sources: list[str]) -> list[Finding]:
    from legalprompt.citations import check_text

    final_nos = {no for no, _ in finals}
    body = "\n".join(ln for no, ln in enumerate(text.splitlines(), 1) if no not in final_nos)
    out = []
    for no, ln in finals:
        report = check_text(ln, sources=[body, *sources])
        for c in report.citations:
            if c.in_sources is False:
                what = "norma" if c.citation.kind == "legislation" else "precedente"
                out.append(Finding("CITATION_NOT_IN_SOURCES", f"{what} \"{c.citation.text}\" da linha final não "
                                   "aparece no corpo da ementa nem nas fontes: confira ou retire", no))
    return out
