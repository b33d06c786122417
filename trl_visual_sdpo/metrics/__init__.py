"""Benchmark metrics per domain, kept apart from the training rubric.

Each domain registers one function `scores(predicted, reference) -> dict` over two `RenderResult`s, and the
name of its headline key: the similarity in [0, 1] that `reference_similarity_reward` trains on.
"""

from __future__ import annotations

import importlib
from typing import Callable

from trl_visual_sdpo.render.base import Renderer, RenderResult

METRICS = {
    "chart": ("trl_visual_sdpo.metrics.chartmimic:chartmimic_scores", "low_level"),
    "web": ("trl_visual_sdpo.metrics.design2code:design2code_scores", "overall"),
    "slide": ("trl_visual_sdpo.metrics.slides:slide_scores", "similarity"),
}
"""Domain -> (`module:function` of its benchmark metric, the key of its overall similarity)."""


def domain_metric(domain: str) -> tuple[Callable[[RenderResult, RenderResult], dict], str]:
    """The benchmark metric of `domain` and its headline key."""
    if domain not in METRICS:
        raise ValueError(f"No metric for domain {domain!r}; available: {', '.join(sorted(METRICS))}.")
    path, headline = METRICS[domain]
    module_name, function_name = path.split(":")
    return getattr(importlib.import_module(module_name), function_name), headline


def score_prediction(domain: str, predicted_code: str, reference_code: str, renderer: Renderer) -> dict:
    """Render a prediction and its reference and score them with the domain's benchmark metric and rubric."""
    metric, _ = domain_metric(domain)
    predicted, reference = renderer.render_batch([predicted_code, reference_code])
    return {"ok": predicted.ok, "error": predicted.error, **metric(predicted, reference),
            "defects": len(predicted.defects), "rubric_overall": predicted.rubric.get("overall", 0.0)}
