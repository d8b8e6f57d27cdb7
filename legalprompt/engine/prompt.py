"""Build the exact prompt text: the model's own chat template, or a plain frame for base models,
followed by the prefill (the first words of the answer, written by us).

User-supplied text (document, instructions, prefill) is kept apart from template markup so it is
tokenized with special tokens *disabled*: a document containing "<|im_start|>" cannot forge a turn.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from legalprompt.errors import TemplateError

_MARK = "\x00LPSEG{}\x00"


@dataclass
class Segment:
    text: str
    special: bool  # parse special-token text (template markup) or not (user text)


@dataclass
class BuiltPrompt:
    segments: list[Segment] = field(default_factory=list)
    prefill: str = ""
    format: str = "plain"
    starts_with_bos_text: bool = False

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)


def _raise(msg: str):
    raise TemplateError(f"o chat template do modelo recusou a conversa: {msg}")


def render_chat(chat_template: str, system: str | None, user: str, prefill: str,
                bos_token: str = "", eos_token: str = "") -> BuiltPrompt:
    from jinja2 import TemplateSyntaxError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from legalprompt.render_budget import render_with_budget

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = _raise
    env.globals["strftime_now"] = lambda fmt: _dt.datetime.now().strftime(fmt)
    contents = ([system] if system else []) + [user]
    messages = []
    if system:
        messages.append({"role": "system", "content": _MARK.format(0)})
    messages.append({"role": "user", "content": _MARK.format(len(messages))})
    try:
        rendered = render_with_budget(env.from_string(chat_template), dict(
            messages=messages, add_generation_prompt=True, bos_token=bos_token, eos_token=eos_token))
    except TemplateSyntaxError as exc:
        raise TemplateError(f"chat template do modelo inválido (linha {exc.lineno}): {exc.message}") from None
    except TemplateError:
        raise
    except Exception as exc:  # the template is model data: any failure is a model problem, reported as such
        raise TemplateError(f"erro ao aplicar o chat template do modelo: {exc}") from None
    segments: list[Segment] = []
    rest = rendered
    for i, content in enumerate(contents):
        mark = _MARK.format(i)
        if mark not in rest:
            raise TemplateError("o chat template do modelo descartou uma mensagem; use --prompt-format plain")
        before, rest = rest.split(mark, 1)
        if before:
            segments.append(Segment(before, True))
        segments.append(Segment(content, False))
    if rest:
        segments.append(Segment(rest, True))
    if prefill:
        segments.append(Segment(prefill, False))
    return BuiltPrompt(segments, prefill, "chat",
                       starts_with_bos_text=bool(bos_token) and rendered.startswith(bos_token))


def render_plain(system: str | None, user: str, prefill: str) -> BuiltPrompt:
    """A completion frame for base models: instructions and document first (the shared prefix),
    then a blank line and the prefill, which the model continues."""
    body = (system.strip() + "\n\n" if system else "") + user.rstrip()
    tail = "\n\n" + prefill if prefill else "\n\n"
    return BuiltPrompt([Segment(body + tail, False)], prefill, "plain")
