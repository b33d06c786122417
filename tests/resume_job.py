"""A small training run for the resume test: `python resume_job.py OUTPUT_DIR MAX_STEPS [resume]`."""

import sys
from pathlib import Path

from datasets import Dataset
from tiny_models import tiny_text_model
from toy_renderer import BoxRenderer, box_reward, length_reward

from trl_visual_sdpo import VisualSDPOConfig, VisualSDPOTrainer


if __name__ == "__main__":
    output_dir, max_steps, resume = sys.argv[1], int(sys.argv[2]), sys.argv[3:] == ["resume"]
    model, tokenizer = tiny_text_model(seed=0)
    prompts = [[{"role": "user", "content": f"Draw box number {i}."}] for i in range(32)]
    trainer = VisualSDPOTrainer(
        model=model,
        reward_funcs=[box_reward, length_reward],
        args=VisualSDPOConfig(output_dir=output_dir, per_device_train_batch_size=4, num_generations=4,
                              max_completion_length=12, max_steps=max_steps, learning_rate=1e-2, logging_steps=1,
                              save_steps=1, report_to="none", use_cpu=True, seed=0),
        train_dataset=Dataset.from_dict({"prompt": prompts}),
        processing_class=tokenizer,
        renderer=BoxRenderer(),
    )
    trainer.train(resume_from_checkpoint=True if resume else None)
    Path(output_dir, "done").write_text(f"{trainer.state.global_step} {trainer.accelerator.num_processes}")
