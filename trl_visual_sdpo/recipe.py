"""What every domain's recipe does around the trainer: load the policy, score held-out tasks before and after
training, train (with the held-out split as `eval_dataset`), save, and write the metrics and pictures. A recipe in
`trl_visual_sdpo/recipes/` only picks its tasks and its renderer.

Datasets (`--dataset_name`, a Hub id or a local file):
- a domain benchmark (ChartMimic, Design2Code, a slide set) through the domain's loader, with `--column_map`;
- any TRL prompt dataset: a dataset with a `--dataset_prompt_column` column (default `prompt`; plain text or
  conversational) is used as it is, with optional `--dataset_image_column` (the picture of image-conditioned
  prompts) and `reference_code` (the program that draws the target; without it the reference-similarity reward
  is left out) columns.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import torch
from accelerate import PartialState
from datasets import Dataset, IterableDataset
from transformers import set_seed
from trl import ModelConfig, ScriptArguments, TrlParser, get_peft_config, get_quantization_config

from trl_visual_sdpo.config import VisualSDPOConfig
from trl_visual_sdpo.data import load_tasks
from trl_visual_sdpo.data.common import load_prompt_dataset, parse_column_map
from trl_visual_sdpo.evaluation import TaskEvaluation, evaluate_policy, paired_change, task_flawless, task_rewards
from trl_visual_sdpo.models import default_policy_path, load_policy
from trl_visual_sdpo.render.base import Renderer
from trl_visual_sdpo.rewards import ReferenceSimilarity, render_rewards
from trl_visual_sdpo.sandbox import SandboxConfig
from trl_visual_sdpo.trainer import VisualSDPOTrainer


logger = logging.getLogger(__name__)


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
    dataset_prompt_column: str = field(
        default="prompt",
        metadata={"help": "A dataset with this column is a TRL prompt dataset, used as it is (text or conversational "
                  "prompts); a dataset without it goes through the domain's benchmark loader."},
    )
    dataset_image_column: str | None = field(
        default=None,
        metadata={"help": "Column holding the picture of image-conditioned prompts (it becomes the `image` column "
                  "TRL puts into the prompt's image part)."},
    )
    column_map: str | None = field(
        default=None,
        metadata={"help": "Our column -> the dataset's column, as JSON ('{\"reference_code\": \"code\"}') or "
                  "'reference_code=code,image=screenshot'."},
    )
    num_train_tasks: int | None = field(default=None, metadata={"help": "Use at most this many training tasks."})
    num_eval_tasks: int = field(default=8, metadata={"help": "Held-out tasks scored before and after training."})
    eval_max_new_tokens: int = field(default=256, metadata={"help": "Completion budget of the held-out scoring."})
    eval_temperature: float | None = field(
        default=None,
        metadata={"help": "Sampling temperature of the held-out scoring (e.g. the rollouts' temperature); empty "
                  "decodes greedily, one completion per task."},
    )
    eval_samples_per_task: int = field(
        default=1, metadata={"help": "Sampled completions per held-out task (with --eval_temperature)."}
    )
    render_workers: int = field(default=2, metadata={"help": "Sandboxed render workers."})
    render_timeout: float = field(default=20.0, metadata={"help": "Wall-clock seconds a program may take to render."})

    def sandbox_config(self) -> SandboxConfig:
        return SandboxConfig(num_workers=self.render_workers, timeout_s=self.render_timeout)


def recipe_tasks(script_args: RecipeArguments, domain: str, **embedded_kwargs) -> tuple[Dataset, Dataset]:
    """Training and held-out tasks: `--dataset_name`'s train and test splits through the domain's Hub loader, else
    the embedded set (`embedded_kwargs` go to its loader), cut to `--num_train_tasks` and `--num_eval_tasks`.

    With `--dataset_streaming` the training split stays an `IterableDataset`; the few held-out tasks are read into
    memory, since they are scored twice."""
    if script_args.dataset_name:
        kwargs = {"streaming": script_args.dataset_streaming, "column_map": parse_column_map(script_args.column_map)}
        if script_args.dataset_config:
            kwargs["name"] = script_args.dataset_config
    else:
        kwargs = embedded_kwargs

    def load(split: str, n: int | None):
        if script_args.dataset_name and _has_column(script_args, split, script_args.dataset_prompt_column):
            return load_prompt_dataset(script_args.dataset_name, split, n=n,
                                       prompt_column=script_args.dataset_prompt_column,
                                       image_column=script_args.dataset_image_column, **kwargs)
        return load_tasks(domain, script_args.dataset_name, split, n, **kwargs)

    train = load(script_args.dataset_train_split, script_args.num_train_tasks)
    test = load(script_args.dataset_test_split, script_args.num_eval_tasks)
    if isinstance(test, IterableDataset):
        test = Dataset.from_list(list(test))
    return train, test


def _has_column(script_args: RecipeArguments, split: str, column: str) -> bool:
    """Whether `--dataset_name`'s `split` has `column`, read from its schema (streamed, so nothing is downloaded)."""
    from trl_visual_sdpo.data.common import load_rows

    kwargs = {"name": script_args.dataset_config} if script_args.dataset_config else {}
    rows = load_rows(script_args.dataset_name, split, streaming=True, **kwargs)
    columns = rows.column_names or list(next(iter(rows)).keys())
    return column in columns


def model_init_kwargs(model_args: ModelConfig, training_args: VisualSDPOConfig) -> dict:
    """`from_pretrained` arguments from TRL's `ModelConfig` and `--model_init_kwargs`, as TRL's own `trl grpo` builds
    them: revision, attention implementation, dtype, trust_remote_code, and QLoRA/8-bit quantization (each process
    loads a quantized model straight onto its own device, since it cannot be moved after loading)."""
    kwargs = {
        "revision": model_args.model_revision,
        "trust_remote_code": training_args.trust_remote_code,
        "attn_implementation": model_args.attn_implementation,
        "dtype": model_args.dtype or "auto",
    }
    quantization_config = get_quantization_config(model_args)
    if quantization_config is not None:
        kwargs["quantization_config"] = quantization_config
        kwargs["device_map"] = {"": PartialState().local_process_index}
    kwargs.update(training_args.model_init_kwargs or {})
    return {key: value for key, value in kwargs.items() if value is not None}


def recipe_parser() -> TrlParser:
    """The parser of every recipe: `RecipeArguments`, `VisualSDPOConfig` (all of `GRPOConfig`) and `ModelConfig`."""
    return TrlParser((RecipeArguments, VisualSDPOConfig, ModelConfig))


def held_out_scores(
    model, processing_class, renderer: Renderer, tasks: Dataset, script_args: RecipeArguments, seed: int, stage: str
) -> tuple[dict, list[TaskEvaluation]]:
    """Completions for the held-out tasks (greedy, or `eval_samples_per_task` samples at `eval_temperature`),
    rendered, summarised and scored against their references. Sampling draws from its own RNG stream seeded by
    `seed`, so the scores before and after training share their random numbers and training's RNG is untouched."""
    with torch.random.fork_rng(devices=[]):
        set_seed(seed)
        return evaluate_policy(model, processing_class, renderer, tasks, script_args.eval_max_new_tokens,
                               description=stage, temperature=script_args.eval_temperature,
                               samples_per_task=script_args.eval_samples_per_task)


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

    The rewards default to `render_rewards(renderer)`, without the reference-similarity reward when the tasks have
    no `reference_code`. The renderer is closed when the run ends, however it ends.
    """
    try:
        return _run(script_args, training_args, model_args, train_tasks, eval_tasks, renderer,
                    list(reward_funcs) if reward_funcs is not None else default_rewards(renderer, train_tasks))
    finally:
        renderer.close()


def default_rewards(renderer: Renderer, tasks: Dataset | IterableDataset) -> list[Callable]:
    """The domain's render rewards; the reference-similarity one only when the tasks carry reference programs."""
    rewards = render_rewards(renderer)
    if "reference_code" not in (tasks.column_names or []):
        message = ("The training tasks have no `reference_code` column, so the reference-similarity reward is left "
                   "out; training uses executability and the defect-free score. Add a `reference_code` column (or "
                   "--column_map reference_code=<column>) to reward likeness to a target.")
        logger.warning(message)
        print(message)
        rewards = [r for r in rewards if not isinstance(r, ReferenceSimilarity)]
    return rewards


def _run(script_args, training_args, model_args, train_tasks, eval_tasks, renderer, reward_funcs):
    dataset_label = script_args.dataset_name or f"embedded {renderer.domain} tasks"
    model_path = model_args.model_name_or_path or default_policy_path()
    model, processing_class = load_policy(model_path, **model_init_kwargs(model_args, training_args))
    output_dir = Path(training_args.output_dir)
    is_main = int(os.environ.get("RANK", "0")) == 0

    before, before_evaluations = held_out_scores(model, processing_class, renderer, eval_tasks, script_args,
                                                 training_args.seed, "Held-out renders before training")
    trainer = VisualSDPOTrainer(
        model=model,
        reward_funcs=reward_funcs,
        args=training_args,
        train_dataset=train_tasks,
        # scored with the same rewards (the domain metric among them) every `eval_steps` when `eval_strategy` is on
        eval_dataset=eval_tasks if training_args.eval_strategy != "no" else None,
        processing_class=processing_class,
        peft_config=get_peft_config(model_args),
        renderer=renderer,
    )
    if script_args.ignore_bias_buffers:  # as TRL's scripts: DDP skips boolean buffers (e.g. causal masks)
        trainer.model._ddp_params_and_buffers_to_ignore = [
            name for name, buffer in trainer.model.named_buffers() if buffer.dtype == torch.bool
        ]
    trainer.train(resume_from_checkpoint=training_args.resume_from_checkpoint)
    trainer.save_model(training_args.output_dir)

    after, after_evaluations = held_out_scores(trainer.model, processing_class, renderer, eval_tasks, script_args,
                                               training_args.seed, "Held-out renders after training")
    samples = script_args.eval_samples_per_task
    change = paired_change(task_rewards(before_evaluations, samples), task_rewards(after_evaluations, samples))
    # the held-out reward docks a defect only a little (one rubric axis of ten): a layout change shows here
    flawless_change = paired_change(task_flawless(before_evaluations, samples),
                                    task_flawless(after_evaluations, samples))
    metrics = {"model": model_path, "domain": renderer.domain, "dataset": dataset_label,
               "held_out_before": before, "held_out_after": after, "held_out_change": change,
               "flawless_change": flawless_change, "log_history": trainer.state.log_history}
    before_results, after_results = ([e.result for e in evaluations][::samples]  # one render per task in the grid
                                     for evaluations in (before_evaluations, after_evaluations))
    if is_main:
        from trl_visual_sdpo.plots import renders_grid, training_curves  # matplotlib: only where it is drawn

        (output_dir / "metrics.json").write_text(json.dumps(metrics, indent=2))
        training_curves(trainer.state.log_history, output_dir / "curves.png")
        renders_grid([("before", before_results), ("after", after_results)], output_dir / "before_after.png",
                     titles=eval_tasks["task_id"])
        print(json.dumps({"held_out_before": before, "held_out_after": after}, indent=2))
        for name, key, delta in (("Held-out reward", "held_out_reward", change),
                                 ("Flawless share", "flawless_rate", flawless_change)):
            low, high = delta["ci95"]
            print(f"{name} {before[key]:.3f} -> {after[key]:.3f}: change {delta['difference']:+.3f}, 95 % interval "
                  f"[{low:+.3f}, {high:+.3f}] over {delta['tasks']} tasks.")
    # The card is written with the run, not only on push: it is the run's summary (README.md in output_dir).
    trainer.create_model_card(dataset_name=dataset_label)
    if training_args.push_to_hub:
        trainer.push_to_hub(dataset_name=dataset_label)
    return metrics
