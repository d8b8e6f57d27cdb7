"""Progress of a batch: a one-line bar on a terminal (documents done, tokens/s, time left), a plain
line per document when stderr is not a terminal, or JSON lines on stdout with --json.

Redraws are throttled (llama.cpp's threads spin: a busy printing thread slows generation down).
"""

from __future__ import annotations

import json
import sys
import time
from typing import TextIO

from legalprompt.termsafe import json_safe, safe_label, write_control

_REDRAW_S = 0.25


def fmt_duration(s: float) -> str:
    s = max(0, int(round(s)))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{(s % 3600) // 60:02d}m"


class Progress:
    def __init__(self, total: int, *, json_mode: bool = False, err: TextIO | None = None,
                 out: TextIO | None = None, enabled: bool = True):
        self.total = total
        self.json_mode = json_mode
        self.err = err or sys.stderr
        self.out = out or sys.stdout
        self.enabled = enabled
        self.tty = bool(getattr(self.err, "isatty", lambda: False)()) and not json_mode
        self.t0 = time.monotonic()
        self.done = 0          # documents finished this run (ok, error or skipped)
        self.worked = 0        # of those, documents that were actually generated (for the time estimate)
        self.tokens = 0        # generated tokens this run
        self._last_draw = 0.0
        self._drawn = False

    # -- numbers ------------------------------------------------------------------------------------
    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def tokens_per_s(self) -> float:
        el = self.elapsed()
        return self.tokens / el if el > 0 else 0.0

    def eta_s(self) -> float | None:
        left = self.total - self.done
        if left <= 0:
            return 0.0
        if self.worked == 0:
            return None
        return self.elapsed() / self.worked * left

    # -- events -------------------------------------------------------------------------------------
    def add_tokens(self, n: int) -> None:
        self.tokens += n
        if self.tty and self.enabled and time.monotonic() - self._last_draw >= _REDRAW_S:
            self._draw()

    def document(self, label: str, status: str, *, worked: bool, error: str | None = None) -> None:
        self.done += 1
        if worked:
            self.worked += 1
        if not self.enabled:
            return
        if self.json_mode:
            eta = self.eta_s()
            self.out.write(json_safe(json.dumps({
                "event": "document", "path": label, "status": status, "error": error,
                "done": self.done, "total": self.total, "generated_tokens": self.tokens,
                "tokens_per_s": round(self.tokens_per_s(), 2),
                "elapsed_s": round(self.elapsed(), 2), "eta_s": None if eta is None else round(eta, 1),
            }, ensure_ascii=False)) + "\n")
            self.out.flush()
        elif self.tty:
            self._draw(force=True)
        else:
            label, error = safe_label(label), None if error is None else safe_label(error)
            tag = {"ok": "ok", "skipped": "pulado", "error": "ERRO"}.get(status, status)
            extra = "" if not error else (f": {error[len(label):].lstrip(': ')}" if error.startswith(label) else f": {error}")
            self.err.write(f"[{self.done}/{self.total}] {tag} {label}{extra}\n")
            self.err.flush()

    def warn(self, label: str, message: str) -> None:
        """A file found but not read: always said (even with --quiet), so nothing is dropped silently."""
        if self.json_mode:
            self.out.write(json_safe(json.dumps({"event": "warning", "path": label, "message": message},
                                                ensure_ascii=False)) + "\n")
            self.out.flush()
            return
        if self.tty and self._drawn:
            self.err.write("\n")
        self.err.write(f"aviso: {safe_label(label)}: {safe_label(message)}\n")
        self.err.flush()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_draw < _REDRAW_S:
            return
        self._last_draw = now
        width = 24
        frac = self.done / self.total if self.total else 1.0
        bar = "#" * int(frac * width) + "-" * (width - int(frac * width))
        eta = self.eta_s()
        left = "?" if eta is None else fmt_duration(eta)
        write_control(self.err, "\r")
        self.err.write(f"[{bar}] {self.done}/{self.total} documentos · {self.tokens_per_s():.1f} tokens/s · "
                       f"restam ~{left}   ")
        self.err.flush()
        self._drawn = True

    def finish(self) -> None:
        if self.tty and self._drawn and self.enabled:
            self._draw(force=True)
            self.err.write("\n")
            self.err.flush()
