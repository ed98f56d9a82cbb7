"""Benchmark: importing a 100,000-row firm roster beside a raw python-calamine parse of the same file.

    bash installers/dev.sh bench import_roster [--rows N] [--seed N] [--repeat N] [--keep DIR] [--profile]
    .venv/bin/python tests/benchmarks/import_roster.py --rows 10000    # the same, from the repository root

Writes a roster .xlsx laid out like the clerks' samples (/work/shared/samples/北留镇_…_2026年10月.xlsx):
a merged title row, a merged unit line "填报单位：… 单位：万元 截至2026年10月", the 18-column header
row, one row per firm (valid 统一社会信用代码 made with `desktop.uscc.complete`, the county's
townships and chains, GB/T 4754 codes such as C3311 with their official names, figures), a 合计
row and a signature footer — streamed with openpyxl's write-only mode into a temporary folder.
Then it sets up a fresh county database with `peiyu-cli init` (townships and chains matching the
roster, no firms) and measures, each in its own child process so that peak memory (VmHWM, Linux)
belongs to that step alone:

1. raw parse: `python_calamine.CalamineWorkbook.from_path(p).get_sheet_by_index(0).to_python()`,
   median of --repeat runs;
2. the app's import, end to end: `desktop.importer.plan_import(path)` (read, find the layout,
   parse every cell, compare with the database) then `commit_import(plan, actor=…)` (store the
   firms, their figures and the audit trail in one transaction), each phase timed and the total,
   and each step of both (`timings=`): read, layout, parse, duplicates, match, compare (USCC
   check digits, registry checks, diff); the plain indexes set aside (a fresh database gets more
   rows than it holds), new firms (checks unless the plan's still hold, insert, audit), changed
   firms, months, the indexes made again, batch, and the rest (the transaction's COMMIT).

Peak MB is the child's VmHWM: once planned for the plan_import line, at the end for the others.
Target: total import ≤ 2× the raw parse (wall clock; CPU seconds are printed beside it, steadier
on a busy machine). Also prints the rows planned and imported, errors and warnings, and how many
firms and monthly figures the database holds afterwards. --profile runs one more import under
cProfile and prints its top costs. Exits 0 whatever the figures: it reports, it does not test.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import CLI, ROOT, median

TARGET = 2.0
TOWNS = ("巴公镇", "北留镇", "南村镇", "金村镇", "李寨乡", "周村镇", "大东沟镇", "高都镇")
CHAINS = ("钢铁", "化工", "建材", "装备制造", "铸造", "食品", "废旧物资综合利用")
HEADER = (
    "序号",
    "统一社会信用代码",
    "企业名称",
    "所属乡镇",
    "行业代码",
    "行业名称",
    "所属产业链",
    "法定代表人",
    "联系人",
    "联系电话",
    "从业人员（人）",
    "2025年主营业务收入（万元）",
    "2026年1-10月主营业务收入（万元）",
    "2026年1-10月用电量（万千瓦时）",
    "2026年1-10月纳税额（万元）",
    "投产时间",
    "包联干部",
    "备注",
)
ACTOR = "基准测试"


# --- the roster --------------------------------------------------------------------------------
def write_roster(path: Path, rows: int, seed: int) -> None:
    """A roster of `rows` firms in the samples' layout, streamed so that 100,000 rows stay cheap."""
    from openpyxl import Workbook

    from desktop import demo, industry
    from desktop.uscc import ALPHABET, complete

    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    width = len(HEADER)
    last = chr(ord("A") + width - 1)
    sheet.merged_cells.add(f"A1:{last}1")
    sheet.merged_cells.add(f"A2:{last}2")
    sheet.append(["泽州县500-2000万规下工业企业基础信息库", *[None] * (width - 1)])
    sheet.append(["填报单位：泽州县工业和信息化局（盖章）      单位：万元      截至2026年10月", *[None] * (width - 1)])
    sheet.append(list(HEADER))
    codes: set[str] = set()
    names: set[str] = set()
    for number in range(1, rows + 1):
        code = complete("91140525" + "".join(rng.choices(ALPHABET, k=8)))
        while code in codes:
            code = complete("91140525" + "".join(rng.choices(ALPHABET, k=8)))
        codes.add(code)
        trade, industry_code, _ = rng.choice(demo._TRADES)
        name = ""
        while not name or name in names:
            place = rng.choice(("", "泽州县")) if rng.random() < 0.3 else ""
            name = place + rng.choice(demo._FIRST) + rng.choice(demo._SECOND) + trade + rng.choice(demo._SUFFIXES)
        names.add(name)
        last_year = round(rng.uniform(500, 2000), 1)
        this_year = round(last_year * rng.uniform(0.6, 1.1), 1)
        sheet.append(
            [
                number,
                code,
                name,
                rng.choice(TOWNS),
                industry_code,
                industry.name_of(industry_code),
                rng.choice(CHAINS),
                demo._person(rng),
                demo._person(rng),
                demo._phone(rng),
                rng.randint(12, 420),
                last_year,
                this_year,
                round(this_year * rng.uniform(0.05, 0.4), 2),
                round(this_year * rng.uniform(0.02, 0.08), 2),
                f"{rng.randint(2000, 2025)}-{rng.randint(1, 12):02d}-01",
                demo._person(rng),
                None,
            ]
        )
    sheet.append(["合计", *[None] * (width - 1)])
    sheet.append([None] * width)
    sheet.append(
        ["填报人：          审核人：          联系电话：          填报日期：2026年11月5日", *[None] * (width - 1)]
    )
    book.save(path)


def fresh_database(db: Path) -> None:
    """A county database as after `peiyu-cli init`: the roster's townships and chains, no firms."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    init = ["init", "--unit", "泽州县", "--unit-code", "140525", "--level", "county"]
    towns_chains = ["--towns", ",".join(TOWNS), "--chains", ",".join(CHAINS)]
    subprocess.run([*CLI, "--db", str(db), *init, *towns_chains], check=True, capture_output=True, cwd=ROOT)


# --- the children --------------------------------------------------------------------------------
def peak_mb() -> float:
    """Peak resident memory of this process so far (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child_raw(path: Path, repeat: int) -> dict[str, Any]:
    import python_calamine

    seconds, cpu = [], []
    rows = 0
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        data = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        rows = len(data)
        del data
    return {"seconds": median(seconds), "cpu": median(cpu), "sheet_rows": rows, "peak_mb": peak_mb()}


def child_import(path: Path, db: Path) -> dict[str, Any]:
    from db.connection import open_database
    from db.models import Firm, MonthlyFigure
    from desktop import importer

    open_database(str(db))
    plan_steps: dict[str, float] = {}
    commit_steps: dict[str, float] = {}
    start, start_cpu = time.perf_counter(), time.process_time()
    plan = importer.plan_import(path, timings=plan_steps)
    planned, planned_cpu = time.perf_counter(), time.process_time()
    plan_mb = peak_mb()
    summary = importer.commit_import(plan, actor=ACTOR, timings=commit_steps)
    committed, committed_cpu = time.perf_counter(), time.process_time()
    # what the steps leave out: building the plan object; the transaction's COMMIT, progress
    plan_steps["other"] = planned - start - sum(plan_steps.values())
    commit_steps["commit: other (transaction COMMIT, …)"] = committed - planned - sum(commit_steps.values())
    return {
        "steps": {**plan_steps, **commit_steps},
        "plan": planned - start,
        "commit": committed - planned,
        "plan_cpu": planned_cpu - start_cpu,
        "commit_cpu": committed_cpu - planned_cpu,
        "plan_mb": plan_mb,
        "peak_mb": peak_mb(),
        "rows": len(plan.rows),
        "new": plan.count("new"),
        "inserted": summary.inserted,
        "updated": summary.updated,
        "errors": len(summary.errors),
        "warnings": len(summary.warnings),
        "firms": Firm.select().count(),
        "figures": MonthlyFigure.select().count(),
    }


def run_child(args: list[str], prefix: list[str] | None = None) -> dict[str, Any]:
    command = [*(prefix or [sys.executable]), str(Path(__file__)), *args]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if run.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{run.stderr}")
    return json.loads(run.stdout.splitlines()[-1])


# --- the report ---------------------------------------------------------------------------------
def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def print_profile(path: Path, db: Path, out: Path, top: int) -> None:
    import pstats

    fresh_database(db)
    run_child(["--child", "import", str(path), str(db)], [sys.executable, "-m", "cProfile", "-o", str(out)])
    print(f"\nprofile of one import (plan + commit), top {top}:")
    stats = pstats.Stats(str(out))
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000, help="firms in the roster")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="raw parses to take the median of")
    parser.add_argument("--keep", type=Path, help="write the roster and database here and keep them")
    parser.add_argument("--profile", action="store_true", help="also profile one import")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        kind, *rest = args.child
        result = child_raw(Path(rest[0]), args.repeat) if kind == "raw" else child_import(Path(rest[0]), Path(rest[1]))
        print(json.dumps(result))
        return 0

    with tempfile.TemporaryDirectory(prefix="import_roster_") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"泽州县_规下工业企业基础信息库_{args.rows}行.xlsx"
        db = folder / "peiyu-bench-import.db"
        start = time.perf_counter()
        write_roster(path, args.rows, args.seed)
        written = time.perf_counter() - start
        print(f"roster: {args.rows} firms, {path.stat().st_size / 2**20:.1f} MB, written in {written:.1f} s")
        fresh_database(db)

        raw = run_child(["--child", "raw", str(path), "--repeat", str(args.repeat)])
        ours = run_child(["--child", "import", str(path), str(db)])
        total, total_cpu = ours["plan"] + ours["commit"], ours["plan_cpu"] + ours["commit_cpu"]
        raw_s = raw["seconds"]

        # CPU seconds beside the wall clock: on a busy machine they are the steadier figure
        print(f"\n{'step':<48}{'seconds':>9}{'× raw':>8}{'cpu s':>8}{'peak MB':>9}")
        lines = (
            (f"raw calamine parse (median of {args.repeat})", raw_s, raw["cpu"], raw["peak_mb"]),
            ("import: plan_import (read, parse, compare)", ours["plan"], ours["plan_cpu"], ours["plan_mb"]),
            ("import: commit_import (store, one transaction)", ours["commit"], ours["commit_cpu"], ours["peak_mb"]),
            ("import: total", total, total_cpu, ours["peak_mb"]),
        )
        for label, seconds, cpu, mb in lines:
            print(f"{label:<48}{seconds:>9.2f}{seconds / raw_s:>8.2f}{cpu:>8.2f}{mb:>9.0f}")
        # each step's share, so that what is left above the raw parse is plain to see
        print(f"\n{'import, step by step':<48}{'seconds':>9}{'× raw':>8}")
        for label, seconds in ours["steps"].items():
            print(f"  {label:<46}{seconds:>9.2f}{seconds / raw_s:>8.2f}")
        print(
            f"\nrows planned {ours['rows']} (new {ours['new']}), imported {ours['inserted']}, updated {ours['updated']}, "
            f"errors {ours['errors']}, warnings {ours['warnings']}; "
            f"database now holds {ours['firms']} firms and {ours['figures']} monthly figures"
        )
        ratio = total / raw_s
        print(
            f"import total / raw parse: {ratio:.2f}× wall clock, {total_cpu / raw['cpu']:.2f}× CPU "
            f"(target ≤ {TARGET:g}×: {verdict(ratio <= TARGET)})"
        )

        if args.profile:
            print_profile(path, db, folder / "import.prof", 30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
