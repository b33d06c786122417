"""Domain renderers. Each turns a program into a `RenderResult`; they are imported lazily so that a chart user
never imports a browser library and a web user never imports matplotlib."""

from __future__ import annotations

import importlib

from trl_visual_sdpo.render.base import Renderer, RenderResult

RENDERERS = {
    "chart": "trl_visual_sdpo.render.chart:ChartRenderer",
    "web": "trl_visual_sdpo.render.web:WebRenderer",
    "slide": "trl_visual_sdpo.render.slide:SlideRenderer",
}


def load_renderer(domain: str, **kwargs) -> Renderer:
    """Build the renderer of `domain` (e.g. `"chart"`) with its keyword arguments."""
    if domain not in RENDERERS:
        raise ValueError(f"Unknown domain {domain!r}. Available domains: {', '.join(sorted(RENDERERS))}.")
    module_name, class_name = RENDERERS[domain].split(":")
    return getattr(importlib.import_module(module_name), class_name)(**kwargs)


__all__ = ["RENDERERS", "Renderer", "RenderResult", "load_renderer"]
