"""The welcome card's widgets: its layout, the narrow-window reflow and the restyle on a
theme change. The panel (``panel.py``) is the state machine that fills them; this split
keeps what a person sees apart from what the card does.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from aigc_desktop.i18n import _
from aigc_desktop.ui.welcome.look import ExampleCard, logo, stylesheet
from aigc_desktop.ui.welcome.text import CARD_WIDTH, DARK, EXAMPLES, LIGHT, LOGO, MARGIN, NARROW, TEXT


class WelcomeCard(QWidget):
    """The card's widgets, built at once; :meth:`connect_card` wires its buttons to the
    subclass's actions (``primary_clicked``, ``use_mirror``, ``start``, ``cancel``,
    ``fill_composer``)."""

    def __init__(self) -> None:
        super().__init__()
        self._style_key = None
        self._build()

    def connect_card(self) -> None:
        self.action_button.clicked.connect(self.primary_clicked)
        self.mirror_button.clicked.connect(self.use_mirror)
        self.retry_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        for card in self.examples:
            card.clicked.connect(self.fill_composer)

    # -- widgets ------------------------------------------------------------------------
    def _label(self, text: str = "", name: str = "", wrap: bool = True) -> QLabel:
        lab = QLabel(text)
        lab.setTextFormat(Qt.PlainText)
        lab.setWordWrap(wrap)
        if name:
            lab.setObjectName(name)
        return lab

    def _build(self) -> None:
        self.card = QFrame()
        self.card.setObjectName("welcomeCard")
        self.logo = QLabel()
        self.logo.setFixedSize(LOGO, LOGO)
        self.title = self._label(_(TEXT["title"]), "welcomeTitle")
        self.subtitle = self._label(_(TEXT["subtitle"]), "welcomeMuted")
        head = QHBoxLayout()
        head.setSpacing(14)
        head.addWidget(self.logo, 0, Qt.AlignTop)
        texts = QVBoxLayout()
        texts.setSpacing(4)
        texts.addWidget(self.title)
        texts.addWidget(self.subtitle)
        head.addLayout(texts, 1)

        self.model_box = QFrame()
        self.model_box.setObjectName("welcomeBox")
        self.model_title = self._label("", "welcomeStrong")
        self.model_text = self._label("")
        mb = QVBoxLayout(self.model_box)
        mb.setContentsMargins(14, 10, 14, 10)
        mb.setSpacing(4)
        mb.addWidget(self._label(_(TEXT["model_caption"]), "welcomeCaption"))
        mb.addWidget(self.model_title)
        mb.addWidget(self.model_text)

        self.offer = QWidget()
        self.offer_caption = self._label(_(TEXT["offer_caption"]), "welcomeCaption")
        self.offer_text = self._label("")
        self.action_button = QPushButton()
        self.action_button.setObjectName("welcomePrimary")
        self.mirror_button = QPushButton(_(TEXT["use_mirror"]))
        self.mirror_button.setObjectName("welcomePrimary")
        self.retry_button = QPushButton(_(TEXT["retry"]))
        self.cancel_button = QPushButton(_(TEXT["cancel"]))
        buttons = QHBoxLayout()
        for b in (self.action_button, self.mirror_button, self.retry_button):
            b.setCursor(Qt.PointingHandCursor)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedHeight(8)
        bar_row = QHBoxLayout()
        bar_row.addWidget(self.progress_bar, 1)
        bar_row.addWidget(self.cancel_button)
        self.progress_text = self._label("", "welcomeMuted")
        self.note = self._label("", "welcomeNote")
        ol = QVBoxLayout(self.offer)
        ol.setContentsMargins(0, 0, 0, 0)
        ol.setSpacing(8)
        for w in (self.offer_caption, self.offer_text):
            ol.addWidget(w)
        ol.addLayout(buttons)
        ol.addLayout(bar_row)
        ol.addWidget(self.progress_text)
        ol.addWidget(self.note)

        self.examples = [ExampleCard(icon, caption, prompt) for icon, caption, prompt in EXAMPLES]

        lay = QVBoxLayout(self.card)
        lay.setContentsMargins(24, 20, 24, 20)
        lay.setSpacing(12)
        lay.addLayout(head)
        lay.addWidget(self.model_box)
        lay.addWidget(self.offer)
        lay.addWidget(self._label(_(TEXT["examples_caption"]), "welcomeCaption"))
        self.examples_row = ex = QHBoxLayout()  # side by side: short enough for a laptop screen
        ex.setSpacing(10)
        for card in self.examples:
            card.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # equal thirds, whatever the text
            ex.addWidget(card, 1)
        lay.addLayout(ex)
        # Centred in a row of stretches: a horizontal box gives the card its width before
        # asking its height for that width, so wrapped labels are never squashed (a
        # vertical box with an alignment asked for the full width's height instead).
        self.card.setMaximumWidth(CARD_WIDTH)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.card, 100)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, MARGIN, 0, MARGIN)
        outer.addLayout(row)
        outer.addStretch(1)

    def resizeEvent(self, event) -> None:
        # Examples side by side, or stacked when three columns would wrap every few
        # characters; the gap between the two widths is wider than a scroll bar, so a
        # scroll bar appearing cannot flip the layout back and forth.
        width = event.size().width()
        row = self.examples_row
        if width < NARROW and row.direction() != QHBoxLayout.TopToBottom:
            row.setDirection(QHBoxLayout.TopToBottom)
        elif width > NARROW + 40 and row.direction() != QHBoxLayout.LeftToRight:
            row.setDirection(QHBoxLayout.LeftToRight)
        super().resizeEvent(event)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.PaletteChange:
            self.restyle()
        super().changeEvent(event)

    def restyle(self, force: bool = False) -> None:
        dark = self.palette().window().color().lightness() < 128
        if self._style_key == dark and not force:
            return
        self._style_key = dark
        c = DARK if dark else LIGHT
        self.logo.setPixmap(logo(LOGO, self.devicePixelRatioF()))
        for card in self.examples:
            card.set_icon_color(c["accent_hover"] if dark else c["accent"])
        tone = "good" if self.note.property("tone") == "good" else "warn"
        note_bg, note_border = (c["subtle"], c["good"]) if tone == "good" else (c["note_bg"], c["note_border"])
        self.setStyleSheet(stylesheet(c, note_bg, note_border))
