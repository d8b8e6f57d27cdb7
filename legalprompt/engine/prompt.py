"""Build the exact prompt text: the model's own chat template, or a plain frame for base models,
followed by the prefill (the first words of the answer, written by us).

User-supplied text (document, instructions, prefill) is kept apart from template markup so it is
tokenized with special tokens *disabled*: a document containing "<|im_start|>" cannot forge a turn.

Where the prefill goes is read from the template itself, not from a table of model families: we
render the conversation a few ways (with and without the generation prompt, with an assistant answer,
with an answer that carries reasoning) and compare the texts. That tells us the assistant opening,
the template's own form of a final answer (gpt-oss's final channel, Cohere's response block), how it
opens and closes a reasoning block, and the end-of-turn text that follows an answer.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import re
from dataclasses import dataclass, field

from legalprompt.errors import TemplateError, UserInputError

_MARK = "\x00LPSEG{}\x00"
_ANSWER = "\x00LPANSWER\x00"
_REASONING = "\x00LPREASONING\x00"

PLAIN_HINT = "Para usar este modelo mesmo assim, rode com --chat-format plain (prompt simples, sem o chat template)."


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
    # Reasoning ("thinking") models. `thinking` means the prompt ends inside an open reasoning block
    # and the prefill is not in it yet: the Drafter lets the model reason, then appends
    # `reasoning_close` + prefill (see continue_after_reasoning).
    thinking: bool = False
    reasoning_close: str = ""
    end_of_turn: str = ""  # the text the template writes after an assistant answer
    notes: list[str] = field(default_factory=list)  # pt-BR: how the prompt was adapted

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)

    @property
    def prefill_start(self) -> int | None:
        """Character offset of the prefill in `text` (None while it waits for the reasoning)."""
        if self.thinking:
            return None
        return len(self.text) - len(self.prefill)


def _raise(msg: str):
    raise TemplateError(f"o chat template do modelo recusou a conversa: {msg}")


def _tojson(value, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def _environment():
    """The sandboxed Jinja environment Hugging Face's apply_chat_template uses, with the same extras:
    loop controls, tojson, raise_exception, strftime_now and the {% generation %} block."""
    from jinja2 import nodes
    from jinja2.ext import Extension, loopcontrols
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class _Generation(Extension):
        # Marks the assistant's trainable span in HF templates; for rendering it is a plain block.
        tags = {"generation"}

        def parse(self, parser):
            lineno = next(parser.stream).lineno
            body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
            return nodes.Scope(body).set_lineno(lineno)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols, _Generation])
    env.globals["raise_exception"] = _raise
    env.globals["strftime_now"] = lambda fmt: _dt.datetime.now().strftime(fmt)
    env.filters["tojson"] = _tojson
    return env


@functools.lru_cache(maxsize=8)
def _compiled(chat_template: str):
    # A prompt renders its template four times (see _render_all); compiling once makes that cheap.
    return _environment().from_string(chat_template)


def render_template_text(chat_template: str, **context) -> str:
    """The single place where a chat template (model data, untrusted) is executed.
    Every failure becomes a TemplateError in pt-BR."""
    from jinja2 import TemplateSyntaxError, UndefinedError

    from legalprompt.render_budget import render_with_budget

    try:
        return render_with_budget(_compiled(chat_template), context)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"o chat template do modelo usa um recurso de Jinja que o legalprompt não conhece "
                            f"(linha {exc.lineno}: {exc.message}). {PLAIN_HINT}") from None
    except TemplateError:
        raise
    except UndefinedError as exc:
        raise TemplateError(f"o chat template do modelo exige dados que uma conversa simples não tem ({exc.message}): "
                            f"provavelmente é feito só para chamadas de função. {PLAIN_HINT}") from None
    except Exception as exc:  # the template is model data: any failure is a model problem, reported as such
        raise TemplateError(f"erro ao aplicar o chat template do modelo: {exc}. {PLAIN_HINT}") from None


def _messages(system: str | None, with_system: bool) -> list[dict]:
    msgs = []
    if system and with_system:
        msgs.append({"role": "system", "content": _MARK.format(0)})
    msgs.append({"role": "user", "content": _MARK.format(1)})
    return msgs


@dataclass
class _Renders:
    gen: str      # conversation + generation prompt
    base: str     # conversation alone
    answer: str   # conversation + an assistant answer (the template's final-answer form)
    reasoned: str  # conversation + an assistant answer that carries reasoning


def _render_all(chat_template: str, msgs: list[dict], thinking: bool, bos: str, eos: str) -> _Renders:
    ctx = {"bos_token": bos, "eos_token": eos, "enable_thinking": thinking}
    answer = {"role": "assistant", "content": _ANSWER}
    reasoned = {**answer, "reasoning_content": _REASONING, "thinking": _REASONING, "reasoning": _REASONING}

    def optional(m):  # a template may refuse an assistant turn without tools etc.; only `gen` is vital
        try:
            return render_template_text(chat_template, messages=m, add_generation_prompt=False, **ctx)
        except TemplateError:
            return ""

    return _Renders(gen=render_template_text(chat_template, messages=msgs, add_generation_prompt=True, **ctx),
                    base=optional(msgs), answer=optional([*msgs, answer]), reasoned=optional([*msgs, reasoned]))


# A tag left open at the end of the generation prompt, and the closing tag it needs, found by the
# shapes reasoning tags take (<think>/</think>, <|START_THINKING|>/<|END_THINKING|>, [THINK]/[/THINK]);
# the closing tag must occur in the template, so a stray tag is never taken for a reasoning block.
_OPEN_TAG_SHAPES = [
    (re.compile(r"<([A-Za-z][\w:.\-]*)>\s*$"), lambda m: f"</{m.group(1)}>"),
    (re.compile(r"<\|START_(\w+)\|>\s*$"), lambda m: f"<|END_{m.group(1)}|>"),
    (re.compile(r"\[([A-Z_]+)\]\s*$"), lambda m: f"[/{m.group(1)}]"),
]


def _open_reasoning(text: str, chat_template: str, close_hint: str) -> tuple[str, str] | None:
    """If `text` ends inside an open reasoning block, return (open tag, text that closes it)."""
    if close_hint:  # the template's own closing text names the tag it closes
        opener = _opener_of(close_hint.strip())
        if opener and text.rstrip().endswith(opener):
            return opener, close_hint
    for pattern, closer in _OPEN_TAG_SHAPES:
        m = pattern.search(text)
        if m and closer(m) in chat_template and "think" in m.group(1).lower():
            return m.group(0).strip(), close_hint or f"\n{closer(m)}\n\n"
    return None


_SOURCE_PAIRS = [
    re.compile(r"<(\w*think\w*(?::\w+)?)>"),
    re.compile(r"\[(THINK)\]"),
    re.compile(r"<\|START_(THINKING)\|>"),
]


# Reasoning channels that are not tag pairs: (opening as the template writes it, closing).
_SOURCE_CHANNELS = [("<|channel>thought\n", "\n<channel|>")]  # Gemma 4


def _reasoning_pair_in_source(chat_template: str) -> tuple[str, str] | None:
    """(what opens a reasoning block, what closes it and leads to the answer), from tags the
    template source names in pairs; None if it names none."""
    for open_text, close_text in _SOURCE_CHANNELS:
        if open_text.strip() in chat_template and close_text.strip() in chat_template:
            return open_text, close_text
    for pattern in _SOURCE_PAIRS:
        for m in pattern.finditer(chat_template):
            open_tag = m.group(0)
            close_tag = (f"</{m.group(1)}>" if open_tag.startswith("<") and not open_tag.startswith("<|")
                         else f"[/{m.group(1)}]" if open_tag.startswith("[") else f"<|END_{m.group(1)}|>")
            if close_tag in chat_template:
                if open_tag.startswith("<") and not open_tag.startswith("<|"):
                    return open_tag + "\n", f"\n{close_tag}\n\n"
                return open_tag, close_tag
    return None


def _opener_of(close_tag: str) -> str | None:
    first = close_tag.split()[0] if close_tag.split() else ""
    if first.startswith("</"):
        return "<" + first[2:]
    if first.startswith("[/"):
        return "[" + first[2:]
    if first.startswith("<|END_"):
        return "<|START_" + first[6:]
    return None


def _reasoning_forms(r: _Renders, head: str) -> tuple[str, str]:
    """(text that opens reasoning after the assistant opening, text between reasoning and answer),
    as the template writes them for an answer that carries reasoning; ("", "") if it drops it."""
    if _REASONING not in r.reasoned or _ANSWER not in r.reasoned:
        return "", ""
    before, after = r.reasoned.split(_REASONING, 1)
    between = after.split(_ANSWER, 1)[0]
    if _ANSWER in before or not between.strip():
        return "", ""
    gen_tail = r.gen[len(head):]
    tail = before[len(head):] if before.startswith(head) else ""
    n = len(_common_prefix(gen_tail, tail))
    return tail[n:], between


def _answer_marker_after_closed_block(opening: str, answer_tail: str, chat_template: str, end_of_turn: str) -> str:
    """What a finished answer writes between a closed, empty reasoning block and its content, when the
    generation prompt stops right after that block ("" when that is not the case). Both texts start after
    the user's message."""
    pair = _reasoning_pair_in_source(chat_template)
    if not pair or not answer_tail:
        return ""
    shared = _common_prefix(opening, answer_tail)
    shared = shared[: shared.rfind(">") + 1] if ">" in shared else ""  # cut at a whole marker
    gen_rest, ans_rest = opening[len(shared):], answer_tail[len(shared):]
    block = pair[0].strip() + pair[1].strip()
    if gen_rest.replace(" ", "").replace("\n", "") != block or not ans_rest.strip():
        return ""
    if pair[0].strip() in ans_rest or pair[1].strip() in ans_rest or _closes_turn(ans_rest, end_of_turn):
        return ""
    return ans_rest


def _common_prefix(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return a[:n]


def render_chat(chat_template: str, system: str | None, user: str, prefill: str,
                bos_token: str = "", eos_token: str = "", thinking: bool = False) -> BuiltPrompt:
    """The conversation in the model's own template, the assistant turn opened and the prefill
    after it, with nothing that closes the turn.

    A reasoning block the template opens is closed before the prefill (the model answers directly),
    unless `thinking`: then the prompt ends inside the open block and `reasoning_close` says how
    the Drafter closes it before the prefill once the model has reasoned."""
    notes: list[str] = []
    try:
        r = _render_all(chat_template, _messages(system, True), thinking, bos_token, eos_token)
        merged = bool(system) and _MARK.format(0) not in r.gen
    except TemplateError:
        if not system:
            raise
        merged = True
    if merged:
        # Templates without a system role (Gemma 2) raise or drop it: the instructions go at the
        # head of the user's message, as those models were trained to receive them.
        r = _render_all(chat_template, _messages(system, False), thinking, bos_token, eos_token)
        notes.append("o chat template não aceita mensagem de sistema: as instruções foram postas no início da "
                     "mensagem do usuário")
    user_mark = _MARK.format(1)
    if user_mark not in r.gen:
        raise TemplateError("o chat template do modelo descartou a mensagem do usuário (feito só para "
                            f"ferramentas?). {PLAIN_HINT}")
    contents = [user] if merged or not system else [system, user]
    if merged and system:
        contents = [system.strip() + "\n\n" + user]
    head = _common_prefix(r.gen, r.base) if r.base else r.gen[: r.gen.index(user_mark) + len(user_mark)]
    if user_mark not in head:
        head = r.gen[: r.gen.index(user_mark) + len(user_mark)]
    opening = r.gen[len(head):]
    end_of_turn = r.answer.split(_ANSWER, 1)[1] if _ANSWER in r.answer else ""
    reasoning_open, reasoning_close = _reasoning_forms(r, head)
    open_now = _open_reasoning(opening, chat_template, reasoning_close)
    close_text = ""
    if not thinking:
        answer_form = r.answer.split(_ANSWER, 1)[0] if _ANSWER in r.answer else ""
        if answer_form.startswith(r.gen) and answer_form != r.gen and not _closes_turn(answer_form[len(r.gen):],
                                                                                       end_of_turn):
            # The template's own way to start a final answer extends the generation prompt
            # (gpt-oss's final channel, a closed empty reasoning block): use it.
            opening = answer_form[len(head):]
            notes.append("abertura da resposta final do próprio template: " + repr(answer_form[len(r.gen):]))
        elif (extra := _answer_marker_after_closed_block(r.gen.split(user_mark, 1)[1],
                                                          answer_form.split(user_mark, 1)[1]
                                                          if user_mark in answer_form else "",
                                                          chat_template, end_of_turn)):
            # The template closes an empty reasoning block itself and leaves the answer's own opening marker
            # to the model (Command R7B: <|START_THINKING|><|END_THINKING|>, then <|START_RESPONSE|>): we write it.
            opening += extra
            notes.append("marcador de início da resposta do próprio template: " + repr(extra))
        elif open_now:
            tag, closer = open_now
            opening = opening.rstrip() + ("\n" if tag.startswith("<think") else "") + closer
            if not closer.endswith(("\n", " ")) and closer.strip().startswith("</"):
                opening += "\n\n"
            notes.append(f"o template abre um bloco de raciocínio ({tag}); ele foi fechado antes das palavras "
                         "iniciais, para o modelo responder direto (use --thinking para deixá-lo raciocinar)")
        elif "enable_thinking" in chat_template and _reasoning_pair_in_source(chat_template):
            notes.append("o template tem uma chave de raciocínio (enable_thinking): desligada, para o modelo "
                         "responder direto (use --thinking para deixá-lo raciocinar)")
    else:
        if open_now:
            close_text = open_now[1]
        elif reasoning_open.strip():
            opening += reasoning_open
            close_text = reasoning_close
        elif pair := _reasoning_pair_in_source(chat_template):
            # The template names a reasoning block but lets the model open it (SmolLM3, Kimi-K2-Thinking):
            # we open it, as R1-style templates do.
            opening += pair[0]
            close_text = pair[1]
        else:
            raise UserInputError("--thinking: o chat template deste modelo não tem bloco de raciocínio; "
                                 "rode sem --thinking")
    segments = _split_marks(head, contents)
    if opening:
        segments.append(Segment(opening, True))
    if prefill and not thinking:
        segments.append(Segment(prefill, False))
    return BuiltPrompt(segments, prefill, "chat",
                       starts_with_bos_text=bool(bos_token) and r.gen.startswith(bos_token),
                       thinking=thinking, reasoning_close=close_text, end_of_turn=end_of_turn, notes=notes)


def _closes_turn(extra: str, end_of_turn: str) -> bool:
    eot = end_of_turn.strip()
    return bool(eot) and eot in extra


def _split_marks(rendered: str, contents: list[str]) -> list[Segment]:
    """Swap the message marks for the real texts, keeping user text in its own segments."""
    marks = [_MARK.format(1)] if len(contents) == 1 else [_MARK.format(0), _MARK.format(1)]
    segments: list[Segment] = []
    rest = rendered
    for mark, content in zip(marks, contents):
        if mark not in rest:
            raise TemplateError(f"o chat template do modelo descartou uma mensagem. {PLAIN_HINT}")
        before, rest = rest.split(mark, 1)
        if before:
            segments.append(Segment(before, True))
        segments.append(Segment(content, False))
    if rest:
        segments.append(Segment(rest, True))
    return segments


def continue_after_reasoning(stage: BuiltPrompt, reasoning: str) -> BuiltPrompt:
    """The second stage of a --thinking prompt: the model's reasoning, the template's closing of the
    reasoning block, then the prefill. Shares its prefix with the first stage, so the engine reuses it."""
    segments = list(stage.segments)
    if reasoning:
        segments.append(Segment(reasoning, False))
    segments.append(Segment(stage.reasoning_close, True))
    if stage.prefill:
        segments.append(Segment(stage.prefill, False))
    return BuiltPrompt(segments, stage.prefill, stage.format, stage.starts_with_bos_text, thinking=False,
                       reasoning_close=stage.reasoning_close, end_of_turn=stage.end_of_turn, notes=list(stage.notes))


def render_plain(system: str | None, user: str, prefill: str) -> BuiltPrompt:
    """A completion frame for base models: instructions and document first (the shared prefix),
    then a blank line and the prefill, which the model continues."""
    body = (system.strip() + "\n\n" if system else "") + user.rstrip()
    tail = "\n\n" + prefill if prefill else "\n\n"
    return BuiltPrompt([Segment(body + tail, False)], prefill, "plain")
