"""A folder tree that lists only folders and the documents legalprompt reads."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.widgets import DirectoryTree

from legalprompt.tui.document_loading import READABLE_SUFFIXES


class DocumentTree(DirectoryTree):
    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        out = []
        for p in paths:
            if p.name.startswith(".") or p.name.startswith("~$"):
                continue
            try:
                if p.is_dir() or p.suffix.lower() in READABLE_SUFFIXES:
                    out.append(p)
            except OSError:
                continue
        return out
