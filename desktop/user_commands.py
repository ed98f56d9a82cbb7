"""The `users` command of peiyu-cli: list, add, passwd, role, unit, disable, enable.

Who runs the command is `PEIYU_USER` (with `PEIYU_PASSWORD` when that user has a password);
changes need a 管理员, except `passwd` on one's own name and the office's first user.
Passwords are read from standard input (`--password-stdin`: the first line), never from the
command line, where other users of the machine could see them.

`users list --json` prints {"count": N, "users": [{"username", "display_name", "role", "unit",
"has_password", "active"}]}.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from dataclasses import asdict
from typing import Any

from db.models import USER_ROLES
from desktop import users
from desktop.errors import PeiyuError
from desktop.session import UserInfo

COMMANDS = {"users": "用户管理"}


def add_commands(sub: Any) -> None:
    """Register `users` and its subcommands on peiyu-cli's subparsers."""
    command = sub.add_parser("users", help="用户管理：list add passwd role unit disable enable")
    actions = command.add_subparsers(dest="users_command", required=True, parser_class=type(command))
    listing = actions.add_parser("list", help="列出用户")
    listing.add_argument("--json", action="store_true")
    add = actions.add_parser("add", help="添加用户（第一个用户必须是管理员）")
    add.add_argument("username", metavar="NAME", help="用户名（登录用，不能含空格）")
    add.add_argument("--display", default="", help="姓名，如 张三（默认同用户名）")
    add.add_argument("--role", default=USER_ROLES[0], choices=USER_ROLES, help="角色（默认录入员）")
    add.add_argument("--unit", help="所属单位：本单位或下属乡镇名称")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（第一行）")
    passwd = actions.add_parser("passwd", help="设置或清除密码")
    passwd.add_argument("username", metavar="NAME")
    how = passwd.add_mutually_exclusive_group(required=True)
    how.add_argument("--password-stdin", action="store_true", help="从标准输入读取新密码（第一行）")
    how.add_argument("--clear", action="store_true", help="清除密码（该用户登录不再需要密码）")
    role = actions.add_parser("role", help="设置角色")
    role.add_argument("username", metavar="NAME")
    role.add_argument("role", metavar="ROLE", choices=USER_ROLES, help="、".join(USER_ROLES))
    unit = actions.add_parser("unit", help="设置所属单位（空字符串为不指定）")
    unit.add_argument("username", metavar="NAME")
    unit.add_argument("unit", metavar="UNIT")
    for name, text in (("disable", "停用用户（保留其记录）"), ("enable", "重新启用用户")):
        actions.add_parser(name, help=text).add_argument("username", metavar="NAME")


def read_password() -> str:
    """The first line of standard input; at a terminal, asked twice without echo."""
    if sys.stdin.isatty():
        first, again = getpass.getpass("新密码："), getpass.getpass("再输入一次：")
        if first != again:
            raise PeiyuError("两次输入的密码不一致")
        return first
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise PeiyuError("标准输入中没有密码（--password-stdin 读取第一行）")
    return line


def _row(user: UserInfo) -> dict[str, Any]:
    out = asdict(user)
    del out["id"]
    return out


def _table(found: list[UserInfo]) -> list[str]:
    lines = ["用户名\t姓名\t角色\t单位\t密码\t状态"]
    for u in found:
        cells = (u.username, u.display_name, u.role, u.unit or "", "有" if u.has_password else "无")
        lines.append("\t".join((*cells, "在用" if u.active else "停用")))
    return lines


def run(args: argparse.Namespace) -> int:
    """Run `users …`; returns the exit status (PeiyuError, exit 1, is left to the caller to print)."""
    action = args.users_command
    if action == "list":
        found = users.list_users()
        if args.json:
            print(json.dumps({"count": len(found), "users": [_row(u) for u in found]}, ensure_ascii=False))
        else:
            print("\n".join([*_table(found), f"共 {len(found)} 个用户"]))
        return 0
    if action == "add":
        password = read_password() if args.password_stdin else None
        user = users.add_user(args.username, args.display, args.role, args.unit, password)
        print(f"已添加用户：{user.username}，{user.label}" + (f"，{user.unit}" if user.unit else ""))
    elif action == "passwd":
        user = users.set_password(args.username, None if args.clear else read_password())
        print(f"已{'清除' if args.clear else '设置'}用户 {user.username} 的密码")
    elif action == "role":
        user = users.set_role(args.username, args.role)
        print(f"用户 {user.username} 的角色现为：{user.role}")
    elif action == "unit":
        user = users.set_unit(args.username, args.unit)
        print(f"用户 {user.username} 的单位现为：{user.unit or '未指定'}")
    elif action == "disable":
        user = users.deactivate(args.username)
        print(f"已停用用户：{user.username}（{user.display_name}）")
    elif action == "enable":
        user = users.activate(args.username)
        print(f"已启用用户：{user.username}（{user.display_name}）")
    else:  # argparse only lets the actions above through
        raise PeiyuError(f"未知的 users 子命令：{action}")
    return 0
