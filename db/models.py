"""The whole data model of 培育库, designed once for every feature.

Units and their industry chains; firms with every field clerks keep; monthly year-to-date
figures; cultivation-database entries; manual candidate flags and cleared warnings; review
events; the service ledger (visits and requests); yearly targets; users; import batches;
settings; and the audit trail. Amounts are `FixedDecimalField` (exact 万元 / 万千瓦时).
Soft deletes use `deleted_at`; optimistic locking uses `version`.

Changing a model here means adding a numbered script under `db/migrations/`.
"""

from __future__ import annotations

from datetime import datetime

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from db.fields import FixedDecimalField

database_proxy = DatabaseProxy()

UNIT_LEVELS = ("city", "county", "township", "zone")
REVIEW_STATUSES = ("草稿", "待审核", "已审核", "已退回")
FIRM_STATUSES = ("规下在库", "已升规", "规上", "退库", "停产", "半停产", "注销")
USER_ROLES = ("录入员", "审核员", "管理员")


class BaseModel(Model):
    id = AutoField()

    class Meta:
        database = database_proxy
        legacy_table_names = False


class Unit(BaseModel):
    """An administrative unit: city, county, township (乡镇/街道) or development zone."""

    name = CharField(max_length=60)
    code = CharField(max_length=12, unique=True)
    level = CharField(max_length=10)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    is_own = BooleanField(default=False)
    sort_order = IntegerField(default=0)


class IndustryChain(BaseModel):
    """An industry chain (产业链) configured for a unit; the list differs per place."""

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
    """An industrial firm, keyed by its 统一社会信用代码."""

    town_id: int | None  # peewee's id accessors of the foreign keys below, for type checkers
    chain_id: int | None

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
    search_key = TextField(default="")
    search_name = TextField(default="")
    review_status = CharField(max_length=6, default="草稿")
    version = IntegerField(default=1)
    created_at = DateTimeField(default=datetime.now)
    updated_at = DateTimeField(default=datetime.now)
    deleted_at = DateTimeField(null=True)
    deleted_by = CharField(max_length=40, null=True)

    class Meta:
        # Covering index: a search scans it instead of the wide table, already in pinyin order.
        indexes = ((("search_key", "search_name", "uscc", "deleted_at"), False),)


class MonthlyFigure(BaseModel):
    """Year-to-date (1–N月累计) figures of one firm for one month; December is the year."""

    firm_id: int  # peewee's id accessor of the foreign key below, for type checkers

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
    """A firm's stay in one cultivation database (培育库), with reasons in and out."""

    firm_id: int  # peewee's id accessor of the foreign key below, for type checkers

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
    """A clerk's own promotion signal (重组升规, 限上转规, 其他) with its reason."""

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
    """A note that clears one exit-warning signal of a firm for a period."""

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
    """One review step on a record: 提交, 通过, 退回 (with a reason), 重新提交."""

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


class Submission(BaseModel):
    """A 报送包 received from a lower unit, held for review before anything in it is merged."""

    source_unit = CharField(max_length=60)
    source_code = CharField(max_length=12)
    period = CharField(max_length=7)
    file_name = CharField(max_length=260)
    sha256 = CharField(max_length=64)
    exported_at = CharField(max_length=20)
    received_by = CharField(max_length=40)
    received_at = DateTimeField(default=datetime.now)


class SubmissionItem(BaseModel):
    """One firm of a submission: 新增, 变更 or 无变化 against what is stored, its field-level
    changes, and the review decision (待审核 → 已审核 or 已退回 with a reason)."""

    submission_id: int  # peewee's id accessor of the foreign key below, for type checkers

    submission = ForeignKeyField(Submission, backref="items", on_delete="CASCADE")
    uscc = CharField(max_length=18, index=True)
    name = CharField(max_length=120)
    town = CharField(max_length=60, null=True)
    kind = CharField(max_length=4)
    payload = TextField()  # the firm's record, months and stays as sent (JSON)
    changes = TextField()  # [{key, label, old, new}] against what was stored when received (JSON)
    status = CharField(max_length=6, default="待审核", index=True)
    returned = TextField(null=True)  # the change keys sent back (JSON list)
    comment = TextField(null=True)
    reviewer = CharField(max_length=40, null=True)
    reviewed_at = DateTimeField(null=True)
    version = IntegerField(default=1)


class ServiceVisit(BaseModel):
    """An 入企服务 visit: date, cadre, what was done."""

    firm = ForeignKeyField(Firm, backref="visits", on_delete="CASCADE")
    visited_on = DateField()
    cadre = CharField(max_length=40)
    content = TextField()
    created_by = CharField(max_length=40)
    created_at = DateTimeField(default=datetime.now)
    deleted_at = DateTimeField(null=True)


class ServiceRequest(BaseModel):
    """A firm's request (诉求) and its handling: 待办 → 办理中 → 已办结."""

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
    """A yearly target of a unit, e.g. 规上工业企业净增 3 家."""

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
    """Who changed what, when: one row per changed field (or per create/delete)."""

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


ALL_MODELS: tuple[type[BaseModel], ...] = (
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
    Submission,
    SubmissionItem,
    ServiceVisit,
    ServiceRequest,
    Target,
    Setting,
    AuditEntry,
)
