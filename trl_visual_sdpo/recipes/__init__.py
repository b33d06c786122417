"""The training recipes, shipped inside the package: one script per domain, its default config and the accelerate
configs for scaling out.

    trl-visual-sdpo train chart                          # the CPU demo config (configs/chart.yaml)
    trl-visual-sdpo train web --config my.yaml --max_steps 100
    trl-visual-sdpo train slide --accelerate_config zero2 --use_cpu false --bf16 true
    accelerate launch -m trl_visual_sdpo.recipes.chart --config my.yaml   # the same, by hand

Each script parses TRL's way (`TrlParser` over `RecipeArguments`, `VisualSDPOConfig` and TRL's `ModelConfig`), so
every `GRPOConfig` flag works, and `--config` takes a YAML file of the same flags.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


RECIPES = ("chart", "web", "slide")
ACCELERATE_CONFIGS = ("ddp", "zero2", "zero3", "fsdp")


def _file(*parts: str) -> Path:
    return Path(str(resources.files(__name__).joinpath(*parts)))


def recipe_script(domain: str) -> Path:
    """The training script of `domain`."""
    if domain not in RECIPES:
        raise ValueError(f"No recipe for {domain!r}; the recipes are {', '.join(RECIPES)}.")
    return _file(f"{domain}.py")


def default_config(domain: str) -> Path:
    """The YAML config a recipe runs with when no `--config` is given (the CPU demo settings)."""
    recipe_script(domain)
    return _file("configs", f"{domain}.yaml")


def accelerate_config(name_or_path: str) -> Path:
    """A packaged accelerate config by name (`ddp`, `zero2`, `zero3`, `fsdp`), or a path to your own."""
    if name_or_path in ACCELERATE_CONFIGS:
        return _file("accelerate_configs", f"{name_or_path}.yaml")
    path = Path(name_or_path)
    if not path.is_file():
        raise FileNotFoundError(f"No accelerate config {name_or_path!r}: give one of {', '.join(ACCELERATE_CONFIGS)} "
                                "or the path of a config written by `accelerate config`.")
    return path
