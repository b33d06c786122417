# Copyright 2026 The trl-visual-sdpo authors. Apache-2.0.
"""Train a slide-deck (python-pptx) policy with Visual-SDPO.

CPU demo (embedded SmolLM2-135M-Instruct and embedded tasks; needs LibreOffice Impress, see scripts/install.sh):

    accelerate launch recipes/slide.py --config recipes/slide.yaml

GPU, a slide dataset from the Hub or a local file (an instruction and a reference python-pptx program per row;
see `load_slide_dataset`), a Hub model, LoRA:

    accelerate launch recipes/slide.py --config recipes/slide.yaml \
        --model_name_or_path Qwen/Qwen2.5-Coder-7B-Instruct --dataset_name my-org/slide-tasks \
        --per_device_train_batch_size 8 --num_generations 8 --max_completion_length 1024 --max_steps 500 --bf16

Writes to `output_dir`: the adapter (or model), `metrics.json` (held-out scores before and after training),
`curves.png` (reward and defects per render over training) and `before_after.png` (held-out decks).
"""

from __future__ import annotations

from trl import ModelConfig, TrlParser

from trl_visual_sdpo import VisualSDPOConfig
from trl_visual_sdpo.data import load_slide_dataset, load_slide_tasks
from trl_visual_sdpo.recipe import RecipeArguments, limit_tasks, run_recipe
from trl_visual_sdpo.render.slide import SlideRenderer
from trl_visual_sdpo.sandbox import SandboxConfig


def main(script_args: RecipeArguments, training_args: VisualSDPOConfig, model_args: ModelConfig) -> None:
    if script_args.dataset_name:
        train = load_slide_dataset(script_args.dataset_name, split=script_args.dataset_train_split)
        test = load_slide_dataset(script_args.dataset_name, split=script_args.dataset_test_split)
    else:
        train, test = load_slide_tasks("train"), load_slide_tasks("test")
    train, test = limit_tasks(script_args, train, test)
    renderer = SlideRenderer(SandboxConfig(num_workers=script_args.render_workers,
                                           timeout_s=script_args.render_timeout))
    run_recipe(script_args, training_args, model_args, train, test, renderer,
               dataset_label=script_args.dataset_name or "embedded slide tasks")


if __name__ == "__main__":
    parser = TrlParser((RecipeArguments, VisualSDPOConfig, ModelConfig))
    main(*parser.parse_args_and_config())
