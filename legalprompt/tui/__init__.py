"""Terminal UI (Textual). Nothing in the core imports this package."""
