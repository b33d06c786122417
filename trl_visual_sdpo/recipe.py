"""What every domain's recipe does around the trainer: load the policy, score held-out tasks before and after
training, train, save, and write the metrics and pictures. A recipe in `recipes/` only picks its tasks, its
renderer and its reward functions.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from datasets import Dataset, IterableDataset
from accelerate import PartialState
from trl import ModelConfig, ScriptArguments, get_peft_config, get_quantization_config

from trl_visual_sdpo.config import VisualSDPOConfig
from trl_visual_sdpo.data import load_tasks
from trl_visual_sdpo.evaluation import evaluate_policy
from trl_visual_sdpo.models import default_policy_path, load_policy
from trl_visual_sdpo.plots import before_after_grid, training_curves
from trl_visual_sdpo.render.base import Renderer, RenderResult
from trl_visual_sdpo.rewards import render_rewards
from trl_visual_sdpo.sandbox import SandboxConfig
from trl_visual_sdpo.trainer import VisualSDPOTrainer


@dataclass
class RecipeArguments(ScriptArguments):
    """Script arguments shared by every recipe (beside `VisualSDPOConfig` and TRL's `ModelConfig`)."""

    dataset_name: str | None = field(
        default=None,
        metadata={"help": "Hub id or local file of the domain's benchmark dataset; empty = the embedded tasks."},
    )
    dataset_streaming: bool = field(
        default=False,
        metadata={"help": "Stream `--dataset_name`'s training split instead of downloading it (set --max_steps)."},
    )
    num_train_tasks: int | None = field(default=None, metadata={"help": "Use at most this many training tasks."})
    num_eval_tasks: int = field(default=8, metadata={"help": "Held-out tasks scored before and after training."})
    eval_max_new_tokens: int = field(default=256, metadata={"help": "Completion budget of the held-out scoring."})
    render_workers: int = field(default=2, metadata={"help": "Sandboxed render workers."})
    render_timeout: float = field(default=20.0, metadata={"help": "Wall-clock seconds a program may take to render."})

    def sandbox_config(self) -> SandboxConfig:
        return SandboxConfig(num_workers=self.render_workers, timeout_s=self.render_timeout)


def recipe_tasks(script_args: RecipeArguments, domain: str, **embedded_kwargs) -> tuple[Dataset, Dataset]:
    """Training and held-out tasks: `--dataset_name`'s train and test splits through the domain's Hub loader, else
    the embedded set (`embedded_kwargs` go to its loader), cut to `--num_train_tasks` and `--num_eval_tasks`.

    With `--dataset_streaming` the training split stays an `IterableDataset`; the few held-out tasks are read into
    memory, since they are scored twice."""
    kwargs = {"streaming": script_args.dataset_streaming} if script_args.dataset_name else embedded_kwargs
    train = load_tasks(domain, script_args.dataset_name, script_args.dataset_train_split,
                       script_args.num_train_tasks, **kwargs)
    test = load_tasks(domain, script_args.dataset_name, script_args.dataset_test_split,
                      script_args.num_eval_tasks, **kwargs)
    if isinstance(test, IterableDataset):
        test = Dataset.from_list(list(test))
    return train, test


def quantization_kwargs(model_args: ModelConfig) -> dict:
    """QLoRA (`--load_in_4bit --use_peft`) or 8-bit loading through TRL's bitsandbytes config; else nothing."""
    quantization_config = get_quantization_config(model_args)
    if quantization_config is None:
        return {}
    # A quantized model cannot be moved after loading: each process loads it straight onto its own device.
    return {"quantization_config": quantization_config, "device_map": {"": PartialState().local_process_index}}


def held_out_scores(
    model, processing_class, renderer: Renderer, tasks: Dataset, max_new_tokens: int, stage: str
) -> tuple[dict, list[RenderResult]]:
    """Greedy completions for the held-out tasks, rendered, summarised and scored against their references."""
    summary, evaluations = evaluate_policy(model, processing_class, renderer, tasks, max_new_tokens,
                                           description=stage)
    return summary, [e.result for e in evaluations]


def run_recipe(
    script_args: RecipeArguments,
    training_args: VisualSDPOConfig,
    model_args: ModelConfig,
    train_tasks: Dataset,
    eval_tasks: Dataset,
    renderer: Renderer,
    reward_funcs: Sequence[Callable] | None = None,
) -> dict:
    """Train with Visual-SDPO and write the adapter, `metrics.json`, `curves.png` and `before_after.png`.

    The rewards default to `render_rewards(renderer)`. The renderer is closed when the run ends, however it ends.
    """
    try:
        return _run(script_args, training_args, model_args, train_tasks, eval_tasks, renderer,
                    list(reward_funcs) if reward_funcs is not None else render_rewards(renderer))
    finally:
        renderer.close()


def _run(script_args, training_args, model_args, train_tasks, eval_tasks, renderer, reward_funcs):
    dataset_label = script_args.dataset_name or f"embedded {renderer.domain} tasks"
    model_path = model_args.model_name_or_path or default_policy_path()
    model, processing_class = load_policy(model_path, model_args.model_revision, model_args.dtype or "auto",
                                          **quantization_kwargs(model_args))
    output_dir = Path(training_args.output_dir)
    is_main = int(os.environ.get("RANK", "0")) == 0

    before, before_results = held_out_scores(model, processing_class, renderer, eval_tasks,
                                             script_args.eval_max_new_tokens, "Held-out renders before training")
    trainer = VisualSDPOTrainer(
        model=model,
        reward_funcs=reward_funcs,
        args=training_args,
        train_dataset=train_tasks,
        processing_class=processing_class,
        peft_config=get_peft_config(model_args),
        renderer=renderer,
    )
    trainer.train(resume_from_checkpoint=training_args.resume_from_checkpoint)
    trainer.save_model(training_args.output_dir)

    after, after_results = held_out_scores(trainer.model, processing_class, renderer, eval_tasks,
                                           script_args.eval_max_new_tokens, "Held-out renders after training")
    metrics = {"model": model_path, "domain": renderer.domain, "dataset": dataset_label,
               "held_out_before": before, "held_out_after": after, "log_history": trainer.state.log_history}
    if is_main:
        (output_dir / "metrics.json").write_text(json.dumps(metrics, indent=2))
        training_curves(trainer.state.log_history, output_dir / "curves.png")
        before_after_grid(before_results, after_results, output_dir / "before_after.png",
                          titles=eval_tasks["task_id"])
        print(json.dumps({"held_out_before": before, "held_out_after": after}, indent=2))
    if training_args.push_to_hub:
        trainer.push_to_hub(dataset_name=dataset_label)
    return metrics
