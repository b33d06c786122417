"""Design2Code metrics: 1.0 for a page against itself, lower for each kind of known difference."""

import pytest
from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel, CLIPTextConfig, CLIPVisionConfig

from trl_visual_sdpo.metrics.design2code import _merge_gain, design2code_scores, match_blocks, text_blocks
from trl_visual_sdpo.render.web import WebRenderConfig, WebRenderer


BASE = """<!DOCTYPE html><html><head><style>
body { font-family: "DejaVu Sans", sans-serif; margin: 24px; background: #fff; color: #111; }
h1 { color: #1d4ed8; }
</style></head><body>
<h1>Spring catalogue</h1>
<p>Fresh tulips and daffodils every morning.</p>
<p>Open daily from nine to six.</p>
</body></html>"""

CHANGES = {
    "text": ("Fresh tulips and daffodils every morning.", "Fresh roses and lilies each evening."),
    "color": ("color: #1d4ed8", "color: #dc2626"),
    "position": ("margin: 24px;", "margin: 24px 24px 24px 600px;"),
    "block_match": ("<p>Open daily from nine to six.</p>", ""),
}
# The same texts on another background: CLIP sees it (text is masked before CLIP, the backdrop is not).
BACKDROP = BASE.replace("background: #fff", "background: #fde68a")
# The same text split differently: Design2Code merges neighbouring blocks before matching them.
SPLIT = BASE.replace("<p>Fresh tulips and daffodils every morning.</p>",
                     "<p>Fresh tulips and daffodils</p><p>every morning.</p>")


@pytest.fixture(scope="module")
def renders():
    web = WebRenderer(WebRenderConfig(timeout_s=4))  # the broken page loops until the time limit
    pages = [BASE, *(BASE.replace(*change) for change in CHANGES.values()), SPLIT, BACKDROP,
             "<script>while(true){}</script>"]
    results = web.render_batch(pages)
    web.close()
    return dict(zip(["base", *CHANGES, "split", "backdrop", "broken"], results))


def test_a_page_against_itself_scores_one(renders):
    scores = design2code_scores(renders["base"], renders["base"])
    assert {k: scores[k] for k in ("block_match", "text", "position", "color", "overall")} == pytest.approx(
        {"block_match": 1.0, "text": 1.0, "position": 1.0, "color": 1.0, "overall": 1.0})
    assert scores["clip"] is None and "TVS_CLIP_MODEL" in scores["clip_skipped"]


@pytest.mark.parametrize("axis", list(CHANGES))
def test_each_known_difference_lowers_its_axis(renders, axis):
    scores = design2code_scores(renders[axis], renders["base"])
    assert scores[axis] < 0.99, scores
    assert scores["overall"] < 1.0


def test_neighbouring_blocks_are_merged_before_matching(renders):
    blocks = text_blocks(renders["split"])
    assert [b["text"] for b in blocks][1:3] == ["fresh tulips and daffodils", "every morning."]  # compared lower-case
    merged, _, pairs = match_blocks(blocks, text_blocks(renders["base"]))
    assert "fresh tulips and daffodils every morning." in [b["text"] for b in merged] and len(pairs) == 3
    scores = design2code_scores(renders["split"], renders["base"])
    assert scores["text"] == pytest.approx(1.0) and scores["block_match"] > 0.95 and scores["position"] > 0.95


def test_a_page_that_fails_scores_zero(renders):
    assert not renders["broken"].ok
    assert design2code_scores(renders["broken"], renders["base"])["overall"] == 0.0


def test_clip_score_with_local_weights(renders, tmp_path):
    vision = CLIPVisionConfig(hidden_size=32, intermediate_size=37, num_hidden_layers=1, num_attention_heads=2,
                              image_size=32, patch_size=8, projection_dim=16)
    text = CLIPTextConfig(hidden_size=32, intermediate_size=37, num_hidden_layers=1, num_attention_heads=2,
                          vocab_size=99, projection_dim=16)
    CLIPModel(CLIPConfig(text_config=text.to_dict(), vision_config=vision.to_dict(),
                         projection_dim=16)).save_pretrained(tmp_path)
    CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32}).save_pretrained(tmp_path)
    same = design2code_scores(renders["base"], renders["base"], clip_model=str(tmp_path))
    assert same["clip"] == pytest.approx(1.0, abs=1e-5) and "clip_skipped" not in same
    # text is painted over before CLIP (the text axes score it), so only the backdrop changes the embedding
    moved = design2code_scores(renders["position"], renders["base"], clip_model=str(tmp_path))
    assert moved["clip"] == pytest.approx(1.0, abs=1e-5)
    backdrop = design2code_scores(renders["backdrop"], renders["base"], clip_model=str(tmp_path))
    assert backdrop["clip"] < 0.999 and backdrop["overall"] == pytest.approx(
        sum(backdrop[k] for k in ("block_match", "text", "position", "color", "clip")) / 5)


def test_blocks_are_design2code_text_elements_with_their_inline_text():
    # Design2Code finds text by the colour it paints each element of its tag list: an <em> inside a <p> is part of
    # the paragraph's block, a <label> with no listed ancestor is never found, and texts compare in lower case.
    page = ('<html><body><form><label>Your Name</label><input></form>'
            '<div><p>Fresh <em>Tulips</em> daily</p></div></body></html>')
    web = WebRenderer(WebRenderConfig(timeout_s=30))
    try:
        [result] = web.render_batch([page])
    finally:
        web.close()
    blocks = text_blocks(result)
    assert [b["text"] for b in blocks] == ["fresh daily tulips"]
    paragraph = next(e for e in result.elements if e.kind == "text" and e.meta["tag"] == "p")
    emphasis = next(e for e in result.elements if e.kind == "text" and e.meta["tag"] == "em")
    width, height = result.size
    assert blocks[0]["box"][0] == pytest.approx(min(paragraph.bbox[0], emphasis.bbox[0]) / width)
    assert blocks[0]["box"][2] == pytest.approx(max(paragraph.bbox[2], emphasis.bbox[2]) / width)


def test_a_merge_never_folds_a_good_match_into_a_mediocre_one():
    # Design2Code's difference_of_means: merging a rewritten heading (0.11 against its reference) into the next
    # block, which matched perfectly, lifts the mean (one pair of 0.6 instead of 0.11 and 1.0) but is refused.
    assert _merge_gain([0.114, 1.0, 1.0], [0.6, 1.0]) == 0.0
    # Two halves of a split paragraph matching poorly, merged into one that matches well: a gain.
    assert _merge_gain([0.4, 0.3, 1.0], [0.9, 1.0]) == pytest.approx(0.9 - 0.35)
    # Nothing changed: no gain.
    assert _merge_gain([0.7, 1.0], [0.7, 1.0]) == 0.0


def test_a_heading_rewritten_beside_a_matching_block_stays_its_own_block():
    predicted = [{"text": "details service details", "box": (0, 0, 1, 0.1), "color": (0, 0, 0)},
                 {"text": "keyboard shortcuts", "box": (0, 0.2, 1, 0.3), "color": (0, 0, 0)}]
    reference = [{"text": "how it works", "box": (0, 0, 1, 0.1), "color": (0, 0, 0)},
                 {"text": "keyboard shortcuts", "box": (0, 0.2, 1, 0.3), "color": (0, 0, 0)}]
    merged, _, pairs = match_blocks(predicted, reference)
    assert len(merged) == 2
    assert [(i, j, s) for i, j, s in pairs] == [(1, 1, 1.0)]
