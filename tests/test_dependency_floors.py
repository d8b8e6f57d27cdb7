"""Issue 19, finding 9: the declared minimum versions exclude releases with known holes, and the
installed versions meet them.

- jinja2 < 3.1.6: the sandbox's |attr filter let a user template read LEGALPROMPT_API_KEY;
- pypdf < 6.16.1: crafted PDFs hang or exhaust memory (CVE-2026-59935/59936 and the earlier 6.x series;
  a 3 MB bomb hung 4.0.0);
- huggingface_hub < 1.0: `huggingface_hub.errors` (which download.py imports) is missing from the
  oldest allowed releases, and 0.26 wrote `../../../x.gguf` outside the models folder (download.py also
  validates the name itself)."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent
SAFE = {"jinja2": "3.1.6", "pypdf": "6.16.1", "huggingface-hub": "1.0"}


def _floors() -> dict[str, Version]:
    deps = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    out = {}
    for d in deps:
        r = Requirement(d)
        lows = [Version(s.version) for s in r.specifier if s.operator in (">=", "==", "~=")]
        out[re.sub(r"[-_.]+", "-", r.name).lower()] = max(lows) if lows else None
    return out


@pytest.mark.parametrize("name", list(SAFE))
def test_floor_excludes_known_holes_and_installed_meets_it(name):
    floor = _floors()[name]
    assert floor is not None and floor >= Version(SAFE[name]), (name, floor)
    assert Version(version(name)) >= floor
