"""Which process owns a running history row, and whether that process is still alive.

A run whose process dies (SIGKILL, SIGILL, the OOM killer) never gets to write its end. The row records its
owner as boot id + pid + the process's start time, so a later process can tell a dead owner from a live one
even after the pid is reused or the machine rebooted.
"""

from __future__ import annotations

import os
from pathlib import Path


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _start_ticks(pid: int) -> str | None:
    """Field 22 of /proc/PID/stat: the process's start time since boot (None if there is no such process)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    return stat.rsplit(")", 1)[1].split()[19]


def current_owner() -> str:
    pid = os.getpid()
    ticks = _start_ticks(pid)
    if ticks is None:  # no /proc (macOS, Windows): the pid alone
        return f"pid:{pid}"
    return f"{_boot_id()}:{pid}:{ticks}"


def owner_alive(owner: str | None) -> bool:
    if not owner:
        return False  # rows written before owners were recorded: nobody can still be writing them
    if owner.startswith("pid:"):
        try:
            os.kill(int(owner[4:]), 0)
        except ProcessLookupError:
            return False
        except (PermissionError, ValueError):
            return True
        return True
    boot, _, rest = owner.partition(":")
    pid_s, _, ticks = rest.partition(":")
    if boot != _boot_id():
        return False
    try:
        return _start_ticks(int(pid_s)) == ticks
    except ValueError:
        return False
