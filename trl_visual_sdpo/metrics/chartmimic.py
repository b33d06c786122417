"""ChartMimic's low-level metrics (text, layout, chart type, colour), computed from our runtime trace of a render.

Definitions follow ChartMimic (Shi et al., 2024; `chart2code/utils/evaluator/` text_evaluator, layout_evaluator,
chart_type_evaluator, color_evaluator in the ChartMimic/ChartMimic repository): each compares what the generated
and the reference program drew, as a precision/recall F1, and a program that fails scores 0 on every axis.
- text: the strings drawn, tick labels excluded, exact match;
- layout: each subplot's grid position (rows, columns, row, column);
- type: the top-level plotting calls (`ax.bar`, `plt.plot`, ...);
- colour: each drawn data object's final colour; pairs are matched one-to-one (Hungarian assignment) by a
  CIEDE2000-based similarity `max(0, 1 - dE / 100)`, whose sum over matched pairs gives precision and recall.
Where ChartMimic monkeypatches matplotlib in a prefix of the program, we read the same facts from the render's
runtime-introspected elements and recorded calls (`RenderResult.meta["calls"]`). `low_level` is the mean.
"""

from __future__ import annotations

from collections import Counter

from trl_visual_sdpo.metrics.colors import ciede2000_similarity
from trl_visual_sdpo.render.base import RenderResult

AXES = ("text", "layout", "type", "color")


def chart_trace(result: RenderResult) -> dict:
    """The facts the metrics compare, from a successful chart render."""
    return {
        "texts": [e.text.strip() for e in result.elements
                  if e.kind == "text" and e.meta.get("role") != "tick" and (e.text or "").strip()],
        "layout": [tuple(e.meta["grid"]) for e in result.elements if e.kind == "axes" and "grid" in e.meta],
        "types": list(result.meta.get("calls", [])),
        "colors": [c for e in result.elements if e.meta.get("data")
                   for c in [e.colors.get("face") or e.colors.get("color")] if c],
    }


def _f1(matched: float, predicted: int, reference: int) -> float:
    if predicted == 0 and reference == 0:
        return 1.0
    if matched == 0:
        return 0.0
    precision, recall = matched / predicted, matched / reference
    return 2 * precision * recall / (precision + recall)


def _multiset_f1(predicted: list, reference: list) -> float:
    return _f1(sum((Counter(predicted) & Counter(reference)).values()), len(predicted), len(reference))


def color_f1(predicted: list[str], reference: list[str]) -> float:
    if not predicted or not reference:
        return _f1(0, len(predicted), len(reference))
    from scipy.optimize import linear_sum_assignment

    similarity = ciede2000_similarity(predicted, reference)
    rows, cols = linear_sum_assignment(-similarity)
    return _f1(float(similarity[rows, cols].sum()), len(predicted), len(reference))


def chartmimic_scores(predicted: RenderResult, reference: RenderResult) -> dict[str, float]:
    """Text, layout, type and colour F1 of a predicted chart against the reference, and their mean."""
    if not predicted.ok:
        return {**{axis: 0.0 for axis in AXES}, "low_level": 0.0}
    if not reference.ok:
        raise ValueError(f"The reference program does not render: {reference.error}")
    pred, ref = chart_trace(predicted), chart_trace(reference)
    scores = {
        "text": _multiset_f1(pred["texts"], ref["texts"]),
        "layout": _multiset_f1(pred["layout"], ref["layout"]),
        "type": _multiset_f1(pred["types"], ref["types"]),
        "color": color_f1(pred["colors"], ref["colors"]),
    }
    scores["low_level"] = sum(scores.values()) / len(AXES)
    return scores
