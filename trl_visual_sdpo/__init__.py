"""trl-visual-sdpo: Visual Self-Distillation Policy Optimization for code that draws, on top of Hugging Face TRL."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any


__version__ = "0.1.0"

# Sandbox workers and the render CLI import submodules of this package; resolving the public names lazily keeps
# torch and TRL out of those processes (seconds per warm worker) while `from trl_visual_sdpo import X` still works.
_EXPORTS = {
    "VisualSDPOConfig": "trl_visual_sdpo.config",
    "VisualSDPOTrainer": "trl_visual_sdpo.trainer",
    "RenderResult": "trl_visual_sdpo.results",
    "Element": "trl_visual_sdpo.results",
    "Defect": "trl_visual_sdpo.results",
    "DefectKind": "trl_visual_sdpo.results",
    "Renderer": "trl_visual_sdpo.render.base",
}

__all__ = ["VisualSDPOConfig", "VisualSDPOTrainer", "RenderResult", "Element", "Defect", "DefectKind", "Renderer",
           "__version__"]

if TYPE_CHECKING:
    from trl_visual_sdpo.config import VisualSDPOConfig
    from trl_visual_sdpo.render.base import Renderer
    from trl_visual_sdpo.results import Defect, DefectKind, Element, RenderResult
    from trl_visual_sdpo.trainer import VisualSDPOTrainer


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'trl_visual_sdpo' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
