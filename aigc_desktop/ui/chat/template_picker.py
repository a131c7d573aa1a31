"""The list that ``/`` opens over the composer: prompt templates, filtered as the person types.

The composer keeps the keyboard: what follows the ``/`` is the filter (a
substring of a template's name or key, case-insensitive; Chinese names match
as written, there is no pinyin), and the composer hands Up, Down, Enter and
Esc to :meth:`TemplatePicker.handle_key`. A click chooses too. The last entry,
always shown, is "Manage templates…". The built-ins in the language the window
does not speak come last, under a heading ("English templates"): they share
their names with the others.

Why not ``QCompleter``: it completes the text in place (we open a form
instead), cannot keep a fixed footer entry, and passes Enter on to the text box
after choosing (Qt's own text-edit completer example has to swallow it there),
which here would send the message. So this is a child widget of the window,
laid over the chat just above the composer, that never takes the focus; the
filtering itself is Qt's ``QSortFilterProxyModel``.

Signals of TemplatePicker:
    chosen(object template)     a writing.templates.Template
    manageRequested()
    dismissed()                 Esc
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QSize, QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QFrame, QListView, QStyledItemDelegate, QVBoxLayout, QWidget

from aigc_desktop.i18n import N_, _
from aigc_desktop.ui.kit import style
from aigc_desktop.writing.templates import other_language, other_language_start

TEMPLATE_ROLE = Qt.UserRole + 1  # the Template, or None for "Manage templates…"
SEARCH_ROLE = Qt.UserRole + 2  # name and key, what the filter looks in
DETAIL_ROLE = Qt.UserRole + 3  # the dim text on the right
HEADING_ROLE = Qt.UserRole + 4  # True on the other language's heading (not a choice)
MANAGE_TEXT = N_("Manage templates…")
LANGUAGE_WORDS = {"zh": N_("Chinese"), "en": N_("English")}
OTHER_HEADING = {"zh": N_("Chinese templates"), "en": N_("English templates")}  # over the other language's
TRIGGERS = ("/", "／", "、")  # a Chinese input method in Chinese punctuation mode types 、 for /
VISIBLE_ROWS = 9


def slash_query(text: str) -> str | None:
    """The filter when ``text`` is a ``/`` command being typed (one line), else None."""
    if text[:1] in TRIGGERS and "\n" not in text:
        return text[1:].strip()
    return None


class _Filter(QSortFilterProxyModel):
    """Substring filter on name and key; "Manage templates…" always stays."""

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        source = self.sourceModel()
        index = source.index(row, 0, parent)
        if index.data(HEADING_ROLE):  # shown while one of the templates under it is
            return any(source.index(r, 0, parent).data(TEMPLATE_ROLE) is not None
                       and super(_Filter, self).filterAcceptsRow(r, parent) for r in range(row + 1, source.rowCount()))
        if index.data(TEMPLATE_ROLE) is None:
            return True
        return super().filterAcceptsRow(row, parent)


class _Delegate(QStyledItemDelegate):
    """The name on the left, language · variables dimmed on the right."""

    def paint(self, painter, option, index) -> None:
        if index.data(HEADING_ROLE):  # a caption, not a row one can choose
            painter.save()
            painter.setPen(option.palette.color(option.palette.ColorRole.PlaceholderText))
            font = option.font
            font.setPixelSize(style.TYPE["caption"])
            font.setWeight(font.Weight.DemiBold)
            painter.setFont(font)
            painter.drawText(option.rect.adjusted(style.SPACE["md"], 0, 0, 0), Qt.AlignLeft | Qt.AlignVCenter,
                             index.data(Qt.DisplayRole))
            painter.restore()
            return
        detail = index.data(DETAIL_ROLE) or ""
        super().paint(painter, option, index)
        if not detail:
            return
        painter.save()
        painter.setPen(option.palette.color(option.palette.ColorRole.PlaceholderText))
        font = option.font
        font.setPixelSize(style.TYPE["caption"])
        painter.setFont(font)
        rect = option.rect.adjusted(0, 0, -style.SPACE["md"], 0)
        painter.drawText(rect, Qt.AlignRight | Qt.AlignVCenter, detail)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), option.fontMetrics.height() + 2 * style.SPACE["sm"]))


class TemplatePicker(QFrame):
    chosen = Signal(object)
    manageRequested = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("templatePicker")
        self.setFocusPolicy(Qt.NoFocus)
        self.model = QStandardItemModel(self)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseInsensitive)
        self.list = QListView(self)
        self.list.setObjectName("templateList")
        self.list.setModel(self.proxy)
        self.list.setItemDelegate(_Delegate(self.list))
        self.list.setFocusPolicy(Qt.NoFocus)  # typing stays in the composer
        self.list.setEditTriggers(QListView.NoEditTriggers)
        self.list.setUniformItemSizes(True)
        self.list.setFrameShape(QFrame.NoFrame)
        self.list.setAccessibleName(_("Prompt templates"))
        self.list.clicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        m = style.SPACE["xs"]
        layout.setContentsMargins(m, m, m, m)
        layout.addWidget(self.list)
        self.hide()

    # -- content ----------------------------------------------------------------------
    def set_templates(self, templates: list, manage: bool = True) -> None:
        """Fill the list (the composer reads the library afresh each time it opens);
        ``manage`` adds "Manage templates…" (there is no store to manage without one)."""
        self.model.clear()
        heading_at = other_language_start(templates)
        for i, t in enumerate(templates):
            if i == heading_at:
                heading = QStandardItem(_(OTHER_HEADING[other_language()]))
                heading.setData(True, HEADING_ROLE)
                heading.setData(None, TEMPLATE_ROLE)
                heading.setFlags(Qt.ItemIsEnabled)  # not selectable
                self.model.appendRow(heading)
            item = QStandardItem(t.name)
            names = " ".join("{" + v + "}" for v in t.variables)
            kind = _(LANGUAGE_WORDS.get(t.language, t.language)) if t.builtin else _("yours")
            item.setData(t, TEMPLATE_ROLE)
            item.setData(f"{t.name} {t.key}", SEARCH_ROLE)
            item.setData(f"{kind} · {names}" if names else kind, DETAIL_ROLE)
            item.setToolTip(t.body)
            self.model.appendRow(item)
        if not manage:
            return
        manage = QStandardItem(_(MANAGE_TEXT))
        manage.setData(None, TEMPLATE_ROLE)
        manage.setData("", SEARCH_ROLE)
        font = manage.font()
        font.setItalic(True)
        manage.setFont(font)
        self.model.appendRow(manage)

    def set_filter(self, query: str) -> None:
        self.proxy.setFilterFixedString(query)
        self.list.setCurrentIndex(self.proxy.index(self._choosable(0, 1), 0))

    def _is_heading(self, row: int) -> bool:
        return bool(self.proxy.index(row, 0).data(HEADING_ROLE))

    def _choosable(self, row: int, step: int) -> int:
        """``row``, or the next row from it in ``step``'s direction (wrapping) that is not a heading."""
        n = self.proxy.rowCount()
        for _i in range(n):
            if not self._is_heading(row % n):
                return row % n
            row += step
        return 0

    def visible_templates(self) -> list:
        """The templates that pass the filter, in order (not "Manage templates…")."""
        rows = (self.proxy.index(r, 0).data(TEMPLATE_ROLE) for r in range(self.proxy.rowCount()))
        return [t for t in rows if t is not None]

    def matches(self) -> int:
        return len(self.visible_templates())

    def current(self):
        """The highlighted template, or None on "Manage templates…"."""
        return self.list.currentIndex().data(TEMPLATE_ROLE)

    # -- placement --------------------------------------------------------------------
    def place_above(self, anchor: QWidget) -> None:
        """Sit just above ``anchor`` (the composer's box), as wide as it up to a limit."""
        p = style.current()
        self.setStyleSheet(
            f"QFrame#templatePicker {{ background: {p.surface}; border: 1px solid {p.border};"
            f" border-radius: {style.RADIUS['md']}px; }}"
            f" QListView#templateList {{ background: transparent; color: {p.text}; outline: none; }}"
            f" QListView#templateList::item {{ padding: 0 {style.SPACE['md']}px; border-radius: {style.RADIUS['sm']}px; }}"
            f" QListView#templateList::item:selected {{ background: {p.selected}; color: {p.text}; }}"
            f" QListView#templateList::item:hover {{ background: {p.hover}; }}")
        host = self.parentWidget()
        row = self.list.sizeHintForRow(0) if self.proxy.rowCount() else 32
        frame = 2 * style.SPACE["xs"] + 2
        wanted = min(VISIBLE_ROWS, self.proxy.rowCount()) * row + frame
        top_left = anchor.mapTo(host, anchor.rect().topLeft())
        room = top_left.y() - style.SPACE["xs"]  # the space above the composer
        height = min(wanted, room) if room >= row + frame else wanted
        self.setGeometry(QRect(top_left.x(), max(0, room - height), min(anchor.width(), 560), height))
        self.raise_()

    # -- keys and mouse ---------------------------------------------------------------
    def handle_key(self, key: int) -> bool:
        """Up / Down move, Enter chooses, Esc closes; True when the key was the picker's."""
        if key in (Qt.Key_Up, Qt.Key_Down, Qt.Key_PageUp, Qt.Key_PageDown):
            n = self.proxy.rowCount()
            step = {Qt.Key_Up: -1, Qt.Key_Down: 1, Qt.Key_PageUp: -VISIBLE_ROWS, Qt.Key_PageDown: VISIBLE_ROWS}[key]
            row = self.list.currentIndex().row()
            row = (row + step) % n if abs(step) == 1 else max(0, min(n - 1, row + step))
            self.list.setCurrentIndex(self.proxy.index(self._choosable(row, 1 if step > 0 else -1), 0))
            return True
        if key in (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Tab):
            self._activate(self.list.currentIndex())
            return True
        if key == Qt.Key_Escape:
            self.hide()
            self.dismissed.emit()
            return True
        return False

    @Slot(QModelIndex)
    def _clicked(self, index: QModelIndex) -> None:
        self._activate(index)

    def _activate(self, index: QModelIndex) -> None:
        if not index.isValid() or index.data(HEADING_ROLE):
            return
        template = index.data(TEMPLATE_ROLE)
        self.hide()
        if template is None:
            self.manageRequested.emit()
        else:
            self.chosen.emit(template)
