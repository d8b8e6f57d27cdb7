"""The one place tests run the command line: in this process (`invoke`) or in a subprocess (`cli`), with the
same `Result`, and the checks on how a command ended (`assert_ok`, `assert_clean_error`)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import traceback
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "tests" / "fixtures" / "docs"
SMOL = "smollm2-135m"  # the small bundled model, for rows that must load one
# One thread: on a shared, loaded machine spinning llama.cpp threads contend (measured 3x slower with 2);
# a 512-token context is enough for the fixtures and allocates less.
SMALL = ["-m", SMOL, "--threads", "1", "--n-ctx", "512"]


class Result(NamedTuple):
    """How a command ended. A tuple too: `code, out, err = invoke(...)`."""

    code: int
    out: str
    err: str


def invoke(*args: str, stdin: bytes | str | None = None) -> Result:
    """`legalprompt.cli.main(args)` in this process, with stdout/stderr captured and `stdin` as standard input.

    Any exception that escapes main() is a bug (the user would see a traceback): it is returned as
    code -1 with the traceback in `err`, so the assertion shows it."""
    from legalprompt.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr, sys.stdin
    sys.stdout, sys.stderr = out, err
    if stdin is not None:
        data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:  # argparse refuses a flag with exit 2
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - reported as a failure below
        code = -1
        err.write("Traceback (escaped main):\n" + traceback.format_exc())
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved
    return Result(int(code or 0), out.getvalue(), err.getvalue())


def cli(*args: str, input: str | None = None, timeout: float = 240, env: dict | None = None) -> Result:
    """`python -m legalprompt ...` in a subprocess (inherits the test's isolated dirs)."""
    p = subprocess.run([sys.executable, "-m", "legalprompt", *map(str, args)], capture_output=True, text=True,
                       input=input, timeout=timeout, cwd=REPO, env={**os.environ, **(env or {})})
    return Result(p.returncode, p.stdout, p.stderr)


def assert_clean_error(r: Result, code: int = 2, match: str | None = None) -> None:
    """The documented exit code, one pt-BR 'erro:' line (or argparse's 'legalprompt ...: erro:'), no traceback."""
    assert "Traceback" not in r.err and "Traceback" not in r.out, r.err[-3000:]
    assert r.code == code, (r.code, r.out[-500:], r.err[-1500:])
    lines = [ln for ln in r.err.strip().splitlines() if ln.strip()]
    assert lines, "no message on stderr"
    last = lines[-1]
    assert last.startswith("erro: ") or (last.startswith("legalprompt") and ": erro: " in last), r.err
    if match:
        assert match in r.err, (match, r.err)


def assert_ok(r: Result) -> None:
    assert "Traceback" not in r.err and "Traceback" not in r.out, r.err[-3000:]
    assert r.code == 0, (r.code, r.out[-500:], r.err[-1500:])
