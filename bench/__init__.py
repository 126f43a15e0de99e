"""Benchmarks that build CoP's data at scale, serve the real app under gunicorn and print figures.

Modules: data (the builder; community adds events and programs), servers (gunicorn runner), client (sign-in
over HTTP), load (wrk driver), writers (the mixed workload's members who write), report (table and JSON),
profile (where a request's time goes), baseline (the bare comparison app).
"""

from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
