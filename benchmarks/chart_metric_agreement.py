"""Agreement of our ChartMimic low-level metrics with ChartMimic's official evaluators, per axis.

    python benchmarks/chart_metric_agreement.py

The official numbers are a fixture (`tests/fixtures/chartmimic_official.json`): ChartMimic's own evaluation code
(`chart2code/utils/evaluator/` text, layout, chart-type and colour evaluators, github.com/ChartMimic/ChartMimic)
run, in its pinned environment (matplotlib 3.8.4, numpy 1.26), on (prediction, reference) pairs of real ChartMimic
programs: the prediction is the ChartEdit target of the same chart (`dataset/edit_500/X.py`, an edited variant:
other data, texts, colours or chart types), the reference the original (`dataset/ori_500/X.py`). Their code is not
part of this repository; the fixture records what it computed, with both programs.

Here both programs are rendered by `ChartRenderer` and scored by `trl_visual_sdpo.metrics.chartmimic`; per axis
the Pearson correlation and the mean absolute difference to the official numbers go into
`benchmarks/results/metric_agreement.json` under "chart" (other domains' keys in that file are kept).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path


ROOT = Path(__file__).resolve().parent
FIXTURE = ROOT.parent / "tests" / "fixtures" / "chartmimic_official.json"
RESULTS = ROOT / "results" / "metric_agreement.json"
AXES = ("text", "layout", "type", "color")
TARGET_PEARSON, TARGET_MAD = 0.95, 0.03
REASONS = {
    "layout": ("ChartMimic's layout evaluator replaces every axes' grid cell by a fixed cell when the program's file "
               "path contains '/graph' (networkx charts); we compare the real cells and do not copy a file-name rule. "
               "`axes_without_graph_files` gives the agreement on the other pairs."),
    "color": ("ChartMimic's colour evaluator is not deterministic on some programs (its colour log goes through "
              "Python set and dict order); the fixture keeps every official run and uses their median. Ours is "
              "deterministic: where both programs draw the same colours it gives 1.0."),
}


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson correlation, None when either side is constant (undefined)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sx = math.sqrt(sum((x - mx) ** 2 for x in xs))
    sy = math.sqrt(sum((y - my) ** 2 for y in ys))
    if sx == 0 or sy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / (sx * sy)


def agreement(ours: list[dict], official: list[dict], axes: tuple[str, ...] = AXES) -> dict:
    """Per axis: Pearson, mean absolute difference and whether both meet the targets (shared by the web report)."""
    out = {}
    for axis in axes:
        xs, ys = [o[axis] for o in ours], [o[axis] for o in official]
        r = pearson(xs, ys)
        mad = sum(abs(x - y) for x, y in zip(xs, ys)) / len(xs)
        out[axis] = {"pearson": None if r is None else round(r, 4), "mad": round(mad, 4),
                     "meets_target": r is not None and r >= TARGET_PEARSON and mad <= TARGET_MAD}
    return out


def render_pairs(renderer, pairs: list[dict]) -> list[tuple]:
    """(predicted, reference) render results of each pair, closing `renderer` after (shared by the web report). A
    reference that does not render is our set-up's failure, not a low score, so it stops the benchmark."""
    try:
        results = renderer.render_batch([code for p in pairs for code in (p["prediction"], p["reference"])])
    finally:
        renderer.close()
    for pair, reference in zip(pairs, results[1::2]):
        if not reference.ok:
            raise RuntimeError(f"Reference {pair['id']} does not render here: {reference.error}")
    return list(zip(results[0::2], results[1::2]))


def score_pairs(pairs: list[dict]) -> list[dict]:
    from trl_visual_sdpo.metrics.chartmimic import chartmimic_scores
    from trl_visual_sdpo.render.chart import ChartRenderer
    from trl_visual_sdpo.sandbox import SandboxConfig

    renders = render_pairs(ChartRenderer(SandboxConfig(timeout_s=60, cpu_seconds=60)), pairs)
    return [{k: round(v, 4) for k, v in chartmimic_scores(predicted, reference).items()}
            for predicted, reference in renders]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    fixture = json.loads(FIXTURE.read_text())
    pairs = fixture["pairs"]
    ours = score_pairs(pairs)
    official = [p["official"] for p in pairs]
    summary = agreement(ours, official)
    kept = [i for i, p in enumerate(pairs) if "graph" not in p["id"]]
    without_graph = agreement([ours[i] for i in kept], [official[i] for i in kept])
    for axis, v in summary.items():
        print(f"{axis:7s} pearson {v['pearson']}  mad {v['mad']}  target met: {v['meets_target']}")
    report = json.loads(args.output.read_text()) if args.output.exists() else {}
    report["chart"] = {
        "benchmark": "ChartMimic low-level metrics (text, layout, type, colour F1)",
        "official": fixture["evaluator"], "pairs": len(pairs), "axes": summary,
        "axes_without_graph_files": without_graph,
        "reasons": REASONS,
        "targets": {"pearson": TARGET_PEARSON, "mad": TARGET_MAD},
        "notes": fixture.get("notes", ""),
        "per_pair": [{"id": p["id"], "official": p["official"], "ours": o} for p, o in zip(pairs, ours)],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=1) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
