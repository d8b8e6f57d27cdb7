"""Opening files from the wild safely: only regular files, never more bytes than a cap.

A FIFO would hang a reader, /dev/zero never ends, and a link out of a folder would send a file the
user did not put there: each is refused with a pt-BR reason instead.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from legalprompt.documents.limits import MAX_TEXT_BYTES, too_big
from legalprompt.errors import DocumentError

NOT_REGULAR = "não é um arquivo comum (fila, dispositivo ou socket); passe um arquivo de documento"


def open_regular(path: Path | str, label: str | None = None):
    """Open a regular file for reading, or raise DocumentError. A FIFO or device is refused before any
    read (O_NONBLOCK: opening a FIFO would otherwise wait forever for a writer)."""
    label = label or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise DocumentError(f"{label}: arquivo não encontrado. Confira o caminho e tente de novo.") from None
    except IsADirectoryError:
        raise DocumentError(f"{label}: é uma pasta, não um arquivo. Passe um arquivo, "
                            "ou use o comando batch para processar a pasta inteira.") from None
    except PermissionError:
        raise DocumentError(f"{label}: sem permissão de leitura. Ajuste as permissões do arquivo.") from None
    except OSError as exc:
        raise DocumentError(f"{label}: não foi possível ler o arquivo ({exc.strerror or exc}).") from None
    st = os.fstat(fd)
    if stat.S_ISDIR(st.st_mode):
        os.close(fd)
        raise DocumentError(f"{label}: é uma pasta, não um arquivo. Passe um arquivo, "
                            "ou use o comando batch para processar a pasta inteira.")
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise DocumentError(f"{label}: {NOT_REGULAR}.")
    return os.fdopen(fd, "rb")


def read_capped(f, limit: int, label: str, size_hint: int | None = None) -> bytes:
    """Read at most `limit` bytes from a binary stream; past it, refuse without reading the rest."""
    if size_hint is not None and size_hint > limit:
        raise too_big(label, size_hint, limit)
    data = f.read(limit + 1)
    if len(data) > limit:
        raise too_big(label, len(data), limit)
    return data


def read_file_bytes(path: Path | str, limit: int = MAX_TEXT_BYTES, label: str | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or DocumentError (pt-BR) saying why not."""
    label = label or str(path)
    with open_regular(path, label) as f:
        try:
            return read_capped(f, limit, label, os.fstat(f.fileno()).st_size)
        except OSError as exc:
            raise DocumentError(f"{label}: não foi possível ler o arquivo ({exc.strerror or exc}).") from None


def why_not_readable(path: Path, root: Path) -> str | None:
    """Why a file found in a folder is not read, or None: a link leaving the folder (it would send a
    file the user did not put there), or anything that is not a regular file (a FIFO hangs a reader,
    /dev/zero never ends)."""
    try:
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            target = Path(os.path.realpath(path))
            if not target.is_relative_to(Path(os.path.realpath(root))):
                return "é um atalho (link simbólico) para fora da pasta; passe o arquivo de destino diretamente"
            st = target.stat()
    except OSError as exc:
        return f"não foi possível ler ({exc.strerror or exc})"
    if stat.S_ISDIR(st.st_mode):
        return "é um atalho para uma pasta, que não é seguido; passe a pasta de destino diretamente"
    if not stat.S_ISREG(st.st_mode):
        return NOT_REGULAR
    return None
