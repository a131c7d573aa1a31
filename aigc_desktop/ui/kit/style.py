"""The design system: spacing, radii, type, palette (light and dark), fonts, icons.

Every colour and size the window uses comes from here, so the two themes stay
consistent and a widget never hard-codes a hex value. ``theme.apply`` installs
the palette, the font chain and :func:`stylesheet`; widgets ask :func:`set_icon`
for an icon, which is redrawn in the new colours when the theme changes.

Icons are Phosphor (MIT) through QtAwesome; see ``resources/icons/LICENSES.md``.
The stylesheet is hand-written because Qt's Fusion style has no notion of
rounded bubbles, pills or a focus ring; it only uses object names set in ``ui/``.
"""

from __future__ import annotations

import weakref

from PySide6.QtGui import QFont, QFontDatabase, QIcon

from aigc_desktop.render.palette import DARK, LIGHT, Palette, palette_for  # noqa: F401 (the design system's palette)

# -- scales ------------------------------------------------------------------------
SPACE = {"xxs": 2, "xs": 4, "sm": 8, "md": 12, "lg": 16, "xl": 24, "xxl": 32}
RADIUS = {"sm": 6, "md": 10, "lg": 18, "pill": 14}
TYPE = {"caption": 12, "small": 13, "body": 14, "title": 16}  # pixels
LINE_HEIGHT = 130  # percent, for message text: Chinese needs more air than Latin
COLUMN_MAX = 800  # the reading column's widest
AVATAR = 28
ICON = 16

# CJK fallbacks after the system's own UI font (Qt falls back glyph by glyph along the list).
CJK_FONTS = ("PingFang SC", "Microsoft YaHei UI", "Microsoft YaHei", "Noto Sans CJK SC",
             "Source Han Sans SC", "WenQuanYi Micro Hei")
# A Latin family must come first: where the system font resolves to a Chinese one, its ’ “ ” …
# are full-width and "I’ll" reads "I’  ll". DejaVu, Liberation and Arial end the list because
# nearly every Linux (and Windows) has one of them when none of the nicer ones is installed.
LATIN_FONTS = ("Segoe UI", ".AppleSystemUIFont", "Helvetica Neue", "Inter", "Noto Sans", "Cantarell", "Ubuntu",
               "DejaVu Sans", "Liberation Sans", "Arial")
MONO_FONTS = ("JetBrains Mono", "Cascadia Mono", "SF Mono", "Menlo", "Consolas", "DejaVu Sans Mono",
              "Noto Sans Mono CJK SC")


# The palette itself (every colour, both themes) is render/palette.py, shared with the exports.
_current = LIGHT


def current() -> Palette:
    return _current


# -- fonts -------------------------------------------------------------------------
# Families registered while the app runs and asked last (the bundled emoji font: ui/kit/emoji_font.py).
_fallbacks: list[str] = []


def add_fallback_family(family: str) -> None:
    if family not in _fallbacks:
        _fallbacks.append(family)


def remove_fallback_family(family: str) -> None:
    if family in _fallbacks:
        _fallbacks.remove(family)


def ui_font(px: int = TYPE["body"]) -> QFont:
    """The system UI font first, then Latin and CJK fallbacks (and the emoji font, once registered)."""
    font = QFont()
    system = QFontDatabase.systemFont(QFontDatabase.GeneralFont).family()
    font.setFamilies([f for f in (*LATIN_FONTS, system, *CJK_FONTS, *_fallbacks) if f])
    font.setPixelSize(px)
    return font


def mono_families() -> list[str]:
    return list(MONO_FONTS)


# -- icons -------------------------------------------------------------------------
_themed: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def icon(name: str, role: str = "muted", palette: Palette | None = None) -> QIcon:
    """A Phosphor icon (``ph.`` names) in the palette's colours; hover shows it in text colour."""
    import qtawesome as qta

    p = palette or _current
    colour = getattr(p, role)
    return qta.icon(name, color=colour, color_active=p.text if role == "muted" else colour,
                    color_disabled=p.border if role == "muted" else p.muted)


def set_icon(widget, name: str, role: str = "muted") -> None:
    """Give ``widget`` (anything with setIcon) an icon that follows the theme."""
    _themed[widget] = (name, role)
    widget.setIcon(icon(name, role))


def set_palette(p: Palette) -> None:
    """Make ``p`` current and redraw every themed icon still alive."""
    global _current
    _current = p
    for widget, (name, role) in list(_themed.items()):
        try:
            widget.setIcon(icon(name, role))
        except RuntimeError:  # the Qt object is gone; its wrapper goes soon
            _themed.pop(widget, None)


# -- the stylesheet ----------------------------------------------------------------
def message_css(p: Palette) -> str:
    """Default stylesheet for message documents: a style hook on the tags render/html.py
    emits (it sets colours inline; this adds line height and spacing only)."""
    mono = ", ".join(f"'{f}'" for f in MONO_FONTS)
    return (
        f"p, li {{ line-height: {LINE_HEIGHT}%; }}"
        f"p {{ margin-top: 0px; margin-bottom: {SPACE['sm']}px; }}"
        f"h1, h2, h3 {{ margin-top: {SPACE['md']}px; margin-bottom: {SPACE['xs']}px; }}"
        f"pre, code {{ font-family: {mono}; }}"
    )


def stylesheet(p: Palette) -> str:
    s, r, t = SPACE, RADIUS, TYPE
    return f"""
QMainWindow, QWidget#chatPane {{ background: {p.window}; }}
QToolTip {{ background: {p.surface}; color: {p.text}; border: 1px solid {p.border};
    border-radius: {r['sm']}px; padding: {s['xs']}px {s['sm']}px; }}
QMenu {{ background: {p.surface}; color: {p.text}; border: 1px solid {p.border};
    border-radius: {r['sm']}px; padding: {s['xs']}px; }}
QMenu::item {{ padding: {s['xs'] + 2}px {s['lg']}px; border-radius: {r['sm']}px; }}
QMenu::item:selected {{ background: {p.hover}; }}
QToolBar {{ background: {p.window}; border: none; border-bottom: 1px solid {p.border};
    padding: {s['xs']}px {s['sm']}px; spacing: {s['sm']}px; }}
QStatusBar {{ background: {p.window}; color: {p.muted}; border-top: 1px solid {p.border}; }}
QStatusBar QLabel {{ color: {p.muted}; font-size: {t['caption']}px; }}
QSplitter::handle {{ background: {p.border}; width: 1px; }}

QPushButton {{ background: {p.surface}; color: {p.text}; border: 1px solid {p.border};
    border-radius: {r['sm']}px; padding: {s['xs'] + 1}px {s['md']}px; }}
QPushButton:hover {{ background: {p.hover}; }}
QPushButton:focus, QToolButton:focus {{ border: 2px solid {p.focus}; }}
QPushButton:disabled {{ color: {p.muted}; }}
QToolButton {{ background: transparent; border: 2px solid transparent; border-radius: {r['sm']}px;
    padding: {s['xxs']}px; color: {p.muted}; }}
QToolButton:hover {{ background: {p.hover}; color: {p.text}; }}
QComboBox {{ background: {p.surface}; color: {p.text}; border: 1px solid {p.border};
    border-radius: {r['sm']}px; padding: {s['xs']}px {s['sm']}px; }}
QComboBox:focus {{ border: 2px solid {p.focus}; }}
QComboBox:disabled, QSpinBox:disabled, QLineEdit:disabled {{ color: {p.muted}; background: {p.bubble};
    border-color: {p.bubble}; }}
QToolButton:checked {{ background: {p.selected}; border: 2px solid {p.accent}; color: {p.text}; }}
QComboBox#modelCombo {{ background: transparent; border: 1px solid transparent; border-radius: {r['pill']}px;
    padding: {s['xs']}px {s['md']}px; font-weight: 600; }}
QComboBox#modelCombo:hover {{ background: {p.hover}; }}
QComboBox#modelCombo:focus {{ border: 2px solid {p.focus}; }}
QLineEdit {{ background: {p.surface}; color: {p.text}; border: 1px solid {p.border};
    border-radius: {r['md']}px; padding: {s['xs'] + 2}px {s['sm']}px; }}
QLineEdit:focus, QPlainTextEdit:focus {{ border: 2px solid {p.focus}; }}
QScrollBar:vertical {{ background: transparent; width: 10px; margin: 2px; }}
QScrollBar::handle:vertical {{ background: {p.border}; border-radius: 3px; min-height: 32px; }}
QScrollBar::handle:vertical:hover {{ background: {p.muted}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: transparent; }}

/* sidebar */
QWidget#sidebar {{ background: {p.sidebar}; }}
QWidget#sidebar QLabel#appTitle {{ color: {p.text}; font-size: {t['title']}px; font-weight: 600; }}
QPushButton#newChatButton {{ text-align: left; padding: {s['sm']}px {s['md']}px; border-radius: {r['md']}px;
    background: {p.surface}; font-weight: 600; }}
QPushButton#newChatButton:focus {{ border: 2px solid {p.focus}; }}
QListWidget#conversationList, QListWidget#searchResults {{ background: transparent; border: 2px solid transparent;
    border-radius: {r['md']}px; outline: none; color: {p.text}; }}
QListWidget#conversationList:focus, QListWidget#searchResults:focus {{ border: 2px solid transparent; }}
QListWidget#conversationList::item, QListWidget#searchResults::item {{ padding: {s['sm'] - 2}px {s['sm']}px;
    border-radius: {r['sm']}px; border: 2px solid transparent; }}
QListWidget#conversationList::item:hover, QListWidget#searchResults::item:hover {{ background: {p.hover}; }}
QListWidget#conversationList::item:selected, QListWidget#searchResults::item:selected {{
    background: {p.selected}; color: {p.text}; }}
QListWidget#conversationList::item:focus, QListWidget#searchResults::item:focus {{ border: 2px solid {p.focus}; }}
QListWidget#conversationList QLineEdit {{ border: 2px solid {p.focus}; border-radius: {r['sm']}px;
    padding: 2px {s['xs']}px; }}

/* chat */
QScrollArea#chatView {{ background: {p.window}; border: none; }}
QWidget#chatColumn {{ background: {p.window}; }}
QFrame#bubble {{ background: {p.bubble}; border-radius: {r['lg']}px; }}
QTextBrowser#messageBody {{ background: transparent; border: none; color: {p.text}; }}
QLabel#messageHeader {{ color: {p.muted}; font-size: {t['small']}px; }}
QLabel#messageHeader[error="true"] {{ color: #d1242f; }}
QToolButton#thinkingToggle {{ color: {p.muted}; font-size: {t['small']}px; border: none;
    padding: 2px {s['xs']}px 2px 0; }}
QToolButton#thinkingToggle:hover {{ color: {p.text}; }}
QToolButton#thinkingToggle[cut="true"] {{ color: {p.warning}; }}
QFrame#thinkingRail {{ border: none; border-left: 2px solid {p.border}; }}
QTextBrowser#thinkingText {{ background: transparent; border: none; color: {p.muted}; font-size: {t['small']}px; }}
QLabel#avatar {{ background: {p.avatar}; border-radius: {AVATAR // 2}px; }}
QLabel#avatar[role="user"] {{ background: {p.bubble}; }}
QLabel#siblingLabel {{ color: {p.muted}; font-size: {t['caption']}px; }}
QPlainTextEdit#messageEditor {{ background: {p.surface}; color: {p.text}; border: 2px solid {p.focus};
    border-radius: {r['md']}px; padding: {s['xs']}px; }}
QPushButton#primaryButton {{ background: {p.accent}; color: {p.accent_text}; border: 2px solid {p.accent};
    border-radius: {r['pill']}px; padding: {s['xs'] + 1}px {s['lg']}px; font-weight: 600; }}
QPushButton#primaryButton:focus {{ border: 2px solid {p.text}; }}
QPushButton#primaryButton:disabled {{ background: {p.bubble}; color: {p.muted}; border-color: {p.bubble}; }}
QPushButton#secondaryButton {{ border-radius: {r['pill']}px; padding: {s['xs'] + 1}px {s['lg']}px; }}
QPushButton#newestButton {{ background: {p.surface}; color: {p.text}; border: 1px solid {p.border};
    border-radius: {r['pill']}px; padding: {s['xs'] + 1}px {s['md']}px; }}
QPushButton#newestButton:focus {{ border: 2px solid {p.focus}; }}
QPushButton#moreButton {{ border: none; color: {p.muted}; background: transparent; }}
QLabel#emptyState {{ color: {p.muted}; font-size: {t['title']}px; }}

/* composer */
QWidget#composer {{ background: {p.window}; }}
QFrame#composerFrame {{ background: {p.surface}; border: 1px solid {p.border}; border-radius: {r['lg'] + 4}px; }}
QFrame#composerFrame[focused="true"] {{ border: 2px solid {p.focus}; }}
QPlainTextEdit#composerEdit {{ background: transparent; border: none; color: {p.text}; }}
QPlainTextEdit#composerEdit:focus {{ border: none; }}
QLabel#modelPill {{ background: {p.bubble}; color: {p.muted}; border-radius: {r['pill'] - 2}px;
    padding: 3px {s['sm'] + 2}px; font-size: {t['caption']}px; }}
QToolButton#sendButton {{ background: {p.accent}; border-radius: 16px; border: 2px solid {p.accent}; }}
QToolButton#sendButton:disabled {{ background: {p.border}; border-color: {p.border}; }}
QToolButton#sendButton:focus {{ border: 2px solid {p.text}; }}
QToolButton#sendButton[busy="true"] {{ background: {p.text}; border-color: {p.text}; }}
QLabel#composerHint {{ color: {p.muted}; font-size: {t['caption']}px; }}

/* tools (ui/tools/) */
QFrame#toolCard {{ border: 1px solid {p.border}; border-radius: {r['md']}px; }}
QToolButton#toolCardToggle {{ color: {p.muted}; font-size: {t['small']}px; border: none; text-align: left;
    padding: 2px {s['xs']}px 2px 0; }}
QToolButton#toolCardToggle:hover {{ color: {p.text}; }}
QToolButton#toolCardToggle:focus {{ border: 2px solid {p.focus}; }}
QLabel#toolCardCaption {{ color: {p.muted}; font-size: {t['caption']}px; }}
QLabel#toolProblems {{ color: {p.warning}; font-size: {t['small']}px; }}
QTextBrowser#toolCardArguments, QTextBrowser#toolCardResult {{ background: {p.bubble}; color: {p.text};
    border: none; border-radius: {r['sm']}px; }}
QPushButton#toolsChip {{ border: 1px solid {p.border}; border-radius: 10px; padding: 2px {s['sm'] + 2}px;
    margin: {s['xs']}px {s['lg']}px 0 {s['lg']}px; color: {p.muted}; background: transparent;
    font-size: {t['small']}px; }}
QPushButton#toolsChip:hover {{ background: {p.hover}; color: {p.text}; }}
QPushButton#toolsChip:focus {{ border: 2px solid {p.focus}; }}
QPushButton#toolsChip[on="true"] {{ color: {p.accent}; border-color: {p.accent}; }}
"""
