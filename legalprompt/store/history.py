"""Run history in SQLite (WAL): every run with its prompt, parameters, model and output.

A run is inserted as 'running' before generation starts and updated when it ends, so a run that is
cancelled or fails keeps its partial output. Prompts are stored once, keyed by their sha256.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from legalprompt.errors import StoreError
from legalprompt.paths import data_dir, history_db_path
from legalprompt.store.owner import current_owner, owner_alive

# Each entry upgrades the schema by one version; never edit a shipped entry, append a new one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE prompts (
        sha256 TEXT PRIMARY KEY,
        text   TEXT NOT NULL
    );
    CREATE TABLE runs (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at    TEXT NOT NULL,
        finished_at   TEXT,
        command       TEXT NOT NULL,
        template      TEXT,
        template_sha  TEXT,
        document      TEXT,
        prefill       TEXT,
        prompt_sha    TEXT REFERENCES prompts(sha256),
        params        TEXT,
        seed          INTEGER,
        model_name    TEXT,
        model_sha256  TEXT,
        output        TEXT NOT NULL DEFAULT '',
        usage         TEXT,
        timings       TEXT,
        citations     TEXT,
        status        TEXT NOT NULL CHECK (status IN ('running', 'ok', 'cancelled', 'error')),
        error         TEXT
    );
    CREATE INDEX runs_started ON runs(started_at);
    """,
    # 2: who is writing a running row (store/owner.py), and 'interrupted' for a run whose process died.
    """
    CREATE TABLE runs_v2 (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at    TEXT NOT NULL,
        finished_at   TEXT,
        command       TEXT NOT NULL,
        template      TEXT,
        template_sha  TEXT,
        document      TEXT,
        prefill       TEXT,
        prompt_sha    TEXT REFERENCES prompts(sha256),
        params        TEXT,
        seed          INTEGER,
        model_name    TEXT,
        model_sha256  TEXT,
        output        TEXT NOT NULL DEFAULT '',
        usage         TEXT,
        timings       TEXT,
        citations     TEXT,
        status        TEXT NOT NULL CHECK (status IN ('running', 'ok', 'cancelled', 'error', 'interrupted')),
        error         TEXT,
        owner         TEXT
    );
    INSERT INTO runs_v2 (id, started_at, finished_at, command, template, template_sha, document, prefill,
                         prompt_sha, params, seed, model_name, model_sha256, output, usage, timings, citations,
                         status, error)
        SELECT id, started_at, finished_at, command, template, template_sha, document, prefill, prompt_sha,
               params, seed, model_name, model_sha256, output, usage, timings, citations, status, error FROM runs;
    DROP TABLE runs;
    ALTER TABLE runs_v2 RENAME TO runs;
    CREATE INDEX runs_started ON runs(started_at);
    CREATE INDEX runs_running ON runs(status) WHERE status = 'running';
    """,
    # 3: what a run needs to be reopened and judged later. JSON columns: inputs (template inputs), skeleton
    # (staged priming: the titles written into the model's mouth), shape (the lint/shape verdict).
    """
    ALTER TABLE runs ADD COLUMN inputs TEXT;
    ALTER TABLE runs ADD COLUMN document_path TEXT;
    ALTER TABLE runs ADD COLUMN document_sha256 TEXT;
    ALTER TABLE runs ADD COLUMN citation_mode TEXT;
    ALTER TABLE runs ADD COLUMN skeleton TEXT;
    ALTER TABLE runs ADD COLUMN reasoning TEXT;
    ALTER TABLE runs ADD COLUMN shape TEXT;
    """,
]

# Optional columns a front end may set when a run starts (start_run) or ends (finish_run); JSON ones are dumped.
EXTRA_START = {"inputs": True, "document_path": False, "document_sha256": False, "citation_mode": False,
               "skeleton": True}
EXTRA_FINISH = {"reasoning": False, "shape": True, "skeleton": True}

STATUSES = ("running", "ok", "cancelled", "error", "interrupted")

# The one pt-BR word for each status, for every front end (CLI, TUI, exports).
STATUS_LABELS = {"ok": "concluída", "cancelled": "cancelada", "error": "erro", "running": "em andamento",
                 "interrupted": "interrompida"}


@dataclass
class RunRecord:
    id: int
    started_at: str
    finished_at: str | None
    command: str
    template: str | None
    template_sha: str | None
    document: str | None
    prefill: str | None
    prompt: str | None
    params: dict[str, Any]
    seed: int | None
    model_name: str | None
    model_sha256: str | None
    output: str
    usage: dict[str, Any] | None
    timings: dict[str, Any] | None
    citations: list[dict[str, Any]] | None
    status: str
    error: str | None
    inputs: dict[str, Any] | None = None
    document_path: str | None = None
    document_sha256: str | None = None
    citation_mode: str | None = None
    skeleton: Any = None
    reasoning: str | None = None
    shape: Any = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class History:
    def __init__(self, path: Path | None = None, timeout: float = 15.0):
        """`timeout`: seconds to wait for another process's write lock before giving up."""
        self.path = Path(path) if path else history_db_path()
        self.timeout = timeout
        try:
            self._make_private()
            # One connection shared by the threads of a process (batch workers each record their requests):
            # every statement goes through _write/_query under one lock.
            self._lock = threading.RLock()
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            # Opening is serialised between processes: switching a new file to WAL, migrating it and reaping
            # dead runs can otherwise meet another process's lock upgrade, which SQLite refuses at once
            # (deadlock avoidance) instead of waiting for its busy timeout.
            with self._opening_lock():
                self._db.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA foreign_keys=ON")
                self._migrate()
                self.reap_dead_runs()
        except sqlite3.DatabaseError as exc:
            raise StoreError(self._explain(exc)) from None
        except OSError as exc:
            raise StoreError(f"não foi possível abrir o histórico em {self.path}: {exc.strerror}. "
                             "Verifique as permissões ou defina LEGALPROMPT_DATA_DIR.") from None

    @contextlib.contextmanager
    def _opening_lock(self):
        """An exclusive lock on `<history>.lock` while the database is opened (POSIX; elsewhere none)."""
        try:
            import fcntl
        except ImportError:
            yield
            return
        from legalprompt.private import open_private

        with open_private(self.path.with_name(self.path.name + ".lock"), "a") as f:
            deadline = time.monotonic() + self.timeout
            while True:
                try:
                    fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise sqlite3.OperationalError("database is locked") from None
                    time.sleep(0.02)
            try:
                yield
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)

    def _make_private(self) -> None:
        """The history holds whole documents: its folder 0700, the database 0600 before SQLite opens it
        (SQLite gives the -wal and -shm files the database's own mode)."""
        from legalprompt.private import DIR_MODE, FILE_MODE, make_private_dir, open_private, tighten

        folder = self.path.parent
        if not make_private_dir(folder) and folder.resolve() == data_dir().resolve():
            tighten(folder, DIR_MODE)
        if not self.path.exists():
            open_private(self.path, "ab").close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            tighten(self.path.with_name(self.path.name + suffix), FILE_MODE)

    def _explain(self, exc: Exception) -> str:
        msg = str(exc).lower()
        if "locked" in msg or "busy" in msg:
            return (f"o histórico {self.path} está bloqueado por outro processo há mais de {self.timeout:g} s; "
                    "feche o outro legalprompt e tente de novo")
        if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
            return (f"o histórico {self.path} está corrompido ({exc}). Renomeie ou apague o arquivo "
                    "(um novo será criado) e tente de novo.")
        return f"erro no histórico {self.path}: {exc}"

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"o histórico {self.path} é de uma versão mais nova do legalprompt "
                             f"(esquema {version}); atualize o programa")
        for i in range(version, len(MIGRATIONS)):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                # Re-check inside the write lock: another process may have migrated meanwhile.
                if self._db.execute("PRAGMA user_version").fetchone()[0] != i:
                    self._db.execute("ROLLBACK")
                    continue
                for stmt in MIGRATIONS[i].split(";"):
                    if stmt.strip():
                        self._db.execute(stmt)
                self._db.execute(f"PRAGMA user_version={i + 1}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def reap_dead_runs(self) -> list[int]:
        """Runs left 'running' by a process that is gone become 'interrupted', keeping their saved output."""
        rows = self._db.execute("SELECT id, owner FROM runs WHERE status = 'running'").fetchall()
        dead = [r["id"] for r in rows if not owner_alive(r["owner"])]
        for run_id in dead:
            self._write("UPDATE runs SET status='interrupted', finished_at=?, error=? WHERE id=? AND status='running'",
                        (_now(), "o processo terminou antes do fim da execução (morto ou travou)", run_id))
        return dead

    def _write(self, sql: str, args: tuple) -> sqlite3.Cursor:
        # SQLite's busy_timeout already waits `timeout` seconds for another writer; no second retry loop.
        try:
            with self._lock:
                return self._db.execute(sql, args)
        except sqlite3.DatabaseError as exc:
            raise StoreError(self._explain(exc)) from None

    def start_run(self, *, command: str, template: str | None = None, template_sha: str | None = None,
                  document: str | None = None, prefill: str | None = None, prompt: str | None = None,
                  params: dict[str, Any] | None = None, seed: int | None = None, model_name: str | None = None,
                  model_sha256: str | None = None, **extra: Any) -> int:
        """`extra`: any of EXTRA_START (inputs, document_path, document_sha256, citation_mode, skeleton)."""
        cols, vals = self._extra(extra, EXTRA_START)
        prompt_sha = None
        if prompt is not None:
            prompt_sha = hashlib.sha256(prompt.encode("utf-8")).hexdigest()
            self._write("INSERT OR IGNORE INTO prompts(sha256, text) VALUES (?, ?)", (prompt_sha, prompt))
        cur = self._write(
            "INSERT INTO runs(started_at, command, template, template_sha, document, prefill, prompt_sha, params,"
            " seed, model_name, model_sha256, status, owner" + "".join(f", {c}" for c in cols) +
            ") VALUES (?,?,?,?,?,?,?,?,?,?,?, 'running', ?" + ", ?" * len(cols) + ")",
            (_now(), command, template, template_sha, document, prefill, prompt_sha,
             json.dumps(params or {}, ensure_ascii=False), seed, model_name, model_sha256, current_owner(), *vals))
        return int(cur.lastrowid)

    def update_output(self, run_id: int, output: str) -> None:
        """Save partial output while a run is going (so even a killed process leaves something)."""
        self._write("UPDATE runs SET output=? WHERE id=?", (output, run_id))

    def finish_run(self, run_id: int, *, status: str, output: str, usage: dict | None = None,
                   timings: dict | None = None, citations: list | None = None, error: str | None = None,
                   **extra: Any) -> None:
        """`extra`: any of EXTRA_FINISH (reasoning, shape, skeleton)."""
        if status not in STATUSES:
            raise ValueError(status)
        cols, vals = self._extra(extra, EXTRA_FINISH)
        self._write(
            "UPDATE runs SET finished_at=?, status=?, output=?, usage=?, timings=?, citations=?, error=?"
            + "".join(f", {c}=?" for c in cols) + " WHERE id=?",
            (_now(), status, output, _dumps(usage), _dumps(timings), _dumps(citations), error, *vals, run_id))

    @staticmethod
    def _extra(extra: dict[str, Any], allowed: dict[str, bool]) -> tuple[list[str], list[Any]]:
        unknown = set(extra) - set(allowed)
        if unknown:
            raise TypeError(f"unknown history columns: {sorted(unknown)}")
        cols = [c for c in allowed if c in extra]  # fixed order; names come from our own table, never input
        return cols, [_dumps(extra[c]) if allowed[c] else extra[c] for c in cols]

    def get(self, run_id: int) -> RunRecord | None:
        row = self._query("SELECT r.*, p.text AS prompt FROM runs r LEFT JOIN prompts p ON p.sha256=r.prompt_sha"
                          " WHERE r.id=?", (run_id,))
        return _record(row[0]) if row else None

    def search(self, text: str | None = None, limit: int = 50, status: str | None = None) -> list[RunRecord]:
        sql = "SELECT r.*, p.text AS prompt FROM runs r LEFT JOIN prompts p ON p.sha256=r.prompt_sha"
        where, args = [], []
        if text:
            # The user's % and _ are literal text, not wildcards (escaped with \\).
            esc = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            like = f"%{esc}%"
            where.append("(" + " OR ".join(f"{col} LIKE ? ESCAPE '\\'" for col in
                                           ("r.output", "r.template", "r.document", "r.prefill", "p.text")) + ")")
            args += [like] * 5
        if status:
            where.append("r.status = ?")
            args.append(status)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY r.id DESC LIMIT ?"
        args.append(limit)
        return [_record(r) for r in self._query(sql, tuple(args))]

    def _query(self, sql: str, args: tuple) -> list[sqlite3.Row]:
        try:
            with self._lock:
                return self._db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise StoreError(self._explain(exc)) from None

    def close(self) -> None:
        self._db.close()


def _dumps(v: Any) -> str | None:
    return None if v is None else json.dumps(v, ensure_ascii=False, default=str)


def _loads(v: str | None) -> Any:
    return None if v is None else json.loads(v)


def _record(row: sqlite3.Row) -> RunRecord:
    return RunRecord(
        id=row["id"], started_at=row["started_at"], finished_at=row["finished_at"], command=row["command"],
        template=row["template"], template_sha=row["template_sha"], document=row["document"],
        prefill=row["prefill"], prompt=row["prompt"], params=_loads(row["params"]) or {}, seed=row["seed"],
        model_name=row["model_name"], model_sha256=row["model_sha256"], output=row["output"],
        usage=_loads(row["usage"]), timings=_loads(row["timings"]), citations=_loads(row["citations"]),
        status=row["status"], error=row["error"], inputs=_loads(row["inputs"]), document_path=row["document_path"],
        document_sha256=row["document_sha256"], citation_mode=row["citation_mode"],
        skeleton=_loads(row["skeleton"]), reasoning=row["reasoning"], shape=_loads(row["shape"]))
