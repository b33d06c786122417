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

from trl import ModelConfig, TrlParser

from trl_visual_sdpo import VisualSDPOConfig
from trl_visual_sdpo.data import load_chart_tasks, load_chartmimic
from trl_visual_sdpo.recipe import RecipeArguments, limit_tasks, run_recipe
from trl_visual_sdpo.render.chart import ChartRenderer
from trl_visual_sdpo.sandbox import SandboxConfig


def main(script_args: RecipeArguments, training_args: VisualSDPOConfig, model_args: ModelConfig) -> None:
    if script_args.dataset_name:
        train = load_chartmimic(script_args.dataset_name, split=script_args.dataset_train_split)
        test = load_chartmimic(script_args.dataset_name, split=script_args.dataset_test_split)
    else:
        train, test = load_chart_tasks("train"), load_chart_tasks("test")
    train, test = limit_tasks(script_args, train, test)
    renderer = ChartRenderer(SandboxConfig(num_workers=script_args.render_workers,
                                           timeout_s=script_args.render_timeout))
    run_recipe(script_args, training_args, model_args, train, test, renderer,
               dataset_label=script_args.dataset_name or "embedded chart tasks")


if __name__ == "__main__":
    parser = TrlParser((RecipeArguments, VisualSDPOConfig, ModelConfig))
    main(*parser.parse_args_and_config())
