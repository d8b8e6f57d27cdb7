"""Errors that reach the user as one line of pt-BR text and an exit code.

Every module raises these (never prints); the CLI and TUI show `message`.
"""


class LegalPromptError(Exception):
    """Base for errors the user can act on. `message` is pt-BR and says what to do."""

    exit_code = 2

    def __init__(self, message: str, *, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class UserInputError(LegalPromptError):
    """Bad flag value, missing file, unknown name: the user must change the command."""


class ModelError(LegalPromptError):
    """The model file is missing, corrupt or cannot be loaded."""


class TemplateError(LegalPromptError):
    """A template cannot be parsed or rendered."""


class DocumentError(LegalPromptError):
    """A document cannot be read (scan without text, encrypted, corrupt, binary, empty)."""


class ContextOverflowError(LegalPromptError):
    """The prompt plus the requested answer does not fit the context window."""


class StoreError(LegalPromptError):
    """The history database cannot be opened or written."""
