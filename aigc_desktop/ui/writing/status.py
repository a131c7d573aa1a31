"""How a section's status is shown: a word and an icon (the outline list and the section pane agree)."""

from __future__ import annotations

from aigc_desktop.i18n import N_, _

#: status → (word, Phosphor icon, palette role of the icon)
STATUS = {
    "empty": (N_("Not written"), "ph.circle-dashed", "muted"),
    "drafting": (N_("Writing…"), "ph.pencil-line", "accent"),
    "done": (N_("Done"), "ph.check-circle", "accent"),
    "stopped": (N_("Stopped"), "ph.stop-circle", "muted"),
    "interrupted": (N_("Interrupted"), "ph.warning-circle", "text"),
    "error": (N_("Error"), "ph.x-circle", "text"),
}


def status_word(status: str) -> str:
    return _(STATUS.get(status, STATUS["empty"])[0])


def status_icon(status: str) -> tuple[str, str]:
    _word, name, role = STATUS.get(status, STATUS["empty"])
    return name, role
