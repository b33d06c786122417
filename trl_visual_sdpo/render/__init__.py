"""Domain renderers. Each turns a program into a `RenderResult`; they are imported lazily (through
`trl_visual_sdpo.domains`) so that a chart user never imports a browser library and a web user never imports
matplotlib."""

from __future__ import annotations

from trl_visual_sdpo.render.base import Renderer, RenderResult


__all__ = ["Renderer", "RenderResult"]
