"""Benchmark metrics per domain, kept apart from the training rubric.

Each domain's `Domain` (trl_visual_sdpo.domains) names one function `scores(predicted, reference) -> dict` over two
`RenderResult`s, and its headline key: the similarity in [0, 1] that `reference_similarity_reward` trains on.
"""

from __future__ import annotations

from typing import Callable

from trl_visual_sdpo.render.base import Renderer
from trl_visual_sdpo.results import RenderResult


def domain_metric(domain: str) -> tuple[Callable[[RenderResult, RenderResult], dict], str]:
    """The benchmark metric of `domain` and its headline key (from its `trl_visual_sdpo.domains.Domain`)."""
    from trl_visual_sdpo.domains import get_domain

    return get_domain(domain).metric_function()


def score_prediction(domain: str, predicted_code: str, reference_code: str, renderer: Renderer) -> dict:
    """Render a prediction and its reference and score them with the domain's benchmark metric and rubric."""
    metric, _ = domain_metric(domain)
    predicted, reference = renderer.render_batch([predicted_code, reference_code])
    return {"ok": predicted.ok, "error": predicted.error, **metric(predicted, reference),
            "defects": len(predicted.defects), "rubric_overall": predicted.rubric.get("overall", 0.0)}
