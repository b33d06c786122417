"""Generate programs with a policy and summarise how their renders score: the before/after numbers of a run."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import torch
from rich.progress import Progress

from trl_visual_sdpo.extract import render_completions
from trl_visual_sdpo.metrics import domain_metric
from trl_visual_sdpo.metrics.fidelity import label_recall, prompt_text
from trl_visual_sdpo.render.base import Renderer
from trl_visual_sdpo.results import RenderResult


@torch.no_grad()
def generate_completions(
    model,
    processing_class,
    prompts: Sequence[list[dict[str, Any]]],
    max_new_tokens: int = 256,
    batch_size: int = 8,
    description: str = "Generating",
    temperature: float | None = None,
) -> list[str]:
    """Completions for conversational prompts, batched, with a progress bar.

    Args:
        model: a causal or image-text-to-text model.
        processing_class: its tokenizer or processor (chat template included).
        prompts: TRL-style conversational prompts (lists of messages, image parts allowed with a processor).
        max_new_tokens: completion budget.
        batch_size: prompts per `generate` call.
        temperature: `None` decodes greedily; a value samples like GRPOTrainer's rollouts (that temperature, no
            top-k or top-p cut), so held-out numbers describe the policy that training samples from. Seed with
            `transformers.set_seed` for reproducible samples.
    """
    tokenizer = getattr(processing_class, "tokenizer", processing_class)
    was_training, padding_side = model.training, tokenizer.padding_side
    model.eval()
    tokenizer.padding_side = "left"  # decoder-only generation continues from the right end
    completions: list[str] = []
    with Progress(transient=True) as progress:
        task = progress.add_task(description, total=len(prompts))
        for start in range(0, len(prompts), batch_size):
            batch = list(prompts[start : start + batch_size])
            inputs = processing_class.apply_chat_template(
                batch,
                add_generation_prompt=True,
                tokenize=True,
                return_dict=True,
                return_tensors="pt",
                padding=True,
            ).to(model.device)
            sampling = {"do_sample": False} if temperature is None else {
                "do_sample": True, "temperature": temperature, "top_k": 0, "top_p": 1.0}
            output = model.generate(
                **inputs, max_new_tokens=max_new_tokens, pad_token_id=tokenizer.pad_token_id, **sampling
            )
            new_tokens = output[:, inputs["input_ids"].shape[1] :]
            completions.extend(tokenizer.batch_decode(new_tokens, skip_special_tokens=True))
            progress.advance(task, len(batch))
    model.train(was_training)
    tokenizer.padding_side = padding_side
    return completions


def vllm_generator(
    model_name_or_path: str, revision: str | None = None, trust_remote_code: bool = False, dtype: str = "auto",
    seed: int = 0,
) -> Callable[[Sequence[list[dict]], int, float | None], list[str]]:
    """A `generate(prompts, max_new_tokens, temperature) -> completions` backed by vLLM, for large evaluations on a
    GPU (`pip install trl-visual-sdpo[vllm]`). A trained adapter directory is served as a LoRA on its base model.
    Image parts (`{"type": "image", "image": PIL}`) go to vLLM as its `image_pil` parts."""
    from vllm import LLM, SamplingParams
    from vllm.lora.request import LoRARequest

    from trl_visual_sdpo.models import _base_model

    adapter = (Path(model_name_or_path) / "adapter_config.json").is_file()
    llm = LLM(model=_base_model(model_name_or_path), revision=revision, trust_remote_code=trust_remote_code,
              dtype=dtype, seed=seed, enable_lora=adapter)
    lora = LoRARequest("policy", 1, model_name_or_path) if adapter else None

    def vllm_parts(message: dict) -> dict:
        if isinstance(message["content"], str):
            return message
        return {**message, "content": [{"type": "image_pil", "image_pil": part["image"]}
                                       if part.get("type") == "image" else part for part in message["content"]]}

    def generate(prompts: Sequence[list[dict]], max_new_tokens: int, temperature: float | None) -> list[str]:
        params = SamplingParams(max_tokens=max_new_tokens, temperature=temperature or 0.0)
        conversations = [[vllm_parts(m) for m in prompt] for prompt in prompts]
        outputs = llm.chat(conversations, params, lora_request=lora, use_tqdm=True)
        return [output.outputs[0].text for output in outputs]

    return generate


def pass_at_k(results: Sequence[RenderResult], k: int) -> dict[str, float]:
    """Over tasks of `k` consecutive samples each: the share with at least one sample that runs (`pass@k/exec`) and
    with at least one that renders with no defect (`pass@k/flawless`)."""
    groups = [results[i : i + k] for i in range(0, len(results), k)]
    n = max(len(groups), 1)
    return {f"pass@{k}/exec": sum(any(r.ok for r in g) for g in groups) / n,
            f"pass@{k}/flawless": sum(any(r.ok and not r.defects for r in g) for g in groups) / n}


def summarize_renders(results: Sequence[RenderResult]) -> dict[str, float]:
    """Execution rate, share of executed renders with a defect (`defect_rate`), defects per executed render, share
    of flawless renders (of all) and the mean rubric score."""
    executed = [r for r in results if r.ok]
    n = max(len(results), 1)
    return {
        "n": len(results),
        "exec_rate": len(executed) / n,
        "defect_rate": sum(1 for r in executed if r.defects) / max(len(executed), 1),
        "defects_per_render": sum(len(r.defects) for r in executed) / max(len(executed), 1),
        "flawless_rate": sum(1 for r in executed if not r.defects) / n,
        "rubric_overall": sum(r.rubric.get("overall", 0.0) for r in results) / n,
    }


def with_image(prompt: list[dict], image) -> list[dict]:
    """A conversational prompt whose `{"type": "image"}` parts carry `image`, as processors' chat templates expect
    (TRL fills them from the `image` column during training; generation outside TRL does it here)."""
    return [{**m, "content": [{**part, "image": image} if part.get("type") == "image" else part
                              for part in m["content"]]} if isinstance(m["content"], list) else m for m in prompt]


@dataclass
class TaskEvaluation:
    """One task of an evaluation: what the policy wrote, how it rendered, and how it scored against the reference."""

    task_id: str
    completion: str
    result: RenderResult
    reference: RenderResult | None = None
    scores: dict[str, Any] = field(default_factory=dict)
    """The domain's benchmark metric against the reference render (empty without a reference)."""
    reward: float = 0.0
    """The held-out reward: the mean of execution (0/1), the defect-free score (`rubric["overall"]`) and, with a
    reference, the metric's headline similarity."""
    label_recall: float | None = None
    """Share of the labels the prompt quotes (and the reference draws) that the render draws
    (`metrics.fidelity.label_recall`); None when the prompt names none."""

    @property
    def complete_flawless(self) -> bool:
        """Ran, rendered with no defect, and dropped none of the requested labels: "flawless" that was not reached
        by drawing less."""
        return self.result.ok and not self.result.defects and self.label_recall in (None, 1.0)


def evaluate_policy(
    model,
    processing_class,
    renderer: Renderer,
    tasks,
    max_new_tokens: int = 256,
    batch_size: int = 8,
    description: str = "Generating",
    temperature: float | None = None,
    samples_per_task: int = 1,
    generator: Callable[[Sequence[list[dict]], int, float | None], list[str]] | None = None,
) -> tuple[dict[str, float], list[TaskEvaluation]]:
    """Generate for every task, render, and score with the domain's metric against each task's `reference_code`.

    `temperature=None` decodes greedily (one completion per task); with a temperature, `samples_per_task` sampled
    completions per task are scored, consecutive in the returned evaluations. `generator` replaces transformers'
    generation (e.g. `vllm_generator(...)`; `model` and `processing_class` are then unused).

    Returns the summary over all completions (execution rate, defects, rubric, `reference_similarity` = the
    metric's headline, the mean of each metric axis as `metric/<axis>`, and `held_out_reward` = the mean of the
    completions' `reward`) and the per-completion evaluations.
    """
    if samples_per_task < 1 or (temperature is None and samples_per_task > 1):
        raise ValueError(f"samples_per_task={samples_per_task}: use 1 with greedy decoding (temperature=None), or "
                         "give a temperature to sample several completions per task.")
    columns = getattr(tasks, "column_names", None) or list(tasks[0].keys())
    prompts = list(tasks["prompt"])
    if "image" in columns:  # image-conditioned tasks: the picture goes into the prompt's image part
        prompts = [with_image(prompt, image) for prompt, image in zip(prompts, tasks["image"])]
    prompts = [prompt for prompt in prompts for _ in range(samples_per_task)]
    if generator is not None:
        completions = generator(prompts, max_new_tokens, temperature)
    else:
        completions = generate_completions(model, processing_class, prompts, max_new_tokens, batch_size, description,
                                           temperature)
    results = render_completions(renderer, completions, description="Rendering")
    return score_renders(renderer, tasks, completions, results, samples_per_task)


def score_renders(
    renderer: Renderer, tasks, completions: Sequence[str], results: Sequence[RenderResult], samples_per_task: int = 1
) -> tuple[dict[str, float], list[TaskEvaluation]]:
    """Score rendered completions (`samples_per_task` consecutive ones per task) against the tasks' references:
    `evaluate_policy`'s summary and evaluations, for programs that came from elsewhere (e.g. a revision round)."""
    columns = getattr(tasks, "column_names", None) or list(tasks[0].keys())
    references = renderer.render_batch(list(tasks["reference_code"])) if "reference_code" in columns else []
    references = [reference for reference in references for _ in range(samples_per_task)]
    # the domain's metric only when there is something to compare with (a domain may have none)
    metric, headline = domain_metric(renderer.domain) if references else (None, None)
    task_ids = list(tasks["task_id"]) if "task_id" in columns else [str(i) for i in range(len(tasks))]
    task_ids = [task_id for task_id in task_ids for _ in range(samples_per_task)]
    evaluations = [
        TaskEvaluation(task_id, completion, result, reference, metric(result, reference) if reference else {})
        for task_id, completion, result, reference in zip(
            task_ids, completions, results, references or [None] * len(results), strict=True
        )
    ]
    prompts = [prompt_text(p) for p in tasks["prompt"] for _ in range(samples_per_task)] if "prompt" in columns else []
    for i, evaluation in enumerate(evaluations):
        parts = [float(evaluation.result.ok), evaluation.result.rubric.get("overall", 0.0)]
        evaluation.reward = statistics.fmean(parts + ([evaluation.scores[headline]] if references else []))
        if prompts:
            evaluation.label_recall = label_recall(evaluation.result, prompts[i], evaluation.reference)
    summary = summarize_renders(results)
    if prompts and evaluations:  # the shortcut the rubric cannot see: "no defect" reached by dropping labels
        summary["complete_flawless_rate"] = sum(e.complete_flawless for e in evaluations) / len(evaluations)
        recalls = [e.label_recall for e in evaluations if e.label_recall is not None]
        if recalls:
            summary["label_recall"] = statistics.fmean(recalls)
    if samples_per_task > 1:
        summary.update(pass_at_k(results, samples_per_task))
    if references:
        n = max(len(evaluations), 1)
        summary["reference_similarity"] = sum(e.scores[headline] for e in evaluations) / n
        for axis in evaluations[0].scores if evaluations else ():
            if isinstance(evaluations[0].scores[axis], (int, float)):
                values = [e.scores[axis] for e in evaluations if isinstance(e.scores.get(axis), (int, float))]
                summary[f"metric/{axis}"] = sum(values) / max(len(values), 1)
    summary["held_out_reward"] = statistics.fmean(e.reward for e in evaluations) if evaluations else 0.0
    return summary, evaluations


def _per_task(values: Sequence[float], samples_per_task: int) -> list[float]:
    return [statistics.fmean(values[i : i + samples_per_task]) for i in range(0, len(values), samples_per_task)]


def task_rewards(evaluations: Sequence[TaskEvaluation], samples_per_task: int = 1) -> list[float]:
    """Held-out reward per task, averaged over its `samples_per_task` consecutive samples (`evaluate_policy`'s
    order): the unit that intervals resample."""
    return _per_task([e.reward for e in evaluations], samples_per_task)


def task_flawless(evaluations: Sequence[TaskEvaluation], samples_per_task: int = 1) -> list[float]:
    """Per task, the share of its samples that ran and rendered with no defect: the flawless share's unit for
    intervals. The held-out reward docks a defect only a little (one axis of the rubric's mean), so the layout
    change a run makes shows here first."""
    return _per_task([float(e.result.ok and not e.result.defects) for e in evaluations], samples_per_task)


def task_complete_flawless(evaluations: Sequence[TaskEvaluation], samples_per_task: int = 1) -> list[float]:
    """Per task, the share of its samples that are `complete_flawless`: flawless without dropping a requested label
    (a defect fixed by deleting the labels it was in does not count)."""
    return _per_task([float(e.complete_flawless) for e in evaluations], samples_per_task)


def paired_change(before: Sequence[float], after: Sequence[float], resamples: int = 2000,
                  seed: int = 0) -> dict[str, Any]:
    """Mean per-task change `after - before` with a 95 % percentile bootstrap interval over tasks (paired: each
    resampled task contributes its own difference).

    Returns `{"difference": float, "ci95": [low, high], "tasks": n}`."""
    import numpy as np
    from scipy.stats import bootstrap

    if len(before) != len(after) or not len(before):
        raise ValueError(f"paired_change needs the same tasks before and after ({len(before)} and {len(after)}).")
    differences = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    if np.ptp(differences) == 0:  # a single value: no spread to resample (scipy would warn and return nan)
        low = high = float(differences[0])
    else:
        interval = bootstrap((differences,), np.mean, confidence_level=0.95, n_resamples=resamples,
                             method="percentile", rng=np.random.default_rng(seed)).confidence_interval
        low, high = float(interval.low), float(interval.high)
    return {"difference": float(differences.mean()), "ci95": [low, high], "tasks": len(differences)}
