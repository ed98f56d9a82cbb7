"""A database built at the first schema, filled, then opened by this version: upgraded, values intact."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from peewee import SqliteDatabase

from db.connection import DatabaseUnavailable, close_database, open_database
from db.migrations import apply_migrations, current_version, latest_version
from db.models import CultivationEntry, Firm, MonthlyFigure
from desktop import registry


def test_upgrade_from_version_1_keeps_every_value(db_path):
    old = SqliteDatabase(str(db_path), pragmas={"foreign_keys": 1})
    assert apply_migrations(old, target=1) == [1]
    old.execute_sql(
        "INSERT INTO unit (name, code, level, is_own, sort_order) VALUES ('泽州县', '140525', 'county', 1, 0)"
    )
    old.execute_sql(
        "INSERT INTO unit (name, code, level, parent_id, is_own, sort_order) VALUES ('巴公镇', '140525100', 'township', 1, 0, 0)"
    )
    old.execute_sql(
        "INSERT INTO firm (uscc, name, legal_rep, town_id, industry_code, is_chain_leader, founded_on, employees,"
        " registered_capital, strategic_emerging, high_tech, status, review_status, version, created_at, updated_at)"
        " VALUES ('91350100M000100Y43', '鑫华机械有限公司', '王伟', 2, 'C3311', 0, '2019-05-01', 120,"
        " 10005000, 0, 1, '规下在库', '草稿', 3, '2025-01-02 03:04:05', '2025-01-02 03:04:05')"
    )
    old.execute_sql(
        "INSERT INTO monthly_figure (firm_id, year, month, revenue, electricity, review_status, version, updated_at)"
        " VALUES (1, 2026, 10, 17120000, 2007500, '草稿', 1, '2026-11-01 00:00:00')"
    )
    old.execute_sql(
        "INSERT INTO cultivation_entry (firm_id, database, year, date_in, reason_in, review_status, version)"
        " VALUES (1, '基础信息库', 2026, '2026-01-01', '上年500-2000万', '草稿', 1)"
    )
    assert "search_key" not in {c.name for c in old.get_columns("firm")}
    old.close()

    database = open_database(str(db_path))
    try:
        assert current_version(database) == latest_version()
        firm = Firm.get()
        assert (firm.uscc, firm.name, firm.legal_rep, firm.town.name) == (
            "91350100M000100Y43",
            "鑫华机械有限公司",
            "王伟",
            "巴公镇",
        )
        assert firm.registered_capital == Decimal("1000.5") and firm.founded_on == date(2019, 5, 1)
        assert firm.high_tech is True and firm.version == 3
        figure = MonthlyFigure.get()
        assert figure.revenue == Decimal("1712.0000") and figure.electricity == Decimal("200.75")
        assert CultivationEntry.get().reason_in == "上年500-2000万"
        # the new column was filled for existing firms, so pinyin search finds them at once
        assert registry.firm_ids(registry.FirmQuery(text="xh")) == [firm.id]
        # and the trigram index (versions 4 and 5) holds them, two-character texts at a column's end too
        assert database.execute_sql("SELECT count(*) FROM firm_text_terms").fetchone()[0] > 0
        for text in ("鑫华机械", "王伟", "gs"):
            assert registry.firm_ids(registry.FirmQuery(text=text)) == [firm.id]
    finally:
        close_database()


def test_reopening_applies_nothing(database):
    assert apply_migrations(database) == []


def test_newer_database_refused(db_path):
    database = open_database(str(db_path))
    database.execute_sql("INSERT INTO schema_version (version) VALUES (999)")
    close_database()
    with pytest.raises(DatabaseUnavailable, match="更新版本"):
        open_database(str(db_path))
