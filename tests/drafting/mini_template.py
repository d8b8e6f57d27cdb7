"""`mini`: a template with almost no instructions, for tests (the machine is shared: prompts stay short)."""

from __future__ import annotations

import json
from pathlib import Path


def mini_text(max_tokens: int = 4, stop: tuple[str, ...] = ("\n\n\n",)) -> str:
    return f"""---
name: mini
description: resumo curtíssimo (testes)
inputs:
  documento: {{type: text, required: true}}
prefill: "Resumo:"
sampling: {{temperature: 0.3, max_tokens: {max_tokens}, stop: {json.dumps(list(stop))}}}
check: {{named: nonempty}}
---
Resuma:
{{{{ documento }}}}
"""


def install_mini(config_dir: Path, **kw) -> None:
    """Write `mini` into the test's user template folder (`isolated_dirs["config"]`)."""
    d = config_dir / "templates"
    d.mkdir(exist_ok=True)
    (d / "mini.j2").write_text(mini_text(**kw), encoding="utf-8")
