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


@pytest.mark.skipif(not os.path.exists("/proc/stat") or (os.cpu_count() or 1) < 2, reason="needs Linux, 2+ cores")
def test_look_uses_the_window_that_already_passed(monkeypatch):
    """The look started before the model load is read without waiting."""
    from legalprompt.engine import threads

    look = threads.CpuLook()
    time.sleep(0.15)  # the model load
    slept = []
    monkeypatch.setattr(threads.time, "sleep", lambda s: slept.append(s))
    seen = look.busy_elsewhere()
    assert seen is not None and 0.0 <= seen <= (os.cpu_count() or 1)  # cores: a share of this machine's
    assert slept == []


def test_own_work_does_not_take_a_core(monkeypatch, tmp_path):
    """Our own CPU time in the window (the model load) is not another process's; niced time is taken."""
    from legalprompt.engine import threads

    stat = tmp_path / "stat"
    own = [0]
    monkeypatch.setattr(threads, "_own_jiffies", lambda pids=(): own[0])
    monkeypatch.setattr(threads.os, "cpu_count", lambda: 2)
    real_open = open

    def fake_open(path, *a, **k):
        return real_open(stat if path == "/proc/stat" else path, *a, **k)

    monkeypatch.setattr("builtins.open", fake_open)
    #                  user nice system idle iowait irq softirq steal
    stat.write_text("cpu  1000 0 0 1000 0 0 0 0\n")
    look = threads.CpuLook()
    clock = [look._t + 0.5]
    monkeypatch.setattr(threads.time, "monotonic", lambda: clock[0])
    stat.write_text("cpu  1100 0 0 1100 0 0 0 0\n")  # 100 jiffies of 200 busy, all ours
    own[0] = 100
    assert look.busy_elsewhere() == pytest.approx(0.0)
    stat.write_text("cpu  1300 0 0 1100 0 0 0 0\n")  # 100 more ours, 100 another process's
    own[0] = 200
    clock[0] += 0.5
    assert look.busy_elsewhere() == pytest.approx(1.0)  # half the window on 2 cores: one core taken
    stat.write_text("cpu  1300 200 0 1100 0 0 0 0\n")  # a niced process: it still stalls llama.cpp's barriers
    clock[0] += 0.5
    assert look.busy_elsewhere() == pytest.approx(2.0)


def test_look_waits_for_a_short_or_stale_window(monkeypatch):
    from legalprompt.engine import threads

    clock = [100.0]
    monkeypatch.setattr(threads.time, "monotonic", lambda: clock[0])
    slept = []
    monkeypatch.setattr(threads.time, "sleep", lambda s: (slept.append(round(s, 3)), clock.__setitem__(0, clock[0] + s)))
    monkeypatch.setattr(threads, "_cpu_times", lambda: (int(clock[0] * 100), int(clock[0] * 200)))
    monkeypatch.setattr(threads, "_own_jiffies", lambda pids=(): 0)
    monkeypatch.setattr(threads.os, "cpu_count", lambda: 2)
    look = threads.CpuLook()
    clock[0] += 0.04
    assert look.busy_elsewhere() == pytest.approx(1.0)   # half of 2 cores busy in the fake /proc/stat
    assert slept == [0.06]                               # only the rest of the 0.1 s window
    clock[0] += 60                                       # an idle TUI: the window is stale, take a new one
    look.busy_elsewhere()
    assert slept == [0.06, 0.1]


@pytest.mark.skipif(not os.path.exists("/proc/stat"), reason="needs Linux")
def test_a_front_end_process_counts_as_our_own_time():
    """An engine process counts its front end's CPU time as its own (the TUI's redraws must not cost a thread)."""
    from legalprompt.engine import threads

    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        deadline = time.monotonic() + 30
        while threads._own_jiffies((spinner.pid,)) - threads._own_jiffies() <= 0:
            assert time.monotonic() < deadline, "the spinner never ran"
            time.sleep(0.05)
        look = threads.CpuLook(also_own=(spinner.pid,))
        assert look.also_own == (spinner.pid,) and look._own >= threads._own_jiffies() + 1
    finally:
        spinner.kill()
        spinner.wait()
    assert threads._own_jiffies((spinner.pid,)) == threads._own_jiffies()  # a process gone counts nothing
