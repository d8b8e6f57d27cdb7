"""Issue 19, finding 4: only regular files are read, with the size checked before reading, and
standard input is capped. Runs that would eat memory before the fix run in a child process under an
address-space limit, so a regression fails the test instead of the machine."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tracemalloc

import pytest

from legalprompt.documents import limits
from legalprompt.documents import read_document
from legalprompt.errors import DocumentError
from tests.cli.helpers import REPO, assert_clean_error, invoke

LIMIT_AS = 1536 * 1024 * 1024  # 1.5 GB of address space for the child


def _limited():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))


def _child(args, stdin=None, timeout=60):
    p = subprocess.run([sys.executable, "-m", "legalprompt", *map(str, args)], stdin=stdin, capture_output=True,
                       text=True, timeout=timeout, cwd=REPO, preexec_fn=_limited, env=os.environ.copy())
    return p


def test_check_from_dev_zero_is_refused_with_a_message():
    with open("/dev/zero", "rb") as zero:
        p = _child(["check", "-"], stdin=zero)
    assert "Traceback" not in p.stderr, p.stderr[-2000:]
    assert p.returncode == 2 and "grande demais" in p.stderr, (p.returncode, p.stderr[-500:])


def test_gigabyte_text_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "autos.txt"
    with open(big, "wb") as f:
        f.truncate(1024 ** 3)  # sparse: 1 GB that costs no disk
    tracemalloc.start()
    try:
        with pytest.raises(DocumentError, match="grande demais"):
            read_document(big)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024, f"{peak} bytes allocated: the file was read"
    assert_clean_error(invoke("check", big), code=2, match="grande demais")


def test_text_file_just_under_the_cap_is_read(tmp_path):
    ok = tmp_path / "ok.txt"
    ok.write_bytes(b"a" * 1000 + b"\n")
    assert read_document(ok).text.startswith("aaa")
    assert limits.MAX_TEXT_BYTES >= 4 * limits.MAX_DOCUMENT_CHARS  # never refuses a file the character limit would accept


def test_compare_corpus_skips_fifo_and_device_json(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.json").write_text('{"full_text": "Acórdão de teste."}', encoding="utf-8")
    os.mkfifo(corpus / "fila.json")
    os.symlink("/dev/zero", corpus / "zero.json")
    os.symlink("/etc/passwd", corpus / "fora.json")
    code = ("from legalprompt.commands.compare import corpus_documents\n"
            f"docs, _ = corpus_documents({str(corpus)!r})\n"
            "for d in docs: print(repr(d.label), repr(d.text[:20]), repr(d.error))\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO,
                       preexec_fn=_limited)
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr[-2000:]
    lines = p.stdout.splitlines()
    assert any("a.json" in ln and "Acórdão" in ln for ln in lines)
    for name in ("fila.json", "zero.json", "fora.json"):
        [ln] = [ln for ln in lines if name in ln]
        assert "''" in ln and "None" not in ln.split("'',")[-1], ln  # no text, an error saying why
