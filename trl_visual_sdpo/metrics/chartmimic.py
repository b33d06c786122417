"""ChartMimic's low-level metrics (text, layout, chart type, colour), computed from our runtime trace of a render.

Definitions follow ChartMimic (Shi et al., 2024; `chart2code/utils/evaluator/` text_evaluator, layout_evaluator,
chart_type_evaluator, color_evaluator in the ChartMimic/ChartMimic repository), checked against their code on real
(prediction, reference) pairs (`tests/fixtures/chartmimic_official.json`, `benchmarks/chart_metric_agreement.py`).
Each axis is a precision/recall F1 of what the generated and the reference program drew; a program that fails, or
a side with nothing of that kind, scores 0 on the axis (as there):
- text: the strings drawn, x and y tick labels excluded, one entry per line of a multi-line text, exact match;
- layout: each axes' grid cell (rows, columns, first and last row, first and last column);
- type: the top-level plotting calls (`bar`, `plot`, `3d.scatter`, `polar.plot`, ...);
- colour: the colours each plotting call drew, as `call--#rrggbb` (or `call--colormap`), each once, near-duplicates
  dropped beyond 10; colours are matched one-to-one within the same call (optimal assignment) by a CIEDE2000
  similarity `max(0, 1 - dE / 100)` (colormap names: equal or not), whose sum gives precision and recall.
Where ChartMimic monkeypatches matplotlib in a prefix of the program, the chart renderer records the same facts in
the sandbox (`RenderResult.meta["chartmimic"]`, from `render.chart.chartmimic_trace`). `low_level` is the mean.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from trl_visual_sdpo.metrics.colors import ciede2000_similarity
from trl_visual_sdpo.results import RenderResult


AXES = ("text", "layout", "type", "color")
MAX_COLORS = 10
"""Beyond this many colours, near-duplicates (similarity > `DUPLICATE_SIMILARITY`) are dropped, as ChartMimic does."""
DUPLICATE_SIMILARITY = 0.7


def chart_trace(result: RenderResult) -> dict:
    """The facts the metrics compare, from a successful chart render."""
    trace = result.meta.get("chartmimic") or {}
    texts = trace.get("texts")
    if texts is None:  # a render recorded without the trace: its text elements, x and y ticks left out
        texts = [line for e in result.elements if e.kind == "text" and e.text and (
            e.meta.get("role") != "tick" or e.meta.get("axis") == "z") for line in e.text.split("\n") if line]
    return {
        "texts": texts,
        "layout": [tuple(cell) for cell in trace.get("layout", [])],
        "types": list(trace.get("types", result.meta.get("calls", []))),
        "colors": list(trace.get("colors", [])),
    }


def _f1(matched: float, predicted: int, reference: int) -> float:
    """F1 where two empty sides agree (1.0); the slide metrics use this."""
    if predicted == 0 and reference == 0:
        return 1.0
    return _chartmimic_f1(matched, predicted, reference)


def _chartmimic_f1(matched: float, predicted: int, reference: int) -> float:
    """ChartMimic's F1: 0 when either side has nothing of the kind."""
    if predicted == 0 or reference == 0 or matched == 0:
        return 0.0
    precision, recall = matched / predicted, matched / reference
    return 2 * precision * recall / (precision + recall)


def _multiset_f1(predicted: list, reference: list) -> float:
    return _f1(sum((Counter(predicted) & Counter(reference)).values()), len(predicted), len(reference))


def _chartmimic_multiset_f1(predicted: list, reference: list) -> float:
    return _chartmimic_f1(sum((Counter(predicted) & Counter(reference)).values()), len(predicted), len(reference))


def color_f1(predicted: list[str], reference: list[str]) -> float:
    """F1 of `#rrggbb` colours matched one-to-one (optimal assignment) by CIEDE2000 similarity (slides use it)."""
    if not predicted or not reference:
        return _f1(0, len(predicted), len(reference))
    from scipy.optimize import linear_sum_assignment

    similarity = ciede2000_similarity(predicted, reference)
    rows, cols = linear_sum_assignment(-similarity)
    return _f1(float(similarity[rows, cols].sum()), len(predicted), len(reference))


def _split(entry: str) -> tuple[str, str]:
    call, _, color = entry.rpartition("--")
    return call, color


def _similarity(first: list[str], second: list[str]) -> np.ndarray:
    """Pairwise similarity: CIEDE2000-based for two hex colours, equality for colormap names, 0 between kinds."""
    out = np.zeros((len(first), len(second)))
    hex_a = [i for i, c in enumerate(first) if c.startswith("#")]
    hex_b = [j for j, c in enumerate(second) if c.startswith("#")]
    if hex_a and hex_b:
        out[np.ix_(hex_a, hex_b)] = ciede2000_similarity([first[i] for i in hex_a], [second[j] for j in hex_b])
    for i, a in enumerate(first):
        for j, b in enumerate(second):
            if not a.startswith("#") and not b.startswith("#"):
                out[i, j] = float(a == b)
    return out


def _dedupe(colors: list[str]) -> list[str]:
    """ChartMimic's filter for long colour lists: keep a colour unless it is near one already kept."""
    colors = sorted(set(colors))
    if len(colors) <= MAX_COLORS:
        return colors
    kept: list[str] = []
    for entry in colors:
        if not kept or _similarity([_split(entry)[1]], [_split(k)[1] for k in kept]).max() <= DUPLICATE_SIMILARITY:
            kept.append(entry)
    return kept


def chartmimic_color_f1(predicted: list[str], reference: list[str]) -> float:
    """F1 of `call--colour` entries, colours matched one-to-one within each call by the best total similarity."""
    from scipy.optimize import linear_sum_assignment

    predicted, reference = _dedupe(predicted), _dedupe(reference)
    groups: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for entry in predicted:
        groups[_split(entry)[0]][0].append(_split(entry)[1])
    for entry in reference:
        groups[_split(entry)[0]][1].append(_split(entry)[1])
    matched = 0.0
    for ours, theirs in groups.values():
        if ours and theirs:
            similarity = _similarity(ours, theirs)
            rows, cols = linear_sum_assignment(-similarity)
            matched += float(similarity[rows, cols].sum())
    return _chartmimic_f1(matched, len(predicted), len(reference))


def chartmimic_scores(predicted: RenderResult, reference: RenderResult) -> dict[str, float]:
    """Text, layout, type and colour F1 of a predicted chart against the reference, and their mean."""
    if not predicted.ok:
        return {**dict.fromkeys(AXES, 0.0), "low_level": 0.0}
    if not reference.ok:
        raise ValueError(f"The reference program does not render: {reference.error}")
    pred, ref = chart_trace(predicted), chart_trace(reference)
    scores = {
        "text": _chartmimic_multiset_f1(pred["texts"], ref["texts"]),
        "layout": _chartmimic_multiset_f1(pred["layout"], ref["layout"]),
        "type": _chartmimic_multiset_f1(pred["types"], ref["types"]),
        "color": chartmimic_color_f1(pred["colors"], ref["colors"]),
    }
    scores["low_level"] = sum(scores.values()) / len(AXES)
    return scores
