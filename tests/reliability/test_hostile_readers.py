"""Issue 19, finding 5: the DOCX, HTML and PDF readers (and the text reader) have size, element-count
and depth budgets, and refuse a costly document with a pt-BR message.

Each document of the generated hostile corpus is read in a child process under a 1.5 GB address-space
limit, so that a regression fails (MemoryError, timeout) instead of exhausting the machine. The
timeout only guards against a hang; the time and memory of each refusal are measured and printed by
bench/hostile_readers.py, not asserted here."""

from __future__ import annotations

import json
import resource
import subprocess
import sys

import pytest

from tests.cli.helpers import REPO
from tests.reliability.hostile_corpus import make_corpus

_CHILD = """
import json, sys
from legalprompt.documents import read_document
from legalprompt.errors import DocumentError
try:
    read_document(sys.argv[1])
    print(json.dumps({"result": "accepted"}))
except DocumentError as exc:
    print(json.dumps({"result": "refused", "message": exc.message}))
"""
LIMIT_AS = 1536 * 1024 * 1024


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("hostil"))


def _read_in_child(path) -> dict:
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))

    p = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, timeout=120,
                       cwd=REPO, preexec_fn=limit)
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr[-2000:]
    return json.loads(p.stdout)


EXPECTED = {
    "txt 1 GB (esparso)": "grande demais",
    "txt -> /dev/zero": "não é um arquivo comum",
    "txt FIFO": "não é um arquivo comum",
    "docx bomba zip (1 GB de XML)": "grande demais descompactado",
    "docx 200 mil parágrafos": "parágrafos demais",
    "docx aninhado 50 mil níveis": "aninhado demais",
    "html aninhado 11 MB": "aninhada demais",
    "html 400 mil elementos": "elementos demais",
    "pdf bomba flate (1 GB)": "grande demais",
    "pdf 20 mil páginas": "páginas demais",
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_hostile_document_is_refused_with_a_message(corpus, name):
    got = _read_in_child(corpus[name])
    assert got["result"] == "refused", got
    assert EXPECTED[name] in got["message"], got["message"]
    assert "Tente" in got["message"] or "tente" in got["message"] or "Divida" in got["message"] \
        or "passe" in got["message"], got["message"]  # says what to do


def test_corpus_covers_every_reader(corpus):
    kinds = {name.split()[0] for name in corpus}
    assert kinds == {"txt", "docx", "html", "pdf"}
