"""Our Design2Code block scores against the numbers Design2Code's own evaluator computed on the same pairs.

The fixture holds the official block-match/text/position/colour of each pair (CLIP absent: no weights here) and both
pages of every pair built from our own pages (see `benchmarks/web_metric_agreement.py`, which scores all pairs,
third-party pages included, and reports Pearson and mean absolute difference).
"""

import json
from pathlib import Path

import pytest

from trl_visual_sdpo.metrics.design2code import AXES, design2code_scores
from trl_visual_sdpo.render.web import WebRenderConfig, WebRenderer


FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "design2code_official.json").read_text())
INLINE = [p for p in FIXTURE["pairs"] if "reference" in p and not p["official_truncated"]]
# Every fifth pair (each kind of edit and page type), plus two that need Design2Code's block definition (a form whose
# labels sit outside their text tags) and merge rule (a rewritten heading that must not be merged into the next one).
HARD = ("task_web-065-form:mixed", "task_web-103-multi_column:text")
SAMPLE = INLINE[::5] + [p for p in INLINE if p["id"] in HARD]


def test_fixture_is_the_official_run_on_enough_pairs():
    assert len(FIXTURE["pairs"]) >= 50
    assert sum(not p["official_truncated"] for p in FIXTURE["pairs"]) >= 50
    for pair in FIXTURE["pairs"]:
        assert set(pair["official"]) == set(AXES)
        assert all(0.0 <= v <= 1.0 + 1e-9 for v in pair["official"].values())
        assert ("reference" in pair) != ("reference_file" in pair)  # inline pages, or a named third-party copy
    assert {p["edit"] for p in SAMPLE} >= {"text", "remove", "color", "layout"}


@pytest.fixture(scope="module")
def scored():
    # The official screenshots' viewport (Playwright's default page), whole pages.
    renderer = WebRenderer(WebRenderConfig(viewport_width=1280, viewport_height=720, max_page_height=16000,
                                           timeout_s=60))
    try:
        results = renderer.render_batch([c for p in SAMPLE for c in (p["prediction"], p["reference"])])
    finally:
        renderer.close()
    return [design2code_scores(results[2 * i], results[2 * i + 1], clip_model="") for i in range(len(SAMPLE))]


@pytest.mark.parametrize("axis", AXES)
def test_each_axis_agrees_with_the_official_evaluator(scored, axis):
    differences = [abs(ours[axis] - pair["official"][axis]) for ours, pair in zip(scored, SAMPLE)]
    table = [(pair["id"], round(ours[axis], 3), pair["official"][axis]) for ours, pair in zip(scored, SAMPLE)]
    assert sum(differences) / len(differences) <= 0.03, table
    # Text, position and colour follow their definitions, so every pair agrees; block_match's block extent differs on
    # purpose (theirs: every pixel in the element's text colour, so a bordered cell is the whole cell; ours: the text's
    # line boxes), so only its mean is held to the target.
    if axis != "block_match":
        assert max(differences) <= 0.01, table
