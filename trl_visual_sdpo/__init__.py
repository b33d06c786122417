"""trl-visual-sdpo: Visual Self-Distillation Policy Optimization for code that draws, on top of Hugging Face TRL."""

from trl_visual_sdpo.config import VisualSDPOConfig
from trl_visual_sdpo.render.base import Defect, Element, Renderer, RenderResult
from trl_visual_sdpo.trainer import VisualSDPOTrainer

__version__ = "0.1.0"

__all__ = ["VisualSDPOConfig", "VisualSDPOTrainer", "RenderResult", "Element", "Defect", "Renderer", "__version__"]
