"""Fixtures of the writing tests: a document store on the per-test database."""

from __future__ import annotations

import pytest


@pytest.fixture
def docs(store):
    from aigc_desktop.store.documents import DocumentStore

    return DocumentStore(store.db)
