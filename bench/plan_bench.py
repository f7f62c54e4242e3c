"""Benchmark the clinical core: knowledge-base load time and plans per second, in-process,
and the `fracturecare plan` command: the start of one call and the marginal cost of a plan in a batch.

    .venv/bin/python bench/plan_bench.py [--plans 5000] [--batch 2000]

Runs on one core (the engine is single-threaded). Cases: the example cases under tests/cases
plus seeded random contract-valid cases, so the figures cover deferred, screened and full plans.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
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


CLI = str(Path(sys.executable).with_name("fracturecare"))


def _run_cli(path: Path) -> float:
    """CPU seconds (user + system) of one `fracturecare plan` call.

    CPU time, not wall time: on a shared machine the wall clock measures the neighbours.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([CLI, "plan", str(path)], capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"fracturecare plan failed: {proc.stderr.decode()[:500]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cli_figures(pool: list[dict], batch: int) -> dict:
    """One call's CPU time (knowledge base from its cache) and the marginal CPU cost per plan in a batch.

    The marginal cost is (time of a batch of `batch` cases - time of a batch of 1) / (batch - 1):
    parsing, planning and writing the JSON, without the process start both share.
    """
    with tempfile.TemporaryDirectory() as tmp:
        one, many = Path(tmp) / "one.json", Path(tmp) / "many.json"
        one.write_text(json.dumps([pool[0]]))
        many.write_text(json.dumps([pool[i % len(pool)] for i in range(batch)]))
        _run_cli(one)  # fills the knowledge-base cache if it is cold
        singles = [_run_cli(one) for _ in range(7)]
        batches = [_run_cli(many) for _ in range(3)]
    single, full = statistics.median(singles), statistics.median(batches)
    return {
        "cli_single_call_cpu_ms_median": round(single * 1000),
        "cli_batch_size": batch,
        "cli_batch_cpu_ms_median": round(full * 1000),
        "cli_marginal_cpu_ms_per_plan": round((full - single) / (batch - 1) * 1000, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plans", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=2000, help="cases in the command-line batch")
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
        **cli_figures(pool, args.batch),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
