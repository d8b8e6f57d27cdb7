"""Thread choice: a core another process keeps busy is not given to llama.cpp."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from legalprompt.engine.threads import busy_cores_elsewhere, choose_threads


def test_choice_from_busy_cores(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    assert choose_threads(4, 0.0) == 4
    assert choose_threads(4, 0.3) == 4      # a blip does not take a core
    assert choose_threads(4, 0.7) == 3
    assert choose_threads(4, 1.9) == 2
    assert choose_threads(4, 9.0) == 1      # never fewer than one
    assert choose_threads(2, 0.0) == 2      # never more than asked
    assert choose_threads(3, None) == 3     # unknown load: the configured count


@pytest.mark.skipif(not os.path.exists("/proc/stat") or (os.cpu_count() or 1) < 2, reason="needs Linux, 2+ cores")
def test_a_spinning_process_is_seen():
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)
        seen = busy_cores_elsewhere(0.3)
    finally:
        spinner.kill()
        spinner.wait()
    assert seen is not None and seen >= 0.6, seen
