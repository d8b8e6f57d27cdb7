"""Finding the documents named on a command line: files, folders (recursive) and globs, in natural order.

What is found but not read (hidden files, FIFOs, links out of their folder) is reported, not dropped
in silence.
"""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path
from typing import Iterator

from legalprompt.documents.files import NOT_REGULAR, why_not_readable
from legalprompt.documents.reader import SUPPORTED_EXTENSIONS
from legalprompt.errors import UserInputError

HIDDEN = "arquivo oculto (o nome começa com '.' ou '~$'); renomeie-o para incluí-lo"


def _natural_key(path: Path) -> list:
    return [[int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", part)] for part in path.parts]


def _is_hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$")


def _walk(folder: Path, skipped: list) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not _is_hidden(d)]
        # os.walk lists a link to a folder among `dirs` and does not follow it: say so.
        for d in dirs:
            if (Path(root) / d).is_symlink():
                skipped.append((Path(root) / d, "é um atalho para uma pasta, que não é seguido; "
                                                "passe a pasta de destino diretamente"))
        for name in files:
            if Path(name).suffix.lower() not in SUPPORTED_EXTENSIONS:
                continue
            path = Path(root) / name
            if _is_hidden(name):  # lock files of Word/LibreOffice, macOS '._' forks: said, not read
                skipped.append((path, HIDDEN))
                continue
            why = why_not_readable(path, folder)
            if why:
                skipped.append((path, why))
            else:
                found.append(path)
    return sorted(found, key=_natural_key)


def iter_documents(inputs: list[str], skipped: list | None = None) -> Iterator[Path]:
    """Expand files, folders (recursive, supported extensions, natural order) and globs into paths.

    Each file is yielded once, in the order the inputs were given. A named file is yielded whatever
    its extension (the reader sniffs it). Files found in a folder or by a glob that are not regular
    files, or are links leaving their folder, are not yielded: each is appended to `skipped` as
    (path, pt-BR reason) for the caller to report. Raises `UserInputError` for a path that does not
    exist, a glob that matches nothing, or when nothing readable was found at all."""
    seen: set[Path] = set()
    skipped = [] if skipped is None else skipped
    count = 0
    for item in inputs:
        p = Path(item).expanduser()
        if p.is_dir():
            paths = _walk(p, skipped)
        elif p.is_file():
            paths = [p]
        elif p.exists():  # named, but a FIFO, socket or device
            skipped.append((p, NOT_REGULAR))
            continue
        elif glob.has_magic(item):
            matches = [Path(m) for m in glob.glob(os.path.expanduser(item), recursive=True)]
            paths = []
            for m in sorted(matches, key=_natural_key):
                if m.is_dir() and not m.is_symlink():
                    paths.extend(_walk(m, skipped))
                elif m.suffix.lower() in SUPPORTED_EXTENSIONS and not _is_hidden(m.name):
                    why = why_not_readable(m, m.parent)
                    if why:
                        skipped.append((m, why))
                    else:
                        paths.append(m)
            if not matches:
                raise UserInputError(f"nenhum arquivo corresponde a {item!r}.")
        else:
            raise UserInputError(f"arquivo ou pasta não encontrado: {item}")
        for path in paths:
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            count += 1
            yield path
    if count == 0:
        raise UserInputError("nenhum documento encontrado (formatos lidos: .txt, .md, .pdf, .docx, .html).")
