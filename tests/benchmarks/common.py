"""Helpers shared by the benchmarks: a 100,000-firm demo database and timing utilities."""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
CLI = [sys.executable, "-m", "desktop"]


def build_demo(db: Path, firms: int) -> tuple[float, float]:
    """Create a county database with `firms` demo firms; return (seconds, peak MB of the demo run)."""
    db.unlink(missing_ok=True)
    init = ["init", "--unit", "泽州县", "--unit-code", "140525", "--level", "county"]
    towns = ["--towns", "巴公镇,北留镇,南村镇,金村镇,李寨乡,周村镇,大东沟镇,高都镇"]
    subprocess.run([*CLI, "--db", str(db), *init, *towns], check=True, capture_output=True, cwd=ROOT)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([*CLI, "--db", str(db), "demo", "--firms", str(firms), "--seed", "1"], check=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    peak_kb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    return seconds, peak_kb / 1024


def timed_pair(
    ours: Callable[[], object], baseline: Callable[[], object], repeat: int
) -> tuple[list[float], list[float]]:
    """Milliseconds of `repeat` calls of each, interleaved so both see the same machine noise."""
    ours()
    baseline()
    a, b = [], []
    for _ in range(repeat):
        for fn, out in ((ours, a), (baseline, b)):
            start = time.perf_counter()
            fn()
            out.append((time.perf_counter() - start) * 1000)
    return a, b


def median(values: list[float]) -> float:
    return statistics.median(values)
