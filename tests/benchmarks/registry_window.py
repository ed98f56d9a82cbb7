"""Benchmark: the main window on 100,000 firms beside a bare PySide6 window and a raw SQLite scan.

    bash installers/dev.sh bench registry_window [--firms N] [--db PATH] [--reuse] [--repeat N] [--profile] [--no-pycache]
    .venv/bin/python tests/benchmarks/registry_window.py --reuse    # the same, from the repository root

Everything runs with QT_QPA_PLATFORM=offscreen. The start-up children run byte-compiled code, as
an installed 培育库 does (installing compiles the modules): their bytecode caches go to a temporary
folder (PYTHONPYCACHEPREFIX), written by the unmeasured first runs. Without this a shell with
PYTHONDONTWRITEBYTECODE would have each start compile the app's ~40 modules again (~55 ms);
--no-pycache measures that way.
Prints, each with its target and whether it is met:

1. Start-up: from spawning a fresh Python process until the window has painted
   (registry_window_child.py) — a bare QMainWindow with one QLabel, and the main window started
   as `peiyu` starts it (ui.app's imports, create_application, the database, sign_in) once its
   firm table has painted the first query's firms (its first, still empty, paint is shown too).
   Median and worst of --repeat interleaved runs after one unmeasured pair. Target: ≤ 2× bare.
2. Keystroke → filtered table, in this process with the real thread pool: from setting the
   search text and calling apply_filters() at once (so the deliberate 250 ms debounce is left
   out) until RegistryScreen.loaded has fired and the table has repainted; beside it
   `SELECT id FROM firm WHERE name LIKE '%text%'` on the app's connection for this thread.
   (The app searches pinyin for Latin text, the raw scan only names: "rows" shows both counts.
   The app's rows are all the firms found, though it fetches at most the first 10,000 ids and
   counts the rest; the raw scan fetches every id it finds.)
   --repeat rounds of a typing sequence after one unmeasured round. Target: median ≤ 2× raw.
3. Peak memory: peak RSS (VmHWM; Linux) of the start-up children, the app's after a few searches
   and scrolling to the end of all firms. Target: ≤ the bare window's + 150 MB.

--profile then runs one app start-up under cProfile (GUI thread only) and prints its top costs.
Exits 0 whatever the figures: it reports, it does not test.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, build_demo, median

CHILD = Path(__file__).with_name("registry_window_child.py")
OFFSCREEN = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
STARTUP_TARGET = 2.0
FILTER_TARGET = 2.0
MEMORY_TARGET_MB = 150.0


@dataclass(frozen=True)
class StartUp:
    first_paint_ms: float
    ready_ms: float
    ready_mb: float
    peak_mb: float


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def typing_sequence(code: str) -> list[str]:
    """What a clerk types: initials, a Chinese name growing, a person, a credit code; clearing between."""
    return ["x", "xh", "", "鑫", "鑫华", "王伟", "", code[:6], code[:12], ""]


def child_env(pycache: Path) -> dict[str, str]:
    """The start-up children's environment: offscreen, bytecode cached in `pycache` (see above)."""
    env = {k: v for k, v in OFFSCREEN.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return env | {"PYTHONPYCACHEPREFIX": str(pycache)}


def start_up(child_args: list[str], env: dict[str, str], prefix: list[str] | None = None) -> StartUp:
    """Spawn one child (under `prefix`, e.g. a profiler) and time it from just before the spawn."""
    command = [*(prefix or [sys.executable]), str(CHILD), *child_args]
    spawned = time.monotonic()
    run = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if run.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{run.stderr}")
    out = json.loads(run.stdout.splitlines()[-1])
    return StartUp(
        (out["first_paint"] - spawned) * 1000, (out["ready"] - spawned) * 1000, out["ready_mb"], out["peak_mb"]
    )


def measure_start_up(app_args: list[str], env: dict[str, str], repeat: int) -> tuple[list[StartUp], list[StartUp]]:
    """(bare runs, app runs), interleaved, after one unmeasured run of each (which also writes
    the bytecode caches)."""
    start_up(["bare"], env)
    start_up(app_args, env)
    bare, app = [], []
    for _ in range(repeat):
        bare.append(start_up(["bare"], env))
        app.append(start_up(app_args, env))
    return bare, app


def measure_keystrokes(
    db: Path, ini: Path, raw: sqlite3.Connection, texts: list[str], repeat: int
) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, tuple[int, int]]]:
    """Per distinct text: ms to the repainted table, ms of the raw scan, (rows shown, rows scanned)."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    from registry_window_child import Watch, show_search

    from ui.fonts import install_cjk_font
    from ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    install_cjk_font(app)
    window = MainWindow(QSettings(str(ini), QSettings.Format.IniFormat), str(db))
    screen = window.registry
    watch = Watch(screen.table.viewport(), screen.loaded)
    window.show()
    watch.wait_signal_then_paint(0)

    ours: dict[str, list[float]] = {t: [] for t in texts}
    scan: dict[str, list[float]] = {t: [] for t in texts}
    hits: dict[str, tuple[int, int]] = {}
    for round_no in range(repeat + 1):
        for text in texts:
            start = time.perf_counter()
            show_search(screen, watch, text)
            shown = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            found = raw.execute("SELECT id FROM firm WHERE name LIKE ?", (f"%{text}%",)).fetchall()
            scanned = (time.perf_counter() - start) * 1000
            hits[text] = (screen.model.rowCount(), len(found))
            if round_no:
                ours[text].append(shown)
                scan[text].append(scanned)
    return ours, scan, hits


def print_profile(app_args: list[str], env: dict[str, str], out: Path, top: int) -> None:
    start_up(app_args, env, [sys.executable, "-m", "cProfile", "-o", str(out)])
    print(f"\nprofile of one app start-up (GUI thread; queries in the thread pool are not seen), top {top}:")
    stats = pstats.Stats(str(out))
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "peiyu-bench-100k.db")
    parser.add_argument("--reuse", action="store_true", help="use an existing database at --db")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="also profile one app start-up")
    parser.add_argument(
        "--no-pycache", action="store_true", help="start-up children inherit this environment's bytecode setting"
    )
    args = parser.parse_args()

    if not (args.reuse and args.db.exists()):
        seconds, peak = build_demo(args.db, args.firms)
        print(f"demo --firms {args.firms}: {seconds:.1f} s, peak memory {peak:.0f} MB")

    from db.connection import open_database

    # the raw scan runs on the app's connection for this thread, so it has the app's pragmas
    raw = open_database(str(args.db)).connection()
    (firms,) = raw.execute("SELECT count(*) FROM firm WHERE deleted_at IS NULL").fetchone()
    (code,) = raw.execute("SELECT uscc FROM firm ORDER BY id LIMIT 1 OFFSET 500").fetchone()
    texts = typing_sequence(code)

    with tempfile.TemporaryDirectory(prefix="registry_window_") as tmp:
        ini = Path(tmp) / "settings.ini"
        app_args = ["app", "--db", str(args.db), "--ini", str(ini)]
        memory_args = [*app_args, *(f"--search={t}" for t in ("xh", "鑫华", "王伟", code[:12], ""))]
        env = OFFSCREEN if args.no_pycache else child_env(Path(tmp) / "pycache")
        bare, app = measure_start_up(memory_args, env, args.repeat)
        ours, scan, hits = measure_keystrokes(args.db, ini, raw, texts, args.repeat)

        print(f"\n{firms} firms in {args.db}; QT_QPA_PLATFORM=offscreen; {args.repeat} runs each after a warm-up")
        print("\n1. start-up: process spawn → window painted (fresh process each run)")
        print(f"{'':<38}{'median ms':>10}{'worst':>8}")
        rows = (
            ("bare QMainWindow + QLabel", [s.ready_ms for s in bare]),
            ("main window, first paint (no firms)", [s.first_paint_ms for s in app]),
            ("main window, firms shown", [s.ready_ms for s in app]),
        )
        for label, values in rows:
            print(f"{label:<38}{median(values):>10.0f}{max(values):>8.0f}")
        first = median([s.first_paint_ms for s in app]) / median([s.ready_ms for s in bare])
        ratio = median([s.ready_ms for s in app]) / median([s.ready_ms for s in bare])
        print(f"first paint / bare: {first:.2f}× (shown for reference; the target is taken once firms are shown)")
        print(f"firms shown / bare: {ratio:.2f}× (target ≤ {STARTUP_TARGET:g}×: {verdict(ratio <= STARTUP_TARGET)})")

        print("\n2. keystroke → filtered table repainted (apply_filters() at once: 250 ms debounce excluded)")
        print(f"{'app ms':>8}{'worst':>8}{'raw ms':>8}{'worst':>8}{'ratio':>7}{'rows':>8}{'raw rows':>9}  text")
        for text in ours:
            row_ratio = median(ours[text]) / median(scan[text])
            print(
                f"{median(ours[text]):>8.1f}{max(ours[text]):>8.1f}{median(scan[text]):>8.1f}{max(scan[text]):>8.1f}"
                f"{row_ratio:>7.2f}{hits[text][0]:>8}{hits[text][1]:>9}  {text or '(cleared)'}"
            )
        all_ours = [v for values in ours.values() for v in values]
        all_scan = [v for values in scan.values() for v in values]
        ratio = median(all_ours) / median(all_scan)
        print(
            f"{median(all_ours):>8.1f}{max(all_ours):>8.1f}{median(all_scan):>8.1f}{max(all_scan):>8.1f}"
            f"{ratio:>7.2f}{'':>17}  all {len(all_ours)} keystrokes"
        )
        print(
            f"median filtering / raw scan: {ratio:.2f}× (target ≤ {FILTER_TARGET:g}×: {verdict(ratio <= FILTER_TARGET)})"
        )

        print("\n3. peak memory (peak RSS of the start-up children, VmHWM; worst run)")
        bare_mb = max(s.peak_mb for s in bare)
        rows_mb = (
            ("bare QMainWindow + QLabel", bare_mb),
            ("main window, firms shown", max(s.ready_mb for s in app)),
            ("main window, after searches + scroll to end", max(s.peak_mb for s in app)),
        )
        for label, mb in rows_mb:
            print(f"{label:<46}{mb:>7.0f} MB")
        extra = rows_mb[-1][1] - bare_mb
        print(f"app − bare: {extra:.0f} MB (target ≤ {MEMORY_TARGET_MB:g} MB: {verdict(extra <= MEMORY_TARGET_MB)})")

        if args.profile:
            print_profile(app_args, env, Path(tmp) / "startup.prof", 20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
