# Copyright 2026 The trl-visual-sdpo authors. Apache-2.0.
"""Train a slide-deck (python-pptx) policy with Visual-SDPO.

CPU demo (embedded SmolLM2-135M-Instruct and embedded tasks; needs LibreOffice Impress, see scripts/install.sh):

    trl-visual-sdpo train slide            # or: accelerate launch recipes/slide.py --config recipes/slide.yaml

GPU, a slide dataset from the Hub or a local file (an instruction and a reference python-pptx program per row;
see `load_slide_dataset`), a Hub model, LoRA:

    trl-visual-sdpo train slide \
        --model_name_or_path Qwen/Qwen2.5-Coder-7B-Instruct --dataset_name my-org/slide-tasks \
        --per_device_train_batch_size 8 --num_generations 8 --max_completion_length 1024 --max_steps 500 --bf16

Writes to `output_dir`: the adapter (or model), `metrics.json` (held-out scores before and after training),
`curves.png` (reward and defects per render over training) and `before_after.png` (held-out decks).
"""

from __future__ import annotations

from trl import ModelConfig

from trl_visual_sdpo import VisualSDPOConfig
from trl_visual_sdpo.recipe import RecipeArguments, recipe_parser, recipe_tasks, run_recipe
from trl_visual_sdpo.render.slide import SlideRenderer


def main(script_args: RecipeArguments, training_args: VisualSDPOConfig, model_args: ModelConfig) -> None:
    train, test = recipe_tasks(script_args, "slide")
    run_recipe(script_args, training_args, model_args, train, test, SlideRenderer(script_args.sandbox_config()))


if __name__ == "__main__":
    main(*recipe_parser().parse_args_and_config())
