"""Where the bundled data files and fonts are, whether installed or run from a checkout.

`resources` is a package installed beside `desktop` (pyproject.toml), so its folder is found
from this file's; importlib.resources would find the same folder at 4 ms of every start.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return _ROOT.joinpath(*parts)


def read_csv(name: str) -> list[dict[str, str]]:
    with resource_path("data", name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_json(name: str) -> Any:
    return json.loads(resource_path("data", name).read_text(encoding="utf-8"))


def cjk_font_path() -> Path:
    return resource_path("fonts", "wqy-microhei.ttc")
