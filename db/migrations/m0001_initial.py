"""Version 1: the schema as first shipped (every table; firms without a search key).

The models are a frozen copy, not an import of `db.models`, so this script keeps creating
exactly the version-1 schema however the live models change later.
"""

from __future__ import annotations

from datetime import datetime

from peewee import (
    BooleanField,
    CharField,
    Database,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from db.fields import FixedDecimalField

VERSION = 1


class BaseModel(Model):
    class Meta:
        legacy_table_names = False


class Unit(BaseModel):
    name = CharField(max_length=60)
    code = CharField(max_length=12, unique=True)
    level = CharField(max_length=10)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    is_own = BooleanField(default=False)
    sort_order = IntegerField(default=0)


class IndustryChain(BaseModel):
    unit = ForeignKeyField(Unit, backref="chains", on_delete="CASCADE")
    name = CharField(max_length=40)
    sort_order = IntegerField(default=0)

    class Meta:
        indexes = ((("unit", "name"), True),)


class User(BaseModel):
    username = CharField(max_length=40, unique=True)
    display_name = CharField(max_length=40)
    role = CharField(max_length=10, default="录入员")
    unit = ForeignKeyField(Unit, null=True, backref="users", on_delete="SET NULL")
    password_hash = CharField(max_length=255, null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=datetime.now)


class Firm(BaseModel):
    uscc = CharField(max_length=18, unique=True)
    uscc_override_by = CharField(max_length=40, null=True)
    name = CharField(max_length=120, index=True)
    legal_rep = CharField(max_length=40, null=True)
    contact_person = CharField(max_length=40, null=True)
    contact_phone = CharField(max_length=40, null=True)
    address = CharField(max_length=200, null=True)
    town = ForeignKeyField(Unit, null=True, backref="firms", on_delete="RESTRICT")
    industry_code = CharField(max_length=5, null=True)
    chain = ForeignKeyField(IndustryChain, null=True, backref="firms", on_delete="SET NULL")
    is_chain_leader = BooleanField(default=False)
    founded_on = DateField(null=True)
    production_start = DateField(null=True)
    employees = IntegerField(null=True)
    registered_capital = FixedDecimalField(null=True)
    size_class = CharField(max_length=2, null=True)
    strategic_emerging = BooleanField(default=False)
    high_tech = BooleanField(default=False)
    specialised_tier = CharField(max_length=20, null=True)
    cadre = CharField(max_length=40, null=True)
    cadre_phone = CharField(max_length=40, null=True)
    status = CharField(max_length=10, default="规下在库", index=True)
    first_above_scale_year = IntegerField(null=True)
    remark = TextField(null=True)
    review_status = CharField(max_length=6, default="草稿")
    version = IntegerField(default=1)
    created_at = DateTimeField(default=datetime.now)
    updated_at = DateTimeField(default=datetime.now)
    deleted_at = DateTimeField(null=True)
    deleted_by = CharField(max_length=40, null=True)


class MonthlyFigure(BaseModel):
    firm = ForeignKeyField(Firm, backref="figures", on_delete="CASCADE")
    year = IntegerField()
    month = IntegerField()
    revenue = FixedDecimalField(null=True)
    output_value = FixedDecimalField(null=True)
    profit = FixedDecimalField(null=True)
    tax = FixedDecimalField(null=True)
    electricity = FixedDecimalField(null=True)
    employees = IntegerField(null=True)
    forecast_annual_revenue = FixedDecimalField(null=True)
    review_status = CharField(max_length=6, default="草稿")
    version = IntegerField(default=1)
    updated_at = DateTimeField(default=datetime.now)
    deleted_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("firm", "year", "month"), True), (("year", "month"), False))


class CultivationEntry(BaseModel):
    firm = ForeignKeyField(Firm, backref="cultivation_entries", on_delete="CASCADE")
    database = CharField(max_length=30, index=True)
    year = IntegerField()
    date_in = DateField()
    reason_in = TextField(null=True)
    date_out = DateField(null=True)
    reason_out = TextField(null=True)
    review_status = CharField(max_length=6, default="草稿")
    version = IntegerField(default=1)
    deleted_at = DateTimeField(null=True)


class ManualFlag(BaseModel):
    firm = ForeignKeyField(Firm, backref="flags", on_delete="CASCADE")
    kind = CharField(max_length=10)
    year = IntegerField()
    reason = TextField()
    created_by = CharField(max_length=40)
    created_at = DateTimeField(default=datetime.now)
    cleared_at = DateTimeField(null=True)
    cleared_by = CharField(max_length=40, null=True)
    cleared_note = TextField(null=True)


class WarningClearance(BaseModel):
    firm = ForeignKeyField(Firm, backref="warning_clearances", on_delete="CASCADE")
    year = IntegerField()
    month = IntegerField()
    signal = CharField(max_length=20)
    note = TextField()
    cleared_by = CharField(max_length=40)
    cleared_at = DateTimeField(default=datetime.now)


class ImportBatch(BaseModel):
    source_file = CharField(max_length=260)
    source_sha256 = CharField(max_length=64, null=True)
    kind = CharField(max_length=20)
    actor = CharField(max_length=40)
    created_at = DateTimeField(default=datetime.now)
    rows = IntegerField(default=0)
    inserted = IntegerField(default=0)
    updated = IntegerField(default=0)
    unchanged = IntegerField(default=0)
    skipped = IntegerField(default=0)
    status = CharField(max_length=6, default="已导入")
    undone_at = DateTimeField(null=True)
    summary = TextField(null=True)


class ReviewEvent(BaseModel):
    entity = CharField(max_length=20)
    entity_id = IntegerField()
    action = CharField(max_length=6)
    field = CharField(max_length=40, null=True)
    comment = TextField(null=True)
    actor = CharField(max_length=40)
    at = DateTimeField(default=datetime.now)
    batch = ForeignKeyField(ImportBatch, null=True, backref="review_events", on_delete="SET NULL")

    class Meta:
        indexes = ((("entity", "entity_id"), False),)


class ServiceVisit(BaseModel):
    firm = ForeignKeyField(Firm, backref="visits", on_delete="CASCADE")
    visited_on = DateField()
    cadre = CharField(max_length=40)
    content = TextField()
    created_by = CharField(max_length=40)
    created_at = DateTimeField(default=datetime.now)
    deleted_at = DateTimeField(null=True)


class ServiceRequest(BaseModel):
    firm = ForeignKeyField(Firm, backref="requests", on_delete="CASCADE")
    visit = ForeignKeyField(ServiceVisit, null=True, backref="requests", on_delete="SET NULL")
    category = CharField(max_length=10)
    description = TextField()
    status = CharField(max_length=6, default="待办")
    handler = CharField(max_length=40, null=True)
    result = TextField(null=True)
    raised_on = DateField()
    closed_on = DateField(null=True)
    deleted_at = DateTimeField(null=True)


class Target(BaseModel):
    unit = ForeignKeyField(Unit, backref="targets", on_delete="CASCADE")
    year = IntegerField()
    kind = CharField(max_length=20)
    value = IntegerField()

    class Meta:
        indexes = ((("unit", "year", "kind"), True),)


class Setting(BaseModel):
    key = CharField(max_length=60, unique=True)
    value = TextField()


class AuditEntry(BaseModel):
    at = DateTimeField(default=datetime.now)
    actor = CharField(max_length=40)
    entity = CharField(max_length=20)
    entity_id = IntegerField()
    action = CharField(max_length=8)
    field = CharField(max_length=40, null=True)
    old_value = TextField(null=True)
    new_value = TextField(null=True)
    batch = ForeignKeyField(ImportBatch, null=True, backref="audit_entries", on_delete="SET NULL")

    class Meta:
        indexes = ((("entity", "entity_id"), False),)


MODELS = (
    Unit,
    IndustryChain,
    User,
    Firm,
    MonthlyFigure,
    CultivationEntry,
    ManualFlag,
    WarningClearance,
    ImportBatch,
    ReviewEvent,
    ServiceVisit,
    ServiceRequest,
    Target,
    Setting,
    AuditEntry,
)


def apply(database: Database) -> None:
    with database.bind_ctx(MODELS):
        database.create_tables(MODELS)
