"""Find Brazilian legal citations in a text and check them offline against reference tables.

    from legalprompt.citations import extract, check_text, Verdict
    cits = extract(text)
    report = check_text(text, sources=[...], today=None)

Importing this package reads no data file: the pattern database and the reference tables are
loaded on first use and cached.
"""

from legalprompt.citations.extract import extract
from legalprompt.citations.models import (
    Citation, CheckedCitation, CheckReport, DateRef, Reason, Span, Verdict,
)


def check_text(text, sources=None, today=None):
    """Extract and check every citation of `text`; see `legalprompt.citations.verify.check_text`."""
    from legalprompt.citations.verify import check_text as _check

    return _check(text, sources=sources, today=today)


__all__ = ["extract", "check_text", "Verdict", "Citation", "CheckedCitation", "CheckReport", "DateRef",
           "Reason", "Span"]
