"""Charts per second through the sandbox, side by side with a naive `python program.py` per chart and with
unisolated in-process execution, on the embedded reference programs.

    python benchmarks/render_throughput.py --domain chart --n 40

Prints one JSON object with renders per second under `sandbox`, `naive_subprocess` and `in_process`, plus the
ratios the targets are stated in (sandbox >= 8x naive, sandbox within 2x of in-process), and writes it to
benchmarks/results/render_throughput_<domain>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from trl_visual_sdpo.data import chart_tasks
from trl_visual_sdpo.render.chart import ChartRenderer
from trl_visual_sdpo.sandbox import SandboxConfig

RESULTS = Path(__file__).parent / "results"
SAVE = "\nimport matplotlib.pyplot as _plt\n_plt.savefig('chart.png')\n"


def naive_subprocess(codes: list[str]) -> float:
    """One fresh interpreter per chart, as a script that saves its PNG (no isolation, no introspection)."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        for code in codes:
            Path(scratch, "program.py").write_text(code + SAVE)
            subprocess.run([sys.executable, "program.py"], cwd=scratch, env=env, check=True, capture_output=True)
    return len(codes) / (time.perf_counter() - start)


def timed(renderer: ChartRenderer, codes: list[str]) -> float:
    renderer.render_batch(codes[:2])  # warm up (workers started, imports done)
    start = time.perf_counter()
    results = renderer.render_batch(codes)
    elapsed = time.perf_counter() - start
    assert all(r.ok for r in results), [r.error for r in results if not r.ok][:2]
    return len(codes) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", default="chart", choices=["chart"])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    codes = [t["reference_code"] for t in chart_tasks()][: args.n]
    sandbox = ChartRenderer(SandboxConfig(num_workers=args.workers))
    result = {
        "domain": args.domain,
        "n": len(codes),
        "workers": args.workers,
        "cpu_count": os.cpu_count(),
        "sandbox": timed(sandbox, codes),
        "naive_subprocess": naive_subprocess(codes),
        "in_process": timed(ChartRenderer(in_process=True), codes),
    }
    sandbox.close()
    result["sandbox_over_naive"] = result["sandbox"] / result["naive_subprocess"]
    result["in_process_over_sandbox"] = result["in_process"] / result["sandbox"]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"render_throughput_{args.domain}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
