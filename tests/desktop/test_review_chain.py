"""The whole chain through the CLI: two townships submit, the county reviews (one row returned,
fixed and resubmitted), and only reviewed data reaches the city."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from db.connection import close_database, open_database
from db.models import Firm, MonthlyFigure
from desktop import cli, figures, returns

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
BAGONG = SAMPLES / "巴公镇_规下工业企业基础信息库_2026年10月.xlsx"
BEILIU = SAMPLES / "北留镇_规下工业企业基础信息库_2026年10月.xlsx"


def run(db: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(["--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def as_json(db: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> dict:
    code, out = run(db, *args, "--json", capsys=capsys)
    assert code == 0, out
    return json.loads(out)


def test_two_townships_county_city(tmp_path, capsys):
    a, b, county, city = (tmp_path / f"{n}.db" for n in ("bagong", "beiliu", "county", "city"))
    assert run(a, "init", "--unit", "巴公镇", "--unit-code", "140525101", "--level", "township", capsys=capsys)[0] == 0
    assert run(b, "init", "--unit", "北留镇", "--unit-code", "140525102", "--level", "township", capsys=capsys)[0] == 0
    run(a, "import", str(BAGONG), capsys=capsys)  # one row has a bad code: exit 1, the rest imported
    assert run(b, "import", str(BEILIU), capsys=capsys)[0] == 0
    towns = "巴公镇:140525101,北留镇:140525102"
    run(
        county,
        "init",
        "--unit",
        "泽州县",
        "--unit-code",
        "140525",
        "--level",
        "county",
        "--towns",
        towns,
        capsys=capsys,
    )
    run(
        city,
        "init",
        "--unit",
        "晋城市",
        "--unit-code",
        "140500",
        "--level",
        "city",
        "--towns",
        "泽州县:140525",
        capsys=capsys,
    )

    # the townships submit
    sent_a = as_json(a, "submit", "--out", str(tmp_path / "a1.xlsx"), capsys=capsys)
    sent_b = as_json(b, "submit", "--out", str(tmp_path / "b1.xlsx"), capsys=capsys)
    assert (sent_a["submitted"], sent_b["submitted"]) == (59, 40)

    # the county holds both for review: nothing merged yet
    held = as_json(county, "import", str(tmp_path / "a1.xlsx"), capsys=capsys)
    assert held["kinds"]["新增"] == 59 and held["pending"] == 59
    as_json(county, "import", str(tmp_path / "b1.xlsx"), capsys=capsys)
    code, out = run(county, "import", str(tmp_path / "b1.xlsx"), capsys=capsys)
    assert code == 1 and "已于" in out and "未重复导入" in out
    listed = as_json(county, "review", "list", "--town", "巴公镇", capsys=capsys)["items"]
    assert len(listed) == 59
    target = next(i for i in listed if i["name"] == "金鑫建材有限公司")
    revenue_key = "2026-10:revenue"
    assert any(c["key"] == revenue_key and c["new"] == "1054.7" for c in target["changes"])
    _db(county)
    assert Firm.select().count() == 0
    close_database()

    # one field of one firm is returned with a reason, the rest approved in bulk
    back = tmp_path / "退回清单.xlsx"
    reason = "1-10月营业收入与税务开票数据不符，请核实"
    returned = as_json(
        county,
        "review",
        "return",
        str(target["id"]),
        "--reason",
        reason,
        "--fields",
        revenue_key,
        "--out",
        str(back),
        capsys=capsys,
    )
    assert (returned["returned"], returned["returns_rows"]) == (1, 1)
    approved = as_json(county, "review", "approve", "--all", capsys=capsys)
    assert approved["approved"] == 98
    _db(county)
    assert Firm.select().count() == 98 and not Firm.select().where(Firm.uscc == target["uscc"]).exists()
    assert {f.review_status for f in Firm.select()} == {"已审核"}
    close_database()

    # the county sends only reviewed records up; the returned firm is not among them
    first_up = as_json(county, "submit", "--out", str(tmp_path / "c1.xlsx"), capsys=capsys)
    assert first_up["counts"]["企业"] == 98 and first_up["reviewed_only"]

    # the township sees exactly what to fix and why
    code, out = run(a, "import", str(back), capsys=capsys)
    assert code == 0 and "金鑫建材有限公司" in out and "2026年1-10月主营业务收入" in out and reason in out
    waiting = as_json(a, "review", "list", capsys=capsys)["returned_to_us"]
    assert [(w["uscc"], w["reason"]) for w in waiting] == [(target["uscc"], reason)]
    fix = tmp_path / "fix.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["统一社会信用代码", "企业名称", "2026年1-10月主营业务收入（万元）"])
    book.active.append([target["uscc"], "金鑫建材有限公司", 1104.7])
    book.save(fix)
    assert run(a, "import", str(fix), capsys=capsys)[0] == 0
    again = as_json(a, "submit", "--out", str(tmp_path / "a2.xlsx"), capsys=capsys)
    assert (again["submitted"], again["resubmitted"]) == (0, 1)

    # the county receives the resubmission: only the fixed firm waits, with the new value
    held = as_json(county, "import", str(tmp_path / "a2.xlsx"), capsys=capsys)
    assert held["pending"] == 1 and held["kinds"]["无变化"] == 58
    pending = as_json(county, "review", "list", capsys=capsys)["items"]
    assert [(p["uscc"], next(c["new"] for c in p["changes"] if c["key"] == revenue_key)) for p in pending] == [
        (target["uscc"], "1104.7")
    ]
    as_json(county, "review", "approve", str(pending[0]["id"]), "--comment", "已核实", capsys=capsys)

    # the city receives the county's reviewed package and approves it
    up = as_json(county, "submit", "--out", str(tmp_path / "c2.xlsx"), capsys=capsys)
    assert up["counts"]["企业"] == 99
    assert as_json(city, "import", str(tmp_path / "c2.xlsx"), capsys=capsys)["pending"] == 99
    assert as_json(city, "review", "approve", "--all", capsys=capsys)["approved"] == 99
    _db(city)
    fixed = Firm.get(Firm.uscc == target["uscc"])
    assert fixed.town.name == "泽州县" and fixed.review_status == "已审核"
    assert figures.figure_of(fixed.id, 2026, 10).revenue == Decimal("1104.7")
    assert MonthlyFigure.select().count() == first_up["counts"]["月度数据"] + 2
    close_database()


def test_returns_sheet_names_fields_and_reason(tmp_path, capsys):
    a, county = tmp_path / "a.db", tmp_path / "county.db"
    run(a, "init", "--unit", "北留镇", "--unit-code", "140525102", "--level", "township", capsys=capsys)
    run(a, "import", str(BEILIU), capsys=capsys)
    run(a, "submit", "--out", str(tmp_path / "a.xlsx"), capsys=capsys)
    run(
        county,
        "init",
        "--unit",
        "泽州县",
        "--unit-code",
        "140525",
        "--level",
        "county",
        "--towns",
        "北留镇",
        capsys=capsys,
    )
    run(county, "import", str(tmp_path / "a.xlsx"), capsys=capsys)
    items = as_json(county, "review", "list", capsys=capsys)["items"][:2]
    out = tmp_path / "back.xlsx"
    as_json(
        county,
        "review",
        "return",
        *(str(i["id"]) for i in items),
        "--reason",
        "缺少联系人",
        "--fields",
        "contact_person",
        "--out",
        str(out),
        capsys=capsys,
    )
    sheet = openpyxl.load_workbook(out)[returns.SHEET]
    assert sheet["A1"].value.startswith("泽州县审核退回清单")
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(r[1], r[4], r[6]) for r in rows] == [(i["uscc"], "联系人", "缺少联系人") for i in items]
    assert returns.is_returns(out)


def _db(path: Path) -> None:
    open_database(str(path))
