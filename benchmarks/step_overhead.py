"""One training step of VisualSDPOTrainer against TRL's plain GRPOTrainer, side by side, on the same batch and model.

    python benchmarks/step_overhead.py            # default model (SmolLM2-135M-Instruct), chart domain, CPU

Prints one JSON object with per-phase seconds (generation, render, teacher pass, loss + backward), peak memory
(resident set size on CPU, CUDA peak allocation on GPU) and `time_ratio` / `peak_memory_ratio` (Visual-SDPO over
GRPO), and writes it to benchmarks/results/step_overhead.json. Both trainers generate from the same seed, so they
sample the same completions; the GRPO arm still renders them (its reward functions need the renders).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import torch
from datasets import Dataset
from trl import GRPOConfig, GRPOTrainer

from trl_visual_sdpo import VisualSDPOConfig, VisualSDPOTrainer
from trl_visual_sdpo.data import load_chart_tasks
from trl_visual_sdpo.models import load_default_policy
from trl_visual_sdpo.render.chart import ChartRenderer
from trl_visual_sdpo.rewards import DefectFree, Executability


RESULTS = Path(__file__).parent / "results"


class PhaseTimer:
    """Wraps trainer methods to add up their wall time per phase."""

    def __init__(self):
        self.seconds = defaultdict(float)

    def wrap(self, obj, method: str, phase: str) -> None:
        original = getattr(obj, method)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[phase] += time.perf_counter() - start

        setattr(obj, method, timed)


def peak_memory_mb() -> float:
    if torch.cuda.is_available():
        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_arm(name: str, trainer, renderer, steps: int) -> dict:
    timer = PhaseTimer()
    timer.wrap(trainer, "_generate", "generation")
    timer.wrap(renderer, "render_batch", "render")
    if isinstance(trainer, VisualSDPOTrainer):
        timer.wrap(trainer, "_encode_teacher_prompts", "teacher_pass")
        original = trainer._completion_logits

        def completion_logits(model, prompt_ids, *args, **kwargs):
            # The teacher forward is the one made under no_grad; the other is the student forward that both loss
            # terms share (in the GRPO arm, the student forward is part of loss_and_backward).
            phase = "teacher_pass" if not torch.is_grad_enabled() else "student_forward"
            start = time.perf_counter()
            try:
                return original(model, prompt_ids, *args, **kwargs)
            finally:
                timer.seconds[phase] += time.perf_counter() - start

        trainer._completion_logits = completion_logits
    memory_before = peak_memory_mb()
    start = time.perf_counter()
    trainer.train()
    total = (time.perf_counter() - start) / steps
    per_step = {phase: seconds / steps for phase, seconds in timer.seconds.items()}
    per_step["loss_and_backward"] = total - sum(per_step.values())
    return {"arm": name, "seconds_per_step": total, "phases": per_step,
            "peak_memory_mb": peak_memory_mb(), "memory_before_training_mb": memory_before}


def run_one(arm: str, args) -> dict:
    """One arm, alone in this process, so that its peak memory is its own."""
    tasks = load_chart_tasks("train").select(range(args.steps))
    dataset = Dataset.from_dict({"prompt": tasks["prompt"], "reference_code": tasks["reference_code"]})
    common = dict(output_dir="/tmp/step_overhead", per_device_train_batch_size=args.num_generations,
                  num_generations=args.num_generations, max_completion_length=args.max_completion_length,
                  max_steps=args.steps, logging_steps=1, save_strategy="no", report_to="none", bf16=False,
                  use_cpu=not torch.cuda.is_available(), seed=0)
    renderer = ChartRenderer()
    # In GRPO the reward functions render the completions themselves; in Visual-SDPO the trainer renders once
    # and hands them the results. Same functions, same renderer, in both arms.
    rewards = [Executability("executability_reward", renderer), DefectFree("defect_free_reward", renderer)]
    model, tokenizer = load_default_policy()
    if arm == "grpo":
        trainer = GRPOTrainer(model=model, reward_funcs=rewards, args=GRPOConfig(**common), train_dataset=dataset,
                              processing_class=tokenizer)
    else:
        trainer = VisualSDPOTrainer(model=model, reward_funcs=rewards, args=VisualSDPOConfig(**common),
                                    train_dataset=dataset, processing_class=tokenizer, renderer=renderer)
    result = run_arm(arm, trainer, renderer, args.steps)
    if arm == "visual_sdpo":  # a live teacher is the student module itself: no parameters of its own
        teacher = trainer.teacher_model
        result["teacher_extra_parameters"] = 0 if teacher is None else sum(p.numel() for p in teacher.parameters())
    renderer.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2)
    parser.add_argument("--num_generations", type=int, default=8)
    parser.add_argument("--max_completion_length", type=int, default=96)
    parser.add_argument("--arm", choices=["grpo", "visual_sdpo"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.arm:  # child process: one arm, JSON on the last line
        print(json.dumps(run_one(args.arm, args)))
        return
    arms = []
    for arm in ("grpo", "visual_sdpo"):
        command = [sys.executable, __file__, "--arm", arm, "--steps", str(args.steps),
                   "--num_generations", str(args.num_generations),
                   "--max_completion_length", str(args.max_completion_length)]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        arms.append(json.loads(output.strip().splitlines()[-1]))
    grpo, visual = arms
    result = {
        "device": "cuda" if torch.cuda.is_available() else "cpu",
        "settings": {k: v for k, v in vars(args).items() if k != "arm"},
        "arms": arms,
        "time_ratio": visual["seconds_per_step"] / grpo["seconds_per_step"],
        "peak_memory_ratio": visual["peak_memory_mb"] / grpo["peak_memory_mb"],
        "teacher_extra_parameters": visual["teacher_extra_parameters"],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "step_overhead.json").write_text(json.dumps(result, indent=2))
    plot(result, RESULTS / "step_overhead.png")
    print(json.dumps(result))


def plot(result: dict, path: Path) -> None:
    """Seconds per step of each arm, stacked by phase, with the memory ratio in the title."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    phases = list(dict.fromkeys(p for arm in result["arms"] for p in arm["phases"]))
    fig, ax = plt.subplots(figsize=(7, 2.6))
    for row, arm in enumerate(result["arms"]):
        left = 0.0
        for index, phase in enumerate(phases):
            seconds = arm["phases"].get(phase, 0.0)
            ax.barh(row, seconds, left=left, color=plt.cm.tab10(index), label=phase if row == 0 else None)
            left += seconds
    ax.set_yticks(range(len(result["arms"])), [arm["arm"] for arm in result["arms"]])
    ax.set_xlabel(f"seconds per step ({result['device']})")
    ax.set_title(f"time x{result['time_ratio']:.2f}, peak memory x{result['peak_memory_ratio']:.2f} vs GRPO",
                 fontsize=10)
    handles = [plt.Rectangle((0, 0), 1, 1, color=plt.cm.tab10(i)) for i in range(len(phases))]
    ax.legend(handles, phases, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=len(phases))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
