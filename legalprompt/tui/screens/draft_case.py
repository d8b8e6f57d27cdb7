"""Redação's case: the document on screen (app.case), opening one (picker or path), and what a new case clears.

Part of DraftScreen (screens/draft.py), kept apart because it is its own job: every result on screen
belongs to the case it was made from (tui/case.py)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.widgets import Button, Label, TextArea

from legalprompt.errors import LegalPromptError
from legalprompt.termsafe import safe_label
from legalprompt.tui.case import Case
from legalprompt.tui.numbers import br_int
from legalprompt.tui.screens.base import BaseScreen


class DraftCase(BaseScreen):
    """The case side of DraftScreen. Expects from it: `pane`, `generating`, `action_stop`, `last_result`,
    `_apply_template_defaults`, `_refresh_auto_prefill`, `schedule_count`."""

    case_id: int | None = None      # the case the form and the answer belong to
    _form_case: int | None = None   # the case the form was last filled for

    # -- the case ---------------------------------------------------------------------------------
    def _case_changed(self, case: Case) -> None:
        """A new case: its document in the box, and nothing left of the previous one's answer."""
        if case.id == self.case_id:
            return
        self.case_id = case.id
        if self.generating:
            self.action_stop()
        box = self.query_one("#document", TextArea)
        if box.text != case.text:
            box.load_text(case.text)
        self.last_result = None
        self.app.last_answer = None
        self._prefill_spans = []
        self.pane.reset()
        self.status.set_activity("")
        self._update_doc_title()
        self._form_case = None
        self.call_later(self._defaults_for_case, case.id)

    async def _defaults_for_case(self, case_id: int) -> None:
        """A new case's form: the template's defaults, unless a history run already filled it."""
        if self._form_case == case_id or self.case_id != case_id:
            return
        self._form_case = case_id
        await self._apply_template_defaults()

    def set_document(self, text: str, label: str | None, path: str | None = None) -> None:
        """Start a new case with `text` (from the file `path`, or pasted when None)."""
        self.app.case = Case.new(text, label, path)

    @property
    def case(self) -> Case:
        return self.app.case

    @property
    def document_label(self) -> str | None:
        return self.case.label

    def document_text(self) -> str:
        return self.query_one("#document", TextArea).text

    def _from_file(self) -> bool:
        return bool(self.case.label) and self.document_text() == self.case.text

    def _update_doc_title(self) -> None:
        if self._from_file():
            label = self.case.label or ""
            name = Path(label).name if not label.startswith("<") else label
        else:
            name = "texto colado" if self.document_text().strip() else "vazio"
        self.query_one("#doc-title", Label).update(
            Text(f"Documento: {safe_label(name)}", no_wrap=True, overflow="ellipsis"))

    @on(TextArea.Changed, "#document")
    def _document_changed(self) -> None:
        text = self.document_text()
        if not text.strip() and self.case.text.strip():
            # the box emptied (ctrl+a, Delete; or Limpar): whatever comes next is another case
            self.set_document("", None)
            return
        self._update_doc_title()
        self._mark_answer_if_document_edited(text)
        self._refresh_auto_prefill()
        self.schedule_count()

    def _mark_answer_if_document_edited(self, text: str) -> None:
        """An answer stays on screen when its document is edited (a typo fixed), but it no longer belongs
        to the text in the box: its title and its export say so."""
        answer = self.app.last_answer
        if answer is None or answer.document_text is None or answer.case_id != self.case_id:
            return
        edited = text != answer.document_text
        if edited != answer.document_edited:
            answer.document_edited = edited
            label = self.query_one("#answer-title", Label)
            base = str(label.render()).split(" · ⚠")[0]
            label.update(base + (" · ⚠ documento alterado depois desta resposta" if edited else ""))

    @on(Button.Pressed, "#open")
    def _open_pressed(self) -> None:
        self.action_open_document()

    @on(Button.Pressed, "#new-case")
    def _new_pressed(self) -> None:
        self.set_document("", None)
        self.query_one("#document", TextArea).focus()

    def action_open_document(self) -> None:
        from legalprompt.tui.screens.open_document import OpenDocumentScreen

        self.app.push_screen(OpenDocumentScreen(), self._picked)

    def _picked(self, doc) -> None:
        if doc is not None:
            self.adopt_document(doc)

    def adopt_document(self, doc) -> None:
        """A document read by tui/document_loading.py becomes the new case."""
        self.set_document(doc.text, str(doc.path), str(doc.path))
        note = f"{doc.path.name}: {br_int(len(doc.text))} caracteres ({doc.format})"
        if doc.warnings:
            self.notify(note + "\n" + "\n".join(doc.warnings), title="Documento aberto", severity="warning",
                        timeout=12)
        else:
            self.notify(note, title="Documento aberto")

    @work(thread=True, exclusive=True, group="open")
    def open_document(self, path: str) -> None:
        """Read `path` (a worker thread, the size-limited reader) and make it the case."""
        from legalprompt.tui.document_loading import load_document
        from legalprompt.tui.recent import RecentDocuments

        try:
            doc = load_document(path)
        except LegalPromptError as exc:
            self.app.call_from_thread(self.notify, exc.message, title="Documento", severity="error")
            return
        RecentDocuments.load().remember(doc.path)
        self.app.call_from_thread(self.adopt_document, doc)

