"""Benchmark the clinical core: knowledge-base load time and plans per second, in-process.

    .venv/bin/python bench/plan_bench.py [--plans 5000]

Runs on one core (the engine is single-threaded). Cases: the example cases under tests/cases
plus seeded random contract-valid cases, so the figures cover deferred, screened and full plans.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fracturecare.engine import make_plan  # noqa: E402
from fracturecare.knowledge.loader import DATA_DIR, load_from  # noqa: E402
from tests.engine.strategies import cases as case_strategy  # noqa: E402


def example_cases() -> list[dict]:
    specs = [json.loads(p.read_text()) for p in sorted((ROOT / "tests" / "cases").glob("*.json"))]
    return [s["case"] for s in specs if "case" in s and "exit" not in s["expect"]]


def sampled_cases(n: int) -> list[dict]:
    from hypothesis import HealthCheck, given, settings

    drawn: list[dict] = []

    @settings(max_examples=n, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(case_strategy())
    def collect(case):
        drawn.append(case)

    collect()
    return drawn


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plans", type=int, default=5000)
    args = parser.parse_args()

    loads = []
    for _ in range(7):
        start = time.perf_counter()
        kb = load_from(DATA_DIR)
        loads.append(time.perf_counter() - start)

    pool = example_cases() + sampled_cases(300)
    for case in pool:  # warm up
        make_plan(case, kb)
    timings = []
    begin = time.perf_counter()
    for i in range(args.plans):
        case = pool[i % len(pool)]
        start = time.perf_counter()
        make_plan(case, kb)
        timings.append(time.perf_counter() - start)
    wall = time.perf_counter() - begin
    timings.sort()
    result = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "knowledge_version": kb.version,
        "kb_load_ms_median": round(statistics.median(loads) * 1000, 1),
        "kb_load_ms_max": round(max(loads) * 1000, 1),
        "plans": args.plans,
        "distinct_cases": len(pool),
        "plans_per_second": round(args.plans / wall),
        "plan_ms_median": round(statistics.median(timings) * 1000, 3),
        "plan_ms_p95": round(timings[int(len(timings) * 0.95)] * 1000, 3),
        "plan_ms_max": round(timings[-1] * 1000, 3),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
