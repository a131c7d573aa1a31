"""Small pieces the Models tabs share: sizes for people, read-only tables, cells with tooltips."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

TOOLTIP_FROM = 24  # cells longer than this may be cut off by the column: the tooltip has all of it


def human_size(n: int) -> str:
    return f"{n / 2**30:.2f} GB" if n >= 2**30 else f"{n / 2**20:.0f} MB"


def make_table(headers: list[str]) -> QTableWidget:
    """A read-only table where one whole row is selected at a time; the first column takes the spare width."""
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setSelectionBehavior(QAbstractItemView.SelectRows)
    t.setSelectionMode(QAbstractItemView.SingleSelection)
    t.setEditTriggers(QAbstractItemView.NoEditTriggers)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
    return t


def cell(text: str, data=None) -> QTableWidgetItem:
    """A table item carrying ``data`` (Qt.UserRole); a long text also goes in its tooltip."""
    item = QTableWidgetItem(text)
    if data is not None:
        item.setData(Qt.UserRole, data)
    if len(text) > TOOLTIP_FROM:
        item.setToolTip(text)
    return item
