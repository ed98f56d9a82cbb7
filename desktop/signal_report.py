"""The `candidates`, `warnings` and `anomalies` commands of peiyu-cli: arguments, JSON and text.

`--json` prints one object {"period": "2026-10", "count": N, "firms": F, "items": [...]}, each item
{"uscc", "name", "town", "rule", "level", "annualised", "numbers": {...}, "explanation"} with
every number as the exact string of its Decimal; `warnings` adds "cleared" (items with "note"
and "cleared_by"). Text output is an aligned table ending with “共 N 家”.
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from collections.abc import Sequence
from typing import Any

from desktop import plausibility, signals
from desktop.errors import PeiyuError
from desktop.explain import Signal, parse_period, wan

COMMANDS = {"candidates": "升规候选", "warnings": "退库预警", "anomalies": "数据核实疑点"}
_HEADERS = ("序号", "统一社会信用代码", "企业名称", "乡镇", "规则", "等级", "年化（万元）", "说明")


def period_argument(text: str) -> tuple[int, int]:
    """argparse type for --period: a wrong value is a usage error (exit 2) with a Chinese message."""
    try:
        return parse_period(text)
    except PeiyuError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_commands(sub: Any) -> None:
    """Register the three commands on peiyu-cli's subparsers."""
    helps = {
        "candidates": "升规候选企业（已达标、临近达标、新投产达效、人工标记）",
        "warnings": "规上企业退库预警（低于或接近规模标准、同比下降、停产/半停产）",
        "anomalies": "月度数据核实疑点（累计数下降、环比波动、收入电量比、税收收入比）",
    }
    for name, text in helps.items():
        command = sub.add_parser(name, help=text)
        command.add_argument(
            "--period", type=period_argument, metavar="YYYY-MM", help="期间，如 2026-10（默认为库中最新的月份）"
        )
        command.add_argument("--json", action="store_true")


def item(signal: Signal) -> dict[str, Any]:
    out: dict[str, Any] = {
        "uscc": signal.uscc,
        "name": signal.name,
        "town": signal.town,
        "rule": signal.rule,
        "level": signal.level,
        "annualised": None if signal.annualised is None else str(signal.annualised),
        "numbers": {key: str(value) for key, value in signal.numbers.items()},
        "explanation": signal.explanation,
    }
    if signal.cleared_note is not None:
        out["note"] = signal.cleared_note
        out["cleared_by"] = signal.cleared_by
    return out


def firm_count(items: Sequence[Signal]) -> int:
    return len({s.firm_id for s in items})


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def table(items: Sequence[Signal]) -> list[str]:
    """The signals as an aligned text table (Chinese characters count double)."""
    rows = [
        (str(n), s.uscc, s.name, s.town or "", s.rule, s.level, "" if s.annualised is None else wan(s.annualised))
        for n, s in enumerate(items, start=1)
    ]
    widths = [max([display_width(h), *(display_width(r[i]) for r in rows)]) for i, h in enumerate(_HEADERS[:-1])]
    lines = ["  ".join(_pad(h, w) for h, w in zip(_HEADERS, widths)) + "  " + _HEADERS[-1]]
    for row, signal in zip(rows, items):
        lines.append("  ".join(_pad(cell, w) for cell, w in zip(row, widths)) + "  " + signal.explanation)
    return lines


def _total(items: Sequence[Signal]) -> str:
    firms = firm_count(items)
    return f"共 {firms} 家" + (f"（{len(items)} 条）" if len(items) != firms else "")


def run(args: argparse.Namespace) -> int:
    """Run one of COMMANDS; returns the exit status."""
    if args.period is not None:
        year, month = args.period
    else:
        latest = signals.latest_period()
        if latest is None:
            raise PeiyuError(
                "数据库中还没有月度数据，无法确定期间；请先录入或导入月度数据，或用 --period YYYY-MM 指定期间"
            )
        year, month = latest
    cleared: Sequence[Signal] = ()
    if args.command == "anomalies":
        items: Sequence[Signal] = plausibility.anomalies(year, month)
    else:
        report = signals.compute(year, month)
        items = report.candidates if args.command == "candidates" else report.warnings
        cleared = report.cleared if args.command == "warnings" else ()
    period = f"{year}-{month:02d}"
    if args.json:
        out: dict[str, Any] = {
            "period": period,
            "count": len(items),
            "firms": firm_count(items),
            "items": [item(s) for s in items],
        }
        if args.command == "warnings":
            out["cleared"] = [item(s) for s in cleared]
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(f"{year}年{month}月{COMMANDS[args.command]}")
    if items:
        print("\n".join(table(items)))
    print(_total(items))
    if cleared:
        print(f"\n已消除的预警 {len(cleared)} 条：")
        for s in cleared:
            print(f"  {s.uscc}  {s.name}  {s.rule}：{s.explanation}（消除说明：{s.cleared_note}，{s.cleared_by}）")
    return 0
