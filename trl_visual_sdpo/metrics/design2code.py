"""Design2Code's automatic metrics between a generated web page and the reference page.

Definitions follow Design2Code (Si et al., 2024, "Design2Code: How Far Are We From Automating Front-End
Engineering?", `metrics/visual_score.py` in SALT-NLP/Design2Code). Both pages are reduced to their text blocks
(our DOM introspection: each element's own text, its rendered extent and colour), blocks are paired by a
maximum-similarity assignment (Jonker-Volgenant via scipy) of their texts, and pairs below 0.5 similarity do
not count as matches. Coordinates are normalised by the page size.

- block_match: the area of matched blocks (both pages) over the area of all blocks: missing and extra content
  both lower it;
- text: mean character similarity (`difflib`'s ratio, a Sørensen-Dice over matched characters) of the pairs;
- position: mean `1 - max(|dx|, |dy|)` of the pairs' normalised centres;
- color: mean CIEDE2000 similarity `max(0, 1 - dE / 100)` of the pairs' text colours;
- clip: cosine similarity of CLIP image embeddings of the two screenshots, when CLIP weights are available
  (`clip_model=` or `$TVS_CLIP_MODEL`: a Hub id or local directory, e.g. openai/clip-vit-base-patch32). Without
  weights (this package never downloads them on its own) `clip` is None and `clip_skipped` says why.
- overall: the mean of the available scores above.

Differences from the original: Design2Code also merges consecutive blocks before matching and masks text before
CLIP; we match blocks one to one and embed the whole screenshot.
"""

from __future__ import annotations

import difflib
import functools
import io
import os
from typing import Any

import numpy as np

from trl_visual_sdpo.metrics.colors import ciede2000_similarity
from trl_visual_sdpo.render.base import RenderResult

MATCH_THRESHOLD = 0.5
CLIP_ENV = "TVS_CLIP_MODEL"
AXES = ("block_match", "text", "position", "color")


def text_blocks(result: RenderResult) -> list[dict[str, Any]]:
    """Each text element as `{text, box (normalised x0, y0, x1, y1), color}`."""
    width, height = result.size or (1, 1)
    blocks = []
    for element in result.elements:
        if element.kind != "text" or not (element.text or "").strip():
            continue
        x0, y0, x1, y1 = element.bbox
        blocks.append({"text": element.text.strip(), "box": (x0 / width, y0 / height, x1 / width, y1 / height),
                       "color": element.colors.get("color", "#000000")})
    return blocks


def _area(box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _centre(box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def match_blocks(predicted: list[dict], reference: list[dict]) -> list[tuple[int, int, float]]:
    """`(predicted index, reference index, text similarity)` of the best one-to-one pairing above the threshold."""
    if not predicted or not reference:
        return []
    from scipy.optimize import linear_sum_assignment

    similarity = np.array([[difflib.SequenceMatcher(None, p["text"], r["text"]).ratio() for r in reference]
                           for p in predicted])
    rows, cols = linear_sum_assignment(-similarity)
    return [(i, j, float(similarity[i, j])) for i, j in zip(rows, cols) if similarity[i, j] >= MATCH_THRESHOLD]


@functools.lru_cache(maxsize=2)
def _clip(model_path: str):
    from transformers import CLIPImageProcessor, CLIPModel

    return CLIPModel.from_pretrained(model_path).eval(), CLIPImageProcessor.from_pretrained(model_path)


def clip_similarity(predicted: RenderResult, reference: RenderResult, model_path: str) -> float:
    """Cosine similarity of the CLIP image embeddings of two renders."""
    import torch
    from PIL import Image

    model, processor = _clip(model_path)
    images = [Image.open(io.BytesIO(r.image_png)).convert("RGB") for r in (predicted, reference)]
    with torch.no_grad():
        features = model.get_image_features(**processor(images=images, return_tensors="pt"))
        features = getattr(features, "pooler_output", features)
    features = torch.nn.functional.normalize(features, dim=-1)
    return float((features[0] * features[1]).sum().clamp(min=0))


def design2code_scores(
    predicted: RenderResult, reference: RenderResult, clip_model: str | None = None
) -> dict[str, Any]:
    """Block match, text, position, colour (and CLIP when weights are available) of a page against the reference."""
    clip_model = clip_model or os.environ.get(CLIP_ENV)
    if not predicted.ok:
        return {**{axis: 0.0 for axis in AXES}, "clip": 0.0 if clip_model else None, "overall": 0.0}
    if not reference.ok:
        raise ValueError(f"The reference page does not render: {reference.error}")
    pred, ref = text_blocks(predicted), text_blocks(reference)
    pairs = match_blocks(pred, ref)
    total = sum(_area(b["box"]) for b in pred + ref)
    matched = sum(_area(pred[i]["box"]) + _area(ref[j]["box"]) for i, j, _ in pairs)
    if pairs:
        colors = [ciede2000_similarity([pred[i]["color"]], [ref[j]["color"]])[0, 0] for i, j, _ in pairs]
        position = [1 - max(abs(a - b) for a, b in zip(_centre(pred[i]["box"]), _centre(ref[j]["box"])))
                    for i, j, _ in pairs]
        scores = {"block_match": matched / total if total else 1.0,
                  "text": float(np.mean([s for _, _, s in pairs])),
                  "position": float(np.clip(np.mean(position), 0, 1)), "color": float(np.mean(colors))}
    else:  # two empty pages are identical; otherwise nothing matched
        same = not pred and not ref
        scores = {axis: float(same) for axis in AXES}
    if clip_model:
        scores["clip"] = clip_similarity(predicted, reference, clip_model)
    else:
        scores["clip"] = None
        scores["clip_skipped"] = f"no CLIP weights: pass clip_model= or set ${CLIP_ENV}"
    available = [v for k, v in scores.items() if k in (*AXES, "clip") and v is not None]
    scores["overall"] = float(np.mean(available))
    return scores
