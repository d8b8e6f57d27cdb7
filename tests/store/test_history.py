import sqlite3

import pytest

from legalprompt.errors import StoreError
from legalprompt.store.history import MIGRATIONS, History


def test_roundtrip_and_prompt_stored_once(tmp_path):
    h = History(tmp_path / "h.sqlite3")
    a = h.start_run(command="run", template="ementa", prompt="P" * 1000, params={"t": 1}, seed=4)
    b = h.start_run(command="run", template="ementa", prompt="P" * 1000, seed=5)
    h.update_output(a, "parcial")
    assert h.get(a).output == "parcial" and h.get(a).status == "running"
    h.finish_run(a, status="ok", output="EMENTA: X", usage={"completion_tokens": 3}, citations=[{"v": 1}])
    h.finish_run(b, status="cancelled", output="EMENTA")
    assert h._db.execute("SELECT COUNT(*) FROM prompts").fetchone()[0] == 1
    ra = h.get(a)
    assert (ra.status, ra.output, ra.usage, ra.seed, ra.prompt) == ("ok", "EMENTA: X", {"completion_tokens": 3}, 4, "P" * 1000)
    assert [r.id for r in h.search("EMENTA")] == [b, a]
    assert [r.id for r in h.search(status="cancelled")] == [b]


def test_schema_version_and_migration_from_empty(tmp_path):
    p = tmp_path / "h.sqlite3"
    History(p).close()
    db = sqlite3.connect(p)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(tmp_path):
    p = tmp_path / "h.sqlite3"
    db = sqlite3.connect(p)
    db.execute(f"PRAGMA user_version={len(MIGRATIONS) + 5}")
    db.close()
    with pytest.raises(StoreError, match="versão mais nova"):
        History(p)


def test_corrupt_database_message(tmp_path):
    p = tmp_path / "h.sqlite3"
    p.write_bytes(b"isto nao e sqlite" * 100)
    with pytest.raises(StoreError, match="corrompido.*apague"):
        History(p)
