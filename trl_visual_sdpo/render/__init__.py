"""Domain renderers. Each turns a program into a `RenderResult`; they are imported lazily so that a chart user
never imports a browser library and a web user never imports matplotlib.

Third-party renderers register through the entry-point group `trl_visual_sdpo.renderers` (name: the domain, value:
`module:Class`), e.g. in their pyproject.toml:

    [project.entry-points."trl_visual_sdpo.renderers"]
    svg = "my_package.svg:SvgRenderer"
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from trl_visual_sdpo.render.base import Renderer, RenderResult

RENDERERS = {
    "chart": "trl_visual_sdpo.render.chart:ChartRenderer",
    "web": "trl_visual_sdpo.render.web:WebRenderer",
    "slide": "trl_visual_sdpo.render.slide:SlideRenderer",
}


ENTRY_POINT_GROUP = "trl_visual_sdpo.renderers"


def available_renderers() -> dict[str, str]:
    """Domain -> `module:Class`: ours, then every installed package's `trl_visual_sdpo.renderers` entry points."""
    return {**RENDERERS, **{ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}}


def load_renderer(domain: str, **kwargs) -> Renderer:
    """Build the renderer of `domain` (e.g. `"chart"`, or a registered third-party domain) with its keyword
    arguments."""
    renderers = available_renderers()
    if domain not in renderers:
        raise ValueError(f"Unknown domain {domain!r}. Available domains: {', '.join(sorted(renderers))}. A "
                         f"third-party renderer registers under the entry-point group {ENTRY_POINT_GROUP!r}.")
    module_name, class_name = renderers[domain].split(":")
    return getattr(importlib.import_module(module_name), class_name)(**kwargs)


__all__ = ["ENTRY_POINT_GROUP", "RENDERERS", "Renderer", "RenderResult", "available_renderers", "load_renderer"]
