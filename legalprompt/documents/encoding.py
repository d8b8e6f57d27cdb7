"""Turning bytes from the wild into clean text.

Brazilian legal files arrive as UTF-8 (with or without BOM), Windows-1252, Latin-1, now and then
UTF-16 (Notepad's "Unicode") or old DOS code page 850, with CRLF line ends and stray NULs.
`decode_bytes` picks the encoding from the bytes themselves, deterministically:

1. BOMs (UTF-8, UTF-16) win.
2. Binary data (many NULs or control bytes) is refused with a `DocumentError`.
3. Strict UTF-8. A mostly-UTF-8 file with a few stray single-byte characters (two files pasted
   together) is decoded as UTF-8 with those bytes read as Windows-1252.
4. Otherwise a single-byte code page, chosen by scoring how Portuguese the high bytes look in
   each candidate (cp1252, latin-1, cp850, mac_roman). Bytes 0x80-0x9F are curly quotes and
   dashes in cp1252 but invisible C1 controls in Latin-1, which is what decides between the two.
   Only when every Western candidate scores badly is charset-normalizer asked.

`decode_bytes_ex` also returns the encoding's name; `decode_bytes` returns only the text.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter

from legalprompt.errors import DocumentError

_SAMPLE = 64 * 1024
# Control bytes that never occur in text (TAB, LF, VT, FF, CR and ESC are allowed).
_CONTROL = bytes([b for b in range(0x20) if b not in (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B)]) + b"\x7f"
_ASCII = bytes(range(0x80))

_PT_LETTERS = set("áàâãéêíóôõúüçÁÀÂÃÉÊÍÓÔÕÚÜÇ")
_TYPOGRAPHY = set("“”‘’–—…•ºª°§€«»·")
_FALLBACK_ERROR = "legalprompt-cp1252-fallback"
# Double-encoded UTF-8 ("aÃ§Ã£o"): an Ã or Â followed by what was a UTF-8 continuation byte.
_MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a byte that is not valid UTF-8 is read as Windows-1252."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start:exc.end]
    return bad.decode("cp1252", errors="replace"), exc.end


codecs.register_error(_FALLBACK_ERROR, _cp1252_fallback)


_MAGIC = {b"\x7fELF": "executável", b"MZ": "executável", b"\x89PNG": "imagem PNG", b"\xff\xd8\xff": "imagem JPEG",
          b"GIF8": "imagem GIF", b"PK\x03\x04": "arquivo ZIP/Office", b"%PDF-": "PDF", b"Rar!": "arquivo RAR",
          b"7z\xbc\xaf": "arquivo 7z", b"\x1f\x8b": "arquivo gzip", b"\xd0\xcf\x11\xe0": "documento Office antigo",
          b"II*\x00": "imagem TIFF", b"MM\x00*": "imagem TIFF", b"SQLite format 3": "banco SQLite"}


def _binary_reason(sample: bytes) -> str | None:
    for magic, what in _MAGIC.items():
        if sample.startswith(magic) and (magic != b"MZ" or b"\x00" in sample[:64]):
            return what
    stripped = sample.rstrip(b"\x00")
    if len(sample) - len(stripped) > max(64, len(stripped)):
        return "muitos bytes nulos"
    sample = stripped
    if not sample:
        return None
    nuls = sample.count(0)
    if nuls > max(4, len(sample) // 200):
        return "muitos bytes nulos"
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    if controls - nuls > max(8, len(sample) // 20):
        return "muitos bytes de controle"
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs sit on every other byte, as in Portuguese UTF-16 text."""
    if len(sample) < 16:
        return None
    even = sample[0::2]
    odd = sample[1::2]
    if odd.count(0) > 0.7 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.7 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _score_single_byte(high: Counter, encoding: str) -> float:
    score = 0.0
    for byte, count in high.items():
        ch = bytes([byte]).decode(encoding, errors="replace")
        if ch in _PT_LETTERS:
            w = 3.0
        elif ch in _TYPOGRAPHY:
            w = 1.5
        elif ch == "\ufffd" or "\u0080" <= ch <= "\u009f":
            w = -6.0
        elif ch.isalpha():
            w = 0.0
        elif ch == "\xa0":
            w = 0.5
        else:
            w = -1.0
        score += w * count
    return score


def _pick_single_byte(data: bytes) -> str:
    high_bytes = data.translate(None, _ASCII)
    if len(high_bytes) > 4 * _SAMPLE:
        step = len(high_bytes) // (4 * _SAMPLE) + 1
        high_bytes = high_bytes[::step]
    high = Counter(high_bytes)
    if not any(0x80 <= b <= 0x9F for b in high):
        # cp1252 and Latin-1 agree on 0xA0-0xFF; DOS cp850 may still fit better.
        candidates = ["latin-1", "cp850", "mac_roman"]
    else:
        candidates = ["cp1252", "latin-1", "cp850", "mac_roman"]
    scored = [(_score_single_byte(high, enc), -i, enc) for i, enc in enumerate(candidates)]
    best_score, _, best = max(scored)
    if best_score < 0:
        guessed = _charset_normalizer_guess(data)
        if guessed:
            return guessed
    return best


def _charset_normalizer_guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - declared dependency
        return None
    match = from_bytes(data[: 4 * _SAMPLE]).best()
    if match is None:
        return None
    try:
        codecs.lookup(match.encoding)
    except LookupError:
        return None
    return match.encoding


def _repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that was once decoded as cp1252 and saved again ("decisÃ£o" -> "decisão")."""
    hits = len(_MOJIBAKE.findall(text, 0, 200_000))
    if hits < 3:
        return text
    try:
        fixed = text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
    return fixed if len(_MOJIBAKE.findall(fixed, 0, 200_000)) < hits else text


def _normalise(text: str) -> str:
    if "\x00" in text:
        text = text.replace("\x00", "")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def decode_bytes_ex(data: bytes, label: str) -> tuple[str, str]:
    """Decode `data` and return (text, encoding name). Raises DocumentError for binary data."""
    if not data:
        return "", "utf-8"
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _normalise(data.decode(enc)), enc
            except UnicodeDecodeError:
                break
    sample = data[:_SAMPLE]
    utf16 = _utf16_without_bom(sample.rstrip(b"\x00"))
    if utf16:
        try:
            return _normalise(data.decode(utf16)), utf16
        except UnicodeDecodeError:
            pass
    reason = _binary_reason(sample)
    if reason is None and len(data) > 2 * _SAMPLE:
        reason = _binary_reason(data[len(data) // 2: len(data) // 2 + _SAMPLE])
    if reason:
        raise DocumentError(
            f"{label}: parece um arquivo binário, não texto ({reason}). "
            "Use um arquivo .txt, .md, .pdf, .docx ou .html, ou converta-o para um desses formatos.")
    try:
        return _normalise(_repair_mojibake(data.decode("utf-8"))), "utf-8"
    except UnicodeDecodeError:
        pass
    high_count = len(data.translate(None, _ASCII))
    # Bytes that belong to valid multi-byte UTF-8 sequences (invalid ones are dropped by 'ignore').
    utf8_bytes = len(data.decode("utf-8", errors="ignore").encode("utf-8")) - (len(data) - high_count)
    if utf8_bytes and utf8_bytes >= 0.8 * high_count:
        return _normalise(data.decode("utf-8", errors=_FALLBACK_ERROR)), "utf-8+cp1252"
    enc = _pick_single_byte(data)
    return _normalise(data.decode(enc, errors="replace")), enc


def decode_bytes(data: bytes, label: str) -> str:
    """Decode bytes of unknown encoding to text with LF line ends and no NULs.

    Raises `DocumentError` (pt-BR reason) when the bytes are binary rather than text."""
    return decode_bytes_ex(data, label)[0]
