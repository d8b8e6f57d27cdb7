"""Issue 19, finding 11: an answer with a form feed or other control characters exports to .docx
(python-docx refuses characters XML cannot hold, and used to crash the app)."""

from __future__ import annotations

import docx

from legalprompt.tui.app import LastAnswer
from legalprompt.tui.export import write_docx


def _answer(text: str) -> LastAnswer:
    return LastAnswer(text=text, prefill="", template="resumo", model="m", seed=1, run_id=None, status="ok",
                      citations=[{"text": "Art. 5º\x0b da CF\x00", "verdict": "INCONSISTENT",
                                  "reasons": [{"message": "motivo\x1b[2J"}]}])


def test_form_feed_becomes_a_page_break_and_controls_do_not_crash(tmp_path):
    text = "EMENTA: parte um.\x0cParte dois\x1b]52;c;eA==\x07 com controles\x00\x08\x7f\x9b."
    target = write_docx(tmp_path / "resposta.docx", _answer(text))
    d = docx.Document(str(target))
    body = "\n".join(p.text for p in d.paragraphs)
    assert "EMENTA: parte um." in body and "Parte dois" in body and "com controles" in body
    assert "Art. 5º" in body and "motivo" in body
    assert any('w:br w:type="page"' in p._p.xml or "w:type=\"page\"" in p._p.xml for p in d.paragraphs)
