"""Our ChartMimic low-level metrics against the numbers ChartMimic's own evaluators computed on the same real pairs.

The fixture holds both programs of each pair and the official text/layout/type/colour F1 (see
`benchmarks/chart_metric_agreement.py`, which scores every pair and reports Pearson and mean absolute difference).
"""

import json
from pathlib import Path

import pytest

from trl_visual_sdpo.metrics.chartmimic import AXES, chartmimic_scores
from trl_visual_sdpo.render.chart import ChartRenderer


FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "chartmimic_official.json").read_text())
SAMPLE = FIXTURE["pairs"][::5]  # every fifth pair: all chart types of the fixture, a test-sized share


def test_fixture_is_the_official_run_on_enough_real_pairs():
    assert len(FIXTURE["pairs"]) >= 50
    for pair in FIXTURE["pairs"]:
        assert set(pair["official"]) == set(AXES)
        assert "matplotlib" in pair["prediction"] and "matplotlib" in pair["reference"]
        assert all(0.0 <= v <= 1.0 for v in pair["official"].values())


@pytest.fixture(scope="module")
def scored():
    renderer = ChartRenderer()
    try:
        results = renderer.render_batch([c for p in SAMPLE for c in (p["prediction"], p["reference"])])
    finally:
        renderer.close()
    return [chartmimic_scores(results[2 * i], results[2 * i + 1]) for i in range(len(SAMPLE))]


@pytest.mark.parametrize("axis", AXES)
def test_each_axis_agrees_with_the_official_evaluator(scored, axis):
    # ChartMimic gives graph charts a fixed layout cell by their file name, a rule we do not copy.
    pairs = [(ours, pair) for ours, pair in zip(scored, SAMPLE) if not (axis == "layout" and "graph" in pair["id"])]
    differences = [abs(ours[axis] - pair["official"][axis]) for ours, pair in pairs]
    assert sum(differences) / len(differences) <= 0.03, [
        (pair["id"], round(ours[axis], 3), pair["official"][axis]) for ours, pair in pairs]
