import html
import io
import re

import numpy as np
import pytest
from PIL import Image

from trl_visual_sdpo.render.base import CLIPPED_TEXT, TEXT_OVERLAP, Defect, RenderResult
from trl_visual_sdpo.visualize import (
    DEFECT_COLORS,
    HEAT_COLOR,
    OTHER_DEFECT_COLOR,
    credit_heatmap_html,
    credit_heatmap_image,
    draw_defects,
    render_row,
    rows_html,
)


def _png(width, height, color="white"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def _result(defects, width=200, height=100, size=None, png_size=None):
    png_w, png_h = png_size or (width, height)
    return RenderResult(ok=True, image_png=_png(png_w, png_h), size=size or (width, height), defects=defects,
                        rubric={"executable": 1.0, TEXT_OVERLAP: 0.5})


def _pixels(image):
    return np.asarray(image.convert("RGB"))


def test_defect_boxes_are_drawn_where_the_defects_are():
    overlap = Defect(kind=TEXT_OVERLAP, bbox=(40, 50, 120, 90), severity=1.0)
    image = draw_defects(_result([overlap]), min_width=200)
    pixels = _pixels(image)
    red = DEFECT_COLORS[TEXT_OVERLAP]
    assert image.size == (200, 100)
    for x, y in ((40, 70), (119, 70), (80, 50), (80, 89)):  # the four edges of the box
        assert tuple(pixels[y, x]) == red, (x, y)
    assert tuple(pixels[70, 80]) == (255, 255, 255)  # the region itself is not painted over
    assert tuple(pixels[70, 160]) == (255, 255, 255) and tuple(pixels[95, 10]) == (255, 255, 255)
    label = pixels[:50, 40:120]  # the kind's label sits above the box, in the kind's colour
    assert (label == red).all(axis=-1).sum() > 50


def test_boxes_follow_the_render_size_and_labels_do_not_hide_the_region():
    # The canvas was measured at 200x200 but saved as a 64x64 PNG (like the toy renderer): boxes are scaled, and the
    # small image is enlarged 5x so labels are readable. A box at the top edge gets its label below it.
    clipped = Defect(kind=CLIPPED_TEXT, bbox=(100, 0, 150, 40), severity=0.5)
    other = Defect(kind="brand_new_kind", bbox=(0, 150, 50, 200), severity=0.2)
    image = draw_defects(_result([clipped, other], size=(200, 200), png_size=(64, 64)))
    pixels = _pixels(image)
    assert image.size == (320, 320)
    assert tuple(pixels[30, 160]) == DEFECT_COLORS[CLIPPED_TEXT]  # x0 = 100 * 320 / 200
    assert tuple(pixels[30, 100]) == (255, 255, 255)  # left of the scaled box
    assert tuple(pixels[20, 200]) == (255, 255, 255)  # inside the region, where an above-label cannot fit
    assert (pixels[64:90, 160:240] == DEFECT_COLORS[CLIPPED_TEXT]).all(axis=-1).sum() > 50  # label below
    assert tuple(pixels[300, 0]) == OTHER_DEFECT_COLOR  # unknown kinds still get a visible box


def test_failed_render_has_no_picture():
    assert draw_defects(RenderResult.failure("SyntaxError: invalid syntax")) is None


def test_heat_map_html_shades_credited_tokens_and_escapes_everything():
    text = 'title = "<b>Sales & co</b>"\nplt.show()'
    cut = text.index("\n")
    spans = [(0, 5), (5, 7), (7, cut), (cut, cut + 1), (cut + 1, len(text))]
    weights = [3.0, 1.0, 2.0, 1.0, 1.0]
    snippet = credit_heatmap_html(text, spans, weights, scale=3.0)
    assert "<b>" not in snippet and "&lt;b&gt;Sales &amp; co&lt;/b&gt;" in snippet
    shaded = re.findall(r'<span style="background:rgba\(220,38,38,([0-9.]+)\)" title="weight ([0-9.]+)">(.*?)</span>',
                        snippet, flags=re.S)
    assert [(float(a), w, html.unescape(t)) for a, w, t in shaded] == [
        (1.0, "3.000", "title"),
        (pytest.approx(0.575, abs=0.01), "2.000", ' "<b>Sales & co</b>"'),
    ]
    body = re.sub(r"<[^>]+>", "", snippet)
    assert html.unescape(body) == text  # every character once, in order


def test_heat_map_gives_each_character_once_when_spans_overlap():
    text = "é = 1"
    spans = [(0, 1), (0, 1), (1, 5)]  # two byte tokens share the accented character
    snippet = credit_heatmap_html(text, spans, [2.0, 2.0, 1.0], scale=2.0)
    assert html.unescape(re.sub(r"<[^>]+>", "", snippet)) == text
    assert credit_heatmap_html(text, spans, [2.0, 2.0, 1.0], scale=1.0).count("<span") == 0  # alpha = 0: no credit


def test_heat_map_image_shades_the_credited_line_only():
    text = "bad(x)\ngood(y)"
    image = credit_heatmap_image(text, [(0, 6), (6, 7), (7, 14)], [3.0, 1.0, 1.0], scale=3.0)
    pixels = _pixels(image)
    line_h = round(13 * 1.4)
    heat = (pixels == HEAT_COLOR).all(axis=-1)
    assert heat[6 : 6 + line_h].sum() > 20  # first line, fully credited
    assert heat[6 + line_h :].sum() == 0


def test_page_is_self_contained_and_escapes_the_error():
    crash = RenderResult.failure('Traceback ...\nValueError: bad <tag> & "quote"', code="x = (")
    ok = _result([Defect(kind=TEXT_OVERLAP, bbox=(0, 0, 50, 50), severity=1.0, message="a <overlap>")])
    rows = [
        render_row("completion 0", "Draw <it>", "```python\nx = (\n```", crash, None, None, scale=2.0),
        render_row("completion 1", "Draw", "code", ok, [(0, 4)], [2.0], scale=2.0, reward=0.5),
    ]
    assert rows[0].render is None and rows[0].rubric == "executable 0.00"
    page = rows_html(rows, "renders <step 3>")
    assert page.count("<tr class=") == 2
    assert "ValueError: bad &lt;tag&gt; &amp; &quot;quote&quot;" in page and "<tag>" not in page
    assert "text_overlap: a &lt;overlap&gt;" in page and "Draw &lt;it&gt;" in page
    assert page.count("src='data:image/png;base64,") == 1  # the one successful render, inlined
    assert "http" not in page and "<script" not in page
