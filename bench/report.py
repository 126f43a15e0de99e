"""The report: a table on the terminal and the whole run as JSON under bench/results/."""

import json
import os
import platform
import sqlite3
import sys
from datetime import datetime, timezone
from pathlib import Path

from bench import RESULTS_DIR


def machine() -> dict:
    from bench.load import wrk_version

    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "wrk": wrk_version(),
        "load_average": os.getloadavg(),
    }


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MiB"


def build_summary(record: dict) -> str:
    counts = record.get("counts", {})
    how = "reused (same parameters; --rebuild to build again)" if record.get("reused") else "built"
    steps = ", ".join(f"{name.replace('_', ' ')} {sec:.1f} s" for name, sec in record.get("steps_seconds", {}).items())
    return (f"Database {record['database_url']}: {how}\n"
            f"  {counts.get('published_practices', 0):,} published practices (+{counts.get('draft_practices', 0):,}"
            f" drafts, +{counts.get('deleted_practices', 0):,} deleted), {counts.get('organizations', 0):,}"
            f" organizations, {counts.get('users', 0):,} users, {counts.get('helpful_marks', 0):,} helpful marks\n"
            f"  {counts.get('threads', 0):,} discussion threads with {counts.get('replies', 0):,} replies"
            f" ({counts.get('reply_helpful_marks', 0):,} helpful marks, {counts.get('discussion_follows', 0):,} follows)\n"
            f"  build took {record['build_seconds']:.1f} s ({steps}); size {_mib(record['size_bytes'])}")


def table(rows: list[dict], target_ratio: float) -> str:
    """Page, requests/s, p50, p99, ratio to the baseline's requests/s and the target check."""
    baseline = next((r for r in rows if r["kind"] == "baseline" and "load" in r), None)
    base_rps = baseline["load"]["requests_per_second"] if baseline else 0
    header = ("page", "req/s", "p50 ms", "p99 ms", "vs baseline", f"target ≥{target_ratio:.0%}", "errors")
    lines = []
    for row in rows:
        if "load" not in row:
            row["meets_target"] = False
            lines.append((row["name"], "failed", "", "", "", "MISS" if row.get("target") else "—", ""))
            continue
        load = row["load"]
        # With several rounds, each round's page against that round's baseline, the median of those.
        ratio = row.get("paired_ratio") or (load["requests_per_second"] / base_rps if base_rps else 0)
        row["ratio_to_baseline"] = round(ratio, 3)
        if row.get("target"):
            row["meets_target"] = ratio >= target_ratio
            check = "PASS" if row["meets_target"] else "MISS"
        else:
            check = "—"
        lines.append((row["name"], f"{load['requests_per_second']:,.1f}", f"{load['latency_ms'].get('p50', 0):,.1f}",
                      f"{load['latency_ms'].get('p99', 0):,.1f}", f"{ratio:.0%}", check, str(load["errors"])))
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]

    def fmt(line):
        return "  ".join(str(cell).ljust(w) if i == 0 else str(cell).rjust(w) for i, (cell, w) in
                         enumerate(zip(line, widths)))

    rule = "  ".join("-" * w for w in widths)
    notes = [f"{row['name']}: {row['load']['errors']:,} of {row['load']['requests']:,} responses were errors "
             f"(non-2xx/3xx or socket errors); see the server log." for row in rows
             if row.get("load", {}).get("errors")]
    notes += [f"{row['name']}: {row['error']}" for row in rows if "error" in row]
    return "\n".join([fmt(header), rule, *map(fmt, lines), *notes])


def stamp(moment: datetime | None = None) -> str:
    """A UTC time for file names: 2026-11-23T11-46-19Z."""
    return (moment or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H-%M-%SZ")


def write_json(payload: dict, name: str, folder: Path = RESULTS_DIR) -> Path:
    """bench/results/<name>.json, named like the run's log folder."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=str))
    return path
