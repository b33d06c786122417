"""Slide benchmark metrics: AeSlides' aesthetic axes per slide, and similarity to a reference deck.

Aesthetics follow AeSlides (Pan et al., 2026, "AeSlides: Incentivizing Aesthetic Layout in LLM-Based Slide
Generation via Verifiable Rewards"; code: github.com/ympan0508/aeslides, `src/reward.py`, `src/whitespace.py`,
`src/centroid.py`). AeSlides renders HTML slides; we read the same quantities off a rendered deck. Per slide:

- aspect ratio: AeSlides scores the aspect ratio of the rendered page (content overflowing a slide makes it taller)
  with `exp(-16 e^2 - 64 max(-e - 0.04, 0)^2)`, `e = ln(ratio / target)`: too tall is punished harder than too
  wide. Our page is the union of the slide and everything drawn for it (shapes and measured text, which may stick
  out of the slide), and the target is the deck's own slide ratio (AeSlides fixes 16:9; a 4:3 deck is legitimate);
- whitespace: AeSlides' content ratio, the share of pixels whose local grey-level standard deviation (Gaussian blur
  21x21, box window 201x151 at 1280 px width, clipped at 50, threshold 0.05) marks content, after cropping 15 % at
  the top and 10 % at the other edges; kernels are scaled to our slide width. AeSlides' mapping from content ratio
  to reward is not public; we score `smoothstep((ratio - 0.25) / (0.75 - 0.25))` (ours, so that a sparse
  title-only slide scores low and a filled slide 1);
- collisions: AeSlides' element-collision detector is proprietary; we count pairs of distinct content items on a
  slide (each shape's measured text, pictures, tables, charts) whose boxes intersect by at least 1 % of the
  smaller, nested items (a cell's text in its table) excepted; score `1 / (1 + collisions)`;
- balance: AeSlides' visual centroid: items weighted by area (text boxes, pictures, tables, charts), the centroid's
  offset from the slide centre normalised by slide size, `imbalance = sqrt((dx / 0.0075)^2 + (dy / 0.145)^2)`,
  imbalanced when above 1 (their tolerances); score `1 / imbalance` capped at 1 (ours).

`aesthetic` is the mean of the four scores averaged over slides. These are computed independently of the training
rubric (rubric.py scores the defect list that defects.py finds), so an evaluation does not just re-measure the
reward; `defects_per_slide` is reported beside them for reference, outside every mean.

Reference similarity (when a reference deck is given): slides are paired by index, and on each pair the shapes are
matched one-to-one (Hungarian assignment) by text and position similarity. Then, as precision/recall F1 over the
two decks' shapes:
- text: difflib ratio of the matched shapes' texts (shapes with text only);
- position: `1 - max(|dx|, |dy|)` of the matched shapes' normalised centres (Design2Code's position score);
- colour: text colours, shape fills and slide backgrounds, matched by CIEDE2000 similarity (as ChartMimic);
- shapes: the multiset of shape types (text box, picture, table, chart with its chart type, ...).
`similarity`, the headline, is their mean times the ratio of the smaller to the larger slide count: 1.0 for a deck
against itself.
"""

from __future__ import annotations

import io
import math
from difflib import SequenceMatcher

import numpy as np

from trl_visual_sdpo.metrics.chartmimic import _f1, _multiset_f1, color_f1
from trl_visual_sdpo.results import Element, RenderResult


AESTHETIC_AXES = ("aspect_ratio", "whitespace", "collisions", "balance")
SIMILARITY_AXES = ("text", "position", "color", "shapes")
X_TOLERANCE, Y_TOLERANCE = 0.0075, 0.145
CONTENT_LOW, CONTENT_HIGH = 0.25, 0.75


def _slides(result: RenderResult) -> list[tuple[Element, list[Element]]]:
    """Each slide element with the shape and text elements drawn on it."""
    slides = [e for e in result.elements if e.kind == "slide"]
    return [(s, [e for e in result.elements if e.kind in ("shape", "text") and e.meta.get("frame") == s.id])
            for s in slides]


def _union(boxes) -> tuple[float, float, float, float]:
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def aspect_ratio_score(slide: Element, items: list[Element]) -> float:
    """AeSlides' asymmetric aspect-ratio reward of the drawn page against the slide's own ratio."""
    x0, y0, x1, y1 = _union([slide.bbox, *(e.bbox for e in items if e.kind == "text" or e.meta.get("data"))])
    target = (slide.bbox[2] - slide.bbox[0]) / (slide.bbox[3] - slide.bbox[1])
    error = math.log(((x1 - x0) / max(y1 - y0, 1e-9)) / target)
    return math.exp(-16.0 * error**2 - 64.0 * max(-error - 0.04, 0.0) ** 2)


def content_ratio(gray: np.ndarray) -> float:
    """AeSlides' whitespace metric: share of content pixels (local standard deviation) in the cropped slide."""
    from scipy.ndimage import gaussian_filter, uniform_filter

    scale = gray.shape[1] / 1280
    box = (max(3, int(151 * scale) | 1), max(3, int(201 * scale) | 1))  # (rows, columns)
    blurred = gaussian_filter(gray.astype(np.float32), sigma=3.5 * scale, mode="reflect")
    mean = uniform_filter(blurred, size=box, mode="reflect")
    mean_sq = uniform_filter(blurred**2, size=box, mode="reflect")
    std = np.sqrt(np.maximum(mean_sq - mean**2, 0.0))
    content = np.clip(std, 0, 50) / 50 > 0.05
    h, w = content.shape
    return float(content[int(h * 0.15) : int(h * 0.9), int(w * 0.1) : int(w * 0.9)].mean())


def _smoothstep(x: float, low: float, high: float) -> float:
    t = min(1.0, max(0.0, (x - low) / (high - low)))
    return 3 * t * t - 2 * t * t * t


def _content_items(items: list[Element]) -> list[Element]:
    return [e for e in items if (e.kind == "text" and (e.text or "").strip()) or e.meta.get("data")]


def collisions(items: list[Element]) -> int:
    content, count = _content_items(items), 0
    for i, a in enumerate(content):
        for b in content[i + 1 :]:
            if a.id in b.meta.get("ancestors", ()) or b.id in a.meta.get("ancestors", ()):
                continue
            overlap = _area((max(a.bbox[0], b.bbox[0]), max(a.bbox[1], b.bbox[1]),
                             min(a.bbox[2], b.bbox[2]), min(a.bbox[3], b.bbox[3])))
            if overlap > 0 and overlap >= 0.01 * min(_area(a.bbox), _area(b.bbox)):
                count += 1
    return count


def _area(box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def imbalance(slide: Element, items: list[Element]) -> float:
    """AeSlides' visual-centroid imbalance (above 1: imbalanced); 0 for an empty slide."""
    weighted = [(e, _area(e.bbox)) for e in _content_items(items) if not (e.kind == "text" and e.meta.get(
        "role") == "cell")]
    total = sum(w for _, w in weighted)
    if total <= 0:
        return 0.0
    cx = sum((e.bbox[0] + e.bbox[2]) / 2 * w for e, w in weighted) / total
    cy = sum((e.bbox[1] + e.bbox[3]) / 2 * w for e, w in weighted) / total
    width, height = slide.bbox[2] - slide.bbox[0], slide.bbox[3] - slide.bbox[1]
    dx = (cx - (slide.bbox[0] + width / 2)) / width
    dy = (cy - (slide.bbox[1] + height / 2)) / height
    return math.hypot(dx / X_TOLERANCE, dy / Y_TOLERANCE)


def _gray(result: RenderResult) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(result.image_png)).convert("L"))


def aesthetic_scores(result: RenderResult) -> dict[str, float]:
    """AeSlides' aesthetic axes of one rendered deck, averaged over its slides (all 0 for a failed render)."""
    if not result.ok:
        return {**dict.fromkeys(AESTHETIC_AXES, 0.0), "aesthetic": 0.0, "content_ratio": 0.0,
                "collisions_per_slide": 0.0, "imbalance": 0.0, "imbalanced_rate": 0.0, "defects_per_slide": 0.0}
    gray = _gray(result)
    per_slide = []
    for slide, items in _slides(result):
        x0, y0, x1, y1 = (int(round(v)) for v in slide.bbox)
        ratio = content_ratio(gray[y0:y1, x0:x1])
        hits, offset = collisions(items), imbalance(slide, items)
        per_slide.append({"aspect_ratio": aspect_ratio_score(slide, items),
                          "whitespace": _smoothstep(ratio, CONTENT_LOW, CONTENT_HIGH),
                          "collisions": 1.0 / (1 + hits), "balance": min(1.0, 1.0 / max(offset, 1e-9)),
                          "content_ratio": ratio, "collisions_per_slide": float(hits), "imbalance": offset,
                          "imbalanced_rate": float(offset > 1.0)})
    scores = {key: sum(s[key] for s in per_slide) / len(per_slide) for key in per_slide[0]}
    scores["aesthetic"] = sum(scores[axis] for axis in AESTHETIC_AXES) / len(AESTHETIC_AXES)
    scores["defects_per_slide"] = len(result.defects) / len(per_slide)
    return scores


# ------------------------------------------------------------------------------------------ reference similarity


def _normalised_center(element: Element, slide: Element) -> tuple[float, float]:
    width, height = slide.bbox[2] - slide.bbox[0], slide.bbox[3] - slide.bbox[1]
    return (((element.bbox[0] + element.bbox[2]) / 2 - slide.bbox[0]) / width,
            ((element.bbox[1] + element.bbox[3]) / 2 - slide.bbox[1]) / height)


def _position_similarity(a: Element, slide_a: Element, b: Element, slide_b: Element) -> float:
    (ax, ay), (bx, by) = _normalised_center(a, slide_a), _normalised_center(b, slide_b)
    return max(0.0, 1.0 - max(abs(ax - bx), abs(ay - by)))


def _text_similarity(a: Element, b: Element) -> float:
    first, second = " ".join((a.text or "").split()), " ".join((b.text or "").split())
    if not first and not second:
        return 1.0
    return SequenceMatcher(None, first, second, autojunk=False).ratio()


def _shape_type(element: Element) -> str:
    kind = element.meta.get("shape_type", "other")
    return f"chart:{element.meta.get('chart_type', '')}" if kind == "chart" else kind


def _match_shapes(pred: list[Element], slide_p: Element, ref: list[Element], slide_r: Element) -> list[tuple]:
    """One-to-one matching of two slides' shapes maximising text + position similarity."""
    if not pred or not ref:
        return []
    from scipy.optimize import linear_sum_assignment

    similarity = np.array([[0.5 * _text_similarity(p, r) + 0.5 * _position_similarity(p, slide_p, r, slide_r)
                            for r in ref] for p in pred])
    rows, cols = linear_sum_assignment(-similarity)
    return [(pred[i], ref[j]) for i, j in zip(rows, cols)]


def _deck_colors(result: RenderResult) -> list[str]:
    colors = []
    for element in result.elements:
        if element.kind == "slide":
            colors.append(element.colors.get("background"))
        elif element.kind == "shape":
            colors.append(element.colors.get("fill"))
        elif element.kind == "text":
            colors.append(element.colors.get("color"))
    return [c for c in colors if c]


def similarity_scores(predicted: RenderResult, reference: RenderResult) -> dict[str, float]:
    """Text, position, colour and shape-type F1 of a predicted deck against the reference deck, and their mean."""
    pred_slides, ref_slides = _slides(predicted), _slides(reference)
    text_sum = position_sum = 0.0
    pred_shapes = [e for _, items in pred_slides for e in items if e.kind == "shape"]
    ref_shapes = [e for _, items in ref_slides for e in items if e.kind == "shape"]
    for (slide_p, items_p), (slide_r, items_r) in zip(pred_slides, ref_slides):
        shapes_p = [e for e in items_p if e.kind == "shape"]
        shapes_r = [e for e in items_r if e.kind == "shape"]
        for p, r in _match_shapes(shapes_p, slide_p, shapes_r, slide_r):
            position_sum += _position_similarity(p, slide_p, r, slide_r)
            if (p.text or "").strip() and (r.text or "").strip():
                text_sum += _text_similarity(p, r)
    texts_p = sum(1 for e in pred_shapes if (e.text or "").strip())
    texts_r = sum(1 for e in ref_shapes if (e.text or "").strip())
    scores = {
        "text": _f1(text_sum, texts_p, texts_r),
        "position": _f1(position_sum, len(pred_shapes), len(ref_shapes)),
        "color": color_f1(_deck_colors(predicted), _deck_colors(reference)),
        "shapes": _multiset_f1([_shape_type(e) for e in pred_shapes], [_shape_type(e) for e in ref_shapes]),
    }
    slide_ratio = min(len(pred_slides), len(ref_slides)) / max(len(pred_slides), len(ref_slides), 1)
    scores["slide_count"] = slide_ratio
    scores["similarity"] = slide_ratio * sum(scores[axis] for axis in SIMILARITY_AXES) / len(SIMILARITY_AXES)
    return scores


def slide_scores(predicted: RenderResult, reference: RenderResult | None = None) -> dict[str, float]:
    """AeSlides' aesthetics of the predicted deck and, with a reference deck, the similarity to it (`similarity`,
    the headline). A failed prediction scores 0 everywhere; a reference that does not render is an error."""
    scores = aesthetic_scores(predicted)
    if reference is None:
        return scores
    if not reference.ok:
        raise ValueError(f"The reference program does not render: {reference.error}")
    if not predicted.ok:
        return {**scores, **dict.fromkeys(SIMILARITY_AXES, 0.0), "slide_count": 0.0, "similarity": 0.0}
    return {**scores, **similarity_scores(predicted, reference)}
