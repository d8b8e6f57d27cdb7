"""The character limit lives inside the readers: every path that reads a document gets it."""

from __future__ import annotations

import io
import json

import pytest

from legalprompt.documents import MAX_DOCUMENT_CHARS, read_document, read_text_stream
from legalprompt.documents.limits import MAX_TEXT_BYTES
from legalprompt.errors import DocumentError

LINE = "Ação de indenização; art. 5º da CF.\n"


def _over_limit() -> str:
    """A text one line past MAX_DOCUMENT_CHARS that is still under the byte cap (so only the
    character limit can refuse it)."""
    text = LINE * (MAX_DOCUMENT_CHARS // len(LINE) + 1)
    assert MAX_DOCUMENT_CHARS < len(text) and len(text.encode("utf-8")) < MAX_TEXT_BYTES
    return text


def test_text_file_past_the_character_limit_is_refused(tmp_path):
    path = tmp_path / "longo.txt"
    path.write_text(_over_limit(), encoding="utf-8")
    with pytest.raises(DocumentError, match=r"grande demais \(5\.000\.0\d\d caracteres; o limite é 5\.000\.000\)"):
        read_document(path)


def test_html_past_the_character_limit_is_refused(tmp_path):
    path = tmp_path / "longo.html"
    path.write_text(f"<html><body><p>{_over_limit()}</p></body></html>", encoding="utf-8")
    with pytest.raises(DocumentError, match="caracteres; o limite é"):
        read_document(path)


def test_text_at_the_character_limit_is_read(tmp_path):
    path = tmp_path / "no-limite.txt"
    path.write_text("a" * MAX_DOCUMENT_CHARS, encoding="utf-8")
    assert len(read_document(path).text) == MAX_DOCUMENT_CHARS


def test_stdin_past_the_character_limit_is_refused():
    stream = io.BytesIO(_over_limit().encode("utf-8"))
    with pytest.raises(DocumentError, match="<stdin>: documento grande demais"):
        read_text_stream(stream)


def test_stdin_text_is_decoded():
    assert read_text_stream(io.BytesIO("Petição inicial\r\n".encode("cp1252"))) == "Petição inicial\n"


def test_compare_corpus_reports_documents_past_the_limit(tmp_path):
    """`compare --corpus` read files without the limit before it moved into read_document."""
    from legalprompt.commands.compare import corpus_documents

    (tmp_path / "curto.txt").write_text("Acórdão curto.", encoding="utf-8")
    (tmp_path / "longo.txt").write_text(_over_limit(), encoding="utf-8")
    (tmp_path / "longo.json").write_text(json.dumps({"full_text": _over_limit()}), encoding="utf-8")
    docs, _ = corpus_documents(str(tmp_path))
    by_name = {d.label.rsplit("/", 1)[-1]: d for d in docs}
    assert by_name["curto.txt"].text == "Acórdão curto." and by_name["curto.txt"].error is None
    for name in ("longo.txt", "longo.json"):
        assert by_name[name].text == ""
        assert "grande demais" in by_name[name].error and "caracteres" in by_name[name].error
