"""legalprompt: local drafting with a language model for Brazilian lawyers."""

__version__ = "0.1.0"
