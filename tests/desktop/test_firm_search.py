"""The firm list's search: the trigram index finds exactly what a LIKE scan finds, stays in step
with every write, and the counts, first ids and page texts agree with the plain queries."""

from __future__ import annotations

from datetime import date

import pytest

from db.models import Firm
from desktop import demo, firm_search, registry
from desktop.firm_search import FirmQuery
from desktop.text import clean
from desktop.uscc import complete

ACTOR = "张三"
TEXTS = [
    "鑫华机械",
    "xinhua",
    "youxian",
    "有限公司",
    "jixie",
    "王伟",
    "9114",
    "91140525",
    "xh",
    "gs",
    "华机",
    "械|",
    "鑫",
    "x",
    "",
    '"a',
    "%",
    "ας",  # the index folds the case of Greek letters (ς, σ), LIKE does not: scanned
    "ασ精",
    "ſx",
]


def scanned(text: str, *, deleted: bool = False) -> list[int]:
    """What the search must find, worked out in Python from every firm's search columns."""
    text = clean(text).lower()
    found = []
    for firm in Firm.select().where(Firm.deleted_at.is_null(not deleted)):
        column = firm.search_key if text.isascii() else firm.search_name
        by_code = text[:1].isdigit() and text.isalnum() and text.isascii() and firm.uscc.startswith(text.upper())
        if text in column or by_code:
            found.append(firm.id)
    return sorted(found)


@pytest.fixture
def firms(county):
    demo.generate(300, seed=3, today=date(2026, 11, 21))
    registry.create_firm(
        {"uscc": "91350100M000100Y43", "name": "鑫华机械有限公司", "legal_rep": "王伟", "town": "巴公镇"}, actor=ACTOR
    )
    registry.create_firm({"uscc": complete("91140525ABCDEFGH"), "name": "ΑΣ精密ſx机械有限公司"}, actor=ACTOR)


@pytest.mark.parametrize("text", TEXTS)
def test_finds_what_a_scan_finds_and_counts_it(firms, text):
    query = FirmQuery(text=text)
    ids = registry.firm_ids(query)
    assert sorted(ids) == scanned(text)
    assert registry.count_firms(query) == len(ids)
    first, count = registry.first_ids(query, 5)
    assert (first, count) == (ids[:5], len(ids))


@pytest.mark.parametrize(
    "query",
    [FirmQuery(), FirmQuery(text="x"), FirmQuery(order_by="uscc", descending=True), FirmQuery(order_by="town")],
)
def test_ids_come_in_the_lists_order(firms, query):
    # firm_ids reads the ids as one text on SQLite; they must keep the select's order
    assert registry.firm_ids(query) == [firm.id for firm in registry.search_firms(query)]
    assert registry.firm_ids(query, limit=7) == [firm.id for firm in registry.search_firms(query, limit=7)]


def test_texts_of_two_or_more_characters_are_looked_up_in_the_trigram_index(firms, monkeypatch):
    asked: list[str] = []
    real = Firm.search_name.contains
    monkeypatch.setattr(type(Firm.search_name), "contains", lambda self, text: asked.append(text) or real(text))
    assert registry.firm_ids(FirmQuery(text="鑫华机械"))
    assert asked == []  # no LIKE scan
    assert sorted(registry.firm_ids(FirmQuery(text="鑫华"))) == scanned("鑫华")
    assert sorted(registry.firm_ids(FirmQuery(text="王伟"))) == scanned("王伟")  # at the end of the column
    assert asked == []  # two characters: the runs of three that begin with them
    registry.firm_ids(FirmQuery(text="鑫"))
    assert asked == ["鑫"]  # one character: scanned


def test_a_two_character_text_beginning_too_many_runs_is_scanned(firms, monkeypatch):
    asked: list[str] = []
    real = Firm.search_key.contains
    monkeypatch.setattr(type(Firm.search_key), "contains", lambda self, text: asked.append(text) or real(text))
    monkeypatch.setattr(firm_search, "RUNS", 1)  # "xh" begins more runs than that
    assert sorted(registry.firm_ids(FirmQuery(text="xh"))) == scanned("xh")
    assert asked == ["xh"]


def test_the_index_follows_edits_deletes_and_bulk_imports(firms):
    firm_id = registry.firm_ids(FirmQuery(text="鑫华机械"))[0]
    registry.update_firm(firm_id, {"name": "恒昌铸造有限公司", "legal_rep": "李强"}, actor=ACTOR)
    assert registry.firm_ids(FirmQuery(text="鑫华机械")) == scanned("鑫华机械")
    assert firm_id in registry.firm_ids(FirmQuery(text="恒昌铸造"))
    assert firm_id in registry.firm_ids(FirmQuery(text="hengchang"))
    registry.delete_firm(firm_id, actor=ACTOR)
    assert firm_id not in registry.firm_ids(FirmQuery(text="恒昌铸造"))
    assert firm_id in registry.firm_ids(FirmQuery(text="恒昌铸造", deleted=True))
    assert registry.count_firms(FirmQuery(deleted=True)) == 1
    assert registry.count_firms(FirmQuery()) == len(scanned(""))
    registry.create_firms([{"uscc": "91110000600037341L", "name": "泽州县蓝焰煤层气有限公司"}], actor=ACTOR)
    assert len(registry.firm_ids(FirmQuery(text="蓝焰煤层气"))) == 1
    assert len(registry.firm_ids(FirmQuery(text="lanyan"))) == 1


def test_common_texts_scan_instead(firms, monkeypatch):
    monkeypatch.setattr(firm_search, "LOOKED_UP", 3)  # "有限公司" is in every name
    query = FirmQuery(text="有限公司")
    assert sorted(registry.firm_ids(query)) == scanned("有限公司")
    assert registry.count_firms(query) == len(scanned("有限公司"))


def test_page_texts_are_what_the_firm_record_shows(firms):
    keys = ("uscc", "name", "town", "industry_code", "industry_name", "chain", "is_chain_leader", "founded_on")
    ids = registry.firm_ids(FirmQuery())[:40]
    texts = registry.firm_texts(ids, keys)
    for firm_id in ids:
        record = registry.firm_as_dict(Firm.get_by_id(firm_id))
        assert texts[firm_id] == tuple("" if record[k] is None else str(record[k]) for k in keys)


def test_a_bulk_import_is_indexed_at_once_and_a_failed_one_keeps_the_trigger(firms, monkeypatch):
    from desktop import uscc as codes

    monkeypatch.setattr(firm_search, "BULK", 3)  # these few rows take the bulk path
    rows = [
        {"uscc": codes.complete(f"911405250000{n:04d}"), "name": f"泽州县蓝焰{n}号煤层气有限公司"} for n in range(5)
    ]
    registry.create_firms(rows, actor=ACTOR)
    assert len(registry.firm_ids(FirmQuery(text="蓝焰"))) == 5
    assert sorted(registry.firm_ids(FirmQuery(text="号煤层气有限"))) == scanned("号煤层气有限") != []
    assert registry.firm_ids(FirmQuery(text="lanyan3hao")) == scanned("lanyan3hao") != []
    database = Firm._meta.database
    triggers = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = 'firm_text_insert'"
    assert database.execute_sql(triggers).fetchall() == [("firm_text_insert",)]

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(registry, "firm_ids_by", broken)  # fails after the insert, inside the transaction
    more = [{"uscc": codes.complete(f"911405250001{n:04d}"), "name": f"北留镇晋能{n}号有限公司"} for n in range(4)]
    with pytest.raises(RuntimeError):
        registry.create_firms(more, actor=ACTOR)
    assert database.execute_sql(triggers).fetchall() == [("firm_text_insert",)]
    assert registry.firm_ids(FirmQuery(text="晋能")) == [] == scanned("晋能")
    registry.create_firm({"uscc": codes.complete("9114052500020000"), "name": "高都镇晋能新材料有限公司"}, actor=ACTOR)
    assert len(registry.firm_ids(FirmQuery(text="晋能新材"))) == 1  # one firm: through the trigger
