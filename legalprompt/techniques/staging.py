"""Staged priming: the answer is built section by section, each section's title written into the
model's mouth.

A template declares its answer's skeleton (`skeleton:` in its front matter): the header, which is the
prefill continued by the model, then each section's title. The model writes one section; when it
starts the next title (any section's name or numeral at the start of a line) or a repeat of the first
line, that section is closed, and the next title is written for it. So:

* the structure is there even when a 270M model would wander or start a second answer;
* each section has its own token budget (a long section cannot starve the next ones);
* the prompt is evaluated once: each stage's prompt is the previous one plus the text written since,
  and the engine keeps its context, so only the new suffix is evaluated (`Engine._eval_reusing_prefix`).

`staged_generate` is the one entry point; it streams the same events as `Engine.generate` (the titles
as `TextEvent(prefill=True)`) and ends with one DoneEvent for the whole answer plus the skeleton record
(what was written at each stage) for the history. Another multi-stage technique (think, then prefill)
is meant to share this loop.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from legalprompt.engine.events import DoneEvent, TextEvent, Timings, Usage
from legalprompt.techniques.lint_ementa import ITEM_LINE

_ITEM_NUMBER = re.compile("(?m)" + ITEM_LINE)
_ROMAN_TITLE = re.compile(r"^\s*([IVXLC]+)\s*[.\-–—]\s*(.+?)\s*$")
_REPEAT_CHARS = 18  # how much of the first line, seen again at a line start, counts as a repeat


@dataclass
class StageRecord:
    """What one stage wrote: the title we put in the model's mouth and the model's own text."""
    title: str
    text: str = ""
    max_tokens: int = 0
    tokens: int = 0
    stop_reason: str = ""
    prompt_tokens: int = 0
    evaluated_prompt_tokens: int = 0  # prompt tokens this stage actually evaluated (the rest was reused)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class StagedResult:
    stages: list[StageRecord] = field(default_factory=list)

    def to_list(self) -> list[dict[str, Any]]:
        return [s.to_dict() for s in self.stages]


def next_item_number(text: str) -> int:
    """1 + the highest item number written so far (items are numbered across sections). An empty item the model
    left at a section's end ("8." and then the next heading) is not counted, as the ementa lint does not."""
    nums = [int(m.group(1)) for m in _ITEM_NUMBER.finditer(text)]
    return max(nums) + 1 if nums else 1


def stage_budgets(budgets: list[int], total: int) -> list[int]:
    """Each stage's token budget; when they add up to more than `total` (a smaller --max-tokens), all
    shrink in proportion, so every section still gets its share (at least 8 tokens)."""
    declared = sum(budgets)
    if declared <= total:
        return list(budgets)
    # The header keeps its budget up to a third of the total: a header cut mid-word is the worst cut.
    head = min(budgets[0], total // 3)
    rest = sum(budgets[1:])
    return [max(8, head)] + [max(8, b * (total - head) // rest) for b in budgets[1:]]


def section_stops(titles: list[str], first_line: str) -> list[str]:
    """Stop strings that mean "the model is starting another section or a second answer": each title's
    numeral and name at a line start, any roman-numeral heading, and the first line again."""
    # Any roman-numeral heading (the model invents "VII. DECISÃO"), and item 1 again (a second answer:
    # the first title already wrote "1.", so a later "1." restarts the numbering).
    stops: set[str] = {f"\n{r}." for r in ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")} | {"\n1."}
    for t in titles:
        line = next((ln.strip() for ln in t.splitlines() if ln.strip()), "")
        m = _ROMAN_TITLE.match(line)
        name = m.group(2) if m else line
        if m:
            stops.add(f"\n{m.group(1)}.")
        if len(name) >= 4:
            stops.add("\n" + name)
    head = first_line.strip()[:_REPEAT_CHARS]
    if len(head) >= 8:
        stops.add("\n" + head)
    stops.update({"\nEMENTA", "\nEmenta:"})
    return sorted(stops)


def staged_generate(engine, template, inputs: dict[str, Any], user_text: str, prefill: str, params,
                    cancel: threading.Event | None = None,
                    record: StagedResult | None = None, guard=None) -> Iterator[TextEvent | DoneEvent]:
    """Run the template's skeleton. `params.max_tokens` caps the whole answer; each stage gets
    min(its own budget, what is left). `record` (optional) receives the per-stage record. `guard`
    (anchored citations) watches every stage: its offsets count from the answer's start, which is each
    stage's prefill."""
    skeleton = template.meta.skeleton
    if skeleton is None:
        raise ValueError(f"template {template.name} declares no skeleton")
    record = record if record is not None else StagedResult()
    system = template.meta.system
    answer = prefill
    first_line = prefill.split("\n", 1)[0]
    section_titles_raw = [s.title for s in skeleton.sections]
    # Titles rendered once with a placeholder number, only to derive the stop strings.
    probe_titles = [template.render_text(t, inputs, "esqueleto", n=1) for t in section_titles_raw]
    # A blank line ends a section too: a CNJ 154 ementa has none inside, and after one the model
    # usually starts a second answer. The header ends at its line's end or where numbered
    # propositions would start (the older form's "... PROVIDO. 1. ...").
    stops_sections = sorted(set(section_stops(probe_titles, first_line)) | {"\n\n"} | set(params.stop))
    stops_header = sorted({"\n", " 1. ", *params.stop})
    stages = [(skeleton.header, True)] + [(s, False) for s in skeleton.sections]
    budgets = stage_budgets([spec.max_tokens for spec, _ in stages], params.max_tokens)
    remaining = params.max_tokens
    usage = Usage()
    t = Timings()
    gen_tokens_timed = 0
    stop_reason = "length"
    for i, (spec, is_header) in enumerate(stages):
        title = "" if is_header else template.render_text(spec.title, inputs, "esqueleto", n=next_item_number(answer))
        if title:
            answer += title
            yield TextEvent(title, [], prefill=True)
        rec = StageRecord(title=title, max_tokens=min(budgets[i], max(remaining, 0)))
        record.stages.append(rec)
        if rec.max_tokens > 0:
            tokens = engine.prompt_tokens(engine.build_prompt(user_text, answer, system))
            sp = replace(params, max_tokens=rec.max_tokens, stop=stops_header if is_header else stops_sections)
            done = None
            for ev in engine.generate(tokens, sp, cancel, prefill=answer, guard=guard):
                if isinstance(ev, TextEvent):
                    rec.text += ev.text
                    yield ev
                else:
                    done = ev
            assert done is not None
            answer = done.output
            rec.tokens = done.usage.completion_tokens
            rec.stop_reason = stop_reason = done.stop_reason
            rec.prompt_tokens = done.usage.prompt_tokens
            rec.evaluated_prompt_tokens = done.usage.prompt_tokens - done.usage.cached_prompt_tokens
            remaining -= rec.tokens
            usage.prompt_tokens += done.usage.prompt_tokens  # with cached_prompt_tokens: evaluated = the difference
            if i == 0:
                t.load_s = done.timings.load_s
                t.time_to_first_token_s = done.timings.time_to_first_token_s
                t.prompt_tokens_per_s = done.timings.prompt_tokens_per_s
            usage.completion_tokens += rec.tokens
            usage.cached_prompt_tokens += done.usage.cached_prompt_tokens
            t.prompt_eval_s += done.timings.prompt_eval_s
            t.generation_s += done.timings.generation_s
            t.total_s += done.timings.total_s
            gen_tokens_timed += max(rec.tokens - 1, 0)
            if done.stop_reason == "cancelled":
                break
        close = template.render_text(spec.close, inputs, "esqueleto", n=next_item_number(answer)) if spec.close else ""
        if close.strip() and close.strip().lower() not in rec.text.lower():
            answer += close  # exactly what is streamed: front ends keep character offsets of the titles
            rec.text += close
            yield TextEvent(close, [], prefill=True)
    t.generation_tokens_per_s = gen_tokens_timed / t.generation_s if t.generation_s > 0 else 0.0
    yield DoneEvent(output=answer, prefill=prefill, generated=answer[len(prefill):], stop_reason=stop_reason,
                    usage=usage, timings=t, seed=params.seed)
