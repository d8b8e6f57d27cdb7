"""Prompt techniques: priming, "limar o texto", template loading and sandboxed rendering."""
