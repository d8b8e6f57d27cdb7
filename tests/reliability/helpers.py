"""Shared by the reliability tests: what a failing command must leave untouched. Running a command and
checking how it ended is tests/cli/helpers.py's job."""

from __future__ import annotations

from pathlib import Path


def snapshot(folder: Path) -> dict[str, int]:
    """Every file under `folder` with its size: compared before and after a failing command."""
    return {str(p.relative_to(folder)): p.stat().st_size for p in sorted(folder.rglob("*")) if p.is_file()}


def running_rows(data_dir: Path) -> list:
    """History rows left 'running' (a half-written run) in the isolated data dir."""
    db = data_dir / "history.sqlite3"
    if not db.exists():
        return []
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT id, command FROM runs WHERE status='running'").fetchall()
    finally:
        con.close()
