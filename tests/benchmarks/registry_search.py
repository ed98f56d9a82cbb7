"""Benchmark: demo data for 100,000 firms, and firm search beside a raw SQLite LIKE scan.

    bash installers/dev.sh bench registry_search [--firms N] [--db PATH] [--reuse]

Prints the demo's time and peak memory, then for each query the median and worst latency of
the registry search (ordered ids, as the firm table loads them) and of
`SELECT id FROM firm WHERE name LIKE '%q%'` on the same file. Target: search ≤ 2× the raw scan.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import build_demo, median, timed_pair

QUERIES = ("xh", "xinhua", "鑫华", "机械", "铸造有限", "王伟", "zzzz")
TARGET = 2.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "peiyu-bench-100k.db")
    parser.add_argument("--reuse", action="store_true", help="use an existing database at --db")
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()

    if not (args.reuse and args.db.exists()):
        seconds, peak = build_demo(args.db, args.firms)
        print(f"demo --firms {args.firms}: {seconds:.1f} s, peak memory {peak:.0f} MB")

    from db.connection import open_database
    from desktop import registry

    # the raw scan runs on the same SQLite connection, so both see the same pragmas and cache
    raw = open_database(str(args.db)).connection()
    print(f"{'query':<14}{'hits':>8}{'search ms':>12}{'worst':>8}{'raw ms':>9}{'worst':>8}{'ratio':>7}")
    ratios = []
    # a clerk types a code to find one firm: the first 12 characters of a real one
    (code,) = raw.execute("SELECT uscc FROM firm ORDER BY id LIMIT 1 OFFSET 500").fetchone()
    for q in (*QUERIES, code[:12]):
        hits = len(registry.firm_ids(registry.FirmQuery(text=q)))
        ours, scan = timed_pair(
            lambda q=q: registry.firm_ids(registry.FirmQuery(text=q)),
            lambda q=q: raw.execute("SELECT id FROM firm WHERE name LIKE ?", (f"%{q}%",)).fetchall(),
            args.repeat,
        )
        ratio = median(ours) / median(scan)
        ratios.append(ratio)
        print(
            f"{q:<14}{hits:>8}{median(ours):>12.1f}{max(ours):>8.1f}{median(scan):>9.1f}{max(scan):>8.1f}{ratio:>7.2f}"
        )
    worst = max(ratios)
    verdict = "met" if worst <= TARGET else "NOT met"
    print(f"median search / raw scan: worst query {worst:.2f}× (target ≤ {TARGET}×: {verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
