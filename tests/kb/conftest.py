from __future__ import annotations

import pytest


@pytest.fixture
def db():
    from aigc_desktop.paths import app_paths
    from aigc_desktop.store.db import Database

    database = Database(app_paths().ensure().database)
    yield database
    database.close()


@pytest.fixture
def corpus(tmp_path):
    from tests.kb.corpus import write_corpus

    folder = tmp_path / "资料"
    write_corpus(folder)
    return folder


@pytest.fixture
def docs(db):
    from aigc_desktop.store.documents import DocumentStore

    return DocumentStore(db)
