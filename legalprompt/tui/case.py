"""The case on screen: the document everything else (limado text, prefill, answer, citations, export) belongs to.

The app holds one `Case`; opening another document replaces it with a new one (a new `id`). Screens keep
the id of the case their results were made from and drop those results when the id changes, so no screen
shows, pastes or exports another case's text."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

_ids = count(1)


@dataclass
class Case:
    id: int
    label: str | None = None   # the file's path, or None for pasted text
    path: str | None = None    # absolute path of the file read, when there is one
    text: str = ""             # the document's text as read (the Redação box may have been edited since)

    @classmethod
    def new(cls, text: str = "", label: str | None = None, path: str | None = None) -> "Case":
        return cls(next(_ids), label, path, text)
