"""Prompt templates: Jinja files with YAML front matter, rendered in Jinja's immutable sandbox.

A template file:

    ---
    name: ementa
    description: Ementa de acórdão ...
    inputs:
      documento: {type: text, required: true, description: ...}
      area: {type: string, default: "DIREITO CIVIL"}
    prefill: "EMENTA: {{ area | upper }}."
    sampling: {temperature: 0.3, max_tokens: 300, stop: ["\\n\\n\\n"]}
    check: {named: ementa}
    ---
    (Jinja body: the instructions, then the document)

Shipped templates live in `templates/`; the user's `templates/` folder in the config dir adds to them
and overrides them by name.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from legalprompt.errors import TemplateError, UserInputError
from legalprompt.paths import builtin_templates_dir, user_templates_dir

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?", re.S)


_MAX_TEMPLATE_BYTES = 1024 * 1024


class _NoAliasLoader(yaml.SafeLoader):
    """safe_load without anchors' aliases: nine levels of nine `*alias` references expand to 387
    million strings (5.6 GB) when the header is validated or printed. A template header never needs
    them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "referências (aliases, *nome) não são permitidas no "
                                              "cabeçalho do template", event.start_mark)
        return super().compose_node(parent, index)


class InputSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["text", "string", "int", "float", "bool", "choice"] = "string"
    description: str = ""
    default: Any = None
    required: bool = False
    choices: list[str] | None = None


class SamplingDefaults(BaseModel):
    model_config = ConfigDict(extra="forbid")
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    repeat_penalty: float | None = None
    max_tokens: int | None = None
    stop: list[str] = Field(default_factory=list)


class OutputCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")
    regex: str | None = None
    # ementa / ementa-tradicional: the older form's header; ementa-cnj154: `legalprompt lint` finds nothing.
    named: Literal["ementa", "ementa-tradicional", "ementa-cnj154", "nonempty"] | None = None
    description: str = ""


class StageSpec(BaseModel):
    """One stage of staged priming: `title` (Jinja, with the inputs and `n`, the next item number) is
    written into the model's mouth, the model writes up to `max_tokens`, then `close` is written
    unless the model already wrote it."""
    model_config = ConfigDict(extra="forbid")
    title: str = ""
    max_tokens: int = Field(default=80, ge=1)
    close: str = ""


class SkeletonSpec(BaseModel):
    """The answer's skeleton: the header (the prefill, continued by the model), then each section."""
    model_config = ConfigDict(extra="forbid")
    header: StageSpec = Field(default_factory=StageSpec)
    sections: list[StageSpec] = Field(min_length=1)


class TemplateMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str
    inputs: dict[str, InputSpec] = Field(default_factory=dict)
    document_input: str = "documento"
    prefill: str = ""
    system: str | None = None
    sampling: SamplingDefaults = Field(default_factory=SamplingDefaults)
    check: OutputCheck | None = None
    infer: Literal["ementa"] | None = None  # inputs not given are taken from the document where it says them
    skeleton: SkeletonSpec | None = None    # staged priming (legalprompt.techniques.staging)
    # anchored: while drafting, a citation may only be one of the source document's (see citations/anchor.py)
    citations: Literal["anchored", "free"] = "anchored"


class PromptTemplate(BaseModel):
    meta: TemplateMeta
    body: str
    path: Path
    source: str  # "embutido" | "usuário"
    body_line: int  # line in the file where the Jinja body starts (for error messages)
    sha256: str

    @property
    def name(self) -> str:
        return self.meta.name

    def resolve_inputs(self, given: dict[str, Any]) -> dict[str, Any]:
        doc_key = self.meta.document_input
        unknown = sorted(set(given) - set(self.meta.inputs) - {doc_key})
        if unknown:
            raise UserInputError(f"o template '{self.name}' não tem a entrada {', '.join(unknown)}; "
                                 f"entradas: {', '.join(self.meta.inputs) or 'nenhuma'}")
        values: dict[str, Any] = {}
        inferred = self._inferred(given.get(doc_key))
        for key, spec in self.meta.inputs.items():
            if key in given and given[key] is not None:
                values[key] = _coerce(self.name, key, spec, given[key])
            elif inferred.get(key):
                values[key] = inferred[key]
            elif spec.default is not None:
                values[key] = spec.default
            elif spec.required:
                raise UserInputError(f"o template '{self.name}' precisa da entrada '{key}'"
                                     + (f" ({spec.description})" if spec.description else ""))
            else:
                values[key] = ""
        if doc_key not in self.meta.inputs:  # the document is always an input, declared or not
            values[doc_key] = given.get(doc_key, "")
        return values

    def _inferred(self, document: Any) -> dict[str, Any]:
        if self.meta.infer != "ementa" or not isinstance(document, str) or not document.strip():
            return {}
        from legalprompt.techniques.ementa_inputs import infer_ementa_inputs

        return infer_ementa_inputs(document)

    def render_text(self, src: str, inputs: dict[str, Any], what: str, **extra: Any) -> str:
        """Render a piece of the template (a skeleton title) with the inputs and `extra` values."""
        return _render(self, src, {**self.resolve_inputs(inputs), **extra}, None, what=what)

    def render(self, inputs: dict[str, Any]) -> str:
        values = self.resolve_inputs(inputs)
        return _render(self, self.body, values, self.body_line)

    def render_prefill(self, inputs: dict[str, Any], override: str | None = None) -> str:
        """The template's prefill (or `override`), which may use the inputs, e.g. {{ area | upper }}."""
        src = self.meta.prefill if override is None else override
        if not src:
            return ""
        return _render(self, src, self.resolve_inputs(inputs), None, what="prefill")

    def check_output(self, output: str, sources: list[str] | None = None) -> bool | None:
        """Whether the output has the expected shape; None when the template declares no check."""
        verdict = self.shape_verdict(output, sources)
        return None if verdict is None else verdict["ok"]

    def shape_verdict(self, output: str, sources: list[str] | None = None) -> dict | None:
        """The shape check's full result ({"ok", and for ementas "form" and "findings"}), as stored in
        the history's `shape` column and shown by compare, batch and the TUI; None without a check."""
        from legalprompt.techniques.checks import check_verdict

        if not self.meta.check:
            return None
        return check_verdict(self.meta.check, output, sources)


def _coerce(tname: str, key: str, spec: InputSpec, value: Any) -> Any:
    try:
        if spec.type == "int":
            return int(value)
        if spec.type == "float":
            return float(value)
        if spec.type == "bool":
            return str(value).lower() in ("1", "true", "sim", "s", "yes")
    except ValueError:
        raise UserInputError(f"entrada '{key}' do template '{tname}' deve ser do tipo {spec.type} "
                             f"(recebi {value!r})") from None
    if spec.type == "choice" and spec.choices and value not in spec.choices:
        raise UserInputError(f"entrada '{key}' do template '{tname}' deve ser uma de: {', '.join(spec.choices)}")
    return value


@lru_cache(maxsize=1)
def _env():
    from jinja2 import StrictUndefined

    from legalprompt.render_budget import budgeted_sandbox

    env = budgeted_sandbox(undefined=StrictUndefined, keep_trailing_newline=True,
                           trim_blocks=True, lstrip_blocks=True, autoescape=False)

    def limar_filter(text: str, level: str = "medium") -> str:
        from legalprompt.techniques.limar import limar_filter as f

        return f(text, level)

    env.filters["limar"] = limar_filter
    return env


def _render(tpl: PromptTemplate, src: str, values: dict[str, Any], first_line: int | None, what: str = "corpo") -> str:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    from legalprompt.render_budget import RenderBudgetExceeded, budget_message, render_with_budget

    where = f"template '{tpl.name}' ({tpl.path})"
    try:
        template = _compiled(src)
        return render_with_budget(template, values)
    except RenderBudgetExceeded as exc:
        raise TemplateError(f"{where}, {what}: {budget_message(exc)}. Simplifique o template.") from None
    except TemplateSyntaxError as exc:
        line = (first_line + exc.lineno - 1) if first_line and exc.lineno else exc.lineno
        raise TemplateError(f"{where}, {what}, linha {line}: erro de sintaxe: {exc.message}") from None
    except UndefinedError as exc:
        line = _error_line(exc, first_line)
        raise TemplateError(f"{where}, {what}{line}: variável indefinida: {_scrub(exc.message, values)}. "
                            f"Entradas disponíveis: {', '.join(values) or 'nenhuma'}") from None
    except SecurityError as exc:
        raise TemplateError(f"{where}, {what}: operação proibida pela sandbox ({_scrub(str(exc), values)}); "
                            "templates não podem acessar atributos internos do Python") from None
    except TemplateError:
        raise
    except Exception as exc:
        line = _error_line(exc, first_line)
        raise TemplateError(f"{where}, {what}{line}: {type(exc).__name__}: {_scrub(str(exc), values)}") from None


def _scrub(message: str, values: dict[str, Any]) -> str:
    """An error message without the inputs' values: Jinja and Python quote the offending value
    (`dict object has no element '<the whole document>'`), and these messages reach the terminal and
    the batch manifest. Each value (and its repr) is replaced by its input's name; quoted text that is
    left is cut short."""
    for key, v in sorted(values.items(), key=lambda kv: -len(str(kv[1]))):
        s = str(v)
        if len(s) >= 4:
            for form in (repr(s), s):
                message = message.replace(form, f"<{key}>")
    message = re.sub(r"(['\"])([^'\"]{40})[^'\"]+\1", lambda m: f"{m.group(1)}{m.group(2)}…{m.group(1)}", message)
    return message[:300]


def _error_line(exc: BaseException, first_line: int | None) -> str:
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == "<template>":
            n = frame.lineno + (first_line - 1 if first_line else 0)
            return f", linha {n}"
    return ""


@lru_cache(maxsize=256)
def _compiled(src: str):
    return _env().from_string(src)


def parse_template(path: Path, source: str) -> PromptTemplate:
    try:
        if path.stat().st_size > _MAX_TEMPLATE_BYTES:
            raise TemplateError(f"template {path} grande demais (mais de {_MAX_TEMPLATE_BYTES // 1024} KB)")
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TemplateError(f"template {path} não está em UTF-8; salve-o como UTF-8") from None
    except OSError as exc:
        raise TemplateError(f"não foi possível ler o template {path}: {exc.strerror}") from None
    m = _FRONT.match(raw)
    if not m:
        raise TemplateError(f"template {path}: falta o cabeçalho YAML entre linhas '---' no início do arquivo")
    try:
        data = yaml.load(m.group(1), Loader=_NoAliasLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", linha {mark.line + 2}" if mark else ""
        raise TemplateError(f"template {path}{line}: cabeçalho YAML inválido: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise TemplateError(f"template {path}: o cabeçalho YAML deve ser um mapeamento (chave: valor)")
    data.setdefault("name", path.stem)
    try:
        meta = TemplateMeta.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise TemplateError(f"template {path}: cabeçalho inválido ({problems})") from None
    body = raw[m.end():]
    body_line = raw[: m.end()].count("\n") + 1
    tpl = PromptTemplate(meta=meta, body=body, path=path, source=source, body_line=body_line,
                         sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest())
    from jinja2 import TemplateSyntaxError

    stage_sources = []
    if meta.skeleton:
        stages = [meta.skeleton.header, *meta.skeleton.sections]
        stage_sources = [(x, "esqueleto", None) for st in stages for x in (st.title, st.close) if x]
    for src, what, first in ((body, "corpo", body_line), (meta.prefill, "prefill", None), *stage_sources):
        try:
            _compiled(src)
        except TemplateSyntaxError as exc:
            line = (first + exc.lineno - 1) if first and exc.lineno else exc.lineno
            raise TemplateError(f"template '{meta.name}' ({path}), {what}, linha {line}: "
                                f"erro de sintaxe: {exc.message}") from None
    return tpl


def _scan(folder: Path, source: str) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.j2")) + sorted(folder.glob("*.jinja"))}


def template_paths() -> dict[str, tuple[Path, str]]:
    found = {k: (p, "embutido") for k, p in _scan(builtin_templates_dir(), "embutido").items()}
    found.update({k: (p, "usuário") for k, p in _scan(user_templates_dir(), "usuário").items()})
    return found


def load_template(name: str) -> PromptTemplate:
    paths = template_paths()
    if name not in paths:
        p = Path(name)
        if p.suffix in (".j2", ".jinja") and p.is_file():
            return parse_template(p, "arquivo")
        raise UserInputError(f"template desconhecido: '{name}'. Disponíveis: {', '.join(sorted(paths))}. "
                             "Veja `legalprompt templates`.")
    path, source = paths[name]
    return parse_template(path, source)


def list_templates() -> list[tuple[str, Path, str, PromptTemplate | None, str | None]]:
    """(name, path, source, template or None, error) for every template found."""
    out = []
    for name, (path, source) in sorted(template_paths().items()):
        try:
            out.append((name, path, source, parse_template(path, source), None))
        except TemplateError as exc:
            out.append((name, path, source, None, exc.message))
    return out
