"""Benchmark: 升规候选 + 退库预警 for 100,000 firms beside a raw SQL query of the rows they need.

    bash installers/dev.sh bench signals [--firms N] [--db PATH] [--reuse] [--period YYYY-MM] [--repeat N]
    .venv/bin/python tests/benchmarks/signals.py --reuse     # the same, from the repository root

Uses the demo database of registry_search (100,000 firms, last year's 12 months and this year's
months so far). For the period (default: the latest month with figures) it times, interleaved:

- ours: `signals.compute(year, month)`: every candidate and warning with its numbers and its
  Chinese explanation, sorted (the thresholds setting, towns, flags and clearances included);
- raw: one plain SQLite query on the same connection selecting exactly the figures the rules
  read: per live firm its code, name, township id, status, production start and first above-scale
  year, this month's YTD revenue and forecast, last December's and last year's same month's
  revenue (three seeks in the unique index), fetched into Python tuples and nothing else.

Target: median ours ≤ 2× median raw. Then, for information, the plausibility checks beside a
raw query of all month rows of the year up to the period (what they read). Exits 0 whatever the
figures: it reports, it does not test.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

from common import build_demo, median, timed_pair

TARGET = 2.0
RAW_SIGNALS = """
SELECT f.id, f.uscc, f.name, f.town_id, f.status, f.production_start, f.first_above_scale_year,
       cur.month, cur.revenue, cur.forecast_annual_revenue, dec.revenue, same.revenue
FROM firm f
LEFT JOIN monthly_figure cur ON cur.firm_id = f.id AND cur.year = ?1 AND cur.month = ?2
LEFT JOIN monthly_figure dec ON dec.firm_id = f.id AND dec.year = ?1 - 1 AND dec.month = 12
LEFT JOIN monthly_figure same ON same.firm_id = f.id AND same.year = ?1 - 1 AND same.month = ?2
WHERE f.deleted_at IS NULL
"""
RAW_MONTHS = """
SELECT f.id, f.industry_code, r.month, r.revenue, r.tax, r.electricity
FROM firm f CROSS JOIN monthly_figure r
WHERE f.deleted_at IS NULL AND r.firm_id = f.id AND r.year = ?1 AND r.month <= ?2
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "peiyu-bench-100k.db")
    parser.add_argument("--reuse", action="store_true", help="use an existing database at --db")
    parser.add_argument("--period", help="YYYY-MM (default: the latest month with figures)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    if not (args.reuse and args.db.exists()):
        seconds, peak = build_demo(args.db, args.firms)
        print(f"demo --firms {args.firms}: {seconds:.1f} s, peak memory {peak:.0f} MB")

    from db.connection import open_database
    from desktop import plausibility, signals
    from desktop.explain import parse_period

    database = open_database(str(args.db))
    raw = database.connection()  # the same SQLite connection, so both see the same pragmas and cache
    period = parse_period(args.period) if args.period else signals.latest_period()
    assert period is not None, "the database has no figures"
    year, month = period
    (firms,) = raw.execute("SELECT count(*) FROM firm WHERE deleted_at IS NULL").fetchone()
    (rows,) = raw.execute(
        "SELECT count(*) FROM monthly_figure WHERE year IN (?, ?) AND deleted_at IS NULL", (year - 1, year)
    ).fetchone()
    print(f"{firms} firms, {rows} month rows in {year - 1}–{year}; period {year}-{month:02d}")

    report = signals.compute(year, month)
    fetched = len(raw.execute(RAW_SIGNALS, (year, month)).fetchall())
    print(
        f"candidates {len(report.candidates)} {dict(Counter(s.rule for s in report.candidates))}\n"
        f"warnings   {len(report.warnings)} {dict(Counter(s.rule for s in report.warnings))}, cleared {len(report.cleared)}"
    )
    ours, base = timed_pair(
        lambda: signals.compute(year, month),
        lambda: raw.execute(RAW_SIGNALS, (year, month)).fetchall(),
        args.repeat,
    )
    ratio = median(ours) / median(base)
    print(f"{'':<34}{'median ms':>10}{'worst':>8}")
    print(f"{'candidates + warnings (compute)':<34}{median(ours):>10.0f}{max(ours):>8.0f}")
    print(f"{f'raw SQL, {fetched} rows':<34}{median(base):>10.0f}{max(base):>8.0f}")
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"compute / raw query: {ratio:.2f}× (target ≤ {TARGET}×: {verdict})")

    found = plausibility.anomalies(year, month)
    months = len(raw.execute(RAW_MONTHS, (year, month)).fetchall())
    print(f"\nanomalies {len(found)} {dict(Counter(s.rule for s in found))}")
    ours, base = timed_pair(
        lambda: plausibility.anomalies(year, month),
        lambda: raw.execute(RAW_MONTHS, (year, month)).fetchall(),
        max(3, args.repeat // 2),
    )
    print(f"{'anomalies':<34}{median(ours):>10.0f}{max(ours):>8.0f}")
    print(f"{f'raw SQL, {months} rows':<34}{median(base):>10.0f}{max(base):>8.0f}")
    print(f"anomalies / raw query: {median(ours) / median(base):.2f}× (information only, no target)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
