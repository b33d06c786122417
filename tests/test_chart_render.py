"""Chart rendering: runtime introspection of artists to program lines, defects, failures, the real sandbox."""

import pytest

from trl_visual_sdpo.defects import contrast_ratio
from trl_visual_sdpo.render.chart import ChartRenderer


HELPERS = """import matplotlib.pyplot as plt

def add_title(ax, text):
    ax.set_title(text)

fig, (left, right) = plt.subplots(1, 2, figsize=(8, 4))
left.bar(["a", "b", "c"], [3, 1, 2])
add_title(left, "Left panel")
for i in range(3):
    right.plot([0, 1], [i, i + 1], label=f"series {i}")
add_title(right, "Right panel")
right.set_xlabel("time")
right.xaxis.label.set_color("navy")
"""

CLEAN = """import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(6, 4))
ax.bar(["North", "South", "East"], [4, 7, 5], color="#1f77b4")
ax.set_title("Sales by region")
ax.set_ylabel("Units")
fig.tight_layout()
"""

DEFECTIVE = {
    "text_overlap": """import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 3))
names = [f"Very long category name {i}" for i in range(12)]
ax.bar(names, range(12))
""",
    "data_overlap": """import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(range(10), [5] * 10, label="steady line across the middle")
ax.legend(loc="center left", fontsize=14)
""",
    "clipped_text": """import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 3))
ax.bar(["a", "b"], [1, 2])
ax.text(1.05, 0.5, "A note that runs off the figure", transform=ax.transAxes)
""",
    "out_of_canvas": """import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot([1, 2, 3], label="a")
ax.plot([3, 2, 1], label="b")
ax.legend(bbox_to_anchor=(1.4, 0.5))
""",
    "low_contrast": """import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 3))
ax.bar(["a", "b"], [1, 2])
ax.set_title("Barely visible title", color="#dddddd")
""",
    "misaligned": """import matplotlib.pyplot as plt
fig = plt.figure(figsize=(6, 3))
left = fig.add_axes([0.10, 0.15, 0.35, 0.70])
right = fig.add_axes([0.55, 0.165, 0.35, 0.70])
left.plot([1, 2])
right.plot([2, 1])
""",
}


@pytest.fixture(scope="module")
def renderer():
    return ChartRenderer(in_process=True)


def _element(result, text):
    return next(e for e in result.elements if e.text == text)


def test_introspection_maps_artists_to_their_lines(renderer):
    result = renderer.render(HELPERS)
    assert result.ok, result.error
    # A helper called from two places: each title credits the helper's line and its own call site.
    assert {4, 8} <= set(_element(result, "Left panel").lines) and 11 not in _element(result, "Left panel").lines
    assert {4, 11} <= set(_element(result, "Right panel").lines) and 8 not in _element(result, "Right panel").lines
    # Every line drawn in the loop credits the loop body's line.
    lines = [e for e in result.elements if e.kind == "line" and e.meta["data"]]
    assert len(lines) == 3 and all(e.lines == [10] for e in lines)
    # Bars credit the bar call; an artist changed later credits the line that changed it.
    bars = [e for e in result.elements if e.kind == "patch" and e.meta["data"]]
    assert len(bars) == 3 and all(e.lines == [7] for e in bars)
    assert {12, 13} <= set(_element(result, "time").lines)
    assert 7 in _element(result, "a").lines  # a categorical tick label credits the call that set the categories


def test_clean_chart_has_no_defects(renderer):
    result = renderer.render(CLEAN)
    assert result.ok and result.defects == [], [d.message for d in result.defects]
    assert result.rubric["overall"] == 1.0 and result.size == (600, 400)
    assert result.image_png.startswith(b"\x89PNG")


@pytest.mark.parametrize("kind", sorted(DEFECTIVE))
def test_each_defect_is_found_on_a_chart_built_to_have_it(renderer, kind):
    result = renderer.render(DEFECTIVE[kind])
    assert result.ok, result.error
    found = [d for d in result.defects if d.kind == kind]
    assert found, [d.kind for d in result.defects]
    assert all(0 < d.severity <= 1 and d.element_ids and d.message for d in found)
    assert result.rubric[kind] < 1.0


def test_wcag_contrast_ratio_formula():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#3366cc", "#3366cc") == pytest.approx(1.0)


@pytest.mark.parametrize(
    "code, expected",
    [
        ("import matplotlib.pyplot as plt\nplt.plot([1, 2]\n", "SyntaxError"),
        ("import matplotlib.pyplot as plt\nx = [1, 2]\nplt.plot(x, y)\n", "line 3"),
        ("import matplotlib.pyplot as plt\nx = 1\n", "produced no figure"),
    ],
)
def test_failures_come_back_as_clear_errors(renderer, code, expected):
    result = renderer.render(code)
    assert not result.ok and expected in result.error and result.rubric["executable"] == 0.0


def test_show_and_savefig_anywhere_are_harmless(renderer):
    result = renderer.render(CLEAN + "plt.savefig('/nonexistent/dir/chart.png')\nplt.show()\n")
    assert result.ok and result.defects == []


def test_sandboxed_renders_match_in_process_ones(renderer):
    sandboxed = ChartRenderer()
    try:
        results = sandboxed.render_batch([HELPERS, "while True:\n    pass\n"])
    finally:
        sandboxed.close()
    reference = renderer.render(HELPERS)
    assert results[0].ok and [e.lines for e in results[0].elements] == [e.lines for e in reference.elements]
    assert not results[1].ok and "Timed out" in results[1].error
