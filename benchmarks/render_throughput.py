"""Charts per second through the sandbox, side by side with a naive `python program.py` per chart and with
unisolated in-process execution, on the embedded reference programs.

    python benchmarks/render_throughput.py --domain chart --n 40

Slides: decks per second through the whole slide renderer (sandboxed python-pptx, the warm LibreOffice, PyMuPDF),
and LibreOffice's conversion alone two ways: the warm converter (one resident office, isolated) side by side with
one office process per deck (`soffice --headless --convert-to pdf`, the usual way, no isolation):

    python benchmarks/render_throughput.py --domain slide --n 24

Web pages: pages per second through the warm browser (one Chromium, a new context per page, `--workers` pages at
once) side by side with a cold start per page (a new renderer, so a new Playwright driver, bubblewrap and Chromium,
for every page; the same rendering and introspection):

    python benchmarks/render_throughput.py --domain web --n 40

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

from trl_visual_sdpo.data import chart_tasks, slide_tasks
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


def office_per_deck(decks: list[bytes]) -> float:
    """Decks per second converted by a fresh `soffice --headless --convert-to pdf` per deck (profile made once)."""
    with tempfile.TemporaryDirectory() as scratch:
        profile = f"-env:UserInstallation=file://{scratch}/profile"
        command = ["soffice", "--headless", "--norestore", profile, "--convert-to", "pdf", "--outdir", scratch]
        Path(scratch, "warmup.pptx").write_bytes(decks[0])
        subprocess.run([*command, str(Path(scratch, "warmup.pptx"))], check=True, capture_output=True)
        start = time.perf_counter()
        for i, deck in enumerate(decks):
            Path(scratch, f"deck{i}.pptx").write_bytes(deck)
            subprocess.run([*command, str(Path(scratch, f"deck{i}.pptx"))], check=True, capture_output=True)
            assert Path(scratch, f"deck{i}.pdf").exists()
        return len(decks) / (time.perf_counter() - start)


def warm_converter(decks: list[bytes]) -> float:
    """Decks per second converted by one resident, isolated LibreOffice (render/office.py)."""
    from trl_visual_sdpo.render.office import OfficeConverter

    converter = OfficeConverter()
    try:
        converter.convert(decks[0])  # started, warm
        start = time.perf_counter()
        for deck in decks:
            assert converter.convert(deck).startswith(b"%PDF")
        return len(decks) / (time.perf_counter() - start)
    finally:
        converter.close()


def slide_throughput(n: int, workers: int) -> dict:
    from trl_visual_sdpo.render.slide import SlideRenderer

    codes = [t["reference_code"] for t in slide_tasks()][::3][:n]  # every third task: all six slide types
    renderer = SlideRenderer(SandboxConfig(num_workers=workers))
    try:
        decks_per_s = timed(renderer, codes)
        decks = [renderer.sandbox.run(renderer.build_target, {"code": c, "limits": renderer._limits()}).value["deck"]
                 for c in codes]
    finally:
        renderer.close()
    result = {"domain": "slide", "n": len(codes), "workers": workers, "cpu_count": os.cpu_count(),
              "renderer": decks_per_s, "convert_warm": warm_converter(decks),
              "convert_office_per_deck": office_per_deck(decks)}
    result["warm_over_office_per_deck"] = result["convert_warm"] / result["convert_office_per_deck"]
    return result


def browser_per_page(codes: list[str]) -> float:
    """Pages per second with a fresh renderer (driver, sandbox, browser) per page: what the warm browser saves."""
    from trl_visual_sdpo.render.web import WebRenderer

    start = time.perf_counter()
    for code in codes:
        renderer = WebRenderer()
        result = renderer.render(code)
        renderer.close()
        assert result.ok, result.error
    return len(codes) / (time.perf_counter() - start)


def web_throughput(n: int, workers: int) -> dict:
    from trl_visual_sdpo.data import web_tasks
    from trl_visual_sdpo.render.web import WebRenderConfig, WebRenderer

    codes = [t["reference_code"] for t in web_tasks()][::3][:n]  # every third task: all six page types
    renderer = WebRenderer(WebRenderConfig(concurrency=workers))
    try:
        pages_per_s = timed(renderer, codes)
    finally:
        renderer.close()
    cold = codes[: max(1, n // 4)]  # a cold start per page is slow: a quarter of the pages tells the rate
    result = {"domain": "web", "n": len(codes), "workers": workers, "cpu_count": os.cpu_count(),
              "warm_browser": pages_per_s, "n_browser_per_page": len(cold), "browser_per_page": browser_per_page(cold)}
    result["warm_over_browser_per_page"] = result["warm_browser"] / result["browser_per_page"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", default="chart", choices=["chart", "slide", "web"])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    if args.domain in ("slide", "web"):
        result = (slide_throughput if args.domain == "slide" else web_throughput)(args.n, args.workers)
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"render_throughput_{args.domain}.json").write_text(json.dumps(result, indent=2))
        print(json.dumps(result))
        return
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
