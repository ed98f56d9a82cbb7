"""`peiyu-cli`: the headless interface scripts and acceptance checks call (see ARCHITECTURE.md).

Exit status: 0 done; 1 input refused (the message says why, nothing was written); 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from db.connection import DatabaseUnavailable, close_database, default_location, open_database
from desktop import demo, registry, units
from desktop.errors import PeiyuError


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

    firms = sub.add_parser("firms", help="查询企业")
    firms.add_argument("--search", default="", help="名称、拼音、拼音首字母、信用代码开头或法定代表人")
    firms.add_argument("--town")
    firms.add_argument("--chain")
    firms.add_argument("--status")
    firms.add_argument("--limit", type=int, default=0, help="最多显示几家（0 为全部）")
    firms.add_argument("--json", action="store_true")
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


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    location = args.db or default_location()
    try:
        open_database(location)
        if args.command == "init":
            _init(args)
        elif args.command == "demo":
            _demo(args)
        elif args.command == "firms":
            _firms(args)
    except (PeiyuError, DatabaseUnavailable) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    finally:
        close_database()
    return 0


def run() -> None:
    raise SystemExit(main())
