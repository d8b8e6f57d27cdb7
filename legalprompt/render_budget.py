"""A time and memory budget for rendering a Jinja template: the user's templates and a model's chat
template (data inside a downloaded GGUF file) are both rendered through `render_with_budget`.

Jinja's sandbox stops escapes, not cost: `{% for i in range(100000) %}{% for j in range(100000) %}`
runs for hours and `{{ 'a' * 10**9 }}` allocates a gigabyte. Python cannot kill a thread, but it can
raise an exception in one: a watchdog thread raises `RenderBudgetExceeded` inside the rendering thread
(PyThreadState_SetAsyncExc, delivered at the next bytecode, which is where a template loop spends its
time) when the deadline passes or the process has grown past the memory budget. The output is also
capped as it is generated, and `BudgetedSandbox` refuses `*` and `**` whose result would be huge
before computing it (a single C-level allocation could not be interrupted).
"""

from __future__ import annotations

import ctypes
import threading
import time
from typing import Any

RENDER_SECONDS = 5.0
RENDER_MEMORY_BYTES = 512 * 1024 * 1024   # growth of the process while rendering
RENDER_MAX_CHARS = 24_000_000             # the prompt: a document (5M characters at most) and instructions
_MAX_REPEAT = 10_000_000                  # 'a' * n, [x] * n: elements or characters
_MAX_POWER_BITS = 10_000                  # 2 ** 10_000 has ~3,000 digits; str() refuses past 4,300


class RenderBudgetExceeded(Exception):
    """The rendering passed its time, memory or size budget. `what` says which, in pt-BR."""

    def __init__(self, what: str = "tempo"):
        super().__init__(what)
        self.what = what

    def __str__(self) -> str:  # callers that print str(exc) show the pt-BR reason
        return budget_message(self)


def _rss() -> int:
    """Anonymous resident memory (RssAnon): what a template's strings and lists take. File-backed pages
    (a model being memory-mapped by another thread of the TUI) do not count against the render."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


class _TimeUp(RenderBudgetExceeded):
    def __init__(self):
        super().__init__("tempo")


class _MemoryUp(RenderBudgetExceeded):
    def __init__(self):
        super().__init__("memória")


_WALL_FACTOR = 6  # a render is cut off after this many times its CPU budget in wall-clock time, whatever it did


def _cpu_clock(thread_id: int):
    """A function giving the CPU seconds `thread_id` has used since now (None where the platform has no
    per-thread CPU clock); the function returns None once the clock cannot be read."""
    try:
        clock = time.pthread_getcpuclockid(thread_id)
        start = time.clock_gettime(clock)
    except (AttributeError, OSError):
        return None

    def used() -> float | None:
        try:
            return time.clock_gettime(clock) - start
        except OSError:
            return None

    return used


def _interrupt(thread_id: int, exc_type: type) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc_type))


def render_with_budget(template, values: dict[str, Any], *, seconds: float = RENDER_SECONDS,
                       memory_bytes: int = RENDER_MEMORY_BYTES, max_chars: int = RENDER_MAX_CHARS) -> str:
    """`template.generate(**values)` joined, or RenderBudgetExceeded past `seconds`, `memory_bytes` of
    growth or `max_chars` of output."""
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False}
    stop = threading.Event()
    base = _rss()

    spent = _cpu_clock(target)

    def watch() -> None:
        waited = 0.0
        while not stop.wait(0.02):
            waited += 0.02
            # The rendering thread's own CPU time, where the platform gives it: a template loop burns CPU, while
            # a render that merely waits for the CPU on a busy machine (or for the GIL) must not be cut off.
            # A render that makes no progress for far longer than the budget is cut off all the same.
            used = spent() if spent is not None else None
            used = waited if used is None else used
            late = used >= seconds or waited >= seconds * _WALL_FACTOR
            over = _TimeUp if late else (_MemoryUp if base and _rss() - base > memory_bytes else None)
            if over is not None:
                with lock:
                    if not state["done"]:
                        _interrupt(target, over)
                return

    watcher = threading.Thread(target=watch, name="legalprompt-render-budget", daemon=True)
    watcher.start()
    try:
        out: list[str] = []
        size = 0
        for chunk in template.generate(**values):
            size += len(chunk)
            if size > max_chars:
                raise RenderBudgetExceeded("tamanho")
            out.append(chunk)
        with lock:
            state["done"] = True
        return "".join(out)
    finally:
        with lock:
            state["done"] = True
        stop.set()
        watcher.join()


def budget_message(exc: RenderBudgetExceeded) -> str:
    """pt-BR: which limit, and what to do."""
    return {
        "tempo": f"passou do limite de {RENDER_SECONDS:g} s para montar o texto (laço longo demais?)",
        "memória": f"passou do limite de {RENDER_MEMORY_BYTES // (1024 * 1024)} MB de memória ao montar o texto",
        "tamanho": f"passou do limite de {RENDER_MAX_CHARS:_} caracteres de texto montado".replace("_", "."),
        "operação": "uma conta ou repetição passa do limite de tamanho (por exemplo, 'a' * 10**9 ou 10**5000)",
    }.get(exc.what, "passou de um limite ao montar o texto")


def _sandbox_base():
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment


def budgeted_sandbox(**kwargs):
    """An immutable sandbox whose `*` and `**` refuse (RenderBudgetExceeded) results too big to build,
    and whose compiler does not fold constants (so compiling never evaluates `10**5000`)."""
    base = _sandbox_base()

    class BudgetedSandbox(base):
        intercepted_binops = frozenset(["*", "**"])

        def call_binop(self, context, operator, left, right):
            if operator == "**":
                if isinstance(left, int) and isinstance(right, int) and right > 0 \
                        and abs(left) > 1 and abs(left).bit_length() * right > _MAX_POWER_BITS:
                    raise RenderBudgetExceeded("operação")
            elif operator == "*":
                for seq, n in ((left, right), (right, left)):
                    if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > _MAX_REPEAT:
                        raise RenderBudgetExceeded("operação")
            return super().call_binop(context, operator, left, right)

    return BudgetedSandbox(optimized=False, **kwargs)
