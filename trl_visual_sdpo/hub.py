"""The model card of a trained run, from the packaged `templates/model_card.md`, through huggingface_hub's card API.

`VisualSDPOTrainer.create_model_card` calls `build_model_card`, so TRL's usual `trainer.push_to_hub()` (and
`--push_to_hub` in every recipe) uploads the adapter or model, the processor and this card. The card reads what
the recipe leaves in `output_dir`: `metrics.json` (held-out scores before and after training) and
`before_after.png` (held-out renders), each only when present.
"""

from __future__ import annotations

import json
from dataclasses import fields
from importlib.metadata import version
from pathlib import Path
from typing import Any

from huggingface_hub import ModelCard, ModelCardData
from trl import GRPOConfig

MODEL_CARD_TEMPLATE = Path(__file__).resolve().parent / "templates" / "model_card.md"
"""The template shipped in the package; pass `template_path=` to use another."""

DOMAIN_DESCRIPTIONS = {
    "chart": "matplotlib programs that draw charts",
    "web": "HTML/CSS pages",
    "slide": "python-pptx programs that build slide decks",
}
EVALUATION_ROWS = (
    ("exec_rate", "Programs that run"),
    ("defects_per_render", "Defects per render (lower is better)"),
    ("flawless_rate", "Renders with no defect"),
    ("rubric_overall", "Rubric score"),
    ("reference_similarity", "Similarity to the reference"),
)
GENERATION_SETTINGS = ("num_generations", "max_completion_length", "temperature", "learning_rate", "max_steps")


def visual_sdpo_settings(args: GRPOConfig) -> dict[str, Any]:
    """The fields Visual-SDPO adds to `GRPOConfig`, plus the rollout settings that size a run."""
    own = [f.name for f in fields(args) if f.name not in GRPOConfig.__dataclass_fields__]
    return {name: getattr(args, name) for name in (*own, *GENERATION_SETTINGS)}


def _markdown_table(header: tuple[str, ...], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def evaluation_table(metrics: dict | None) -> str:
    """Before/after rows from a recipe's `metrics.json`, or a sentence saying there is none."""
    if not metrics or "held_out_after" not in metrics:
        return "No held-out evaluation was recorded for this run."
    before, after = metrics.get("held_out_before", {}), metrics["held_out_after"]
    rows = [(label, _fmt(before.get(key, "-")), _fmt(after[key])) for key, label in EVALUATION_ROWS if key in after]
    n = after.get("n")
    return (f"{n} held-out tasks.\n\n" if n else "") + _markdown_table(("Metric", "Before", "After"), rows)


def _quickstart(hub_model_id: str, base_model: str | None, is_adapter: bool) -> str:
    if is_adapter:
        return (f'from peft import AutoPeftModelForCausalLM\n\n'
                f'model = AutoPeftModelForCausalLM.from_pretrained("{hub_model_id}")')
    return f'from transformers import pipeline\n\ngenerator = pipeline("text-generation", model="{hub_model_id}")'


def build_model_card(
    output_dir: str | Path,
    args: GRPOConfig,
    domain: str,
    base_model: str | None,
    model_name: str,
    hub_model_id: str | None = None,
    dataset_name: str | None = None,
    tags: list[str] | None = None,
    template_path: str | Path = MODEL_CARD_TEMPLATE,
) -> ModelCard:
    """A model card for the run saved in `output_dir` (adapter or full model, plus the recipe's outputs)."""
    output_dir = Path(output_dir)
    metrics_file = output_dir / "metrics.json"
    metrics = json.loads(metrics_file.read_text()) if metrics_file.exists() else None
    is_adapter = (output_dir / "adapter_config.json").exists()
    card_data = ModelCardData(
        base_model=base_model,
        datasets=[dataset_name] if dataset_name and "/" in dataset_name else None,
        library_name="peft" if is_adapter else "transformers",
        model_name=model_name,
        tags=sorted({"trl", "visual-sdpo", domain, *(tags or [])}),
    )
    settings = visual_sdpo_settings(args)
    return ModelCard.from_template(
        card_data,
        template_path=str(template_path),
        model_name=model_name,
        base_model=base_model,
        base_model_url=f"https://huggingface.co/{base_model}" if base_model else "#",
        domain=domain,
        domain_description=DOMAIN_DESCRIPTIONS.get(domain, f"{domain} programs"),
        dataset_name=dataset_name,
        quickstart=_quickstart(hub_model_id or model_name, base_model, is_adapter),
        evaluation_table=evaluation_table(metrics),
        renders_image="before_after.png" if (output_dir / "before_after.png").exists() else None,
        settings_table=_markdown_table(("Setting", "Value"), [(f"`{k}`", f"`{v}`") for k, v in settings.items()]),
        package_version=version("trl-visual-sdpo"),
        trl_version=version("trl"),
        transformers_version=version("transformers"),
        pytorch_version=version("torch"),
    )
