"""Fixtures for the TUI tests: one real engine (bundled gemma3-270m) shared by the tests of a session,
and helpers to wait for the app's worker threads without wall-clock assertions."""

from __future__ import annotations

import time

import pytest

EXAMPLE = "examples/peticao-curta.txt"  # relative: tests run from the repository root
WAIT_S = 300.0  # generous: the test machine is shared; this only bounds a hung test


@pytest.fixture(scope="session")
def engine():
    from legalprompt.config import load_settings
    from legalprompt.engine.loader import load_engine

    settings, _ = load_settings({})
    return load_engine(settings)


async def wait_until(pilot, cond, what: str, timeout: float = WAIT_S) -> None:
    t0 = time.monotonic()
    while not cond():
        if time.monotonic() - t0 > timeout:
            raise AssertionError(f"timed out waiting for: {what}")
        await pilot.pause(0.05)
    await pilot.pause()


async def ready_app(app, pilot, engine) -> None:
    """Adopt the shared engine and wait for the first token count."""
    app.use_engine(engine)
    await wait_until(pilot, lambda: app.draft_screen is not None, "draft screen")
    await pilot.pause()


async def generate(pilot, app, *, prefill: str | None = None, max_tokens: int = 8, seed: int = 7) -> None:
    from textual.widgets import Input, TextArea

    d = app.draft_screen
    if prefill is not None:
        d.query_one("#prefill", TextArea).load_text(prefill)
    d.query_one("#max-tokens", Input).value = str(max_tokens)
    d.query_one("#seed", Input).value = str(seed)
    await pilot.pause()
    before = d.last_result
    await pilot.press("f5")
    await wait_until(pilot, lambda: not d.generating and d.last_result is not before, "generation to finish")

