"""Benchmark metrics per domain, kept apart from the training rubric."""

from __future__ import annotations

from trl_visual_sdpo.render.base import Renderer


def score_prediction(domain: str, predicted_code: str, reference_code: str, renderer: Renderer) -> dict:
    """Render a prediction and its reference and score them with the domain's benchmark metric and rubric."""
    if domain != "chart":
        raise ValueError(f"No metric for domain {domain!r} yet; available: 'chart'.")
    from trl_visual_sdpo.metrics.chartmimic import chartmimic_scores

    predicted, reference = renderer.render_batch([predicted_code, reference_code])
    return {"ok": predicted.ok, "error": predicted.error, **chartmimic_scores(predicted, reference),
            "defects": len(predicted.defects), "rubric_overall": predicted.rubric.get("overall", 0.0)}
