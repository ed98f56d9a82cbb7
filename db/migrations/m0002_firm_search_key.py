"""Version 2: search columns on each firm (pinyin and initials; name and legal representative)."""

from __future__ import annotations

from peewee import Database, TextField
from playhouse.migrate import SchemaMigrator, migrate

from db.search import search_columns

VERSION = 2


def apply(database: Database) -> None:
    migrator = SchemaMigrator.from_database(database)
    migrate(
        migrator.add_column("firm", "search_key", TextField(default="")),
        migrator.add_column("firm", "search_name", TextField(default="")),
    )
    param = database.param
    for firm_id, name, legal_rep in database.execute_sql("SELECT id, name, legal_rep FROM firm").fetchall():
        values = search_columns(name, legal_rep)
        database.execute_sql(
            f"UPDATE firm SET search_key = {param}, search_name = {param} WHERE id = {param}",
            (values["search_key"], values["search_name"], firm_id),
        )
    migrate(migrator.add_index("firm", ("search_key", "search_name", "uscc", "deleted_at"), False))
