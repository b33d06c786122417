# Copyright 2026 The trl-visual-sdpo authors. Apache-2.0.
"""Train a chart-code policy with Visual-SDPO.

CPU demo (embedded SmolLM2-135M-Instruct and embedded tasks):

    accelerate launch recipes/chart.py --config recipes/chart.yaml

GPU, ChartMimic, a Hub model, LoRA:

    accelerate launch recipes/chart.py --config recipes/chart.yaml \
        --model_name_or_path Qwen/Qwen2.5-Coder-7B-Instruct --dataset_name ChartMimic/ChartMimic \
        --per_device_train_batch_size 8 --num_generations 8 --max_completion_length 1024 --max_steps 500 --bf16

Writes to `output_dir`: the adapter (or model), `metrics.json` (held-out scores before and after training),
`curves.png` (reward and defects per render over training) and `before_after.png` (held-out renders).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from transformers import AutoModelForCausalLM, AutoTokenizer
from trl import ModelConfig, ScriptArguments, TrlParser, get_peft_config

from trl_visual_sdpo import VisualSDPOConfig, VisualSDPOTrainer
from trl_visual_sdpo.data import load_chart_tasks, load_chartmimic
from trl_visual_sdpo.evaluation import generate_completions, render_completions, summarize_renders
from trl_visual_sdpo.models import default_policy_path
from trl_visual_sdpo.plots import before_after_grid, training_curves
from trl_visual_sdpo.render.chart import ChartRenderer
from trl_visual_sdpo.rewards import defect_free_reward, executability_reward, reference_similarity_reward
from trl_visual_sdpo.sandbox import SandboxConfig


@dataclass
class ChartScriptArguments(ScriptArguments):
    dataset_name: str | None = field(
        default=None,
        metadata={"help": "Hub id or local path of a ChartMimic-shaped dataset; empty = the embedded chart tasks."},
    )
    num_train_tasks: int | None = field(default=None, metadata={"help": "Use at most this many training tasks."})
    num_eval_tasks: int = field(default=8, metadata={"help": "Held-out tasks scored before and after training."})
    eval_max_new_tokens: int = field(default=256, metadata={"help": "Completion budget of the held-out scoring."})
    render_workers: int = field(default=2, metadata={"help": "Sandboxed render workers."})
    render_timeout: float = field(default=20.0, metadata={"help": "Wall-clock seconds a program may take to render."})


def load_tasks(script_args: ChartScriptArguments):
    if script_args.dataset_name:
        train = load_chartmimic(script_args.dataset_name, split=script_args.dataset_train_split)
        test = load_chartmimic(script_args.dataset_name, split=script_args.dataset_test_split)
    else:
        train, test = load_chart_tasks("train"), load_chart_tasks("test")
    if script_args.num_train_tasks:
        train = train.select(range(min(script_args.num_train_tasks, len(train))))
    return train, test.select(range(min(script_args.num_eval_tasks, len(test))))


def held_out_scores(model, tokenizer, renderer, tasks, max_new_tokens, stage):
    completions = generate_completions(model, tokenizer, tasks["prompt"], max_new_tokens, description=stage)
    results = render_completions(renderer, completions)
    scores = summarize_renders(results)
    scores["reference_similarity"] = sum(reference_similarity_reward(
        completions, render_results=results, reference_code=tasks["reference_code"]
    )) / max(len(results), 1)
    return scores, results


def main(script_args: ChartScriptArguments, training_args: VisualSDPOConfig, model_args: ModelConfig):
    model_path = model_args.model_name_or_path or default_policy_path()
    train_tasks, eval_tasks = load_tasks(script_args)
    renderer = ChartRenderer(SandboxConfig(num_workers=script_args.render_workers,
                                           timeout_s=script_args.render_timeout))
    tokenizer = AutoTokenizer.from_pretrained(model_path, revision=model_args.model_revision)
    model = AutoModelForCausalLM.from_pretrained(model_path, revision=model_args.model_revision,
                                                 dtype=model_args.dtype or "auto")
    output_dir = Path(training_args.output_dir)
    is_main = int(os.environ.get("RANK", "0")) == 0

    before, before_results = held_out_scores(model, tokenizer, renderer, eval_tasks,
                                             script_args.eval_max_new_tokens, "Held-out renders before training")
    trainer = VisualSDPOTrainer(
        model=model,
        reward_funcs=[executability_reward, defect_free_reward, reference_similarity_reward],
        args=training_args,
        train_dataset=train_tasks,
        processing_class=tokenizer,
        peft_config=get_peft_config(model_args),
        renderer=renderer,
    )
    trainer.train(resume_from_checkpoint=training_args.resume_from_checkpoint)
    trainer.save_model(training_args.output_dir)

    after, after_results = held_out_scores(trainer.model, tokenizer, renderer, eval_tasks,
                                           script_args.eval_max_new_tokens, "Held-out renders after training")
    if is_main:
        metrics = {"model": model_path, "dataset": script_args.dataset_name or "embedded chart tasks",
                   "held_out_before": before, "held_out_after": after, "log_history": trainer.state.log_history}
        (output_dir / "metrics.json").write_text(json.dumps(metrics, indent=2))
        training_curves(trainer.state.log_history, output_dir / "curves.png")
        before_after_grid(before_results, after_results, output_dir / "before_after.png",
                          titles=eval_tasks["task_id"])
        print(json.dumps({"held_out_before": before, "held_out_after": after}, indent=2))
    if training_args.push_to_hub:
        trainer.push_to_hub(dataset_name=script_args.dataset_name or "embedded chart tasks")


if __name__ == "__main__":
    parser = TrlParser((ChartScriptArguments, VisualSDPOConfig, ModelConfig))
    main(*parser.parse_args_and_config())
