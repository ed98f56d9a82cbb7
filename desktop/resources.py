"""Where the bundled data files and fonts are, whether installed or run from a checkout."""

from __future__ import annotations

import csv
import json
from importlib.resources import files
from pathlib import Path
from typing import Any


def resource_path(*parts: str) -> Path:
    return Path(str(files("resources").joinpath(*parts)))


def read_csv(name: str) -> list[dict[str, str]]:
    with resource_path("data", name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_json(name: str) -> Any:
    return json.loads(resource_path("data", name).read_text(encoding="utf-8"))


def cjk_font_path() -> Path:
    return resource_path("fonts", "wqy-microhei.ttc")
