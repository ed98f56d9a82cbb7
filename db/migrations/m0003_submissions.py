"""Version 3: submissions received from lower units and their items, held for review."""

from __future__ import annotations

from datetime import datetime

from peewee import CharField, Database, DateTimeField, ForeignKeyField, IntegerField, Model, TextField

VERSION = 3


class BaseModel(Model):
    class Meta:
        legacy_table_names = False


class Submission(BaseModel):
    source_unit = CharField(max_length=60)
    source_code = CharField(max_length=12)
    period = CharField(max_length=7)
    file_name = CharField(max_length=260)
    sha256 = CharField(max_length=64)
    exported_at = CharField(max_length=20)
    received_by = CharField(max_length=40)
    received_at = DateTimeField(default=datetime.now)


class SubmissionItem(BaseModel):
    submission = ForeignKeyField(Submission, backref="items", on_delete="CASCADE")
    uscc = CharField(max_length=18, index=True)
    name = CharField(max_length=120)
    town = CharField(max_length=60, null=True)
    kind = CharField(max_length=4)
    payload = TextField()
    changes = TextField()
    status = CharField(max_length=6, default="待审核", index=True)
    returned = TextField(null=True)
    comment = TextField(null=True)
    reviewer = CharField(max_length=40, null=True)
    reviewed_at = DateTimeField(null=True)
    version = IntegerField(default=1)


def apply(database: Database) -> None:
    models = [Submission, SubmissionItem]
    with database.bind_ctx(models):
        database.create_tables(models)
