"""Who is working: the name written into audit records until user accounts exist."""

from __future__ import annotations

import getpass
import os


def current_actor() -> str:
    """`PEIYU_USER` if set, else the operating-system login name."""
    try:
        return os.environ.get("PEIYU_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "未知用户"
