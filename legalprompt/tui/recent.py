"""The folder the file picker opened last and the documents opened recently, kept in the user's data dir.

A small JSON file (`recent-documents.json`); a damaged or missing file is read as empty, never an error:
losing the list is a nuisance, refusing to open the app would be worse."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from legalprompt.paths import data_dir

MAX_RECENT = 8
FILE_NAME = "recent-documents.json"


@dataclass
class RecentDocuments:
    last_folder: str | None = None
    documents: list[str] = field(default_factory=list)
    export_folder: str | None = None  # where the last export went

    @staticmethod
    def path() -> Path:
        return data_dir() / FILE_NAME

    @classmethod
    def load(cls) -> "RecentDocuments":
        try:
            data = json.loads(cls.path().read_text(encoding="utf-8"))
            docs = [str(d) for d in data.get("documents", []) if isinstance(d, str)]
            folder, export = data.get("last_folder"), data.get("export_folder")
            return cls(folder if isinstance(folder, str) else None, docs[:MAX_RECENT],
                       export if isinstance(export, str) else None)
        except (OSError, ValueError, AttributeError):
            return cls()

    def start_folder(self, fallback: Path | None = None) -> Path:
        """Where the picker opens: the last folder used while it still exists, else `fallback` or home."""
        if self.last_folder and Path(self.last_folder).is_dir():
            return Path(self.last_folder)
        return fallback if fallback is not None and fallback.is_dir() else Path.home()

    def existing(self) -> list[str]:
        """The recent documents still on disk, newest first."""
        return [d for d in self.documents if Path(d).is_file()]

    def remember(self, document: Path | str) -> None:
        """Put `document` first in the list, make its folder the last used, and save."""
        p = str(Path(document).expanduser().resolve())
        self.documents = [p] + [d for d in self.documents if d != p][: MAX_RECENT - 1]
        self.last_folder = str(Path(p).parent)
        self.save()

    def save(self) -> None:
        from legalprompt.private import write_private_text

        target = self.path()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_private_text(target, json.dumps({"last_folder": self.last_folder, "documents": self.documents,
                                                   "export_folder": self.export_folder},
                                                  ensure_ascii=False, indent=1))
        except OSError:
            pass  # the list is a convenience: a read-only data dir must not stop a document from opening
