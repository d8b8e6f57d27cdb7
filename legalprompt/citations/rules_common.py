"""Small pieces every rule shares: how dates and numbers are written in a reason, and the severity a
table's confidence gives."""

from __future__ import annotations

import datetime as _dt

from legalprompt.citations.models import DateRef, Reason


def fmt_date(d: _dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def _num(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def severity(confidence: str | None) -> str:
    return "warning" if (confidence or "low") == "low" else "error"


def check_date(d: DateRef | None, label: str, today: _dt.date) -> list[Reason]:
    if d is None:
        return []
    if d.value is None:
        return [Reason("DATE_INVALID", f"data de {label} {d.text} não existe no calendário")]
    if d.value > today:
        return [Reason("DATE_FUTURE", f"data de {label} {fmt_date(d.value)} está no futuro (hoje é {fmt_date(today)})")]
    return []
