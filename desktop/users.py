"""The office's users (用户管理): add, role, unit, password, disable; sign-in by password.

Roles are 录入员 (clerk), 审核员 (reviewer) and 管理员 (admin). Only an admin manages users,
except that anyone may set their own password, and the first user (which must be an admin) may
be added by whoever runs a single-user office. There is always an active admin once users exist:
the last one cannot be disabled or given another role. Every change is in the audit trail under
the acting user; a password change is recorded as 已设置/已清除, never the password or its hash.
"""

from __future__ import annotations

from db import audit
from db.models import USER_ROLES, Unit, User, database_proxy
from desktop.errors import PeiyuError
from desktop.passwords import check_password as check_password
from desktop.passwords import hash_password as hash_password
from desktop.session import (
    ADMIN,
    UserInfo,
    current_actor,
    current_user,
    require_role,
    sign_in,
    users_defined,
)
from desktop.session import login_required as login_required

ENTITY = "user"
MANAGE = "管理用户"


def _find(username: str) -> User:
    user = User.get_or_none(User.username == username.strip())
    if user is None:
        raise PeiyuError(f"没有名为“{username}”的用户")
    return user


def _unit(unit_name: str | None) -> Unit | None:
    if not unit_name or not unit_name.strip():
        return None
    unit = Unit.get_or_none(Unit.name == unit_name.strip())
    if unit is None:
        raise PeiyuError(f"没有名为“{unit_name}”的单位（本单位或下属乡镇）")
    return unit


def _check_role(role: str) -> str:
    if role not in USER_ROLES:
        raise PeiyuError(f"角色“{role}”不存在；可选：{'、'.join(USER_ROLES)}")
    return role


def _check_password_text(password: str) -> str:
    if not password:
        raise PeiyuError("密码不能为空（不要密码时请清除密码）")
    return password


def _active_admins() -> int:
    return User.select().where((User.active == True) & (User.role == ADMIN)).count()  # noqa: E712


def _refresh_session(user: User) -> UserInfo:
    """After a change to the signed-in user, the session sees the new role, unit or password."""
    info = UserInfo.of(user)
    current = current_user()
    if current is not None and current.id == user.id:
        sign_in(info)
    return info


def list_users(include_inactive: bool = True) -> list[UserInfo]:
    """Users in the order they were added, active ones first."""
    query = User.select().order_by(User.active.desc(), User.id)
    if not include_inactive:
        query = query.where(User.active == True)  # noqa: E712
    return [UserInfo.of(u) for u in query]


def get_user(username: str) -> UserInfo:
    return UserInfo.of(_find(username))


def add_user(
    username: str, display_name: str, role: str, unit_name: str | None = None, password: str | None = None
) -> UserInfo:
    """Add a user. The first user of an office must be a 管理员, and whoever adds it is signed in as it."""
    first = not users_defined()
    if not first:
        require_role(ADMIN, action=MANAGE)
    name = username.strip()
    if not name or len(name) > 40 or any(ch.isspace() for ch in name):
        raise PeiyuError("用户名不能为空、不能含空格，最多 40 个字")
    shown = (display_name or "").strip() or name
    if len(shown) > 40:
        raise PeiyuError("姓名最多 40 个字")
    _check_role(role)
    if first and role != ADMIN:
        raise PeiyuError(f"第一个用户必须是{ADMIN}（以后由{ADMIN}添加其他用户、设置角色）")
    existing = User.get_or_none(User.username == name)
    if existing is not None:
        raise PeiyuError(f"用户名“{name}”已存在" + ("" if existing.active else "（已停用，可重新启用）"))
    unit = _unit(unit_name)
    hashed = hash_password(_check_password_text(password)) if password is not None else None
    actor = current_actor()
    with database_proxy.atomic():
        user = User.create(username=name, display_name=shown, role=role, unit=unit, password_hash=hashed)
        snapshot = {"用户名": name, "姓名": shown, "角色": role, "单位": unit.name if unit else None}
        audit.record(ENTITY, user.id, "新增", actor, [(k, None, v) for k, v in snapshot.items()])
        if hashed:
            audit.record(ENTITY, user.id, "修改", actor, [("密码", None, "已设置")])
    info = UserInfo.of(user)
    if first:
        sign_in(info)
    return info


def set_password(username: str, password: str | None) -> UserInfo:
    """Set (or with None clear) a password: an admin for anyone, any user for themselves."""
    user = _find(username)
    me = current_user()
    if me is None or me.id != user.id:
        require_role(ADMIN, action=MANAGE)
    hashed = hash_password(_check_password_text(password)) if password is not None else None
    with database_proxy.atomic():
        old = "已设置" if user.password_hash else "未设置"
        user.password_hash = hashed
        user.save()
        audit.record(ENTITY, user.id, "修改", current_actor(), [("密码", old, "已设置" if hashed else "已清除")])
    return _refresh_session(user)


def set_role(username: str, role: str) -> UserInfo:
    """Give a user another role; the last active 管理员 keeps theirs."""
    require_role(ADMIN, action=MANAGE)
    user = _find(username)
    _check_role(role)
    if role == user.role:
        return UserInfo.of(user)
    if user.role == ADMIN and user.active and _active_admins() <= 1:
        raise PeiyuError(f"“{user.display_name}”是最后一个在用的{ADMIN}，请先把另一个用户设为{ADMIN}")
    with database_proxy.atomic():
        audit.record(ENTITY, user.id, "修改", current_actor(), [("角色", user.role, role)])
        user.role = role
        user.save()
    return _refresh_session(user)


def set_unit(username: str, unit_name: str | None) -> UserInfo:
    require_role(ADMIN, action=MANAGE)
    user = _find(username)
    unit = _unit(unit_name)
    old = UserInfo.of(user).unit
    new = unit.name if unit else None
    if old != new:
        with database_proxy.atomic():
            audit.record(ENTITY, user.id, "修改", current_actor(), [("单位", old, new)])
            user.unit = unit
            user.save()
    return _refresh_session(user)


def deactivate(username: str) -> UserInfo:
    """Disable a user (kept for the audit trail; can sign in no more). Not oneself, not the last admin."""
    require_role(ADMIN, action=MANAGE)
    user = _find(username)
    if not user.active:
        return UserInfo.of(user)
    me = current_user()
    if me is not None and me.id == user.id:
        raise PeiyuError("不能停用当前登录的用户")
    if user.role == ADMIN and _active_admins() <= 1:
        raise PeiyuError(f"“{user.display_name}”是最后一个在用的{ADMIN}，不能停用")
    with database_proxy.atomic():
        audit.record(ENTITY, user.id, "停用", current_actor(), [("状态", "在用", "停用")])
        user.active = False
        user.save()
    return UserInfo.of(user)


def activate(username: str) -> UserInfo:
    require_role(ADMIN, action=MANAGE)
    user = _find(username)
    if not user.active:
        with database_proxy.atomic():
            audit.record(ENTITY, user.id, "启用", current_actor(), [("状态", "停用", "在用")])
            user.active = True
            user.save()
    return UserInfo.of(user)


def authenticate(username: str, password: str) -> UserInfo:
    """The active user with this name and password (a user without a password needs none)."""
    user = User.get_or_none((User.username == username.strip()) & (User.active == True))  # noqa: E712
    if user is None or (user.password_hash and not check_password(password, user.password_hash)):
        raise PeiyuError("用户名或密码不正确")
    return UserInfo.of(user)


def log_in(username: str, password: str) -> UserInfo:
    """The login dialog's action: check the password and make the user the current one."""
    info = authenticate(username, password)
    sign_in(info)
    return info
