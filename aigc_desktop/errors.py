"""Two kinds of failure (see STYLE.md).

:class:`UserError` is the user's or the environment's fault: a bad model file,
a full disk, a locked or newer database, a prompt over the context. It carries a
message that is fit to show as is. Anything else is a bug: it is logged with its
traceback and the person sees a short note pointing at the log file.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the person can act on; ``str(err)`` is the message to show."""


class ModelLoadError(UserError):
    """The model file cannot be used (missing, not GGUF, truncated, too big)."""


class ContextOverflowError(UserError):
    """The prompt does not fit in the model's context window."""


class DatabaseError(UserError):
    """The conversation database cannot be opened or written."""
