"""Files and folders only this account can read.

The history holds whole client documents; batch outputs, the manifest, compare reports and exports
hold their summaries. With the usual umask (022) they would be 0644 in 0755 folders: readable by every
account on the machine. Everything legalprompt writes goes through these helpers instead: files 0600,
folders it creates 0700. A folder the user already had (an --out pointing at their own folder) keeps
its mode; the files legalprompt writes in it are still 0600.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def make_private_dir(path: Path) -> bool:
    """Create `path` (and missing parents) 0700. Returns True if it was created here."""
    path = Path(path)
    if path.is_dir():
        return False
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    os.chmod(path, DIR_MODE)  # mkdir's mode is masked by the umask
    return True


def tighten(path: Path, mode: int) -> None:
    """chmod a file or folder legalprompt owns (its data folder, its history) to `mode`, quietly."""
    try:
        if Path(path).exists() and os.stat(path).st_uid == os.getuid():
            os.chmod(path, mode)
    except OSError:
        pass


def open_private(path: Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None):
    """open() for writing ("w", "a", "wb", "ab"), creating the file 0600 (an existing one is set to 0600)."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    flags |= os.O_APPEND if mode.startswith("a") else os.O_TRUNC
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    except OSError:
        pass
    if "b" in mode:
        return os.fdopen(fd, mode)
    return os.fdopen(fd, mode, encoding=encoding, newline=newline)


def write_private_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    with open_private(path, "w", encoding=encoding) as f:
        f.write(text)
