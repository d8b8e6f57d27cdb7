"""Rendering a comparison: a side-by-side terminal view (rich), a self-contained HTML file, Markdown.

`figures` holds what every form shows; `html_page`, `markdown_page` and `terminal_view` lay it out;
`write_report` picks the file form from the suffix.
"""

from __future__ import annotations

from pathlib import Path

from legalprompt.compare.report.figures import metric_rows
from legalprompt.compare.report.html_page import render_html
from legalprompt.compare.report.markdown_page import render_markdown
from legalprompt.compare.report.terminal_view import render_terminal
from legalprompt.compare.runner import CorpusComparison, DocumentComparison
from legalprompt.errors import UserInputError

REPORT_SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}

__all__ = ["REPORT_SUFFIXES", "metric_rows", "render_html", "render_markdown", "render_terminal", "report_format",
           "write_report"]


def report_format(path: str | Path) -> str:
    fmt = REPORT_SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise UserInputError(f"--report espera um arquivo .html ou .md (recebi {path})")
    return fmt


def write_report(result: DocumentComparison | CorpusComparison, path: str | Path) -> Path:
    path = Path(path)
    text = render_html(result) if report_format(path) == "html" else render_markdown(result)
    try:
        from legalprompt.private import write_private_text

        write_private_text(path, text)
    except OSError as exc:
        raise UserInputError(f"não foi possível gravar o relatório em {path}: {exc.strerror}") from None
    return path
