# Copyright 2026 The trl-visual-sdpo authors. Apache-2.0.
"""Train a chart-code policy with Visual-SDPO.

CPU demo (embedded tasks; `make demo` starts from the warm start that recipes/sft_chart.py builds from the embedded
SmolLM2-135M-Instruct, whose own sampled programs rarely run):

    trl-visual-sdpo train chart --model_name_or_path outputs/sft-chart-revise
    # or: accelerate launch recipes/chart.py --config recipes/chart.yaml --model_name_or_path outputs/sft-chart-revise

GPU, ChartMimic (its prompts show the target chart, so the policy is a vision-language model), LoRA:

    trl-visual-sdpo train chart \
        --model_name_or_path Qwen/Qwen2.5-VL-7B-Instruct --dataset_name ChartMimic/ChartMimic \
        --use_cpu false --bf16 true --per_device_train_batch_size 8 --num_generations 8 \
        --max_completion_length 1024 --max_steps 500 --distillation_topk 64 --feedback_channels image rubric

A text-only coder model (e.g. Qwen/Qwen2.5-Coder-7B-Instruct) trains on the embedded tasks or on any text prompt
dataset (`--dataset_name` with a `prompt` column) instead.

Writes to `output_dir`: the adapter (or model), `metrics.json` (held-out scores before and after training),
`curves.png` (reward and defects per render over training) and `before_after.png` (held-out renders).
"""

from __future__ import annotations

from trl import ModelConfig

from trl_visual_sdpo import VisualSDPOConfig
from trl_visual_sdpo.recipe import RecipeArguments, recipe_parser, recipe_tasks, run_recipe
from trl_visual_sdpo.render.chart import ChartRenderer


def main(script_args: RecipeArguments, training_args: VisualSDPOConfig, model_args: ModelConfig) -> None:
    train, test = recipe_tasks(script_args, "chart")
    run_recipe(script_args, training_args, model_args, train, test, ChartRenderer(script_args.sandbox_config()))


if __name__ == "__main__":
    main(*recipe_parser().parse_args_and_config())
