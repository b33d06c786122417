"""Slide metrics: AeSlides' aesthetic axes and similarity to a reference deck."""

import numpy as np
import pytest
from slide_decks import CLEAN, DEFECTIVE, PICTURE, deck, shared_renderer

from trl_visual_sdpo.metrics import domain_metric
from trl_visual_sdpo.metrics.slides import SIMILARITY_AXES, aesthetic_scores, content_ratio, slide_scores
from trl_visual_sdpo.render.base import RenderResult


VARIANTS = {
    "clean": CLEAN,
    "text": CLEAN.replace("A short body paragraph that fits in its box.", "Entirely different words here."),
    "moved": CLEAN.replace("text(5.3, 3.2, 4.2, 1.0,", "text(5.3, 5.6, 4.2, 1.0,"),
    "recoloured": CLEAN.replace('"Clean slide title", 36)', '"Clean slide title", 36, "C00000")'),
    "extra_picture": CLEAN.replace('prs.save("deck.pptx")',
                                   PICTURE + 'picture(6, 5.0, "#336699")\nprs.save("deck.pptx")'),
    "two_slides": CLEAN.replace('prs.save("deck.pptx")', 'prs.slides.add_slide(prs.slide_layouts[6])\n'
                                                         'prs.save("deck.pptx")'),
    "centred": deck('text(3, 3, 4, 1.5, "Centre", 40).text_frame.paragraphs[0].alignment = 2  # PP_ALIGN.CENTER\n'),
    "corner": deck('text(0.2, 0.2, 2.5, 1.0, "Corner", 40)\n'),
}


@pytest.fixture(scope="module")
def renders():
    renderer = shared_renderer()
    codes = {**VARIANTS, **{f"defect_{k}": v for k, v in DEFECTIVE.items()}}
    return dict(zip(codes, renderer.render_batch(list(codes.values()))))


def test_registered_with_its_headline():
    metric, headline = domain_metric("slide")
    assert metric is slide_scores and headline == "similarity"


def test_a_deck_against_itself_scores_one(renders):
    scores = slide_scores(renders["clean"], renders["clean"])
    assert scores["similarity"] == pytest.approx(1.0)
    assert all(scores[axis] == pytest.approx(1.0) for axis in SIMILARITY_AXES)


@pytest.mark.parametrize("variant, lower", [("text", "text"), ("moved", "position"), ("recoloured", "color"),
                                            ("extra_picture", "shapes"), ("two_slides", "slide_count")])
def test_known_differences_lower_their_axis(renders, variant, lower):
    scores = slide_scores(renders[variant], renders["clean"])
    assert scores[lower] < 0.95 and scores["similarity"] < 1.0
    for axis in {"text", "position", "color"} - {lower}:
        if variant in ("text", "moved", "recoloured"):  # a single change leaves the other axes alone
            assert scores[axis] == pytest.approx(1.0), axis


def test_failures(renders):
    failed = RenderResult.failure("boom")
    assert slide_scores(failed, renders["clean"])["similarity"] == 0.0
    with pytest.raises(ValueError, match="reference program does not render"):
        slide_scores(renders["clean"], failed)


def test_aesthetic_axes(renders):
    clean, overlap = aesthetic_scores(renders["clean"]), aesthetic_scores(renders["defect_text_overlap"])
    assert clean["collisions"] == 1.0 and overlap["collisions_per_slide"] == 1 and overlap["collisions"] == 0.5
    # Text running off the bottom makes the drawn page taller than the slide: AeSlides' aspect-ratio penalty.
    assert clean["aspect_ratio"] == 1.0 and aesthetic_scores(renders["defect_clipped_text"])["aspect_ratio"] < 1.0
    # A nearly empty slide is mostly whitespace; a centred one is balanced, a corner one is not.
    assert aesthetic_scores(renders["corner"])["whitespace"] < clean["whitespace"]
    centred, corner = aesthetic_scores(renders["centred"]), aesthetic_scores(renders["corner"])
    assert centred["imbalance"] < 1.0 < corner["imbalance"] and centred["balance"] == 1.0 > corner["balance"]
    assert all(0.0 <= clean[k] <= 1.0 for k in ("aspect_ratio", "whitespace", "collisions", "balance", "aesthetic"))


def test_metric_is_not_the_training_rubric(renders):
    """A near-misalignment costs rubric score (training reward) but none of AeSlides' axes."""
    misaligned = renders["defect_misaligned"]
    assert misaligned.rubric["misaligned"] < 1.0
    scores = aesthetic_scores(misaligned)
    assert scores["collisions"] == 1.0 and scores["aspect_ratio"] == 1.0


def test_content_ratio_counts_textured_pixels():
    blank = np.full((360, 480), 255, dtype=np.uint8)
    assert content_ratio(blank) == 0.0
    busy = blank.copy()
    busy[::4] = 0  # stripes everywhere
    assert content_ratio(busy) > 0.9
