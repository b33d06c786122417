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

from huggingface_hub import EvalResult, ModelCard, ModelCardData
from trl import GRPOConfig, GRPOTrainer


MODEL_CARD_TEMPLATE = Path(__file__).resolve().parent / "templates" / "model_card.md"
"""The template shipped in the package; pass `template_path=` to use another."""

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


def _domain_text(domain: str, field_name: str) -> str:
    """A text of a registered domain (the card is also written for unregistered toy domains: then empty)."""
    from trl_visual_sdpo.domains import available_domains

    found = available_domains().get(domain)
    return getattr(found, field_name) if found is not None else ""


def _quickstart(hub_model_id: str, domain: str, is_adapter: bool, vision: bool) -> str:
    """How to generate with the model, like TRL's card (`pipeline` with chat messages); adapters load through peft."""
    request = _domain_text(domain, "example_request") or f"Write a {domain} program."
    task = "image-text-to-text" if vision else "text-generation"
    lines = [] if not is_adapter else [
        "# The adapter is merged on load (needs `pip install peft`).",
    ]
    content = (f'[{{"type": "text", "text": "{request}"}}]' if vision else f'"{request}"')
    return "\n".join([
        "from transformers import pipeline",
        "",
        *lines,
        f'generator = pipeline("{task}", model="{hub_model_id}", device_map="auto")',
        f'messages = [{{"role": "user", "content": {content}}}]',
        "output = generator(messages, max_new_tokens=1024, return_full_text=False)[0]",
        'print(output["generated_text"])  # the program; render it with `trl-visual-sdpo render ' + domain + ' FILE`',
    ])


def eval_results(metrics: dict | None, dataset_name: str | None, domain: str) -> list[EvalResult] | None:
    """The held-out scores after training as `model-index` results, so the Hub shows them on the model page."""
    if not metrics or "held_out_after" not in metrics:
        return None
    after = metrics["held_out_after"]
    dataset = dataset_name or f"embedded {domain} tasks"
    return [EvalResult(task_type="text-generation", dataset_type=dataset.replace(" ", "-"), dataset_name=dataset,
                       metric_type=key, metric_name=label, metric_value=round(float(after[key]), 4))
            for key, label in EVALUATION_ROWS if key in after]


def _paper(trainer_class) -> dict:
    """TRL's own record of a method's paper (title, id, BibTeX), so the card cites it as TRL does."""
    return getattr(trainer_class, "_paper", {})


def _sdpo_paper() -> dict:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # trl.experimental warns on import; the citation is all we read
        from trl.experimental.sdpo import SDPOTrainer
    return _paper(SDPOTrainer)


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
    wandb_url: str | None = None,
    trackio_url: str | None = None,
    comet_url: str | None = None,
    vision: bool = False,
    base_model_note: str | None = None,
) -> ModelCard:
    """A model card for the run saved in `output_dir` (adapter or full model, plus the recipe's outputs): what TRL's
    card holds (tracker badges, tags, a usage snippet, framework versions, citations of TRL and the methods) plus the
    held-out evaluation as a table and as `model-index` results, the before/after renders and the Visual-SDPO
    settings."""
    output_dir = Path(output_dir)
    metrics_file = output_dir / "metrics.json"
    metrics = json.loads(metrics_file.read_text()) if metrics_file.exists() else None
    is_adapter = (output_dir / "adapter_config.json").exists()
    on_hub = bool(dataset_name and "/" in dataset_name and not Path(dataset_name).exists())
    card_data = ModelCardData(
        base_model=base_model,
        datasets=[dataset_name] if on_hub else None,
        library_name="peft" if is_adapter else "transformers",
        license="apache-2.0",
        model_name=model_name,
        pipeline_tag="image-text-to-text" if vision else "text-generation",
        tags=sorted({"generated_from_trainer", "trl", "grpo", "sdpo", "visual-sdpo", domain, *(tags or [])}),
        eval_results=eval_results(metrics, dataset_name, domain),
    )
    settings = visual_sdpo_settings(args)
    grpo, sdpo = _paper(GRPOTrainer), _sdpo_paper()
    return ModelCard.from_template(
        card_data,
        template_path=str(template_path),
        model_name=model_name,
        base_model=base_model,
        base_model_url=f"https://huggingface.co/{base_model}" if base_model else "#",
        base_model_note=base_model_note,
        domain=domain,
        domain_description=_domain_text(domain, "description") or f"{domain} programs",
        dataset_name=dataset_name,
        dataset_url=f"https://huggingface.co/datasets/{dataset_name}" if on_hub else None,
        quickstart=_quickstart(hub_model_id or model_name, domain, is_adapter, vision),
        evaluation_table=evaluation_table(metrics),
        renders_image="before_after.png" if (output_dir / "before_after.png").exists() else None,
        settings_table=_markdown_table(("Setting", "Value"), [(f"`{k}`", f"`{v}`") for k, v in settings.items()]),
        wandb_url=wandb_url,
        trackio_url=trackio_url,
        comet_url=comet_url,
        grpo_title=grpo.get("title"),
        grpo_id=grpo.get("id"),
        grpo_citation=grpo.get("citation"),
        sdpo_title=sdpo.get("title"),
        sdpo_id=sdpo.get("id"),
        sdpo_citation=sdpo.get("citation"),
        package_version=version("trl-visual-sdpo"),
        trl_version=version("trl"),
        transformers_version=version("transformers"),
        pytorch_version=version("torch"),
        datasets_version=version("datasets"),
        tokenizers_version=version("tokenizers"),
    )
