#!/usr/bin/env python3
"""Check that two run directories hold the same numbers: every per-article value of scores.jsonl and every
mean and CI bound of summary.json, matched by (system, target, article) and (system, target, column).

    python scripts/same_numbers.py results/bbc-news-2004-<before> results/bbc-news-2004-<after>

Reads both through :func:`bench.run.rundir.open_run`, so a run written before the metric registry (ROUGE types
as summary keys) compares with one written after. Exits 1 and lists the first differences when any value
differs by more than --tolerance (default 0: bit for bit).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from bench.run.rundir import open_run


def _same(a: object, b: object, tol: float) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= tol
    return a == b


def _legacy_extra(row: dict) -> dict:
    """A pre-registry summary row kept the extra metrics' means (no CI) under ``extra``."""
    return {k: {"mean": v} for k, v in (row.get("extra") or {}).items()}


def compare(before: Path, after: Path, tol: float) -> list[str]:
    old, new = open_run(before), open_run(after)
    diffs: list[str] = []
    key = ["system", "target", "article_hash"]
    a = old.scores.set_index(key).sort_index()
    b = new.scores.set_index(key).sort_index()
    if list(a.index) != list(b.index):
        diffs.append(f"scores.jsonl: different (system, target, article) rows: {len(a)} vs {len(b)}")
    columns = [c for c in a.columns if c in b.columns and c != "article_id"]
    for column in sorted(set(a.columns) ^ set(b.columns)):
        diffs.append(f"scores.jsonl: column {column} only in {'before' if column in a.columns else 'after'}")
    for column in columns:
        for idx, x, y in zip(a.index, a[column], b[column]):
            if not _same(x, y, tol):
                diffs.append(f"scores.jsonl {idx} {column}: {x!r} != {y!r}")
    rows_a = {(r["system"], r["target"]): {**_legacy_extra(r), **r["scores"]} for r in old.rows}
    rows_b = {(r["system"], r["target"]): r["scores"] for r in new.rows}
    for unit in sorted(set(rows_a) | set(rows_b)):
        sa, sb = rows_a.get(unit, {}), rows_b.get(unit, {})
        for column in sorted(set(sa) & set(sb)):
            for part in ("mean", "low", "high"):
                if part not in sa[column] or part not in sb[column]:
                    continue
                if not _same(sa[column].get(part), sb[column].get(part), tol):
                    diffs.append(
                        f"summary.json {unit} {column}.{part}: {sa[column].get(part)!r} != {sb[column].get(part)!r}"
                    )
    return diffs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--tolerance", type=float, default=0.0, help="largest absolute difference allowed")
    args = parser.parse_args(argv)
    diffs = compare(args.before, args.after, args.tolerance)
    old, new = open_run(args.before), open_run(args.after)
    print(f"{len(old.scores)} vs {len(new.scores)} per-article rows, {len(old.rows)} vs {len(new.rows)} summary rows")
    if diffs:
        print(f"{len(diffs)} difference(s):", *diffs[:40], sep="\n  ")
        return 1
    print("identical" if args.tolerance == 0 else f"identical within {args.tolerance}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
