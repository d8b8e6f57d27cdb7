"""Numbers as a Brazilian reader writes them: decimal comma, dot between thousands."""

from __future__ import annotations


def br_int(n: int) -> str:
    """12345 -> '12.345'."""
    return f"{n:,}".replace(",", ".")


def br_num(x: float, decimals: int = 1) -> str:
    """1234.5 -> '1.234,5'."""
    s = f"{x:,.{decimals}f}"
    return s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def parse_br_float(raw: str) -> float:
    """'0,3' or '0.3' -> 0.3 (ValueError otherwise)."""
    return float(raw.strip().replace(",", "."))
