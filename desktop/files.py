"""Writing a file the clerk asked for: beside its target first, moved into place only when whole.

A cancelled or failed export then leaves no half-written file and an older file of the same name
untouched; a target open in Excel or WPS (locked on Windows) is told in the clerk's words.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from desktop.errors import PeiyuError

T = TypeVar("T")


def write_in_place(write: Callable[[Path], T], out: str | Path) -> T:
    """Call `write(part)` on a file beside `out`, then move it to `out`; return what `write` returned."""
    out = Path(out)
    part = out.with_name(f"{out.stem}.正在导出{out.suffix}")
    try:
        result = write(part)
        os.replace(part, out)
        return result
    except PermissionError as exc:
        raise PeiyuError(f"无法写入 {out}：文件可能正在 Excel 或 WPS 中打开，或没有写入权限。请关闭后再导出。") from exc
    except OSError as exc:
        raise PeiyuError(f"无法写入 {out}：{exc.strerror or exc}") from exc
    finally:
        part.unlink(missing_ok=True)
