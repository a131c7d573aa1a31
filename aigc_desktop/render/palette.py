"""Every colour of the app, light and dark, in one place.

One :class:`Palette` per theme holds the window's roles (used by ``ui/kit/style.py``'s
stylesheet and Qt palette), the colours of rendered Markdown (``message``: the chat's
message bodies, the HTML, PDF and image exports, through ``render/html.py``), the
banner's, the welcome card's, and the warning and error text colours. It lives outside
``ui/`` and imports nothing heavy because the core's exports need the same colours and
the window reads it before it is shown (no Markdown or Qt import here).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Theme:
    """Colours of rendered Markdown (a message body, an export)."""

    name: str
    text: str
    background: str
    code_background: str
    border: str
    link: str
    muted: str
    pygments_style: str
    quote_bar: str = "#d0d7de"  # a blockquote's left bar; the border colour is lost on a dark bubble


@dataclass(frozen=True)
class Palette:
    name: str
    window: str      # chat area
    sidebar: str
    surface: str     # composer, inputs, menus
    bubble: str      # the person's messages
    hover: str
    selected: str
    border: str
    text: str
    muted: str
    accent: str
    accent_text: str
    focus: str
    avatar: str      # the assistant's avatar disc
    message: Theme   # rendered Markdown
    banner: dict = field(default_factory=dict)   # (kind) -> (background, text)
    welcome: dict = field(default_factory=dict)  # the first-run card's roles
    warning: str = "#9a6700"  # a caution in a dialog, the context meter near full
    error: str = "#cf222e"    # an error line in a dialog
    highlight: str = "#bf8700"  # a search hit's frame


LIGHT = Palette(
    "light", window="#ffffff", sidebar="#f7f7f8", surface="#ffffff", bubble="#f0f1f3",
    hover="#ececee", selected="#e2e3e6", border="#dedfe3", text="#1f2328", muted="#6e7076",
    accent="#2563eb", accent_text="#ffffff", focus="#2563eb", avatar="#e8eefc",
    message=Theme("light", "#1f2328", "#ffffff", "#f6f8fa", "#d0d7de", "#0969da", "#656d76", "default"),
    banner={"error": ("#ffebe9", "#82071e"), "info": ("#ddf4ff", "#0a3069")},
    welcome=dict(card="#ffffff", border="#d0d7de", text="#1f2328", muted="#656d76", subtle="#f6f8fa",
                 accent="#0969da", accent_hover="#0550ae", note_bg="#fff8c5", note_border="#d4a72c",
                 good="#1a7f37"),
)
DARK = Palette(
    "dark", window="#1f1f21", sidebar="#171718", surface="#2a2a2d", bubble="#2f2f33",
    hover="#2a2a2d", selected="#333338", border="#3a3a3f", text="#ececf1", muted="#a1a1aa",
    accent="#4f8cff", accent_text="#ffffff", focus="#6ea0ff", avatar="#26314a",
    message=Theme("dark", "#e6edf3", "#0d1117", "#161b22", "#30363d", "#4493f8", "#8d96a0", "monokai", "#5a636e"),
    banner={"error": ("#3c1618", "#ffa198"), "info": ("#0c2d6b", "#a5d6ff")},
    welcome=dict(card="#1c2128", border="#30363d", text="#e6edf3", muted="#8d96a0", subtle="#22272e",
                 accent="#1f6feb", accent_hover="#388bfd", note_bg="#2e2a1f", note_border="#9e6a03", good="#3fb950"),
)


def palette_for(name: str) -> Palette:
    return DARK if name == "dark" else LIGHT
