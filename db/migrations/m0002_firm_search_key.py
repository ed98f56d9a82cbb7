"""Version 2: a search key on each firm (name, full pinyin, initials, legal representative)."""

from __future__ import annotations

from peewee import Database, TextField
from playhouse.migrate import SchemaMigrator, migrate

from db.search import firm_search_key

VERSION = 2


def apply(database: Database) -> None:
    migrator = SchemaMigrator.from_database(database)
    migrate(migrator.add_column("firm", "search_key", TextField(default="")))
    rows = database.execute_sql("SELECT id, name, legal_rep FROM firm").fetchall()
    param = database.param
    for firm_id, name, legal_rep in rows:
        database.execute_sql(
            f"UPDATE firm SET search_key = {param} WHERE id = {param}",
            (firm_search_key(name, legal_rep), firm_id),
        )
