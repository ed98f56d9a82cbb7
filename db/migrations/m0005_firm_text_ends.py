"""Version 5: the trigram index of firm texts also looks up two-character searches (SQLite only).

A trigram index holds every run of three characters, so a two-character text such as 鑫华 or xh
is found as the beginning of the runs that start with it, which the index's vocabulary
(`firm_text_terms`, an fts5vocab table) lists in order. That misses a text at the very end of a
column (a legal representative 王伟, initials ending in xh), which begins no run; so the index
is rebuilt from `firm_text_source`, a view of each column with one `|` appended (the separator
`db.search` already puts between a name and its person; a search text holding it is scanned).

Where migration 4 found no trigram tokenizer, there is no index and nothing changes. A later
migration that rebuilds the `firm` table must drop the view first and make it, and the
triggers, again.
"""

from __future__ import annotations

from peewee import Database, SqliteDatabase

VERSION = 5

END = "|"

# desktop.firm_search sets this one aside while it creates many firms at once, and fills the
# index from `firm_text_source` after them
INSERT_TRIGGER = f"""CREATE TRIGGER firm_text_insert AFTER INSERT ON firm BEGIN
        INSERT INTO firm_text (rowid, search_key, search_name)
        VALUES (new.id, new.search_key || '{END}', new.search_name || '{END}');
    END"""
# Fills the index with the firms above a rowid, in rowid order: FTS5 appends to its lists then
# (without ORDER BY, SQLite may read the view through the search index, in name order: 4× slower)
FILL = (
    "INSERT INTO firm_text (rowid, search_key, search_name) "
    "SELECT id, search_key, search_name FROM firm_text_source WHERE id > ? ORDER BY id"
)
TRIGGERS = (
    INSERT_TRIGGER,
    # an external-content index is told the old values to take out, exactly as it indexed them
    f"""CREATE TRIGGER firm_text_delete AFTER DELETE ON firm BEGIN
        INSERT INTO firm_text (firm_text, rowid, search_key, search_name)
        VALUES ('delete', old.id, old.search_key || '{END}', old.search_name || '{END}');
    END""",
    f"""CREATE TRIGGER firm_text_update AFTER UPDATE OF search_key, search_name ON firm BEGIN
        INSERT INTO firm_text (firm_text, rowid, search_key, search_name)
        VALUES ('delete', old.id, old.search_key || '{END}', old.search_name || '{END}');
        INSERT INTO firm_text (rowid, search_key, search_name)
        VALUES (new.id, new.search_key || '{END}', new.search_name || '{END}');
    END""",
)


def apply(database: Database) -> None:
    if not isinstance(database, SqliteDatabase) or not database.table_exists("firm_text"):
        return
    for name in ("firm_text_insert", "firm_text_delete", "firm_text_update"):
        database.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
    database.execute_sql("DROP TABLE firm_text")
    database.execute_sql(
        "CREATE VIEW firm_text_source AS SELECT id, "
        f"search_key || '{END}' AS search_key, search_name || '{END}' AS search_name FROM firm"
    )
    database.execute_sql(
        "CREATE VIRTUAL TABLE firm_text USING fts5("
        "search_key, search_name, content='firm_text_source', content_rowid='id', tokenize='trigram')"
    )
    database.execute_sql("CREATE VIRTUAL TABLE firm_text_terms USING fts5vocab(firm_text, 'col')")
    for trigger in TRIGGERS:
        database.execute_sql(trigger)
    database.execute_sql(FILL, (0,))  # the firms stored so far
