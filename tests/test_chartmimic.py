import pytest

from trl_visual_sdpo.metrics.chartmimic import chartmimic_scores
from trl_visual_sdpo.render.chart import ChartRenderer


REFERENCE = """import matplotlib.pyplot as plt
fig, (a, b) = plt.subplots(1, 2)
a.bar(["x", "y"], [1, 2], color="#1f77b4")
a.set_title("Totals")
b.plot([1, 2, 3], color="#d62728")
b.set_title("Trend")
"""


@pytest.fixture(scope="module")
def render():
    return ChartRenderer(in_process=True).render


def test_a_program_against_itself_scores_one(render):
    reference = render(REFERENCE)
    assert chartmimic_scores(reference, reference) == {"text": 1.0, "layout": 1.0, "type": 1.0, "color": 1.0,
                                                       "low_level": 1.0}


@pytest.mark.parametrize("change, axis", [
    (("Totals", "Sums"), "text"),
    (('color="#d62728"', 'color="#2ca02c"'), "color"),
    (("b.plot([1, 2, 3]", "b.bar([1, 2, 3], [1, 2, 3]"), "type"),
    (("plt.subplots(1, 2)", "plt.subplots(2, 1)"), "layout"),
])
def test_known_differences_lower_the_right_axis(render, change, axis):
    reference = render(REFERENCE)
    scores = chartmimic_scores(render(REFERENCE.replace(*change)), reference)
    assert scores[axis] < 1.0 and scores["low_level"] < 1.0
    assert all(scores[other] == 1.0 for other in ("text", "layout") if other != axis)


def test_a_failed_program_scores_zero(render):
    scores = chartmimic_scores(render("raise SystemExit"), render(REFERENCE))
    assert set(scores.values()) == {0.0}
