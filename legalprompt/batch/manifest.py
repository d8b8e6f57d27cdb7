"""The batch manifest (append-only JSONL, fsync'd per line), atomic output writes, and safe output names.

A batch killed at any moment (SIGKILL included) loses at most the documents in progress:

- an output file is written to a temporary name in the output folder, fsync'd, then renamed over the
  final name (`atomic_write_text`), so a reader never sees half a file;
- only then is the document's manifest line appended and fsync'd (`Manifest.append`);
- on the next run `Manifest.open` reads the file tolerantly: a torn last line (the process died while
  writing it) is cut off, so the line is written again whole; stale temporary files are removed.

A line records: path, sha256, status ("ok" | "error" | "skipped"), error, output_file, template,
model, usage, timings, citations, plus the resume `key` and the chunk plan for long documents.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import unicodedata
from pathlib import Path
from typing import Any

from legalprompt.errors import UserInputError

MANIFEST_NAME = "manifest.jsonl"
_TMP_MARK = ".lp-tmp-"


def job_key(**fields: Any) -> str:
    """A stable hash of what decides a document's output besides its bytes (template, its sha,
    prefill, inputs, sampling parameters, model)."""
    blob = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def resume_key(doc_sha256: str, job: str) -> str:
    return hashlib.sha256(f"{doc_sha256}:{job}".encode()).hexdigest()


def file_sha256(path: Path) -> str:
    """sha256 of a regular file's bytes (DocumentError for a FIFO or device, which would never end)."""
    from legalprompt.documents.files import open_regular

    h = hashlib.sha256()
    with open_regular(path) as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` so that the file is either the old one or the whole new one."""
    from legalprompt.private import open_private

    tmp = path.with_name(f"{_TMP_MARK}{os.getpid()}-{path.name}")
    with open_private(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def remove_stale_temps(folder: Path) -> int:
    """Temporary files left by a killed run (their content was never renamed into place)."""
    n = 0
    for p in folder.glob(f"{_TMP_MARK}*"):
        try:
            p.unlink()
            n += 1
        except OSError:
            pass
    return n


class Manifest:
    """Append-only JSONL log of finished documents. The last line for a key wins."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: list[dict] = []
        self.by_key: dict[str, dict] = {}
        self.ok_by_key: dict[str, dict] = {}  # the last successful entry of each key
        self.dropped_torn = False
        self.bad_lines = 0
        self._f = None

    @classmethod
    def open(cls, folder: Path) -> "Manifest":
        m = cls(folder / MANIFEST_NAME)
        m._load()
        from legalprompt.private import open_private

        m._f = open_private(m.path, "a", encoding="utf-8", newline="\n")
        return m

    def _load(self) -> None:
        if not self.path.exists():
            return
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise UserInputError(f"não foi possível ler {self.path} ({exc.strerror or exc}).") from None
        good_end = 0
        pos = 0
        while pos < len(data):
            nl = data.find(b"\n", pos)
            if nl < 0:  # no newline: the process died while writing this line
                self.dropped_torn = True
                break
            raw = data[pos:nl]
            pos = nl + 1
            if raw.strip():
                try:
                    entry = json.loads(raw.decode("utf-8"))
                    if not isinstance(entry, dict):
                        raise ValueError("not an object")
                except (ValueError, UnicodeDecodeError):
                    self.bad_lines += 1
                    good_end = pos
                    continue
                self._index(entry)
            good_end = pos
        if self.dropped_torn:
            with open(self.path, "r+b") as f:
                f.truncate(good_end)
                f.flush()
                os.fsync(f.fileno())

    def done(self, key: str) -> dict | None:
        """The entry that makes this key finished (ok or skipped), if any."""
        e = self.by_key.get(key)
        return e if e is not None and e.get("status") in ("ok", "skipped") else None

    def last(self, key: str) -> dict | None:
        return self.by_key.get(key)

    def append(self, entry: dict) -> None:
        entry = {**entry, "finished_at": entry.get("finished_at") or time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        line = json.dumps(entry, ensure_ascii=False, default=str)
        assert "\n" not in line
        self._f.write(line + "\n")
        self._f.flush()
        os.fsync(self._f.fileno())
        self._index(entry)

    def _index(self, entry: dict) -> None:
        self.entries.append(entry)
        if entry.get("key"):
            self.by_key[entry["key"]] = entry
            if entry.get("status") == "ok":
                self.ok_by_key[entry["key"]] = entry

    def last_ok(self, key: str) -> dict | None:
        """The last successful entry of a key: a duplicate recorded after it does not hide it."""
        return self.ok_by_key.get(key)

    def output_files(self) -> set[str]:
        """Every output file legalprompt wrote here (resolved paths): the only files it may overwrite."""
        return {str(Path(e["output_file"]).resolve()) for e in self.entries
                if isinstance(e.get("output_file"), str) and e.get("output_file")}

    def close(self) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None


# -- output names -------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_stem(name: str, limit: int = 80) -> str:
    """A file name stem that is plain ASCII, has no separators or leading dots, and is not empty:
    accents are folded (decisão -> decisao), anything else odd becomes '_'."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = _UNSAFE.sub("_", s).strip("._-")
    s = re.sub(r"_+", "_", s)[:limit].strip("._-")
    if not s or s.lower() in _RESERVED or s.lower() == Path(MANIFEST_NAME).stem:
        s = f"documento_{s}" if s else "documento"
    return s


def plan_output_names(paths: list[Path], out_dir: Path, ours: set[str] | None = None) -> dict[Path, Path]:
    """One output file per input path, inside `out_dir`, never colliding (case-insensitively) with
    another output, with an input, or with an existing file legalprompt did not write (`ours`: the
    resolved paths the manifest records). A lawyer's `contrato.md` beside `contrato.txt` is never
    overwritten by the summary of `contrato.txt`.

    The name is the input's stem made safe; a stem that collides (two `a.txt` in different folders,
    or an existing file) gets a short hash of the input's absolute path, so a name depends neither on
    the order of the inputs nor on which run made it."""
    ours = ours or set()
    stems: dict[Path, str] = {p: safe_stem(p.stem) for p in paths}
    count: dict[str, int] = {}
    for s in stems.values():
        count[s.lower()] = count.get(s.lower(), 0) + 1
    out_root = out_dir.resolve()
    inputs = {str(p.resolve()).lower() for p in paths}

    def taken(name: str) -> bool:
        target = out_root / name
        if name.lower() in used or str(target).lower() in inputs:
            return True
        return (target.exists() or target.is_symlink()) and str(target) not in ours

    names: dict[Path, Path] = {}
    used: set[str] = set()
    for p in paths:
        stem = stems[p]
        if count[stem.lower()] > 1 or taken(stem + ".md"):
            stem = f"{stem}-{hashlib.sha256(str(p.resolve()).encode('utf-8')).hexdigest()[:8]}"
        name = stem + ".md"
        i = 2
        while taken(name):  # a hash-suffixed name equal to another input's plain stem, or a file not ours
            name = f"{stem}-{i}.md"
            i += 1
        used.add(name.lower())
        target = out_root / name
        if target.parent != out_root:  # cannot happen with safe_stem; kept as the invariant it relies on
            raise UserInputError(f"nome de saída inválido para {p}")
        names[p] = target
    return names
