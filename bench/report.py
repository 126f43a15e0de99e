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
            f"  {counts.get('events', 0):,} events with {counts.get('rsvps', 0):,} RSVPs, "
            f"{counts.get('programs', 0):,} program profiles\n"
            f"  build took {record['build_seconds']:.1f} s ({steps}); size {_mib(record['size_bytes'])}")


def table(rows: list[dict], target_ratio: float, reads_per_write: int | None = None) -> str:
    """Page, requests/s, p50, p99, ratio to the baseline's requests/s and the target check; with more than
    one mode (read-only, cold, mixed), one line per page with each mode's figures side by side."""
    if len({row.get("mode", "read") for row in rows}) > 1:
        return modes_table(rows, target_ratio, reads_per_write)
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
            own = row.get("target_ratio")
            row["meets_target"] = ratio >= (own or target_ratio)
            check = ("PASS" if row["meets_target"] else "MISS") + (f" (≥{own:.0%})" if own else "")
        else:
            check = "—"
        lines.append((row["name"], f"{load['requests_per_second']:,.1f}", f"{load['latency_ms'].get('p50', 0):,.1f}",
                      f"{load['latency_ms'].get('p99', 0):,.1f}", f"{ratio:.0%}", check, str(load["errors"])))
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]

    def fmt(line):
        return "  ".join(str(cell).ljust(w) if i == 0 else str(cell).rjust(w) for i, (cell, w) in
                         enumerate(zip(line, widths)))

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(header), rule, *map(fmt, lines), *_notes(rows)])


def _notes(rows: list[dict]) -> list[str]:
    notes = [f"{row['name']}{_mode_suffix(row)}: {row['load']['errors']:,} of {row['load']['requests']:,} responses "
             f"were errors (non-2xx/3xx or socket errors); see the server log." for row in rows
             if row.get("load", {}).get("errors")]
    return notes + [f"{row['name']}{_mode_suffix(row)}: {row['error']}" for row in rows if "error" in row]


def _mode_suffix(row: dict) -> str:
    return f" ({row['mode']})" if row.get("mode", "read") != "read" else ""


def _format_rows(header: tuple, lines: list[tuple]) -> list[str]:
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]

    def fmt(line):
        return "  ".join(str(cell).ljust(w) if i == 0 else str(cell).rjust(w) for i, (cell, w) in
                         enumerate(zip(line, widths)))

    return [fmt(header), "  ".join("-" * w for w in widths), *map(fmt, lines)]


def modes_table(rows: list[dict], target_ratio: float, reads_per_write: int | None = None) -> str:
    """One line per page: for each mode its requests/s, its share of the bare page's requests/s in the same
    round, and its p95; then the read-only target check and the errors of every mode."""
    baseline = next((r for r in rows if r["kind"] == "baseline" and "load" in r), None)
    base_rps = baseline["load"]["requests_per_second"] if baseline else 0
    modes = list(dict.fromkeys(row.get("mode", "read") for row in rows if row["kind"] == "app"))
    by_page: dict[str, dict[str, dict]] = {}
    for row in rows:
        by_page.setdefault(row["name"], {})[row.get("mode", "read")] = row
    names = {"read": "read-only", "cold": "cold", "mixed": "mixed"}
    header = ["page"]
    for mode in modes:
        header += [f"{names.get(mode, mode)} req/s", "share", "p95 ms"]
    header += [f"target ≥{target_ratio:.0%}", "errors"]
    lines = []
    for name, per_mode in by_page.items():
        line = [name]
        errors = 0
        for mode in (modes if any(r["kind"] == "app" for r in per_mode.values()) else ["read"]):
            row = per_mode.get(mode)
            if row is None or "load" not in row:
                line += ["failed" if row else "", "", ""]
                if row is not None:
                    row["meets_target"] = False
                continue
            load = row["load"]
            ratio = row.get("paired_ratio") or (load["requests_per_second"] / base_rps if base_rps else 0)
            row["ratio_to_baseline"] = round(ratio, 3)
            errors += load["errors"]
            p95 = load["latency_ms"].get("p95", load["latency_ms"].get("p99", 0))
            line += [f"{load['requests_per_second']:,.1f}", f"{ratio:.0%}", f"{p95:,.1f}"]
        while len(line) < 1 + 3 * len(modes):
            line.append("")
        held = per_mode.get("read", {})
        if held.get("target") and "load" in held:
            own = held.get("target_ratio")
            held["meets_target"] = held["ratio_to_baseline"] >= (own or target_ratio)
            check = ("PASS" if held["meets_target"] else "MISS") + (f" (≥{own:.0%})" if own else "")
        else:
            check = "MISS" if held.get("target") else "—"
        lines.append(tuple(line + [check, str(errors)]))
    out = _format_rows(tuple(header), lines)
    legend = ("share: of the bare page's requests/s in the same round (the median of the rounds' ratios); "
              "cold: COP_FRAGMENT_CACHE=0")
    if reads_per_write:
        legend += f"; mixed: while members write, one write per {reads_per_write} of the page's read-only requests/s"
    return "\n".join([*out, legend + ".", *_notes(rows)])


def stamp(moment: datetime | None = None) -> str:
    """A UTC time for file names: 2026-11-23T11-46-19Z."""
    return (moment or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H-%M-%SZ")


def write_json(payload: dict, name: str, folder: Path = RESULTS_DIR) -> Path:
    """bench/results/<name>.json, named like the run's log folder."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=str))
    return path
