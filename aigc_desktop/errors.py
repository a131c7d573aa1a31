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


class NoModelError(UserError):
    """A job needs the local model and none is loaded (or it is still loading)."""

    def __init__(self, loading: bool = False) -> None:
        from aigc_desktop.i18n import _

        if loading:
            text = _("No model is loaded yet. It is still loading; try again in a moment.")
        else:
            text = _("No model is loaded yet. Choose one in Models, or wait for it to load.")
        super().__init__(text)


def describe(exc: BaseException, what: str = "") -> str:
    """The one message a person sees for a failure: a :class:`UserError`'s own text, or for
    anything else (a bug) a short note pointing at the log file, where the traceback goes.

    Call it inside the ``except`` block so the logged traceback is the right one."""
    if isinstance(exc, UserError):
        return str(exc)
    import logging

    from aigc_desktop.i18n import _

    logging.getLogger("aigc_desktop").error("%s failed", what or "work", exc_info=exc)
    return _("Something went wrong ({error}). Details are in the log file.").format(error=exc)
