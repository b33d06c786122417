"""Chart false alarms fixed at their root, and what still has to be found: each case is a real render."""

import numpy as np
import pytest

from trl_visual_sdpo.defects import CHART_MIN_CONTRAST, blank, find_defects, text_overlaps
from trl_visual_sdpo.render.base import BLANK, Element
from trl_visual_sdpo.render.chart import ChartRenderer
from trl_visual_sdpo.render.chart_job import measure_text_contrast
from trl_visual_sdpo.rewards import defect_free_reward


@pytest.fixture(scope="module")
def renderer():
    renderer = ChartRenderer()
    yield renderer
    renderer.close()


def _kinds(result):
    return [d.kind for d in result.defects]


VALUE_LABELS = """import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(6, 4))
bars = ax.bar(["North", "South", "East"], [40, 70, 55], color="#1f3b73")
ax.bar_label(bars, label_type="center", color="white", fontsize=12)
ax.set_title("Sales by region")
fig.tight_layout()
"""


def test_value_labels_inside_bars_are_not_data_overlap(renderer):
    result = renderer.render(VALUE_LABELS)
    assert result.ok, result.error
    assert "data_overlap" not in _kinds(result) and "low_contrast" not in _kinds(result), result.defects


HEATMAP = """import matplotlib.pyplot as plt
import numpy as np
values = np.array([[0.9, 0.1], [0.2, 0.8]])
fig, ax = plt.subplots(figsize=(4, 4))
ax.imshow(values, cmap="Blues", vmin=0, vmax=1)
for (i, j), v in np.ndenumerate(values):
    ax.text(j, i, f"{v:.1f}", ha="center", va="center", color="white" if v > 0.5 else "black", fontsize=14)
"""


def test_heat_map_cell_labels_are_judged_against_their_cell(renderer):
    result = renderer.render(HEATMAP)
    assert result.ok, result.error
    labels = [e for e in result.elements if e.kind == "text" and e.meta.get("role") == "annotation"]
    assert len(labels) == 4
    white = [e for e in labels if e.text in ("0.9", "0.8")]
    # The background is the dark cell's pixels, never the text's own colour or the axes' white face.
    assert all(e.meta["contrast"]["ratio"] > CHART_MIN_CONTRAST for e in white)
    assert all(e.meta["background"] not in ("#ffffff", e.colors["color"]) for e in white)
    assert "data_overlap" not in _kinds(result) and "low_contrast" not in _kinds(result), result.defects


def test_light_grey_on_white_is_low_contrast_by_pixels(renderer):
    result = renderer.render("""import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot([1, 2, 3], [3, 1, 2])
ax.set_title("A title nobody can read", color="#eeeeee")
""")
    defects = [d for d in result.defects if d.kind == "low_contrast"]
    assert len(defects) == 1 and "nobody" in defects[0].message
    title = next(e for e in result.elements if e.text == "A title nobody can read")
    assert title.meta["background"] == "#ffffff"


def test_unreadable_label_on_a_bar_is_found(renderer):
    result = renderer.render("""import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 3))
ax.bar(["a", "b"], [10, 12], color="#f4a460")
ax.text(0, 5, "hidden", color="#ff8c40", ha="center", fontsize=12)
""")
    assert [d.message for d in result.defects if d.kind == "low_contrast"] != []


def test_twin_axes_hidden_tick_labels_are_not_overlaps(renderer):
    result = renderer.render("""import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot([0, 1, 2, 3], [1, 3, 2, 4], color="tab:blue")
right = ax.twinx()
right.plot([0, 1, 2, 3], [40, 10, 30, 20], color="tab:red")
ax.set_xlabel("step")
fig.tight_layout()
""")
    assert result.ok, result.error
    assert "text_overlap" not in _kinds(result), result.defects
    bottom = next(e for e in result.elements if e.kind == "axes").bbox[3]
    ticks = [e.text for e in result.elements if e.meta.get("role") == "tick" and e.bbox[1] >= bottom]
    assert len(ticks) == len(set(ticks)) > 3  # the twin's hidden x tick labels are not elements


def test_three_d_and_polar_tick_labels_are_where_they_are_drawn(renderer):
    result = renderer.render("""import matplotlib.pyplot as plt
import numpy as np
fig = plt.figure(figsize=(8, 4))
ax = fig.add_subplot(121, projection="3d")
ax.plot(np.arange(10), np.arange(10), np.arange(10) ** 2)
polar = fig.add_subplot(122, projection="polar")
polar.plot(np.linspace(0, 6, 50), np.linspace(1, 2, 50))
""")
    assert result.ok, result.error
    assert "clipped_text" not in _kinds(result), result.defects
    width, height = result.size
    ticks = [e for e in result.elements if e.meta.get("role") == "tick"]
    assert len(ticks) > 10
    assert all(0 <= e.bbox[0] and e.bbox[2] <= width and 0 <= e.bbox[1] and e.bbox[3] <= height for e in ticks)


def test_tight_savefig_keeps_a_legend_beside_the_axes_in_the_picture(renderer):
    code = """import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(4, 3))
ax.plot([1, 2, 3], label="a long series name")
ax.legend(bbox_to_anchor=(1.05, 1), loc="upper left")
plt.savefig("out.png"{tight})
"""
    loose = renderer.render(code.format(tight=""))
    tight = renderer.render(code.format(tight=', bbox_inches="tight"'))
    assert "out_of_canvas" in _kinds(loose)
    assert "out_of_canvas" not in _kinds(tight), tight.defects
    assert tight.size[0] > loose.size[0]


def test_a_line_through_a_label_and_a_legend_over_data_are_still_found(renderer):
    result = renderer.render("""import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(range(10), [5] * 10, label="steady line across the middle")
ax.text(4.5, 5, "A NOTE ON THE LINE", ha="center", va="center", fontsize=12)
ax.legend(loc="center left", fontsize=14)
""")
    covers = {d.element_ids[0] for d in result.defects if d.kind == "data_overlap"}
    assert len(covers) == 2


def test_blank_figure_is_blank_and_never_defect_free(renderer):
    empty = renderer.render("""import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.set_title("Revenue by year")
ax.set_xlabel("year")
""")
    assert empty.ok and _kinds(empty) == [BLANK]
    assert empty.rubric["overall"] == 0.0
    assert defect_free_reward(completions=[""], render_results=[empty]) == [0.0]
    drawn = renderer.render("import matplotlib.pyplot as plt\nplt.plot([1, 2])\n")
    assert BLANK not in _kinds(drawn)


def test_blank_for_pages_and_slides_from_elements():
    size = (800, 600)
    page_background = Element("body", "box", (0, 0, 800, 600), meta={"paints": True})
    assert [d.kind for d in blank([page_background], size)] == [BLANK]
    assert blank([page_background, Element("t", "text", (10, 10, 90, 30), text="Hello")], size) == []
    assert blank([Element("t", "text", (10, 10, 90, 30), text="   ")], size)[0].kind == BLANK
    card = Element("card", "box", (10, 10, 200, 120), meta={"paints": True})
    assert blank([page_background, card], size) == []
    # Charts need data: ticks and titles alone are empty axes.
    title = Element("t", "text", (10, 10, 90, 30), text="Title", meta={"role": "title"})
    assert [d.kind for d in find_defects([title], size, require_data=True)] == [BLANK]


def test_identical_texts_at_one_place_do_not_overlap_but_different_ones_do():
    a = Element("a", "text", (10, 10, 40, 22), text="10")
    same = Element("b", "text", (10.5, 10, 40.5, 22), text="10")
    other = Element("c", "text", (12, 12, 50, 24), text="20")
    assert text_overlaps([a, same]) == []
    assert len(text_overlaps([a, other])) == 1


def test_measured_contrast_reads_the_pixels_under_the_glyphs():
    background = np.full((20, 40, 3), 255.0)
    background[:, 20:] = (31, 59, 115)  # a dark bar on the right half
    image = background.copy()
    image[8:12, 24:36] = 255.0  # white glyphs on the bar
    ratio, under = measure_text_contrast(image, background, (22, 5, 38, 15), (1.0, 1.0, 1.0, 1.0))
    assert under == "#1f3b73" and ratio > 10
    # Same colour as what is under it: no glyph pixel differs, the whole box is the background (1:1).
    ratio, under = measure_text_contrast(background, background, (2, 2, 18, 18), (1.0, 1.0, 1.0, 1.0))
    assert under == "#ffffff" and ratio == pytest.approx(1.0)
    assert measure_text_contrast(image, background, (50, 50, 60, 60), (0, 0, 0, 1)) is None


def test_polygon_clipping_gives_the_shared_area():
    from trl_visual_sdpo.defects import _clip, _polygon_area

    square = [(0, 0), (10, 0), (10, 10), (0, 10)]
    assert _polygon_area(_clip(square, [(5, 5), (20, 5), (20, 20), (5, 20)])) == pytest.approx(25.0)
    assert _polygon_area(_clip([(5, 0), (10, 5), (5, 10), (0, 5)], square)) == pytest.approx(50.0)
    # A concave outline (a band under a curve) clipped by a box never exceeds the box.
    band = [(0, 0), (10, 8), (20, 0), (20, 2), (10, 10), (0, 2)]
    box = [(8, 0), (12, 0), (12, 4), (8, 4)]
    assert _polygon_area(_clip(band, box)) == pytest.approx(0.0, abs=1e-9)


RADAR = """import numpy as np
import matplotlib.pyplot as plt
angles = np.linspace(0, 2 * np.pi, 7, endpoint=False).tolist()
values = [86.4, 66.4, 78.7, 71.9, 74.9, 86.9, 59.3]
fig, ax = plt.subplots(figsize=(6, 6), subplot_kw=dict(polar=True))
ax.plot(angles + angles[:1], values + values[:1], color="blue", linewidth=1)
ax.set_rlabel_position(0)
ax.set_yticks([20, 40, 60, 80], ["20", "40", "60", "80"], color="grey", size=10)
ax.set_ylim(0, 90)
ax.text(angles[0], values[0], "86.4", ha="center", size=8)
"""


def test_a_series_line_through_a_radar_value_label_and_a_radial_tick_label_is_found(renderer):
    # The line leaves the vertex at 86.4 up-left through the label's digits, between two of its samples (a polar
    # line is sampled every several pixels); at 80 the series runs through the radial tick label "80".
    result = renderer.render(RADAR)
    texts = {e.id: e.text for e in result.elements if e.kind == "text"}
    crossed = {texts.get(d.element_ids[0]) for d in result.defects if d.kind == "data_overlap"}
    assert {"86.4", "80"} <= crossed, [d.message for d in result.defects]
    assert not {"20", "40"} & crossed  # tick labels the line stays clear of


def test_a_line_crossing_a_text_between_samples_counts_but_a_gap_between_strokes_does_not():
    label = Element("t", "text", (100, 100, 130, 112), text="86.4", meta={"role": "annotation"})
    # evenly sampled every 9 px, steeply through the label, no sample inside its glyph band
    steep = [(100 + 2 * k, 84 + 9 * k) for k in range(6)]
    line = Element("l", "line", (100, 84, 110, 129), meta={"data": True, "points": steep, "along": True})
    assert [d.element_ids for d in find_defects([label, line], (400, 300))
            if d.kind == "data_overlap"] == [["t", "l"]]
    # two strokes of one collection, the jump from one to the other passing over the label: not a line
    strokes = [(50 + 3 * k, 90) for k in range(8)] + [(180 + 3 * k, 120) for k in range(8)]
    segments = Element("s", "collection", (50, 90, 201, 120), meta={"data": True, "points": strokes, "along": True})
    assert not [d for d in find_defects([label, segments], (400, 300)) if d.kind == "data_overlap"]
