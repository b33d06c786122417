"""Contrast measured on rendered pixels (shared by web pages and slides): what a text is drawn on comes from the
render, never from the text's own colour."""

import numpy as np
import pytest

from trl_visual_sdpo.defects import (
    contrast_ratio,
    dominant_color,
    glyph_contrast,
    measured_contrast,
    pixels_around,
    pixels_under_glyphs,
    required_contrast,
)


def _page(background, size=(40, 100)):
    return np.full((*size, 3), background, dtype=np.uint8)


def _draw_glyphs(image, box, color):
    """Vertical 1 px strokes every 3 px inside `box`: a stand-in for letters covering a minority of a line box."""
    drawn = image.copy()
    x0, y0, x1, y1 = box
    drawn[y0:y1, x0:x1:3] = color
    return drawn


def test_light_grey_glyphs_on_white_are_judged_against_white():
    without_text = _page(255)
    image = _draw_glyphs(without_text, (10, 10, 60, 22), 0xEE)
    under = pixels_under_glyphs(image, without_text, [(10, 10, 60, 22)])
    ratio, background = measured_contrast(under, "#eeeeee")
    assert background == "#ffffff" and ratio == pytest.approx(contrast_ratio("#eeeeee", "#ffffff"), abs=1e-6)


def test_text_on_a_two_tone_background_is_judged_by_what_is_under_its_glyphs():
    """A dark band under the text's letters, white around the line box: the band decides (a banner image behind a
    heading), where sampling around the box would have said white."""
    without_text = _page(255)
    without_text[8:24, :] = (20, 30, 40)
    image = _draw_glyphs(without_text, (10, 10, 60, 22), 255)
    ratio, background = measured_contrast(pixels_under_glyphs(image, without_text, [(10, 10, 60, 22)]), "#ffffff")
    assert background == "#141e28" and ratio > 14
    around = dominant_color(pixels_around(image, (10, 10, 60, 22), ring=3))
    assert around == "#141e28"  # the 3 px band still lies on the dark band here...
    assert dominant_color(pixels_around(image, (10, 10, 60, 22), ring=6)) == "#ffffff"  # ...but not 6 px out


def test_the_median_over_a_gradient_decides():
    """Grey text over a left-to-right gradient from white to black: readable where the gradient is dark, not where
    it is light; the median over the glyphs is the middle of the gradient."""
    ramp = np.linspace(255, 0, 100).astype(np.uint8)
    without_text = np.repeat(np.repeat(ramp[None, :, None], 40, axis=0), 3, axis=2)
    image = _draw_glyphs(without_text, (0, 10, 100, 22), 128)
    ratio, _ = measured_contrast(pixels_under_glyphs(image, without_text, [(0, 10, 100, 22)]), "#808080")
    # glyph pixels where the ramp is within 8 levels of the text's grey do not count as drawn: they hide nothing
    assert 1.0 < ratio < 4.5


def test_glyphs_that_changed_no_pixel_are_not_measured():
    """Nothing of the text was drawn (a fade-in animation, a font still loading): its declared white on a white
    page would read 1:1, a defect nobody sees; the same text drawn is measured."""
    without_text = _page(255)
    assert glyph_contrast(without_text, without_text, [(5, 5, 50, 20)], "#ffffff") is None
    drawn = _draw_glyphs(without_text, (5, 5, 50, 20), (200, 40, 40))
    ratio, background = glyph_contrast(drawn, without_text, [(5, 5, 50, 20)], "#c82828")
    assert ratio == pytest.approx(contrast_ratio("#c82828", "#ffffff")) and background == "#ffffff"


def test_a_translucent_text_mixes_with_what_is_under_it():
    white = _page(255).reshape(-1, 3)
    opaque, _ = measured_contrast(white, "#000000")
    faded, _ = measured_contrast(white, "#000000", alpha=0.3)
    assert opaque == pytest.approx(21.0) and 1.5 < faded < 3.0


def test_boxes_off_the_image_measure_nothing():
    image = _page(255)
    assert measured_contrast(pixels_under_glyphs(image, image, [(500, 500, 600, 520)]), "#000000") is None


def test_the_band_around_a_box_leaves_the_box_out_and_falls_back_to_it_off_the_image():
    image = _page(255)
    image[10:20, 10:60] = 0  # the box itself is black, its surroundings white
    assert dominant_color(pixels_around(image, (10, 10, 60, 20))) == "#ffffff"
    assert dominant_color(pixels_around(image[10:20, 10:60], (0, 0, 50, 10))) == "#000000"


def test_wcag_thresholds_for_large_and_bold_text():
    assert required_contrast(12) == 4.5 and required_contrast(18) == 3.0
    assert required_contrast(14, bold=True) == 3.0 and required_contrast(14) == 4.5
