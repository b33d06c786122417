"""Design2Code's automatic metrics between a generated web page and the reference page.

Definitions follow Design2Code (Si et al., 2024, "Design2Code: How Far Are We From Automating Front-End
Engineering?", `metrics/visual_score.py` in SALT-NLP/Design2Code). Both pages are reduced to text blocks, from our
DOM introspection instead of their colour-coded re-render, but with their block definition: their block finder
paints each element of `TEXT_TAGS` (p, headings, div, span, a, li, td, ...) in a colour of its own and finds each
one's text by that colour, so a block is one such element with all the text it paints (its own and that of inline
descendants outside the list, such as em, strong or label), text outside every listed element is not seen, and
texts are compared in lower case. A block's extent is the union of its texts' line boxes, its colour the element's
text colour; blocks are in document order. Neighbouring blocks on either side are merged as their
`find_possible_merge` merges them (a prediction may split a paragraph the reference keeps whole, or the reverse):
in rounds, every merge that improves the pairing by their rule (`_merge_gain`) is applied, until no round changes
either page. Blocks are then paired by a maximum-similarity assignment (scipy's `linear_sum_assignment`) with their
context bonus (a pair whose neighbours also match is preferred), and pairs below 0.5 text similarity do not count.
Coordinates are normalised by the page size. `benchmarks/web_metric_agreement.py` compares the four block scores
with numbers their own code computed (`tests/fixtures/design2code_official.json`).

- block_match: the area of matched blocks (both pages) over the area of all blocks: missing and extra content
  both lower it;
- text: mean character similarity (`difflib`'s ratio) of the pairs;
- position: mean `1 - max(|dx|, |dy|)` of the pairs' normalised centres;
- color: mean CIEDE2000 similarity `max(0, 1 - dE / 100)` of the pairs' text colours;
- clip: cosine similarity of the CLIP image embeddings of the two screenshots with their text blocks painted over
  (so CLIP compares layout and imagery, text being scored above) and squashed to squares, when CLIP weights are
  available: `clip_model=` or `$TVS_CLIP_MODEL`, a Hub id or local directory (the paper uses ViT-B/32:
  openai/clip-vit-base-patch32). This package never downloads weights on its own: without them `clip` is None,
  `clip_skipped` says why, and `overall` averages the other four.
- overall: the mean of the available scores above (the paper's equal-weight final score when CLIP is there).

A page that did not render scores 0; when nothing matches, every block score is 0 (CLIP still counts), as in the
original.
"""

from __future__ import annotations

import difflib
import functools
import io
import os
from collections import Counter
from typing import Any

import numpy as np

from trl_visual_sdpo.metrics.colors import ciede2000_similarity
from trl_visual_sdpo.results import RenderResult


MATCH_THRESHOLD = 0.5
MERGE_GAIN = 0.05
"""A merge of two neighbouring blocks is a candidate when its gain (`_merge_gain`) is more than this."""
CONTEXT_BONUS = 0.1
CLIP_ENV = "TVS_CLIP_MODEL"
AXES = ("block_match", "text", "position", "color")

TEXT_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "span", "a", "b", "li", "table", "td", "th",
                       "button", "footer", "header", "figcaption"})
"""The elements Design2Code's block finder gives a colour of their own (`ocr_free_utils.process_html`)."""

Block = dict[str, Any]


def text_blocks(result: RenderResult) -> list[Block]:
    """The page's text blocks, in document order, as `{text, box (normalised x0, y0, x1, y1), color (r, g, b)}`:
    one per element of `TEXT_TAGS` that paints text, holding its own text and that of its descendants outside
    `TEXT_TAGS` (Design2Code finds text by the colour it gives these elements, which those descendants inherit)."""
    width, height = result.size or (1, 1)
    boxes = {e.id: e for e in result.elements if e.kind == "box"}
    grouped: dict[str, list] = {}  # owner id -> its text elements; dicts keep document order
    for element in result.elements:
        if element.kind != "text" or not (element.text or "").strip():
            continue
        chain = [element.meta.get("owner", element.id), *element.meta.get("ancestors", ())]
        owner = next((i for i in chain if i in boxes and boxes[i].meta.get("tag") in TEXT_TAGS), None)
        if owner is not None:  # text outside every listed element is never recoloured, so never found
            grouped.setdefault(owner, []).append(element)
    blocks = []
    for owner, texts in grouped.items():
        x0, y0 = min(t.bbox[0] for t in texts), min(t.bbox[1] for t in texts)
        x1, y1 = max(t.bbox[2] for t in texts), max(t.bbox[3] for t in texts)
        color = boxes[owner].colors.get("color") or texts[0].colors.get("color", "#000000")
        blocks.append({"text": " ".join(t.text.strip() for t in texts).lower(),
                       "box": (x0 / width, y0 / height, x1 / width, y1 / height),
                       "color": tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))})
    return blocks


def _area(box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _centre(box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _hex(rgb) -> str:
    return "#" + "".join(f"{int(round(c)):02x}" for c in rgb)


def _similarity(predicted: list[Block], reference: list[Block]) -> np.ndarray:
    """Text similarity (`difflib`'s ratio) of every predicted block (rows) to every reference block (columns). Low
    similarities are computed too, not cut to 0: the merge rule (`_merge_gain`) weighs the pairs a merge dissolves,
    whatever their similarity."""
    matrix = np.zeros((len(predicted), len(reference)))
    matcher = difflib.SequenceMatcher(None)
    for j, r in enumerate(reference):
        matcher.set_seq2(r["text"])  # the matcher indexes its second text once per column
        for i, p in enumerate(predicted):
            matcher.set_seq1(p["text"])
            matrix[i, j] = matcher.ratio()
    return matrix


def _with_context(similarity: np.ndarray) -> np.ndarray:
    """Design2Code's context bonus: a good pair (similarity > 0.5) gains `CONTEXT_BONUS` times the two best
    similarities among its neighbours in a 3x3 window, so runs of consecutive matches win ties."""
    adjusted = similarity.copy()
    for i, j in zip(*np.nonzero(similarity > 0.5)):
        window = similarity[max(0, i - 1) : i + 2, max(0, j - 1) : j + 2].flatten().tolist()
        window.remove(similarity[i, j])
        adjusted[i, j] += CONTEXT_BONUS * sum(sorted(window, reverse=True)[:2])
    return adjusted


def _assign(similarity: np.ndarray) -> list[tuple[int, int]]:
    """The one-to-one pairing of rows and columns with the highest total score."""
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(-similarity)
    return list(zip(rows.tolist(), cols.tolist()))


def _assigned(similarity: np.ndarray) -> list[float]:
    """The similarities of the best one-to-one pairing, row by row."""
    return [float(similarity[i, j]) for i, j in _assign(similarity)]


def _merge_gain(current: list[float], updated: list[float]) -> float:
    """How much a merge improves the pairing, as Design2Code's `difference_of_means` judges it: the pairs the merge
    leaves as they were are set aside; the gain is the mean similarity of the new pairs minus that of the pairs they
    replace, and an improvement only counts when the best new pair beats the best replaced one (so a merge never
    folds a good match into a mediocre one to lift the mean)."""
    removed, added = Counter(current), Counter(updated)
    for value in set(removed) & set(added):
        common = min(removed[value], added[value])
        removed[value] -= common
        added[value] -= common
    old, new = list(removed.elements()), list(added.elements())
    gain = (sum(new) / len(new) if new else 0.0) - (sum(old) / len(old) if old else 0.0)
    if gain > 0 and old and new and max(new) <= max(old):
        return 0.0
    return gain
def _merge(first: Block, second: Block) -> Block:
    a, b = first["box"], second["box"]
    return {"text": f"{first['text']} {second['text']}",
            "box": (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])),
            "color": tuple((x + y) / 2 for x, y in zip(first["color"], second["color"]))}


def _merge_round(side: list[Block], other: list[Block], predicted: bool) -> tuple[list[Block], bool]:
    """One round of Design2Code's merge search on `side` (the `predicted` page's blocks or the reference's): every
    merge of two neighbours that gains more than `MERGE_GAIN` (`_merge_gain`) is a candidate; candidates are taken
    best first, each skipping those that share a block with one already taken, and applied together. Returns the
    blocks and whether any merge was made. A merge changes one row of the similarity matrix: only that row is
    computed."""
    def rows(blocks):  # similarities with `side` as rows, measured the way round the metric measures them
        return _similarity(blocks, other) if predicted else _similarity(other, blocks).T

    if len(side) < 2 or not other:
        return side, False
    similarity = rows(side)
    current = _assigned(similarity)
    candidates = []
    for i in range(len(side) - 1):
        matrix = np.vstack([similarity[:i], rows([_merge(side[i], side[i + 1])]), similarity[i + 2 :]])
        gain = _merge_gain(current, _assigned(matrix))
        if gain > MERGE_GAIN:
            candidates.append((gain, i))
    taken: set[int] = set()
    for _, i in sorted(candidates, key=lambda c: -c[0]):  # stable: equal gains keep page order, as theirs
        if not taken & {i, i + 1}:
            taken |= {i, i + 1}
    if not taken:
        return side, False
    merged, i = [], 0
    while i < len(side):
        if i in taken:
            merged.append(_merge(side[i], side[i + 1]))
            i += 2
        else:
            merged.append(side[i])
            i += 1
    return merged, True


def _merge_neighbours(predicted: list[Block], reference: list[Block]) -> tuple[list[Block], list[Block]]:
    """Merge neighbouring blocks where that helps the pairing (a prediction may split a paragraph the reference keeps
    whole, or the reverse): rounds on the predicted page, then on the reference, until neither changes."""
    while True:
        predicted, predicted_changed = _merge_round(predicted, reference, predicted=True)
        reference, reference_changed = _merge_round(reference, predicted, predicted=False)
        if not predicted_changed and not reference_changed:
            return predicted, reference


def match_blocks(predicted: list[Block], reference: list[Block]) -> tuple[list[Block], list[Block], list]:
    """Merge neighbouring blocks where that helps, then pair them. Returns the (merged) blocks of both pages and the
    pairs `(predicted index, reference index, text similarity)` at or above the threshold."""
    if not predicted or not reference:
        return predicted, reference, []
    predicted, reference = _merge_neighbours(list(predicted), list(reference))
    similarity = _similarity(predicted, reference)
    pairs = _assign(_with_context(similarity))
    matched = [(i, j, float(similarity[i, j])) for i, j in pairs if similarity[i, j] >= MATCH_THRESHOLD]
    return predicted, reference, matched


def _masked_square(result: RenderResult, blocks: list[Block]):
    """The screenshot with each text block painted in the colour around it, squashed to a square of its shorter
    side (Design2Code inpaints the text and resizes the same way)."""
    from PIL import Image

    image = np.array(Image.open(io.BytesIO(result.image_png)).convert("RGB"))
    height, width = image.shape[:2]
    for block in blocks:
        x0, y0, x1, y1 = block["box"]
        left, top = max(0, int(x0 * width) - 1), max(0, int(y0 * height) - 1)
        right, bottom = min(width, int(np.ceil(x1 * width)) + 1), min(height, int(np.ceil(y1 * height)) + 1)
        if right - left < 2 or bottom - top < 2:
            continue
        patch = image[top:bottom, left:right]
        border = np.concatenate([patch[0], patch[-1], patch[:, 0], patch[:, -1]])
        image[top:bottom, left:right] = np.median(border, axis=0)
    side = min(width, height)
    return Image.fromarray(image).resize((side, side), Image.LANCZOS)


@functools.lru_cache(maxsize=2)
def _clip(model_path: str):
    from transformers import CLIPImageProcessor, CLIPModel

    return CLIPModel.from_pretrained(model_path).eval(), CLIPImageProcessor.from_pretrained(model_path)


def clip_similarity(predicted: RenderResult, reference: RenderResult, model_path: str) -> float:
    """Cosine similarity of the CLIP image embeddings of two renders, text blocks masked."""
    import torch

    model, processor = _clip(model_path)
    images = [_masked_square(r, text_blocks(r)) for r in (predicted, reference)]
    with torch.no_grad():
        features = model.get_image_features(**processor(images=images, return_tensors="pt"))
        features = getattr(features, "pooler_output", features)
    features = torch.nn.functional.normalize(features, dim=-1)
    return float((features[0] * features[1]).sum().clamp(0, 1))


def _block_scores(predicted: list[Block], reference: list[Block]) -> dict[str, float]:
    if not predicted and not reference:  # two pages without text: nothing differs
        return dict.fromkeys(AXES, 1.0)
    predicted, reference, pairs = match_blocks(predicted, reference)
    if not pairs:
        return dict.fromkeys(AXES, 0.0)
    total = sum(_area(b["box"]) for b in predicted + reference)
    matched = sum(_area(predicted[i]["box"]) + _area(reference[j]["box"]) for i, j, _ in pairs)
    colors = [ciede2000_similarity([_hex(predicted[i]["color"])], [_hex(reference[j]["color"])])[0, 0]
              for i, j, _ in pairs]
    position = [1 - max(abs(a - b) for a, b in zip(_centre(predicted[i]["box"]), _centre(reference[j]["box"])))
                for i, j, _ in pairs]
    return {"block_match": matched / total if total else 1.0, "text": float(np.mean([s for _, _, s in pairs])),
            "position": float(np.clip(np.mean(position), 0, 1)), "color": float(np.mean(colors))}


def design2code_scores(
    predicted: RenderResult, reference: RenderResult, clip_model: str | None = None
) -> dict[str, Any]:
    """Block match, text, position, colour (and CLIP when weights are available) of a page against the reference,
    each in [0, 1], and their mean as `overall`.

    Args:
        predicted: the render of the generated page.
        reference: the render of the reference page (it must have rendered).
        clip_model: CLIP weights (Hub id or local directory); default `$TVS_CLIP_MODEL`, else CLIP is skipped.
    """
    clip_model = clip_model or os.environ.get(CLIP_ENV)
    if not reference.ok:
        raise ValueError(f"The reference page does not render ({reference.error}); fix or drop that task.")
    if not predicted.ok:
        return {**dict.fromkeys(AXES, 0.0), "clip": 0.0 if clip_model else None, "overall": 0.0}
    scores: dict[str, Any] = _block_scores(text_blocks(predicted), text_blocks(reference))
    if clip_model:
        scores["clip"] = clip_similarity(predicted, reference, clip_model)
    else:
        scores["clip"] = None
        scores["clip_skipped"] = (f"no CLIP weights: pass clip_model= (e.g. a local copy of "
                                  f"openai/clip-vit-base-patch32) or set ${CLIP_ENV}")
    available = [scores[k] for k in (*AXES, "clip") if scores.get(k) is not None]
    scores["overall"] = float(np.mean(available))
    return scores
