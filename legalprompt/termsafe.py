"""Text that is safe to show on a terminal.

A document, a model's answer or a file name can carry terminal control sequences: OSC 52 writes the
clipboard, OSC 0 sets the window title, OSC 8 makes links, CSI clears the screen or hides text. A
terminal acts on them when they are printed raw. Every path that prints such text (the CLI through
`SafeStream`, which `cli.main` puts around stdout and stderr; the TUI's widgets; reports) passes it
through `term_safe`, which shows each C0 control (except newline and tab), DEL and each C1 control as
a visible symbol instead of sending it.

`safe_label` is for one-line labels (file names): it also shows newline and tab, as `\\n` and `\\t`,
so a name cannot break a progress line or forge one.
"""

from __future__ import annotations

import re
from typing import TextIO

# C0 except \t and \n, DEL, C1. ESC (0x1b) and CSI (0x9b) start every sequence a terminal acts on.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(m: re.Match) -> str:
    c = ord(m.group())
    if c < 0x20:
        return chr(0x2400 + c)  # the Control Pictures block: ␛ for ESC, ␍ for CR
    if c == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # C1 has no pictures: the replacement character


def term_safe(text: str) -> str:
    """`text` with every terminal control (C0 but newline and tab, DEL, C1) made visible.

    One character in, one character out: offsets into the text (citation spans) stay valid."""
    if not text:
        return text
    return _UNSAFE.sub(_visible, text)


_LABEL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def safe_label(text: str) -> str:
    """A one-line label (a file name): controls escaped as `\\n`, `\\t`, `\\x1b`, line separators too."""
    def esc(m: re.Match) -> str:
        c = m.group()
        named = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(c)
        return named or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")

    return _LABEL_UNSAFE.sub(esc, str(text))


_JSON_UNSAFE = re.compile("[\x7f-\x9f]")


def json_safe(dumped: str) -> str:
    """JSON text (from json.dumps, which escapes only C0) with DEL and C1 escaped as \\u00XX too: still
    the same JSON value, and nothing a terminal acts on. They can only occur inside strings."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


class SafeStream:
    """A text stream that passes everything written through `term_safe`.

    `write_control` is for the program's own styling (colours, the progress bar's carriage return):
    only literal sequences the code builds go there, never text that came from a file or a model."""

    def __init__(self, inner: TextIO):
        self._inner = inner

    def write(self, s: str) -> int:
        self._inner.write(term_safe(s))
        return len(s)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def write_control(self, s: str) -> int:
        return self._inner.write(s)

    @property
    def inner(self) -> TextIO:
        return self._inner

    def __getattr__(self, name):  # flush, isatty, encoding, fileno, buffer...
        return getattr(self._inner, name)


def write_control(stream: TextIO, s: str) -> None:
    """Write the program's own control sequence (never user text) past a `SafeStream`."""
    getattr(stream, "write_control", stream.write)(s)


def styled(stream: TextIO, text: str, style: str) -> None:
    """`text` (made safe) between an SGR `style` (e.g. '1;36') and a reset, on a SafeStream or not."""
    write_control(stream, f"\x1b[{style}m")
    stream.write(term_safe(text))
    write_control(stream, "\x1b[0m")
