# Copyright 2026 The trl-visual-sdpo authors. Apache-2.0.
"""Train a web-page policy with Visual-SDPO: the model writes one HTML page, rendered in a headless Chromium.

CPU demo (embedded SmolLM2-135M-Instruct and embedded pages; text models see the page's description):

    trl-visual-sdpo train web            # or: accelerate launch recipes/web.py --config recipes/web.yaml

GPU, a vision-language model that sees the reference screenshot, Design2Code:

    trl-visual-sdpo train web \
        --model_name_or_path Qwen/Qwen2.5-VL-7B-Instruct --dataset_name SALT-NLP/Design2Code-hf \
        --use_cpu false --bf16 true --per_device_train_batch_size 8 --num_generations 8 \
        --max_completion_length 2048 --max_steps 500 --distillation_topk 64 --feedback_channels image rubric

Writes to `output_dir`: the adapter (or model), `metrics.json`, `curves.png` and `before_after.png`.
"""

from __future__ import annotations

from trl import ModelConfig

from trl_visual_sdpo import VisualSDPOConfig
from trl_visual_sdpo.models import is_vision_language
from trl_visual_sdpo.recipe import RecipeArguments, recipe_parser, recipe_tasks, run_recipe
from trl_visual_sdpo.render.web import WebRenderConfig, WebRenderer


def main(script_args: RecipeArguments, training_args: VisualSDPOConfig, model_args: ModelConfig) -> None:
    renderer = WebRenderer(WebRenderConfig(concurrency=script_args.render_workers,
                                           timeout_s=script_args.render_timeout))
    # A vision-language policy sees the reference screenshot; a text policy reads the page's description.
    with_images = is_vision_language(model_args.model_name_or_path, model_args.model_revision)
    train, test = recipe_tasks(script_args, "web", with_images=with_images, renderer=renderer)
    run_recipe(script_args, training_args, model_args, train, test, renderer)


if __name__ == "__main__":
    main(*recipe_parser().parse_args_and_config())
