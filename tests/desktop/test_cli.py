"""`peiyu-cli` as scripts call it: the acceptance flow, JSON output, exit codes 0/1/2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import main


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_acceptance_flow(capsys, db_path):
    db = str(db_path)
    code, out, _ = cli(
        capsys,
        "--db",
        db,
        "init",
        "--unit",
        "泽州县",
        "--unit-code",
        "140525",
        "--level",
        "county",
        "--towns",
        "巴公镇,北留镇",
    )
    assert code == 0 and "泽州县（140525）" in out
    code, out, _ = cli(capsys, "--db", db, "demo", "--firms", "300", "--seed", "7")
    assert code == 0 and "300 家" in out
    code, out, _ = cli(capsys, "--db", db, "firms", "--search", "xh", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["count"] == len(result["firms"]) > 0
    for firm in result["firms"]:
        # every hit has x…h… in its initials, "xh" in its pinyin, or is found by legal representative
        assert firm["town"] in ("巴公镇", "北留镇")
    code, out, _ = cli(capsys, "--db", db, "firms", "--town", "北留镇", "--json")
    towns = {f["town"] for f in json.loads(out)["firms"]}
    assert towns == {"北留镇"}


def test_search_results_really_match(capsys, db_path):
    from db.search import pinyin_full, pinyin_initials

    db = str(db_path)
    cli(
        capsys,
        "--db",
        db,
        "init",
        "--unit",
        "泽州县",
        "--unit-code",
        "140525",
        "--level",
        "county",
        "--towns",
        "巴公镇",
    )
    cli(capsys, "--db", db, "demo", "--firms", "200", "--seed", "3")
    code, out, _ = cli(capsys, "--db", db, "firms", "--search", "xh", "--json")
    firms = json.loads(out)["firms"]
    assert firms
    for f in firms:
        assert "xh" in pinyin_initials(f["name"]) or "xh" in pinyin_full(f["name"]) or "xh" in (f["legal_rep"] or "")


def test_init_twice_is_refused_with_exit_1(capsys, db_path):
    args = ["--db", str(db_path), "init", "--unit", "泽州县", "--unit-code", "140525", "--level", "county"]
    assert cli(capsys, *args)[0] == 0
    code, _, err = cli(capsys, *args)
    assert code == 1 and "已设置本单位" in err


def test_bad_unit_code_exit_1(capsys, db_path):
    code, _, err = cli(
        capsys, "--db", str(db_path), "init", "--unit", "泽州县", "--unit-code", "14052", "--level", "county"
    )
    assert code == 1 and "6位数字" in err


def test_demo_before_init_exit_1(capsys, db_path):
    code, _, err = cli(capsys, "--db", str(db_path), "demo", "--firms", "5")
    assert code == 1 and "init" in err


def test_damaged_database_exit_1(capsys, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\x00garbage" * 500)
    code, _, err = cli(capsys, "--db", str(bad), "firms")
    assert code == 1 and "损坏" in err


@pytest.mark.parametrize("args", [["frobnicate"], ["firms", "--limit", "many"], ["init", "--unit", "x"]])
def test_wrong_usage_exit_2(capsys, db_path, args):
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(db_path), *args])
    assert exit_info.value.code == 2
    assert "用法错误" in capsys.readouterr().err


def test_installed_entry_point_runs(db_path):
    script = Path(sys.executable).with_name("peiyu-cli")
    done = subprocess.run(
        [
            str(script),
            "--db",
            str(db_path),
            "init",
            "--unit",
            "巴公镇",
            "--unit-code",
            "140525100",
            "--level",
            "township",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [str(script), "--db", str(db_path), "firms", "--json"], capture_output=True, text=True, check=False
    )
    assert json.loads(done.stdout) == {"count": 0, "firms": []}


def _county(capsys, db: str) -> None:
    cli(
        capsys,
        "--db",
        db,
        "init",
        "--unit",
        "泽州县",
        "--unit-code",
        "140525",
        "--level",
        "county",
        "--towns",
        "巴公镇,北留镇",
    )


SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
BAGONG = SAMPLES / "巴公镇_规下工业企业基础信息库_2026年10月.xlsx"


@pytest.mark.skipif(not BAGONG.exists(), reason="samples not beside the repository")
def test_import_dry_run_strict_errors_out_and_undo(capsys, db_path, tmp_path):
    db = str(db_path)
    _county(capsys, db)
    code, out, _ = cli(capsys, "--db", db, "import", str(BAGONG), "--dry-run", "--json")
    summary = json.loads(out)
    assert code == 1 and summary["batch"] is None and summary["inserted"] == 0 and summary["rows"] == 61
    assert summary["errors"] == [
        {
            "row": 12,
            "column": "B 统一社会信用代码",
            "value": "91140525N0QNF9EL30",
            "message": summary["errors"][0]["message"],
        }
    ]
    assert "第18位校验码应为“M”" in summary["errors"][0]["message"]
    assert json.loads(cli(capsys, "--db", db, "firms", "--json")[1])["count"] == 0

    code, out, err = cli(capsys, "--db", db, "import", str(BAGONG), "--strict")
    assert code == 1 and "整个文件未导入" in out and "第12行" in err
    assert json.loads(cli(capsys, "--db", db, "firms", "--json")[1])["count"] == 0

    rejected = tmp_path / "退回.xlsx"
    code, out, _ = cli(capsys, "--db", db, "import", str(BAGONG), "--json", "--errors-out", str(rejected))
    summary = json.loads(out)
    assert code == 1 and summary["inserted"] == 59 and summary["batch"] and rejected.exists()
    assert json.loads(cli(capsys, "--db", db, "firms", "--json")[1])["count"] == 59

    code, out, _ = cli(capsys, "--db", db, "import", str(BAGONG), "--json")
    again = json.loads(out)
    assert again["inserted"] == 0 and again["unchanged"] == 59

    code, out, _ = cli(capsys, "--db", db, "undo-import", str(summary["batch"]), "--json")
    assert code == 0 and json.loads(out)["removed_firms"] == 59
    assert json.loads(cli(capsys, "--db", db, "firms", "--json")[1])["count"] == 0


def test_import_refuses_a_disguised_file(capsys, db_path, tmp_path):
    db = str(db_path)
    _county(capsys, db)
    fake = tmp_path / "名单.xlsx"
    fake.write_text("这不是表格", encoding="utf-8")
    code, _, err = cli(capsys, "--db", db, "import", str(fake))
    assert code == 1 and "名单.xlsx" in err
