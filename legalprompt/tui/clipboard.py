"""Copying the answer: OSC 52 (the terminal's clipboard, works over SSH), and a system tool where there is one.

OSC 52 cannot tell whether the terminal took it (GNOME Terminal and Terminal.app ignore it), so the text
also goes through `wl-copy` (Wayland), `xclip` (X11) or `pbcopy` (macOS) when one is installed and its
display is there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

TOOL_TIMEOUT_S = 5.0


def clipboard_tools() -> list[list[str]]:
    """The command lines that can take text on stdin into the clipboard here, best first."""
    tools = []
    if os.environ.get("WAYLAND_DISPLAY") and shutil.which("wl-copy"):
        tools.append(["wl-copy"])
    if os.environ.get("DISPLAY") and shutil.which("xclip"):
        tools.append(["xclip", "-selection", "clipboard"])
    if sys.platform == "darwin" and shutil.which("pbcopy"):
        tools.append(["pbcopy"])
    return tools


def copy_with_tool(text: str) -> str | None:
    """Copy with the first tool that works; its name, or None when none did."""
    for cmd in clipboard_tools():
        try:
            subprocess.run(cmd, input=text.encode("utf-8"), check=True, timeout=TOOL_TIMEOUT_S,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            continue
        return cmd[0]
    return None


def copy_text(app, text: str) -> str:
    """Copy `text` every way available; the pt-BR sentence that says how."""
    app.copy_to_clipboard(text)  # OSC 52
    tool = copy_with_tool(text)
    if tool:
        return f"resposta copiada (pelo terminal, OSC 52, e por {tool})"
    return ("resposta enviada ao terminal (OSC 52). Se não colar, o terminal não aceita OSC 52 (GNOME Terminal, "
            "Terminal.app): instale wl-clipboard ou xclip, ou use Exportar .md")
