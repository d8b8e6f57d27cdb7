"""How many CPU threads a request gets, chosen when it starts from the cores actually free.

llama.cpp's threads meet at a barrier after every operation and spin while they wait, so one thread that the
kernel does not schedule (because another process holds its core) stalls all the others: measured on 2 vCPUs
with one core busy elsewhere, 2 threads took 108 s to the first token where 1 thread took 14 s. A thread count
fixed at load time cannot follow a laptop whose load changes, so we look at the machine before each request.
"""

from __future__ import annotations

import os
import time

SAMPLE_S = 0.1  # long enough for ~10 scheduler ticks per core at 100 Hz


def _cpu_times() -> tuple[int, int] | None:
    """(busy, total) jiffies of the whole machine, from /proc/stat (None off Linux)."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()[1:]
    except OSError:
        return None
    vals = [int(v) for v in fields[:8]]
    # Niced time counts as taken: measured on 2 cores, a nice-19 process beside llama.cpp's 2 threads cut
    # generation from ~130 to ~5 tok/s (its scheduler slices still stall the spinning barrier).
    free = vals[3] + vals[4]  # idle + iowait
    return sum(vals) - free, sum(vals)


def _own_jiffies() -> int:
    try:
        with open("/proc/self/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return int(parts[11]) + int(parts[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


class CpuLook:
    """A look at the machine that runs in the background of what the process does anyway.

    Started before the model loads, it is read when the first request starts: the load and the request's
    preparation are the sample window, so the request waits for nothing. Our own CPU time in the window is
    subtracted, so loading the model does not count as another process. A reading restarts the window; a
    window older than `max_age` says little about now and is taken again (then the request waits `min_window`).
    """

    def __init__(self) -> None:
        self._restart()

    def _restart(self) -> None:
        self._t = time.monotonic()
        self._a = _cpu_times()
        self._own = _own_jiffies()

    def busy_elsewhere(self, min_window: float = SAMPLE_S, max_age: float = 3.0) -> float | None:
        """Cores kept busy by other processes since the window started (ours excluded), or None if unknown."""
        if (os.cpu_count() or 1) == 1:
            return None  # nothing to choose on one core
        if self._a is None or time.monotonic() - self._t > max_age:
            self._restart()
            if self._a is None:
                return None
        wait = min_window - (time.monotonic() - self._t)
        if wait > 0:
            time.sleep(wait)
        a, own_a = self._a, self._own
        self._restart()
        b, own_b = self._a, self._own
        if b is None or b[1] <= a[1]:
            return None
        busy = (b[0] - a[0]) - (own_b - own_a)
        return max(0.0, busy / (b[1] - a[1]) * (os.cpu_count() or 1))


def busy_cores_elsewhere(window: float = SAMPLE_S) -> float | None:
    """Cores kept busy by other processes over the next `window` seconds (ours excluded), or None if unknown."""
    return CpuLook().busy_elsewhere(min_window=window)


def choose_threads(max_threads: int, busy_elsewhere: float | None) -> int:
    """Threads for the next request: the usable cores that nothing else is using, at least 1.

    A core counts as taken when another process keeps it at least ~60% busy; a brief blip (a shell, the TUI's
    own redraw) does not cost a thread."""
    if busy_elsewhere is None:
        return max(1, max_threads)
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 1
    taken = int(busy_elsewhere + 0.4)
    return max(1, min(max_threads, usable - taken))
