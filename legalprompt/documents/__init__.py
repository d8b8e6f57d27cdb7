"""Documents from the wild into text, for every front end (commands, TUI, batch, compare).

- `reader`: one document (txt, md, pdf, docx, html) into a `Document`, within the size limits;
- `discovery`: the documents named by files, folders and globs;
- `files`: opening only regular files, never past a byte cap;
- `limits`: the byte caps and the character limit;
- `encoding`: bytes of unknown encoding (UTF-8, Windows-1252, Latin-1...) into text;
- `pdf_text`, `docx_text`, `html_text`: the text of each format.
"""

from legalprompt.documents.discovery import iter_documents
from legalprompt.documents.limits import MAX_DOCUMENT_CHARS
from legalprompt.documents.reader import Document, read_document, read_text_stream

__all__ = ["Document", "MAX_DOCUMENT_CHARS", "iter_documents", "read_document", "read_text_stream"]
