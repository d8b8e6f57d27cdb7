"""Install the llama.cpp engine (built once per machine, without AMX): see legalprompt/engine/build.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from legalprompt.engine.build import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
