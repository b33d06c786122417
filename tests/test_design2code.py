"""Design2Code metrics: 1.0 for a page against itself, lower for each kind of known difference."""

import pytest
from transformers import CLIPImageProcessor, CLIPModel, CLIPVisionConfig, CLIPConfig, CLIPTextConfig

from trl_visual_sdpo.metrics.design2code import design2code_scores, match_blocks, text_blocks
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
    assert [b["text"] for b in blocks][1:3] == ["Fresh tulips and daffodils", "every morning."]
    merged, _, pairs = match_blocks(blocks, text_blocks(renders["base"]))
    assert "Fresh tulips and daffodils every morning." in [b["text"] for b in merged] and len(pairs) == 3
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
    CLIPModel(CLIPConfig(text_config=text.to_dict(), vision_config=vision.to_dict(), projection_dim=16)).save_pretrained(
        tmp_path)
    CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32}).save_pretrained(tmp_path)
    same = design2code_scores(renders["base"], renders["base"], clip_model=str(tmp_path))
    assert same["clip"] == pytest.approx(1.0, abs=1e-5) and "clip_skipped" not in same
    # text is painted over before CLIP (the text axes score it), so only the backdrop changes the embedding
    moved = design2code_scores(renders["position"], renders["base"], clip_model=str(tmp_path))
    assert moved["clip"] == pytest.approx(1.0, abs=1e-5)
    backdrop = design2code_scores(renders["backdrop"], renders["base"], clip_model=str(tmp_path))
    assert backdrop["clip"] < 0.999 and backdrop["overall"] == pytest.approx(
        sum(backdrop[k] for k in ("block_match", "text", "position", "color", "clip")) / 5)
