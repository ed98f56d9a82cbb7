"""`peiyu-cli`: the headless interface scripts and acceptance checks call (see ARCHITECTURE.md).

Exit status: 0 done; 1 input refused (the message says why, nothing was written); 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from db import backup
from db.connection import DatabaseUnavailable, close_database, default_location, describe, open_database
from desktop import (
    cultivation,
    demo,
    importer,
    package,
    package_import,
    registry,
    review_commands,
    session,
    sheet_export,
    sheet_layouts,
    sheet_pdf,
    signal_report,
    units,
    user_commands,
)
from desktop.errors import PeiyuError
from desktop.files import write_in_place
from desktop.session import current_actor


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 用法错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="peiyu-cli", description="培育库命令行")
    parser.add_argument("--db", help="数据库文件路径或 URL（默认 PEIYU_DB 或用户数据文件夹）")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    init = sub.add_parser("init", help="设置本单位、下属乡镇和产业链")
    init.add_argument("--unit", required=True, help="本单位名称，如 泽州县")
    init.add_argument("--unit-code", required=True, help="区划代码：市、县6位，乡镇9位")
    init.add_argument("--level", required=True, choices=sorted(units.LEVELS))
    init.add_argument("--towns", default="", help="下属乡镇（街道）/开发区，逗号分隔；可写 名称:代码")
    init.add_argument("--chains", default="", help="产业链，逗号分隔")

    dem = sub.add_parser("demo", help="生成演示数据")
    dem.add_argument("--firms", type=int, default=200)
    dem.add_argument("--seed", type=int, default=1)

    imp = sub.add_parser("import", help="从 Excel/WPS 表格（.xlsx .xls .csv）导入企业名录")
    imp.add_argument("file")
    imp.add_argument("--sheet", help="工作表名称（默认第一个有数据的表）")
    imp.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
    imp.add_argument("--strict", action="store_true", help="有任何错误就整个文件都不导入")
    imp.add_argument("--on-conflict", choices=["update", "skip"], default="update", help="已有企业：更新（默认）或跳过")
    imp.add_argument("--errors-out", help="把未导入的行另存为 xlsx（原列 + 错误原因）")
    imp.add_argument("--add-towns", action="store_true", help="把文件中未登记的乡镇添加到本单位")
    imp.add_argument("--add-chains", action="store_true", help="把文件中未登记的产业链添加到本单位")
    imp.add_argument("--create-missing", action="store_true", help="月度数据文件：为数据库中没有的企业新建企业")
    imp.add_argument("--json", action="store_true")

    for name, help_text in (("export", "导出上报表格（xlsx）"), ("pdf", "导出打印用的 PDF 名单")):
        sheet = sub.add_parser(name, help=help_text)
        sheet.add_argument(
            "sheet",
            choices=sorted(sheet_layouts.SHEET_NAMES) + (["package"] if name == "export" else []),
            metavar="SHEET",
            help="basic key warnings monthly" + (" package（报送包）" if name == "export" else ""),
        )
        sheet.add_argument("--out", required=True)
        sheet.add_argument("--period", type=signal_report.period_argument, help="YYYY-MM（默认最近有数据的月份）")
        sheet.add_argument("--town")
        sheet.add_argument("--database", choices=cultivation.DATABASES, help="只列出现在该培育库中的企业")
        sheet.add_argument("--include-unreviewed", action="store_true", help="县、市：也列出未审核的企业（表头注明）")
        if name == "pdf":
            sheet.add_argument("--subtotals", action="store_true", help="每个乡镇后加小计行")

    back = sub.add_parser("backup", help="备份数据库（运行中也可以）")
    back.add_argument("--out", help="备份文件（默认放在数据库旁，文件名带时间）")
    rest = sub.add_parser("restore", help="用备份文件恢复数据库（原数据库先另存一份）")
    rest.add_argument("file")
    sub.add_parser("check", help="检查数据库是否完好")

    undo = sub.add_parser("undo-import", help="撤销一次导入")
    undo.add_argument("batch", type=int, metavar="BATCH_ID")
    undo.add_argument("--json", action="store_true")

    firms = sub.add_parser("firms", help="查询企业")
    firms.add_argument("--search", default="", help="名称、拼音、拼音首字母、信用代码开头或法定代表人")
    firms.add_argument("--town")
    firms.add_argument("--chain")
    firms.add_argument("--status")
    firms.add_argument("--limit", type=int, default=0, help="最多显示几家（0 为全部）")
    firms.add_argument("--json", action="store_true")

    signal_report.add_commands(sub)  # candidates, warnings, anomalies
    review_commands.add_commands(sub, _Parser)  # submit, review list/approve/return
    user_commands.add_commands(sub)  # users list|add|passwd|role|unit|disable|enable
    return parser


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


def _init(args: argparse.Namespace) -> dict[str, Any]:
    own = units.init_unit(
        args.unit,
        args.unit_code,
        args.level,
        [units.SubUnitSpec.parse(t) for t in _split(args.towns)],
        _split(args.chains),
    )
    towns = [{"name": t.name, "code": t.code} for t in units.towns()]
    print(f"已设置本单位：{own.name}（{own.code}），下属 {len(towns)} 个乡镇（街道）。")
    return {"unit": own.name, "code": own.code, "towns": towns}


def _demo(args: argparse.Namespace) -> dict[str, Any]:
    summary = demo.generate(args.firms, args.seed)
    print(
        f"已生成演示企业 {summary.firms} 家、月度数据 {summary.figures} 条、培育库记录 {summary.cultivation_entries} 条（截至 {summary.period}）。"
    )
    return vars(summary)


def _firms(args: argparse.Namespace) -> None:
    query = registry.FirmQuery(text=args.search, town=args.town, chain=args.chain, status=args.status)
    total = registry.count_firms(query)
    found = registry.search_firms(query, limit=args.limit or None)
    records = [registry.firm_as_dict(f) for f in found]
    if args.json:
        print(json.dumps({"count": total, "firms": records}, ensure_ascii=False))
        return
    for n, r in enumerate(records, start=1):
        print("\t".join(str(x or "") for x in (n, r["uscc"], r["name"], r["town"], r["industry_code"], r["status"])))
    print(f"共 {total} 家" + (f"，显示前 {len(records)} 家" if len(records) < total else ""))


def _import(args: argparse.Namespace) -> int:
    held = None if args.dry_run else review_commands.import_review_file(args.file, args.json)
    if held is not None:
        return held
    if package.is_package(args.file):
        return _import_package(args)
    plan = importer.plan_import(
        args.file,
        sheet=args.sheet,
        add_towns=args.add_towns,
        add_chains=args.add_chains,
        create_missing=args.create_missing,
    )
    if args.errors_out:
        importer.write_rejected(plan, args.errors_out)
    refused = args.strict and plan.errors
    if args.dry_run or refused:
        summary = importer.preview_summary(plan, args.on_conflict)
        summary = importer.ImportSummary(
            summary.rows, 0, 0, summary.unchanged, summary.skipped, summary.errors, summary.warnings, None
        )
    else:
        summary = importer.commit_import(plan, actor=current_actor(), on_conflict=args.on_conflict)
    if args.json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False))
    else:
        for issue in summary.errors:
            print(f"错误：{issue}", file=sys.stderr)
        for issue in summary.warnings:
            print(f"提示：{issue}")
        print(_import_line(summary, plan, dry_run=args.dry_run, refused=bool(refused)))
    return 1 if summary.errors else 0


def _import_package(args: argparse.Namespace) -> int:
    planned = package_import.plan_package(args.file, add_towns=args.add_towns, add_chains=args.add_chains)
    plan, meta = planned.plan, planned.package.meta
    refused = args.strict and planned.errors
    if args.dry_run or refused:
        preview = importer.preview_summary(plan)
        summary = package_import.PackageSummary(
            importer.ImportSummary(
                preview.rows, 0, 0, preview.unchanged, preview.skipped, planned.errors, preview.warnings, None
            ),
            0,
            0,
            planned.notes,
        )
    else:
        summary = package_import.commit_package(planned, actor=current_actor())
    result = summary.as_dict()
    result["package"] = {k: meta[k] for k in ("unit", "unit_code", "period", "created_at", "counts")}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for note in planned.notes:
            print(f"提示：{note}")
        for issue in planned.errors:
            print(f"错误：{issue}", file=sys.stderr)
        head = f"{meta['unit']}报送包（截至{meta['period']}，导出于{meta['created_at']}）"
        if refused:
            print(f"{head}：有 {len(planned.errors)} 处错误，按 --strict 要求整个报送包未导入。")
        elif args.dry_run:
            print(
                f"{head}：可新增企业 {plan.count('new')} 家、更新 {plan.count('changed')} 家、无变化 {plan.count('unchanged')} 家，"
                f"新增入库记录 {planned.entry_count('new')} 条（未写入数据库）。"
            )
        else:
            firms = summary.firms
            print(
                f"{head}：新增企业 {firms.inserted} 家、更新 {firms.updated} 家、无变化 {firms.unchanged} 家，"
                f"入库记录新增 {summary.entries_inserted} 条、更新 {summary.entries_updated} 条；"
                f"导入批次 {firms.batch}（可用 undo-import {firms.batch} 撤销）。"
            )
    return 1 if planned.errors else 0


def _import_line(summary: importer.ImportSummary, plan: importer.ImportPlan, *, dry_run: bool, refused: bool) -> str:
    head = f"{plan.path.name}（{plan.sheet}）：共 {summary.rows} 行"
    if refused:
        return f"{head}，有 {len(summary.errors)} 处错误，按 --strict 要求整个文件未导入。"
    if dry_run:
        return (
            f"{head}，检查结果：可新增 {plan.count('new')} 家、更新 {plan.count('changed')} 家、"
            f"无变化 {summary.unchanged} 家、不能导入 {plan.count('error')} 行（未写入数据库）。"
        )
    return (
        f"{head}，新增 {summary.inserted} 家、更新 {summary.updated} 家、无变化 {summary.unchanged} 家、"
        f"跳过 {summary.skipped} 行；导入批次 {summary.batch}（可用 undo-import {summary.batch} 撤销）。"
    )


def _export(args: argparse.Namespace) -> None:
    year, month = args.period or (None, None)
    filters = sheet_layouts.latest_or(year, month)
    filters = sheet_layouts.Filters(
        filters.year, filters.month, args.town, args.database, True if args.include_unreviewed else None
    )
    if args.town and units.town_by_name(args.town) is None:
        raise PeiyuError(f"“{args.town}”不在本单位的乡镇（街道）列表中")
    if args.sheet == "package":
        meta = write_in_place(lambda part: package.write_package(filters, part), args.out)
        counts = meta["counts"]
        print(
            f"已导出报送包：企业 {counts[package.FIRMS]} 家、月度数据 {counts[package.FIGURES]} 条、"
            f"培育库记录 {counts[package.ENTRIES]} 条，截至{filters.year}年{filters.month}月 → {args.out}"
        )
        return
    layout = sheet_layouts.layout_for(args.sheet, filters)
    if args.command == "pdf":
        count = write_in_place(
            lambda part: sheet_pdf.write_pdf(layout, filters, part, subtotals=args.subtotals), args.out
        )
    else:
        count = write_in_place(lambda part: sheet_export.write_sheet(layout, filters, part), args.out)
    name = sheet_layouts.SHEET_NAMES[args.sheet]
    print(f"已导出{name}：{count} 家企业，截至{filters.year}年{filters.month}月 → {args.out}")


def _undo_import(args: argparse.Namespace) -> None:
    result = importer.undo_import(args.batch, actor=current_actor())
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(
            f"已撤销导入批次 {args.batch}：删除新增企业 {result['removed_firms']} 家、删除新增月度数据 "
            f"{result['removed_months']} 条、恢复原值 {result['restored_values']} 项。"
        )


def _sqlite_file(location: str) -> Path:
    if "://" in location and not location.startswith("sqlite:///"):
        raise PeiyuError("PostgreSQL 数据库请用 pg_dump / pg_restore 备份和恢复")
    return Path(describe(location))


def _maintenance(args: argparse.Namespace, location: str) -> int:
    """backup, restore and check work on the file itself, without opening it through the models."""
    database = _sqlite_file(location)
    if args.command == "backup":
        print(f"已备份到：{backup.backup(database, Path(args.out) if args.out else None)}")
    elif args.command == "restore":
        saved = backup.restore(Path(args.file), database)
        print(f"已用 {args.file} 恢复数据库" + (f"；原数据库另存为：{saved}" if saved else ""))
    else:
        result = backup.check(database)
        print(result.message)
        return 0 if result.ok else 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    location = args.db or default_location()
    if args.command in ("backup", "restore", "check"):
        try:
            return _maintenance(args, location)
        except (PeiyuError, backup.BackupError) as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 1
    try:
        open_database(location)
        session.sign_in_from_environment()  # PEIYU_USER (+ PEIYU_PASSWORD once passwords are in use)
        if args.command == "init":
            _init(args)
        elif args.command == "demo":
            _demo(args)
        elif args.command == "firms":
            _firms(args)
        elif args.command == "import":
            return _import(args)
        elif args.command == "undo-import":
            _undo_import(args)
        elif args.command in ("export", "pdf"):
            _export(args)
        elif args.command in signal_report.COMMANDS:
            return signal_report.run(args)
        elif args.command in review_commands.COMMANDS:
            return review_commands.run(args)
        elif args.command in user_commands.COMMANDS:
            return user_commands.run(args)
    except (PeiyuError, DatabaseUnavailable) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    finally:
        close_database()
    return 0


def run() -> None:
    raise SystemExit(main())
