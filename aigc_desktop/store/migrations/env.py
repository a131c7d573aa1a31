"""Alembic environment: runs against the engine handed over by ``Database``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from aigc_desktop.store.schema import Base

config = context.config
target_metadata = Base.metadata

# FTS5 virtual tables and their shadow tables are made by hand in migrations;
# keep autogenerate from proposing to drop them.
_FTS_PREFIXES = ("messages_fts",)


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and name and name.startswith(_FTS_PREFIXES):
        return False
    return True


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # `alembic` CLI during development
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_object=include_object,
        )
        context.run_migrations()


run_migrations_online()
