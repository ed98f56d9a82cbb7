"""Who is working: the signed-in user, the name written into audit and review records, role checks.

- `current_actor()` is the name every audit and review record carries: the signed-in user's
  username (unique, so the trail names one person); before anyone signs in, `PEIYU_USER` or the
  operating-system login name, as in an office that keeps no user list.
- A sign-in belongs to the database it was made on: opening another database file signs out.
- An office with no active users is a single-user office: no login, every action allowed.
- The CLI chooses its user with `PEIYU_USER=name` (and `PEIYU_PASSWORD` when that user has a
  password): `sign_in_from_environment()`, which `require_role` also calls when nobody signed in.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from db.models import USER_ROLES, User, database_proxy
from desktop.errors import PeiyuError
from desktop.passwords import check_password

USER_ENV, PASSWORD_ENV = "PEIYU_USER", "PEIYU_PASSWORD"
ADMIN = USER_ROLES[-1]  # 管理员


@dataclass(frozen=True)
class UserInfo:
    """A user as the rest of the app sees one (never the password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    unit: str | None
    has_password: bool
    active: bool

    @property
    def label(self) -> str:
        """How the status bar and messages name the user: 张三（审核员）."""
        return f"{self.display_name}（{self.role}）"

    @classmethod
    def of(cls, user: User) -> UserInfo:
        unit = user.unit
        name = unit.name if unit is not None else None
        return cls(user.id, user.username, user.display_name, user.role, name, bool(user.password_hash), user.active)


_signed_in: tuple[UserInfo, tuple[str, str]] | None = None


def _database_key() -> tuple[str, str]:
    """Which database is open: its kind and file or name (a sign-in is valid on that one only)."""
    database = database_proxy.obj
    if database is None:
        return ("", "")
    params = getattr(database, "connect_params", {}) or {}
    where = f"{params.get('host', '')}:{params.get('port', '')}" if params.get("host") else ""
    return (type(database).__name__, f"{where}/{database.database}")


def environment_name() -> str:
    """`PEIYU_USER` if set, else the operating-system login name."""
    try:
        return os.environ.get(USER_ENV) or getpass.getuser()
    except (KeyError, OSError):
        return "未知用户"


def sign_in(user: UserInfo) -> None:
    """Make `user` the current user on the open database (after the password was checked)."""
    global _signed_in
    _signed_in = (user, _database_key())


def sign_out() -> None:
    global _signed_in
    _signed_in = None


def current_user() -> UserInfo | None:
    """The user signed in on the open database, or None."""
    if _signed_in is None or _signed_in[1] != _database_key():
        return None
    return _signed_in[0]


def current_actor() -> str:
    """The signed-in user's username; else `PEIYU_USER`, else the operating-system login name."""
    user = current_user()
    return user.username if user is not None else environment_name()


def current_label() -> str:
    """The current user for the status bar: 张三（审核员）, or the login name when nobody signed in."""
    user = current_user()
    if user is not None:
        return user.label
    return environment_name() + ("（未登记用户）" if users_defined() else "")


def users_defined() -> bool:
    """Whether the office keeps a user list (any active user); without one, everything is allowed."""
    return User.select().where(User.active == True).exists()  # noqa: E712 (peewee expression)


def login_required() -> bool:
    """Whether starting the app asks for a login: some active user has a password."""
    return User.select().where((User.active == True) & User.password_hash.is_null(False)).exists()  # noqa: E712


def sign_in_from_environment() -> UserInfo | None:
    """Sign in as the user `PEIYU_USER` (else the login name) names, checking `PEIYU_PASSWORD`.

    Returns None, signed out, when that name is not a registered user and no login is required
    (the name is still the actor, with no role). Raises PeiyuError when a login is required and
    the name is unknown, or when the user has a password and `PEIYU_PASSWORD` does not match it.
    """
    name = environment_name()
    user = User.get_or_none((User.username == name) & (User.active == True))  # noqa: E712
    if user is None:
        sign_out()
        if login_required():
            raise PeiyuError(
                f"需要登录：没有名为“{name}”的在用用户。请用环境变量 {USER_ENV} 指定用户名"
                f"（设有密码的用户同时用 {PASSWORD_ENV} 提供密码）。"
            )
        return None
    if user.password_hash and not check_password(os.environ.get(PASSWORD_ENV, ""), user.password_hash):
        sign_out()
        raise PeiyuError(f"用户“{name}”设有密码，请用环境变量 {PASSWORD_ENV} 提供正确的密码。")
    info = UserInfo.of(user)
    sign_in(info)
    return info


def roles_text(roles: tuple[str, ...]) -> str:
    """审核员或管理员; 录入员、审核员或管理员."""
    return roles[0] if len(roles) == 1 else "、".join(roles[:-1]) + "或" + roles[-1]


def require_role(*roles: str, action: str = "进行此操作") -> UserInfo | None:
    """Refuse unless the current user has one of `roles`; returns that user (None in a single-user office).

    The message says who may and who is working, e.g.
    “只有审核员或管理员可以审核，当前用户：张三（录入员）”.
    """
    unknown = [r for r in roles if r not in USER_ROLES]
    if unknown or not roles:
        raise ValueError(f"unknown roles {unknown or roles}")
    if not users_defined():
        return None
    user = current_user() or sign_in_from_environment()
    if user is not None and user.role in roles:
        return user
    who = user.label if user is not None else f"{environment_name()}（未登记用户）"
    raise PeiyuError(f"只有{roles_text(roles)}可以{action}，当前用户：{who}")
