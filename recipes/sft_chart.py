# Copyright 2026 The trl-visual-sdpo authors. Apache-2.0.
"""Warm start for chart RL: TRL's SFTTrainer on the embedded chart training tasks, prompt -> one fenced program.

RL from the raw SmolLM2-135M-Instruct learns nothing on a CPU budget: none of its sampled programs runs, so every
reward is 0. This recipe fine-tunes it on the training split so that its programs run, while a share of the
training programs (`--flawed_share`, chosen by task id) lack the statements that avoid the charts' traps (label
rotation, tight layout, figure size, legend placement; see `trl_visual_sdpo.data.chart.without_layout_fixes`).
The warm start therefore executes most held-out programs and still renders many of them with defects: the signal
GRPO and Visual-SDPO need. With `--revision_share`, flawed programs whose render has a defect also become revision
examples (the teacher's context, i.e. the prompt plus the rubric of the flawed render, -> the reference program), so
that the fine-tune does not unlearn reading feedback, which Visual-SDPO's self-teacher relies on.

    python recipes/sft_chart.py --config recipes/sft_chart.yaml

Writes the full fine-tuned checkpoint (LoRA adapters are merged, so RL starts from plain weights) to `output_dir`,
and its held-out scores with sampled decoding (the training temperature, `--eval_samples_per_task` samples per
task) to `output_dir/metrics.json` and `--results_file` (`exec_rate`, `defect_rate` = share of executed renders
with a defect). Then train from it:

    accelerate launch recipes/chart.py --config recipes/chart.yaml --model_name_or_path outputs/sft-chart-revise

On a GPU the same recipe warm-starts a Hub model, e.g. `--model_name_or_path Qwen/Qwen2.5-Coder-1.5B-Instruct
--use_cpu false --bf16 true`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from datasets import Dataset, concatenate_datasets
from transformers import set_seed
from trl import ModelConfig, SFTConfig, SFTTrainer, TrlParser, get_peft_config

from trl_visual_sdpo import VisualSDPOConfig
from trl_visual_sdpo.data import load_chart_tasks
from trl_visual_sdpo.data.chart import load_chart_sft_dataset, task_draw
from trl_visual_sdpo.evaluation import evaluate_policy
from trl_visual_sdpo.extract import render_completions
from trl_visual_sdpo.feedback import build_teacher_prompt
from trl_visual_sdpo.models import default_policy_path, load_policy, weights_fingerprint
from trl_visual_sdpo.recipe import RecipeArguments
from trl_visual_sdpo.render.chart import ChartRenderer


@dataclass
class SFTChartArguments(RecipeArguments):
    """What to fine-tune on and how to score the warm start (beside TRL's `SFTConfig` and `ModelConfig`)."""

    flawed_share: float = field(
        default=0.7,
        metadata={"help": "Share of training programs without their layout fixes (so the warm start keeps making "
                  "the defects RL should remove), in [0, 1]."},
    )
    revision_share: float = field(
        default=0.0,
        metadata={"help": "Share of the flawed training programs, among those whose render has a defect, that also "
                  "become a revision example: the teacher's context (the prompt plus the rubric of the flawed render, "
                  "as VisualSDPOTrainer builds it) -> the reference program. A prompt -> program fine-tune unlearns "
                  "reading that context (benchmarks/teacher_lift.py); these keep the self-teacher reading it. In "
                  "[0, 1]."},
    )
    num_eval_tasks: int = field(default=35, metadata={"help": "Held-out tasks scored after fine-tuning."})
    eval_max_new_tokens: int = field(default=384, metadata={"help": "Completion budget of the held-out scoring."})
    eval_seed: int = field(default=0, metadata={"help": "Seed of the held-out sampling."})
    eval_batch_size: int = field(
        default=16, metadata={"help": "Completions per `generate` call of the held-out scoring (larger is faster on "
                              "CPU, where decoding is bound by reading the weights)."}
    )
    results_file: str | None = field(
        default=None,
        metadata={"help": "Also write the held-out scores here (e.g. benchmarks/results/warm_start.json)."}
    )


def main(script_args: SFTChartArguments, training_args: SFTConfig, model_args: ModelConfig) -> dict:
    if script_args.dataset_name:
        raise ValueError("sft_chart.py fine-tunes on the embedded chart tasks (their reference programs); leave "
                         "--dataset_name empty.")
    if not 0.0 <= script_args.revision_share <= 1.0:
        raise ValueError(f"--revision_share must be in [0, 1], got {script_args.revision_share}.")
    dataset = load_chart_sft_dataset(script_args.flawed_share, script_args.num_train_tasks)
    revisions = []
    if script_args.revision_share:
        renderer = ChartRenderer(script_args.sandbox_config())
        try:
            revisions = revision_examples(dataset, renderer, script_args.revision_share)
        finally:
            renderer.close()
    train_dataset = concatenate_datasets([dataset.select_columns(["prompt", "completion"]),
                                          *([Dataset.from_list(revisions)] if revisions else [])])
    model_path = model_args.model_name_or_path or default_policy_path()
    model, tokenizer = load_policy(model_path, model_args.model_revision, model_args.dtype or "float32")
    trainer = SFTTrainer(
        model=model,
        args=training_args,
        train_dataset=train_dataset,
        processing_class=tokenizer,
        peft_config=get_peft_config(model_args),
    )
    start = time.perf_counter()
    trainer.train()
    train_seconds = time.perf_counter() - start
    model = trainer.model
    if hasattr(model, "merge_and_unload"):  # RL recipes add their own adapter on top of plain weights
        model = model.merge_and_unload()
    output_dir = Path(training_args.output_dir)
    model.save_pretrained(output_dir)
    tokenizer.save_pretrained(output_dir)

    set_seed(script_args.eval_seed)
    tasks = load_chart_tasks("test", n=script_args.num_eval_tasks)
    renderer = ChartRenderer(script_args.sandbox_config())
    try:
        start = time.perf_counter()
        summary, evaluations = evaluate_policy(
            model, tokenizer, renderer, tasks, script_args.eval_max_new_tokens, description="Held-out (sampled)",
            batch_size=script_args.eval_batch_size, temperature=script_args.eval_temperature,
            samples_per_task=script_args.eval_samples_per_task,
        )
        eval_seconds = time.perf_counter() - start
    finally:
        renderer.close()
    metrics = {
        "model": str(output_dir), "weights_sha256": weights_fingerprint(output_dir), "base_model": model_path,
        "flawed_share": script_args.flawed_share,
        "train_examples": len(dataset), "flawed_examples": sum(dataset["flawed"]),
        "revision_share": script_args.revision_share, "revision_examples": len(revisions),
        "epochs": training_args.num_train_epochs, "learning_rate": training_args.learning_rate,
        "train_seconds": train_seconds, "eval_seconds": eval_seconds,
        "eval_tasks": len(tasks), "samples_per_task": script_args.eval_samples_per_task,
        "temperature": script_args.eval_temperature, "max_new_tokens": script_args.eval_max_new_tokens,
        "exec_rate": summary["exec_rate"], "defect_rate": summary["defect_rate"], "held_out": summary,
        "defect_kinds": _defect_kinds(evaluations),
        "final_train_loss": next((h["train_loss"] for h in reversed(trainer.state.log_history) if "train_loss" in h),
                                 None),
    }
    (output_dir / "metrics.json").write_text(json.dumps(metrics, indent=2))
    (output_dir / "held_out_samples.json").write_text(json.dumps(
        [{"task_id": e.task_id, "completion": e.completion, "ok": e.result.ok, "error": e.result.error,
          "defects": [d.kind for d in e.result.defects]} for e in evaluations], indent=2))
    if script_args.results_file:
        Path(script_args.results_file).parent.mkdir(parents=True, exist_ok=True)
        Path(script_args.results_file).write_text(json.dumps(metrics, indent=2))
    print(json.dumps({k: metrics[k] for k in ("exec_rate", "defect_rate", "train_seconds", "eval_seconds")}))
    return metrics


def revision_examples(dataset, renderer, share: float) -> list[dict]:
    """Teacher-context -> reference examples for a deterministic `share` (by a hash of the task id) of the flawed
    rows of `dataset` whose render has a defect: the prompt with the rubric of the flawed render appended exactly as
    `VisualSDPOTrainer` shows it to its teacher, and the clean reference program as the completion."""
    references = {row["task_id"]: row["completion"] for row in load_chart_sft_dataset(0.0)}
    picked = [row for row in dataset if row["flawed"] and task_draw(row["task_id"], salt="revision:") < share]
    results = render_completions(renderer, [row["completion"][0]["content"] for row in picked])
    return [{"prompt": build_teacher_prompt(row["prompt"], result, ["rubric"], VisualSDPOConfig.max_error_chars),
             "completion": references[row["task_id"]]}
            for row, result in zip(picked, results, strict=True) if result.ok and result.defects]


def _defect_kinds(evaluations) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for evaluation in evaluations:
        for defect in evaluation.result.defects:
            kinds[defect.kind] = kinds.get(defect.kind, 0) + 1
    return kinds


if __name__ == "__main__":
    parser = TrlParser((SFTChartArguments, SFTConfig, ModelConfig))
    main(*parser.parse_args_and_config())
