"""Sync (sync/): a uid on every syncable row, the op outbox, the devices and files seen.

Every synced row gets a ``uid`` (UUIDv7, ``store/uids.new_uid``) with a unique index; rows
already there get theirs here. Local integer ids stay (FTS, foreign keys and the CLI's ids
keep working). knowledge_bases and kb_sources had their uid from 0014.

- ``sync_clock``: one row: the hybrid logical clock (``hlc``: milliseconds << 16 | counter),
  ``skew_ms`` (0; tests shift a device's clock), ``applying`` (1 inside a transaction that
  applies other devices' ops, so the triggers do not echo them).
- ``sync_outbox``: ops of local writes not yet sent (written by sync/capture.py's triggers).
- ``sync_rows``: each synced row's field clocks (a base clock and the fields changed since).
- ``sync_tombstones``: deleted rows, so an older edit does not bring them back.
- ``sync_pending``: ops waiting for a row they refer to (files arrive in any order).
- ``sync_devices``, ``sync_files``: devices seen, files applied; ``sync_meta``: small values.
- ``presets``: the person's presets as rows (the window and the CLI keep using presets.json in
  the config folder; sync/presets.py mirrors the two at each sync).

Plain ``ADD COLUMN``s and new tables: a batch rebuild of messages would cascade.

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from aigc_desktop.store.uids import new_uid
    from aigc_desktop.sync.capture import UID_ADDED_BY_0016, install

    conn = op.get_bind()
    for table in UID_ADDED_BY_0016:
        op.add_column(table, sa.Column("uid", sa.Text(), nullable=True))
        ids = conn.execute(sa.text(f"SELECT id FROM {table} ORDER BY id")).scalars().all()
        if ids:
            conn.execute(sa.text(f"UPDATE {table} SET uid = :u WHERE id = :i"),
                         [{"u": new_uid(), "i": i} for i in ids])
        op.create_index(f"ux_{table}_uid", table, ["uid"], unique=True)
    # The person's presets, mirrored from presets.json at each sync (sync/presets.py) so they travel as rows.
    op.create_table(
        "presets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.Text(), unique=True),
        sa.Column("name", sa.Text(), nullable=False, unique=True),
        sa.Column("system_prompt", sa.Text(), nullable=False, server_default=""),
        sa.Column("sampling", sa.Text(), nullable=False, server_default="{}"),
    )
    op.create_table(
        "sync_clock",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("hlc", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("skew_ms", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("applying", sa.Integer(), nullable=False, server_default="0"),
    )
    op.execute("INSERT INTO sync_clock (id, hlc, skew_ms, applying) VALUES (1, 0, 0, 0)")
    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("uid", sa.Text()),
        sa.Column("op", sa.Text(), nullable=False),  # ins | upd | del
        sa.Column("fields", sa.Text()),  # ",title,pinned" for upd
        sa.Column("hlc", sa.Integer(), nullable=False),
        sa.Column("folded", sa.Integer(), nullable=False, server_default="0"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_sync_outbox_folded", "sync_outbox", ["folded", "seq"])
    op.create_table(
        "sync_rows",
        sa.Column("entity", sa.Text(), primary_key=True),
        sa.Column("uid", sa.Text(), primary_key=True),
        sa.Column("base_hlc", sa.Integer(), nullable=False),
        sa.Column("base_dev", sa.Text(), nullable=False),
        sa.Column("clocks", sa.Text(), nullable=False, server_default="{}"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "sync_tombstones",
        sa.Column("entity", sa.Text(), primary_key=True),
        sa.Column("uid", sa.Text(), primary_key=True),
        sa.Column("hlc", sa.Integer(), nullable=False),
        sa.Column("dev", sa.Text(), nullable=False),
        sa.Column("src", sa.Text()),  # the device and file it came in ("<device>/<file>"), to know who saw it
        sa.Column("deleted_at", sa.Integer(), nullable=False),  # wall ms, for the 180-day limit
        sqlite_with_rowid=False,
    )
    op.create_table(
        "sync_pending",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("uid", sa.Text(), nullable=False),
        sa.Column("hlc", sa.Integer(), nullable=False),
        sa.Column("op", sa.Text(), nullable=False),  # the op's JSON
    )
    op.create_table(
        "sync_devices",
        sa.Column("device_id", sa.Text(), primary_key=True),
        sa.Column("name", sa.Text()),
        sa.Column("last_seen", sa.DateTime(timezone=True)),
        sa.Column("applied", sa.Text()),  # its newest header's "applied" (what it has seen of each device)
    )
    op.create_table(
        "sync_files",
        sa.Column("device_id", sa.Text(), primary_key=True),
        sa.Column("name", sa.Text(), primary_key=True),
        sa.Column("size", sa.Integer()),
        sa.Column("applied_at", sa.DateTime(timezone=True)),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "sync_meta",
        sa.Column("key", sa.Text(), primary_key=True),
        sa.Column("value", sa.Text()),
    )
    install(conn, force=True)


def downgrade() -> None:
    from aigc_desktop.sync.capture import UID_ADDED_BY_0016, drop

    drop(op.get_bind())
    for table in ("presets", "sync_meta", "sync_files", "sync_devices", "sync_pending", "sync_tombstones", "sync_rows",
                  "sync_outbox", "sync_clock"):
        op.drop_table(table)
    for table in UID_ADDED_BY_0016:
        op.drop_index(f"ux_{table}_uid", table_name=table)
        op.execute(f"ALTER TABLE {table} DROP COLUMN uid")
