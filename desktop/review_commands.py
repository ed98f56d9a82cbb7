"""`peiyu-cli submit` and `peiyu-cli review list|approve|return`: the review chain without a screen.

A township `submit`s: its unreviewed firms become 待审核 and the package for the county is
written. The county imports it (held for review), lists, approves and returns items, and writes
the 退回清单; its own `submit` sends only reviewed records up to the city.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from desktop import package, returns, review, review_queue, sheet_layouts, signal_report, units
from desktop.errors import PeiyuError
from desktop.files import write_in_place
from desktop.session import current_actor

COMMANDS = ("submit", "review")


def add_commands(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    submit = sub.add_parser("submit", help="提交审核：本单位未审核的记录改为待审核，并生成给上级的报送包")
    submit.add_argument("--out", required=True, help="报送包文件（.xlsx）")
    submit.add_argument("--period", type=signal_report.period_argument, help="YYYY-MM（默认最近有数据的月份）")
    submit.add_argument("--include-unreviewed", action="store_true", help="县、市：报送包也包含未审核的记录")
    submit.add_argument("--json", action="store_true")

    rev = sub.add_parser("review", help="审核下级报送的数据")
    actions = rev.add_subparsers(dest="action", required=True, parser_class=parser_class)
    listing = actions.add_parser("list", help="列出待审核（或指定状态）的记录，以及上级退回的企业")
    listing.add_argument("--status", choices=[review.PENDING, review.APPROVED, review.RETURNED])
    _selection(listing)
    listing.add_argument("--json", action="store_true")
    for name, help_text in (("approve", "通过"), ("return", "退回（须写理由）")):
        act = actions.add_parser(name, help=help_text)
        act.add_argument("items", nargs="*", type=int, metavar="ITEM", help="审核记录编号（review list 中的 id）")
        act.add_argument("--all", action="store_true", help="按筛选条件选中的全部待审核记录")
        _selection(act)
        act.add_argument("--fields", default="", help="只退回这些项目（review list 中 changes 的 key，逗号分隔）")
        if name == "approve":
            act.add_argument("--comment", default="")
        else:
            act.add_argument("--reason", required=True)
            act.add_argument("--out", help="同时生成退回清单（.xlsx）发给乡镇")
        act.add_argument("--json", action="store_true")


def _selection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--submission", type=int, help="报送批次编号")
    parser.add_argument("--kind", choices=[review_queue.NEW, review_queue.CHANGED, review_queue.SAME])
    parser.add_argument("--town", help="乡镇")
    parser.add_argument("--search", default="", help="企业名称或信用代码开头")


def run(args: argparse.Namespace) -> int:
    if args.command == "submit":
        return _submit(args)
    if args.action == "list":
        return _list(args)
    return _decide(args)


def _out(args: argparse.Namespace, result: dict[str, Any], text: str) -> None:
    print(json.dumps(result, ensure_ascii=False) if args.json else text)


def _submit(args: argparse.Namespace) -> int:
    year, month = args.period or (None, None)
    filters = sheet_layouts.latest_or(year, month)
    sent = write_in_place(
        lambda part: package.submit_package(
            filters, part, actor=current_actor(), include_unreviewed=args.include_unreviewed
        ),
        args.out,
    )
    counts, reviewed_only = sent.meta["counts"], sent.meta["reviewed_only"]
    result: dict[str, Any] = {"out": args.out, "counts": counts, "reviewed_only": reviewed_only}
    text = f"已生成报送包 {args.out}：企业 {counts[package.FIRMS]} 家、月度数据 {counts[package.FIGURES]} 条"
    if units.own_unit().level == "township":
        result |= {"submitted": sent.submitted, "resubmitted": sent.resubmitted}
        text += f"；提交审核 {sent.submitted} 家、重新提交 {sent.resubmitted} 家"
    if reviewed_only:
        result["left_out"] = sent.left_out
        text += "；只含已审核的记录" + (f"，未审核的 {sent.left_out} 家未包含" if sent.left_out else "")
    _out(args, result, text + "。")
    return 0


def _chosen(args: argparse.Namespace, status: str | None) -> list[Any]:
    return review_queue.items(
        submission=args.submission, status=status, kind=args.kind, town=args.town, text=args.search
    )


def _list(args: argparse.Namespace) -> int:
    found = _chosen(args, args.status or review.PENDING)
    sent_back = review.returned_firms()
    result = {
        "items": [review_queue.item_as_dict(i) for i in found],
        "returned_to_us": [
            {"uscc": f.uscc, "name": f.name, "fields": e.field if e else None, "reason": e.comment if e else None}
            for f, e in sent_back
        ],
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    for item in found:
        changes = review_queue.changes_of(item)
        print(
            f"{item.id}\t{item.kind}\t{item.status}\t{item.uscc}\t{item.name}\t{item.town or ''}\t{len(changes)} 项变化"
        )
        for c in changes:
            print(f"\t\t{c.label}：{c.old or '（空）'} → {c.new or '（空）'}\t[{c.key}]")
    print(f"共 {len(found)} 条审核记录")
    for firm, event in sent_back:
        reason = f"{event.field or ''}：{event.comment}" if event else ""
        print(f"上级退回：{firm.uscc}\t{firm.name}\t{reason}")
    return 0


def _decide(args: argparse.Namespace) -> int:
    if args.all:
        ids = [i.id for i in _chosen(args, review.PENDING)]
    else:
        ids = list(args.items)
    if not ids:
        raise PeiyuError("没有选中任何审核记录：请给出记录编号，或用 --all 选中筛选出的全部待审核记录")
    fields = {f.strip() for f in args.fields.replace("，", ",").split(",") if f.strip()}
    actor = current_actor()
    if args.action == "approve":
        decided = review_queue.approve(ids, actor=actor, comment=args.comment)
    else:
        back = fields or {review_queue.WHOLE}
        decided = review_queue.decide({i: set(back) for i in ids}, actor=actor, reason=args.reason)
    result: dict[str, Any] = {"approved": decided.approved, "returned": decided.returned, "batch": decided.batch}
    text = f"已通过 {decided.approved} 条、退回 {decided.returned} 条"
    if decided.batch:
        text += f"；并入本单位数据的导入批次 {decided.batch}"
    if args.action == "return" and args.out:
        result["returns_file"] = args.out
        result["returns_rows"] = write_in_place(returns.write_returns, args.out)
        text += f"；退回清单 {args.out}（{result['returns_rows']} 行）"
    _out(args, result, text + "。")
    return 0


def import_review_file(path: str, as_json: bool) -> int | None:
    """`import` of a lower unit's package (held for review) or of a 退回清单; None for any other file."""
    if returns.is_returns(path):
        rows = returns.apply_returns(path)
        result: dict[str, Any] = {"returned": [vars(r) for r in rows]}
        if as_json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            for r in rows:
                where = "" if r.found else "（本库中没有该企业）"
                print(f"第{r.row}行 {r.uscc} {r.name}{where}：退回 {r.fields}；理由：{r.reason}（{r.reviewer}）")
            print(f"上级退回 {len(rows)} 家企业，请修改后重新提交（submit）。")
        return 1 if any(not r.found for r in rows) else 0
    if package.is_package(path):
        meta = package.read_package(path).meta
        if review_queue.comes_from_below(meta):
            submission = review_queue.receive(path, actor=current_actor())
            items = review_queue.items(submission=submission.id)
            counts = {
                k: sum(1 for i in items if i.kind == k)
                for k in (review_queue.NEW, review_queue.CHANGED, review_queue.SAME)
            }
            pending = sum(1 for i in items if i.status == review.PENDING)
            held: dict[str, Any] = {
                "submission": submission.id,
                "from": meta["unit"],
                "kinds": counts,
                "pending": pending,
            }
            if as_json:
                print(json.dumps(held, ensure_ascii=False))
            else:
                print(
                    f"已收到{meta['unit']}的报送包（第 {submission.id} 批）：新增 {counts[review_queue.NEW]} 家、"
                    f"变更 {counts[review_queue.CHANGED]} 家、无变化 {counts[review_queue.SAME]} 家；"
                    f"待审核 {pending} 条，审核通过后并入本单位数据（review list / approve / return）。"
                )
            return 0
    return None
