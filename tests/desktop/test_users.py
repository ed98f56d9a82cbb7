"""Users and sign-in: scrypt hashes, passwords, roles and their messages, the last-admin guard,
PEIYU_USER / PEIYU_PASSWORD for the CLI, the `users` command, and audit rows naming the user."""

from __future__ import annotations

import argparse
import base64
import io
import json
import sys

import pytest

from db.connection import open_database
from db.models import AuditEntry, User
from desktop import passwords, registry, session, user_commands, users
from desktop.errors import PeiyuError
from desktop.passwords import check_password, hash_password
from desktop.registry import ENTITY as FIRM
from desktop.session import current_actor, current_user, require_role

VALID = "91350100M000100Y43"
REAL_N = passwords.N


@pytest.fixture(autouse=True)
def signed_out(monkeypatch):
    """Each test starts and ends with nobody signed in and no PEIYU_PASSWORD; hashes are cheaper."""
    monkeypatch.delenv("PEIYU_PASSWORD", raising=False)
    monkeypatch.setattr(passwords, "N", 2**10)  # the stored hash says which n it used
    session.sign_out()
    yield
    session.sign_out()


@pytest.fixture
def office(county):
    """An admin 王芳 (password 'admin-pw'), a reviewer 李强 ('review-pw') and a clerk 张三 (no password)."""
    users.add_user("wangfang", "王芳", "管理员", "泽州县", "admin-pw")
    users.add_user("liqiang", "李强", "审核员", "泽州县", "review-pw")
    users.add_user("zhangsan", "张三", "录入员", "巴公镇")
    session.sign_out()
    return county


def as_user(username: str, password: str = "") -> session.UserInfo:
    return users.log_in(username, password)


# --- password hashes -------------------------------------------------------------------------


def test_hash_format_is_scrypt_with_parameters_salt_and_key(monkeypatch):
    monkeypatch.setattr(passwords, "N", REAL_N)
    stored = hash_password("巴公镇2026")
    scheme, n, r, p, salt, key = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**14), "8", "1")
    assert len(base64.b64decode(salt)) == 16
    assert len(base64.b64decode(key)) == 32
    assert check_password("巴公镇2026", stored)
    assert not check_password("巴公镇2027", stored)
    assert hash_password("巴公镇2026") != stored  # a fresh salt each time
    monkeypatch.setattr(passwords, "N", 2**15)
    assert check_password("巴公镇2026", stored)  # checked with the parameters it was made with


@pytest.mark.parametrize("stored", [None, "", "plain", "md5$1$2$3$AA==$AA==", "scrypt$3$8$1$AA==$AA==", "scrypt$x"])
def test_malformed_or_missing_hash_never_matches(stored):
    assert not check_password("", stored)
    assert not check_password("anything", stored)


def test_database_keeps_the_hash_not_the_password(office):
    stored = User.get(User.username == "wangfang").password_hash
    assert stored.startswith("scrypt$") and "admin-pw" not in stored
    texts = [f"{e.old_value} {e.new_value}" for e in AuditEntry.select().where(AuditEntry.entity == users.ENTITY)]
    assert not any("admin-pw" in t or "scrypt$" in t for t in texts)
    assert any("已设置" in t for t in texts)


# --- sign-in ---------------------------------------------------------------------------------


def test_authenticate_accepts_the_right_password_and_refuses_others(office):
    assert users.authenticate("wangfang", "admin-pw").role == "管理员"
    for name, password in (("wangfang", "wrong"), ("wangfang", ""), ("nobody", "admin-pw")):
        with pytest.raises(PeiyuError, match="^用户名或密码不正确$"):
            users.authenticate(name, password)
    assert users.authenticate("zhangsan", "").display_name == "张三"  # no password set


def test_disabled_user_cannot_sign_in(office):
    as_user("wangfang", "admin-pw")
    users.deactivate("liqiang")
    with pytest.raises(PeiyuError, match="用户名或密码不正确"):
        users.authenticate("liqiang", "review-pw")
    assert [u.username for u in users.list_users(include_inactive=False)] == ["wangfang", "zhangsan"]


def test_login_required_only_when_an_active_user_has_a_password(county):
    assert not users.login_required()
    users.add_user("admin", "管理员甲", "管理员")
    assert not users.login_required()
    users.set_password("admin", "pw")
    assert users.login_required()
    users.set_password("admin", None)
    assert not users.login_required()


def test_current_actor_is_the_signed_in_username_else_peiyu_user(office, monkeypatch):
    monkeypatch.setenv("PEIYU_USER", "测试员")
    assert current_user() is None and current_actor() == "测试员"
    as_user("liqiang", "review-pw")
    assert current_actor() == "liqiang"
    assert session.current_label() == "李强（审核员）"
    session.sign_out()
    assert current_actor() == "测试员"
    assert session.current_label() == "测试员（未登记用户）"


def test_a_sign_in_belongs_to_its_database(office, tmp_path):
    as_user("liqiang", "review-pw")
    open_database(str(tmp_path / "other.db"))
    assert current_user() is None
    assert session.current_label() == current_actor()  # a database without users: just the login name


def test_first_user_must_be_an_admin_and_is_signed_in(county):
    with pytest.raises(PeiyuError, match="第一个用户必须是管理员"):
        users.add_user("zhangsan", "张三", "录入员")
    assert not User.select().exists()
    admin = users.add_user("wangfang", "王芳", "管理员", password="pw")
    assert current_user() == admin


def test_add_user_checks_name_role_unit_and_duplicates(office):
    as_user("wangfang", "admin-pw")
    with pytest.raises(PeiyuError, match="已存在"):
        users.add_user("zhangsan", "张三", "录入员")
    with pytest.raises(PeiyuError, match="角色“科长”不存在"):
        users.add_user("zhaoliu", "赵六", "科长")
    with pytest.raises(PeiyuError, match="没有名为“火星镇”的单位"):
        users.add_user("zhaoliu", "赵六", "录入员", "火星镇")
    with pytest.raises(PeiyuError, match="空格"):
        users.add_user("zhao liu", "赵六", "录入员")
    with pytest.raises(PeiyuError, match="密码不能为空"):
        users.add_user("zhaoliu", "赵六", "录入员", password="")
    added = users.add_user("zhaoliu", "", "录入员", "北留镇")
    assert (added.display_name, added.unit, added.has_password) == ("zhaoliu", "北留镇", False)


# --- roles ------------------------------------------------------------------------------------


def test_single_user_office_is_allowed_everything(database):
    assert require_role("管理员", action="管理用户") is None
    assert require_role("审核员", "管理员", action="审核") is None


def test_role_check_names_who_may_and_who_is_working(office):
    as_user("zhangsan")
    with pytest.raises(PeiyuError) as refused:
        require_role("审核员", "管理员", action="审核")
    assert str(refused.value) == "只有审核员或管理员可以审核，当前用户：张三（录入员）"
    with pytest.raises(PeiyuError, match="^只有管理员可以管理用户，当前用户：张三（录入员）$"):
        users.add_user("zhaoliu", "赵六", "录入员")
    assert require_role("录入员", "审核员", "管理员").username == "zhangsan"
    as_user("liqiang", "review-pw")
    assert require_role("审核员", "管理员", action="审核").username == "liqiang"


def test_roles_text():
    assert session.roles_text(("管理员",)) == "管理员"
    assert session.roles_text(("录入员", "审核员", "管理员")) == "录入员、审核员或管理员"


def test_last_admin_cannot_be_demoted_or_disabled(office):
    as_user("wangfang", "admin-pw")
    with pytest.raises(PeiyuError, match="最后一个在用的管理员"):
        users.set_role("wangfang", "审核员")
    users.set_role("liqiang", "管理员")
    with pytest.raises(PeiyuError, match="不能停用当前登录的用户"):
        users.deactivate("wangfang")
    as_user("liqiang", "review-pw")
    users.deactivate("wangfang")
    with pytest.raises(PeiyuError, match="最后一个在用的管理员"):
        users.set_role("liqiang", "录入员")
    users.activate("wangfang")
    demoted = users.set_role("liqiang", "审核员")  # demoting oneself: the session sees it at once
    assert current_user() == demoted and current_user().role == "审核员"


def test_users_change_their_own_password_but_only_admins_others(office):
    as_user("zhangsan")
    users.set_password("zhangsan", "新密码")
    assert users.authenticate("zhangsan", "新密码").has_password
    with pytest.raises(PeiyuError, match="只有管理员可以管理用户"):
        users.set_password("liqiang", "x")
    as_user("wangfang", "admin-pw")
    users.set_password("zhangsan", None)
    assert not users.get_user("zhangsan").has_password


# --- PEIYU_USER / PEIYU_PASSWORD --------------------------------------------------------------


def test_environment_chooses_the_cli_user(office, monkeypatch):
    monkeypatch.setenv("PEIYU_USER", "liqiang")
    with pytest.raises(PeiyuError, match="PEIYU_PASSWORD"):
        session.sign_in_from_environment()
    monkeypatch.setenv("PEIYU_PASSWORD", "wrong")
    with pytest.raises(PeiyuError, match="PEIYU_PASSWORD"):
        require_role("审核员", action="审核")
    assert current_user() is None
    monkeypatch.setenv("PEIYU_PASSWORD", "review-pw")
    assert require_role("审核员", action="审核").username == "liqiang"  # signs in on the way
    assert current_actor() == "liqiang"


def test_unregistered_name_needs_a_login_only_when_passwords_exist(office, monkeypatch):
    monkeypatch.setenv("PEIYU_USER", "路人")
    with pytest.raises(PeiyuError, match="需要登录：没有名为“路人”的在用用户"):
        session.sign_in_from_environment()
    as_user("wangfang", "admin-pw")
    for name in ("wangfang", "liqiang"):
        users.set_password(name, None)
    session.sign_out()
    assert session.sign_in_from_environment() is None
    assert current_actor() == "路人"
    with pytest.raises(PeiyuError, match="当前用户：路人（未登记用户）"):
        require_role("审核员", action="审核")
    monkeypatch.setenv("PEIYU_USER", "zhangsan")
    assert session.sign_in_from_environment().display_name == "张三"


# --- audit ------------------------------------------------------------------------------------


def test_audit_rows_carry_the_signed_in_username(office):
    as_user("liqiang", "review-pw")
    change = registry.create_firm({"uscc": VALID, "name": "鑫华机械有限公司", "town": "巴公镇"}, actor=current_actor())
    actors = {
        e.actor
        for e in AuditEntry.select().where((AuditEntry.entity == FIRM) & (AuditEntry.entity_id == change.firm_id))
    }
    assert actors == {"liqiang"}
    as_user("wangfang", "admin-pw")
    users.set_role("zhangsan", "审核员")
    entry = AuditEntry.select().where(AuditEntry.entity == users.ENTITY).order_by(AuditEntry.id.desc()).get()
    assert (entry.actor, entry.field, entry.old_value, entry.new_value) == ("wangfang", "角色", "录入员", "审核员")


# --- the `users` command ------------------------------------------------------------------------


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="peiyu-cli")
    user_commands.add_commands(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["users", *argv])


def cli(capsys, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    """Run as a new peiyu-cli process would: nobody signed in yet; a PeiyuError is printed and exits 1."""
    session.sign_out()
    old, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        code = user_commands.run(parse(*argv))
    except PeiyuError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        code = 1
    finally:
        sys.stdin = old
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_adds_lists_and_changes_users(county, capsys, monkeypatch):
    code, out, _ = cli(
        capsys, "add", "wangfang", "--display", "王芳", "--role", "管理员", "--password-stdin", stdin="pw\n"
    )
    assert code == 0 and "王芳（管理员）" in out
    assert users.authenticate("wangfang", "pw")
    session.sign_out()
    monkeypatch.setenv("PEIYU_USER", "wangfang")
    code, _, err = cli(capsys, "add", "liqiang", "--display", "李强", "--role", "审核员")
    assert code == 1 and "PEIYU_PASSWORD" in err
    monkeypatch.setenv("PEIYU_PASSWORD", "pw")
    assert cli(capsys, "add", "liqiang", "--display", "李强", "--role", "审核员", "--unit", "巴公镇")[0] == 0
    assert cli(capsys, "passwd", "liqiang", "--password-stdin", stdin="abc\r\n")[0] == 0
    assert users.authenticate("liqiang", "abc")
    assert cli(capsys, "role", "liqiang", "管理员")[0] == 0
    assert cli(capsys, "unit", "liqiang", "")[0] == 0
    assert cli(capsys, "disable", "liqiang")[0] == 0
    code, out, _ = cli(capsys, "list", "--json")
    listed = json.loads(out)
    assert listed["count"] == 2
    assert listed["users"][1] == {
        "username": "liqiang",
        "display_name": "李强",
        "role": "管理员",
        "unit": None,
        "has_password": True,
        "active": False,
    }
    code, out, _ = cli(capsys, "list")
    assert code == 0 and out.splitlines()[-1] == "共 2 个用户" and "停用" in out


def test_cli_refusals_exit_1_with_a_chinese_message(office, capsys, monkeypatch):
    monkeypatch.setenv("PEIYU_USER", "wangfang")
    monkeypatch.setenv("PEIYU_PASSWORD", "admin-pw")
    code, _, err = cli(capsys, "disable", "wangfang")
    assert code == 1 and "不能停用当前登录的用户" in err
    code, _, err = cli(capsys, "passwd", "zhangsan", "--password-stdin", stdin="")
    assert code == 1 and "标准输入中没有密码" in err
    code, _, err = cli(capsys, "role", "nobody", "审核员")
    assert code == 1 and "没有名为“nobody”的用户" in err
    monkeypatch.setenv("PEIYU_USER", "zhangsan")
    code, _, err = cli(capsys, "role", "liqiang", "录入员")
    assert code == 1 and err.strip() == "错误：只有管理员可以管理用户，当前用户：张三（录入员）"


def test_cli_usage_errors(county):
    with pytest.raises(SystemExit):
        parse("role", "zhangsan", "科长")
    with pytest.raises(SystemExit):
        parse("passwd", "zhangsan")  # --password-stdin or --clear


def test_wired_into_peiyu_cli(office, db_path, capsys, monkeypatch):
    from desktop.cli import main

    monkeypatch.setenv("PEIYU_USER", "wangfang")
    monkeypatch.setenv("PEIYU_PASSWORD", "admin-pw")
    try:
        code = main(["--db", str(db_path), "users", "list", "--json"])
    except SystemExit:  # argparse: no such command
        pytest.skip("desktop/cli.py does not register the users command yet")
    assert code == 0
    assert json.loads(capsys.readouterr().out)["count"] == 3
