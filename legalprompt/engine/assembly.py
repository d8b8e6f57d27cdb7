"""Text assembly, shared by every decoder: token pieces in, text events out.

A decoder (the in-process engine, parallel sequences, a remote endpoint, the test fake) only chooses
tokens; this module turns their bytes into what the user sees:

* UTF-8 decoded incrementally: a character split across two tokens is held back until it is whole;
* stop strings: text that could be the start of a stop string is held back (never shown, then taken
  back), and the answer is cut where a stop string begins;
* the prefill stays apart: it is not re-emitted as text (front ends show it first), and the finished
  answer (`DoneEvent.output`) is prefill + generated text;
* usage and timings in one shape for every decoder.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from legalprompt.engine.events import DoneEvent, TextEvent, Timings, Usage


def find_stop(text: str, stops: list[str], start: int) -> int:
    """Index in `text` where the first stop string begins at or after `start` (-1: none)."""
    start = max(0, start)
    best = -1
    for s in stops:
        i = text.find(s, start)
        if i >= 0 and (best < 0 or i < best):
            best = i
    return best


class TextAssembler:
    """One generation's text. `add()` each token's bytes (or text, for a remote decoder); it returns the
    text now safe to show, or None. When a stop string appears, `stopped` is set and the text is cut
    before it. `finish()` returns what was held back; `done()` makes the DoneEvent."""

    def __init__(self, stops: list[str] | None = None, prefill: str = ""):
        self.stops = [s for s in (stops or []) if s]
        self.hold = max((len(s) for s in self.stops), default=1) - 1
        self.prefill = prefill
        self.text = ""        # generated text so far (decoded, cut at a stop string)
        self.emitted = 0      # chars of `text` already sent
        self.pending_ids: list[int] = []
        self.n_out = 0        # tokens added
        self.stopped = False
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")

    @property
    def context(self) -> str:
        """The answer so far as the model wrote it (prefill included): what a citation guard reads."""
        return self.prefill + self.text

    def add(self, token_id: int | None, piece: bytes | str, *, new_token: bool = True) -> TextEvent | None:
        """`new_token=False`: more bytes of the token added last (a fake that sends a word byte by byte)."""
        if new_token:
            self.n_out += 1
        if token_id is not None:
            self.pending_ids.append(token_id)
        self.text += self._utf8.decode(piece) if isinstance(piece, bytes) else piece
        if self.stops:
            cut = find_stop(self.text, self.stops, self.emitted - self.hold)
            if cut >= 0:
                self.text = self.text[:cut]
                self.stopped = True
                return None
        safe = len(self.text) - self.hold if self.stops else len(self.text)
        if safe > self.emitted:
            ev = TextEvent(self.text[self.emitted:safe], self.pending_ids)
            self.emitted = safe
            self.pending_ids = []
            return ev
        return None

    def append(self, text: str, ids: list[int]) -> None:
        """Text written after generation ended (an anchored citation completed past max_tokens)."""
        self.text += text
        self.pending_ids += ids

    def finish(self) -> TextEvent | None:
        """The rest: an incomplete UTF-8 tail (as U+FFFD) and the held-back text that is no stop string."""
        if not self.stopped:
            self.text += self._utf8.decode(b"", final=True)
        if len(self.text) > self.emitted:
            ev = TextEvent(self.text[self.emitted:], self.pending_ids)
            self.emitted = len(self.text)
            self.pending_ids = []
            return ev
        return None

    def done(self, stop_reason: str, usage: Usage, timings: Timings, seed: int, served_by: str | None = None
             ) -> DoneEvent:
        return DoneEvent(output=self.prefill + self.text, prefill=self.prefill, generated=self.text,
                         stop_reason="stop" if self.stopped else stop_reason, usage=usage, timings=timings,
                         seed=seed, served_by=served_by)


@dataclass
class Clock:
    """The moments of one generation, in perf_counter seconds, and what they make: Timings."""
    t0: float
    t_prompt: float | None = None   # prompt evaluated
    t_first: float | None = None    # first token sampled

    def timings(self, t_end: float, n_eval: int, n_out: int, load_s: float = 0.0, threads: int = 0) -> Timings:
        t_prompt = self.t_prompt if self.t_prompt is not None else t_end
        t_first = self.t_first if self.t_first is not None else t_end
        prompt_s = t_prompt - self.t0
        gen_s = t_end - t_first
        return Timings(
            load_s=load_s, time_to_first_token_s=t_first - self.t0, prompt_eval_s=prompt_s,
            prompt_tokens_per_s=n_eval / prompt_s if prompt_s > 0 else 0.0, generation_s=gen_s,
            generation_tokens_per_s=(n_out - 1) / gen_s if n_out > 1 and gen_s > 0 else 0.0,
            total_s=t_end - self.t0, threads=threads)
