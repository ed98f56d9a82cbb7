"""Version 4: indexes that let the firm list search and count without reading every firm.

- `firm_text` (SQLite only): an FTS5 trigram index of the search columns `search_key` and
  `search_name`, so a search text of three or more characters is looked up instead of scanned.
  It is an external-content index (it stores no copy of the text) kept in step with `firm` by
  three triggers. Where this SQLite lacks FTS5 or its trigram tokenizer (before 3.34) nothing is
  created and searches keep scanning; `desktop.firm_search` checks which it has.
- `firm_deleted` (partial: the 回收站's firms only): counting the live firms takes the few in the
  回收站 from the table's size instead of testing every firm. A plain index of deleted_at
  would lure SQLite into reading all live firms through it and sorting them, instead of
  reading the covering search index already in name order.
- `firm_live_uscc` (partial: live firms only): counts firms by the beginning of their code.

On PostgreSQL only the two plain indexes are made; its searches scan with ILIKE as before.
A later migration that rebuilds the `firm` table on SQLite (playhouse does that to change a
column) drops the triggers with the old table and must create them again.
"""

from __future__ import annotations

import sqlite3

from peewee import Database, OperationalError, SqliteDatabase

VERSION = 4

# desktop.firm_search sets this one aside while it creates many firms at once
INSERT_TRIGGER = """CREATE TRIGGER firm_text_insert AFTER INSERT ON firm BEGIN
        INSERT INTO firm_text (rowid, search_key, search_name) VALUES (new.id, new.search_key, new.search_name);
    END"""
TRIGGERS = (
    INSERT_TRIGGER,
    # an external-content index is told the old values to take out, exactly as they were
    """CREATE TRIGGER firm_text_delete AFTER DELETE ON firm BEGIN
        INSERT INTO firm_text (firm_text, rowid, search_key, search_name)
        VALUES ('delete', old.id, old.search_key, old.search_name);
    END""",
    """CREATE TRIGGER firm_text_update AFTER UPDATE OF search_key, search_name ON firm BEGIN
        INSERT INTO firm_text (firm_text, rowid, search_key, search_name)
        VALUES ('delete', old.id, old.search_key, old.search_name);
        INSERT INTO firm_text (rowid, search_key, search_name) VALUES (new.id, new.search_key, new.search_name);
    END""",
)


def _has_trigram(database: SqliteDatabase) -> bool:
    try:
        database.execute_sql("CREATE VIRTUAL TABLE temp.trigram_probe USING fts5(t, tokenize='trigram')")
    except (OperationalError, sqlite3.OperationalError):
        return False
    database.execute_sql("DROP TABLE temp.trigram_probe")
    return True


def apply(database: Database) -> None:
    database.execute_sql(
        'CREATE INDEX IF NOT EXISTS "firm_deleted" ON "firm" ("deleted_at") WHERE "deleted_at" IS NOT NULL'
    )
    database.execute_sql('CREATE INDEX IF NOT EXISTS "firm_live_uscc" ON "firm" ("uscc") WHERE "deleted_at" IS NULL')
    if not isinstance(database, SqliteDatabase) or not _has_trigram(database):
        return
    database.execute_sql(
        "CREATE VIRTUAL TABLE firm_text USING fts5("
        "search_key, search_name, content='firm', content_rowid='id', tokenize='trigram')"
    )
    for trigger in TRIGGERS:
        database.execute_sql(trigger)
    database.execute_sql("INSERT INTO firm_text (firm_text) VALUES ('rebuild')")  # the firms stored so far
