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


def test_extra_columns_round_trip(tmp_path):
    from legalprompt.store.history import History

    h = History(tmp_path / "h.sqlite3")
    rid = h.start_run(command="run", inputs={"area": "DIREITO PENAL"}, document_path="/a/b.pdf",
                      document_sha256="ab" * 32, citation_mode="anchored", skeleton=["I. CASO EM EXAME"])
    h.finish_run(rid, status="ok", output="x", reasoning="pensando", shape={"ok": False, "findings": []})
    r = h.get(rid)
    assert (r.inputs, r.document_path, r.citation_mode, r.skeleton, r.reasoning, r.shape) == (
        {"area": "DIREITO PENAL"}, "/a/b.pdf", "anchored", ["I. CASO EM EXAME"], "pensando",
        {"ok": False, "findings": []})
    with pytest.raises(TypeError):
        h.start_run(command="run", nonsense=1)


def test_run_of_a_dead_process_becomes_interrupted(tmp_path):
    """A row owned by a process that is gone is 'interrupted' at the next open, keeping its output."""
    import subprocess
    import sys

    from legalprompt.store.history import STATUS_LABELS, History

    db = tmp_path / "h.sqlite3"
    code = ("import sys; from legalprompt.store.history import History; h = History(sys.argv[1]);"
            "r = h.start_run(command='run'); h.update_output(r, 'EMENTA: parcial'); print(r)")
    child = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, check=True)
    rid = int(child.stdout)
    mine = History(db)
    live = mine.start_run(command="run")  # this process is alive: its row must stay running
    again = History(db)
    dead = again.get(rid)
    assert (dead.status, dead.output) == ("interrupted", "EMENTA: parcial")
    assert STATUS_LABELS[dead.status] == "interrompida"
    assert again.get(live).status == "running"


def test_owner_identity():
    import subprocess
    import sys

    from legalprompt.store.owner import current_owner, owner_alive

    assert owner_alive(current_owner())
    assert not owner_alive(None) and not owner_alive("garbage") and not owner_alive("x:1:2")
    p = subprocess.run([sys.executable, "-c", "from legalprompt.store.owner import current_owner as c; print(c())"],
                       capture_output=True, text=True, check=True)
    assert not owner_alive(p.stdout.strip())


def test_search_treats_percent_and_underscore_literally(tmp_path):
    """Issue 19 (low): `history --search %` must not match every run."""
    from legalprompt.store.history import History

    h = History(tmp_path / "h.sqlite3")
    for out in ("juros de 1% ao mês", "sem porcentagem", "art_5 da CF", "art 5 da CF"):
        rid = h.start_run(command="run", template="t", prompt="p", params={}, seed=0, model_name="m",
                          model_sha256="0" * 64)
        h.finish_run(rid, status="ok", output=out)
    assert [r.output for r in h.search("%")] == ["juros de 1% ao mês"]
    assert [r.output for r in h.search("art_5")] == ["art_5 da CF"]
    assert [r.output for r in h.search("\\")] == []
    h.close()
