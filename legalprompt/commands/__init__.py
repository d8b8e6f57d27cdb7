"""One module per CLI command. Each exposes `register(subparsers)` and stays light at import time."""
