"""`batch --jobs auto`: the choice and its reason."""

from __future__ import annotations

import pytest

from legalprompt.batch.jobs import ENDPOINT_JOBS, GPU_JOBS, choose_jobs, parse_jobs
from legalprompt.errors import UserInputError


def test_parse():
    assert parse_jobs("auto") == "auto" and parse_jobs(" AUTO ") == "auto"
    assert parse_jobs("3") == 3 and parse_jobs(2) == 2
    for bad in ("0", "-1", "x", "1.5"):
        with pytest.raises(UserInputError, match="--jobs aceita auto"):
            parse_jobs(bad)


def test_choice():
    assert choose_jobs("auto", gpu_layers=0)[0] == 1
    assert choose_jobs("auto", gpu_layers=19)[0] == GPU_JOBS
    assert choose_jobs("auto", endpoints=2)[0] == 2 * ENDPOINT_JOBS
    n, why = choose_jobs(4, gpu_layers=0)
    assert n == 4 and why == "--jobs 4"
    assert "CPU" in choose_jobs("auto")[1]
