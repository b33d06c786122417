import copy

import pytest
import torch
from datasets import Dataset
from toy_renderer import BoxRenderer, box_reward, length_reward
from trl import GRPOConfig, GRPOTrainer
from trl.trainer.utils import selective_log_softmax, split_tensor_dict

from trl_visual_sdpo import VisualSDPOConfig, VisualSDPOTrainer
from trl_visual_sdpo.losses import per_token_divergence, weighted_masked_mean


OVERLAP = ('Here you go.\n```python\nbox("title", 0, 0, 100, 20)\nbox("label", 50, 10, 150, 30)\n'
           'box("legend", 0, 100, 40, 140)\n```')
CLEAN = '```python\nbox("title", 0, 0, 100, 20)\nbox("legend", 0, 100, 40, 140)\n```'
CRASH = '```python\nbox("title", 0, 0, 100, 20)\nfail("division by zero")\n```'
PROSE = "I cannot draw that."
SCRIPT = [OVERLAP, CLEAN, CRASH, PROSE]


def _dataset(n=8):
    return Dataset.from_dict({"prompt": [[{"role": "user", "content": "Draw three boxes."}]] * n})


def _config(tmp_path, config_class=VisualSDPOConfig, **overrides):
    values = dict(
        output_dir=str(tmp_path),
        per_device_train_batch_size=4,
        num_generations=4,
        max_completion_length=48,
        max_steps=2,
        learning_rate=1e-2,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        bf16=False,
        use_cpu=True,
        seed=0,
    )
    values.update(overrides)
    return config_class(**values)


def scripted_rollout(texts):
    """A TRL rollout_func answering the k-th completion of a batch with texts[k]: deterministic programs."""

    def rollout(prompts, trainer):
        tokenizer = trainer._tokenizer
        prompt_ids = trainer._tokenize_prompts(prompts)[0]
        completion_ids = [
            tokenizer(texts[i % len(texts)], add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
            for i in range(len(prompts))
        ]
        return {"prompt_ids": prompt_ids, "completion_ids": completion_ids, "logprobs": None}

    return rollout


def _trainer(tmp_path, tiny_text, rollout=True, **overrides):
    model, tokenizer = tiny_text
    return VisualSDPOTrainer(
        model=model,
        reward_funcs=[box_reward, length_reward],
        args=_config(tmp_path, **overrides),
        train_dataset=_dataset(),
        processing_class=tokenizer,
        renderer=BoxRenderer(),
        rollout_func=scripted_rollout(SCRIPT) if rollout else None,
    )


def _batch(trainer):
    trainer.model.train()
    trainer.current_gradient_accumulation_steps = 1  # set by Trainer.train(); the tests call the hooks directly
    return trainer._generate_and_score_completions([trainer.train_dataset[i] for i in range(4)])


def _take(batch, index):
    return {
        k: (v[index : index + 1] if isinstance(v, (torch.Tensor, list)) and getattr(v, "ndim", 1) > 0 else v)
        for k, v in batch.items()
    }


def test_requires_a_renderer_and_a_visual_config(tmp_path, tiny_text):
    model, tokenizer = tiny_text
    with pytest.raises(ValueError, match="renderer="):
        VisualSDPOTrainer(model=model, reward_funcs=[length_reward], args=_config(tmp_path),
                          train_dataset=_dataset(), processing_class=tokenizer)
    with pytest.raises(TypeError, match="VisualSDPOConfig"):
        VisualSDPOTrainer(model=model, reward_funcs=[length_reward],
                          args=GRPOConfig(output_dir=str(tmp_path), bf16=False, use_cpu=True),
                          train_dataset=_dataset(), processing_class=tokenizer, renderer=BoxRenderer())
    with pytest.raises(ValueError, match="feedback_channels"):
        _trainer(tmp_path, tiny_text, feedback_channels=["image"])


def test_config_validation_names_the_field_and_fix(tmp_path):
    with pytest.raises(ValueError, match="divergence"):
        _config(tmp_path, divergence="kl")
    with pytest.raises(ValueError, match="credit_alpha"):
        _config(tmp_path, credit_alpha=-1)
    with pytest.raises(ValueError, match=r"credit_box.*'element', 'statement'"):
        _config(tmp_path, credit_box="union")
    with pytest.raises(ValueError, match="feedback_channels"):
        _config(tmp_path, feedback_channels=["sound"])
    with pytest.raises(ValueError, match="both 0"):
        _config(tmp_path, distill_weight=0, grpo_weight=0)
    with pytest.raises(ValueError, match=r"use_liger_kernel=True.*distillation term.*use_kernels.*distill_weight=0"):
        _config(tmp_path, use_liger_kernel=True)
    assert _config(tmp_path, use_liger_kernel=True, distill_weight=0).use_liger_kernel  # plain GRPO keeps Liger
    with pytest.raises(ValueError, match=r"repair_hints=True.*no 'rubric'"):
        _config(tmp_path, repair_hints=True, feedback_channels=["image"])


def test_old_config_names_still_work_with_a_deprecation_warning(tmp_path):
    with pytest.warns(FutureWarning, match="distill_top_k.*distillation_topk"):
        config = _config(tmp_path, distill_top_k=8, distill_is_clip=2.0, teacher_model_kind="frozen")
    assert config.distillation_topk == 8 and config.distillation_is_clip == 2.0 and config.teacher_model_kind == "base"
    assert config.distill_top_k is None and config.distill_is_clip is None
    assert _config(tmp_path, feedback_channels="image,rubric").feedback_channels == ["image", "rubric"]


def test_renders_once_and_rewards_get_render_results(tmp_path, tiny_text):
    trainer = _trainer(tmp_path, tiny_text)
    batch = _batch(trainer)
    assert trainer.renderer.calls == 4
    rewards = list(trainer._logs["rewards"]["box_reward"])
    assert rewards == [0.5, 1.0, 0.0, 0.0]  # overlap, clean, crash, no program
    assert len(trainer._logs["rewards"]["length_reward"]) == 4  # a plain TRL reward function still works
    assert batch["distill_weights"].shape == batch["completion_ids"].shape


def test_credit_weights_land_on_the_overlapping_statements(tmp_path, tiny_text):
    trainer = _trainer(tmp_path, tiny_text, credit_alpha=2.0)
    batch = _batch(trainer)
    tokenizer = trainer.processing_class
    weights = batch["distill_weights"]
    # The title (0,0,100,20) and label (50,10,150,30) overlap on (50,10,100,20): IoU with each box is 500/2000.
    expected = 1 + 2.0 * 500 / 2000
    ids = batch["completion_ids"][0].tolist()
    credited_text = tokenizer.decode([t for t, w in zip(ids, weights[0].tolist()) if w > 1])
    assert 'box("title"' in credited_text.replace(" ", "") or "title" in credited_text
    assert "legend" not in credited_text and "Here" not in credited_text
    assert weights[0].max().item() == pytest.approx(expected)
    assert set(weights[1].tolist()) == {1.0}  # clean program: uniform distillation
    assert set(weights[2].tolist()) == {1.0}  # crashed program: no element, no credit


def test_crashed_program_teaches_through_its_error(tmp_path, tiny_text):
    trainer = _trainer(tmp_path, tiny_text)
    batch = _batch(trainer)
    teacher_prompt = batch["teacher_prompts"][2][-1]["content"]
    assert "RuntimeError: division by zero" in teacher_prompt and "failed" in teacher_prompt
    assert list(trainer._logs["rewards"]["box_reward"])[2] == 0.0
    loss = trainer._compute_distillation_loss(trainer.model, _take(batch, 2))
    assert loss.item() > 0


def test_rubric_channel_reaches_the_teacher_with_the_responsible_lines(tmp_path, tiny_text):
    trainer = _trainer(tmp_path, tiny_text)
    batch = _batch(trainer)
    overlap_prompt = batch["teacher_prompts"][0][-1]["content"]
    assert "[text_overlap]" in overlap_prompt
    assert 'line 1: `box("title", 0, 0, 100, 20)`' in overlap_prompt
    assert "no visual problems" in batch["teacher_prompts"][1][-1]["content"]
    teacher_ids, _, _ = trainer._encode_teacher_prompts(batch["teacher_prompts"][:1])
    assert "[text_overlap]" in trainer.processing_class.decode(teacher_ids[0])
    unquoted = _batch(_trainer(tmp_path, tiny_text, rubric_code_lines=False))["teacher_prompts"][0][-1]["content"]
    assert "[text_overlap]" in unquoted and "made by" not in unquoted and 'box("title"' not in unquoted
    elided = _batch(_trainer(tmp_path, tiny_text, rubric_code_lines="elided"))["teacher_prompts"][0][-1]["content"]
    assert 'line 1: `box("...", 0, 0, 100, 20)`' in elided and "title" not in elided.split("made by")[1]


def _teacher_logits(trainer, batch):
    """The teacher's completion logits as the trainer should compute them: eval mode, no graph."""
    ids, mask, kwargs = trainer._encode_teacher_prompts(batch["teacher_prompts"])
    model, was_training = trainer.model, trainer.model.training
    model.eval()
    with torch.no_grad():
        logits = trainer._completion_logits(model, ids, mask, batch["completion_ids"], batch["completion_mask"],
                                            **kwargs)
    model.train(was_training)
    return logits


def _reference_distillation(trainer, batch, student_logits, teacher_logits, ratio=None):
    """The distillation loss from the loss functions alone, with a detached teacher: the student's path only. The
    stopping tokens are left out as the trainer's `stop_neutral` asks (tested against the kept vocabulary below)."""
    per_token = per_token_divergence(student_logits, teacher_logits.detach(), trainer.args.divergence,
                                     excluded_ids=trainer._stop_ids)
    if ratio is not None:
        per_token = per_token * ratio
    mask = batch["completion_mask"] * batch["distill_active"].unsqueeze(1) * batch["distill_mask"]
    return weighted_masked_mean(per_token, batch["distill_weights"], mask, batch["distill_num_items"])


def _grads(model):
    return {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}


def test_gradient_flows_through_the_student_pass_only(tmp_path, tiny_text):
    trainer = _trainer(tmp_path, tiny_text)
    batch = _take(_batch(trainer), 0)
    model = trainer.model
    builds_graph = []
    hook = model.register_forward_hook(lambda module, args, output: builds_graph.append(output.logits.requires_grad))
    loss = trainer._compute_distillation_loss(model, batch)
    hook.remove()
    assert builds_graph == [True, False]  # the student's forward is differentiated, the teacher's is not
    loss.backward()
    grads = _grads(model)
    assert grads
    model.zero_grad()
    student = trainer._completion_logits(model, batch["prompt_ids"], batch["prompt_mask"], batch["completion_ids"],
                                         batch["completion_mask"])
    reference = _reference_distillation(trainer, batch, student, _teacher_logits(trainer, batch))
    assert loss.item() == pytest.approx(reference.item(), rel=1e-5)
    reference.backward()
    for name, grad in grads.items():
        assert torch.allclose(grad, dict(model.named_parameters())[name].grad, rtol=1e-4, atol=1e-7), name


def test_teacher_reads_the_current_weights(tmp_path, tiny_text):
    trainer = _trainer(tmp_path, tiny_text)
    batch = _take(_batch(trainer), 0)
    before = _teacher_logits(trainer, batch)
    with torch.no_grad():
        trainer.model.model.embed_tokens.weight.add_(0.5 * torch.randn_like(trainer.model.model.embed_tokens.weight))
    assert not torch.allclose(before, _teacher_logits(trainer, batch))


def test_teacher_pass_runs_without_dropout_and_restores_training_mode(tmp_path, tiny_text):
    trainer = _trainer(tmp_path, tiny_text)
    batch = _take(_batch(trainer), 0)
    model = trainer.model
    for layer in model.model.layers:
        layer.self_attn.attention_dropout = 0.5
    args = (batch["prompt_ids"], batch["prompt_mask"], batch["completion_ids"], batch["completion_mask"])
    with torch.no_grad():  # dropout is really on in training mode, so the check below can fail
        assert not torch.allclose(trainer._completion_logits(model, *args), trainer._completion_logits(model, *args))
    student = trainer._completion_logits(model, *args).detach()  # fixed, so only the teacher pass could vary
    modes = []
    hook = model.register_forward_hook(lambda module, args, output: modes.append(module.training))
    first = trainer._compute_distillation_loss(model, batch, student)
    second = trainer._compute_distillation_loss(model, batch, student)
    hook.remove()
    assert modes == [False, False]  # the teacher's forwards ran in eval mode
    assert model.training  # and the student's mode is back for its backward pass
    assert first.item() == second.item()
    assert first.item() == pytest.approx(
        _reference_distillation(trainer, batch, student, _teacher_logits(trainer, batch)).item(), rel=1e-6)


def test_two_accumulated_half_batches_equal_one_full_batch(tmp_path, tiny_text):
    model, tokenizer = tiny_text
    twin = copy.deepcopy(model)
    full = _trainer(tmp_path, (model, tokenizer))
    accumulated = _trainer(tmp_path, (twin, tokenizer), per_device_train_batch_size=2, gradient_accumulation_steps=2)
    assert full.args.loss_type == accumulated.args.loss_type == "dapo"  # TRL's default loss_type
    batch = _batch(full)
    halves = split_tensor_dict(batch, 2)
    # Halves of unequal lengths: a per-micro-batch mean would weigh their tokens differently than the full batch.
    assert halves[0]["completion_mask"].sum() != halves[1]["completion_mask"].sum()
    loss_full = full._compute_loss(full.model, batch)
    loss_full.backward()
    accumulated.model.train()
    accumulated.current_gradient_accumulation_steps = 2
    loss_halves = 0.0
    for half in halves:
        loss = accumulated._compute_loss(accumulated.model, half)
        loss.backward()
        loss_halves += loss.item()
    assert loss_halves == pytest.approx(loss_full.item(), rel=1e-5)
    assert _grads(full.model)
    for (name, a), (_, b) in zip(full.model.named_parameters(), accumulated.model.named_parameters()):
        if a.grad is not None or b.grad is not None:
            assert torch.allclose(a.grad, b.grad, rtol=1e-4, atol=1e-7), name


@pytest.mark.parametrize("grpo_weight", [0.5, 2.0])
def test_grpo_weight_scales_the_grpo_term(tmp_path, tiny_text, grpo_weight):
    trainer = _trainer(tmp_path, tiny_text, grpo_weight=grpo_weight)
    batch = _batch(trainer)
    assert batch["advantages"].abs().sum() > 0  # with all-equal rewards the GRPO term, and its weight, are inert
    params = [p for p in trainer.model.parameters() if p.requires_grad]
    total = trainer._compute_loss(trainer.model, batch)
    grads_total = torch.autograd.grad(total, params, allow_unused=True)
    grpo = GRPOTrainer._compute_loss(trainer, trainer.model, batch)
    grads_grpo = torch.autograd.grad(grpo, params, allow_unused=True)
    distill = trainer._compute_distillation_loss(trainer.model, batch)
    grads_distill = torch.autograd.grad(distill, params, allow_unused=True)
    assert total.item() == pytest.approx(grpo_weight * grpo.item() + distill.item(), rel=1e-5)
    for g_total, g_grpo, g_distill in zip(grads_total, grads_grpo, grads_distill):
        if g_total is not None:
            expected = grpo_weight * g_grpo + g_distill
            assert torch.allclose(g_total, expected, rtol=1e-4, atol=1e-7)


def test_distillation_is_clip_reweights_an_off_policy_step(tmp_path, tiny_text):
    # num_iterations=2: the batch is reused after an optimizer step, so TRL keeps the sampling policy's log-probs.
    trainer = _trainer(tmp_path, tiny_text, num_iterations=2, distillation_is_clip=1.0)
    batch = _batch(trainer)
    assert "old_per_token_logps" in batch
    model = trainer.model
    on_policy = trainer._compute_distillation_loss(model, batch)
    trainer.args.distillation_is_clip = None
    assert on_policy.item() == pytest.approx(trainer._compute_distillation_loss(model, batch).item(), rel=1e-5)
    trainer._compute_loss(model, batch).backward()  # the first iteration's optimizer step
    torch.optim.SGD(model.parameters(), lr=1.0).step()
    model.zero_grad()
    unclipped = trainer._compute_distillation_loss(model, batch)
    trainer.args.distillation_is_clip = 1.0
    clipped = trainer._compute_distillation_loss(model, batch)
    student = trainer._completion_logits(model, batch["prompt_ids"], batch["prompt_mask"], batch["completion_ids"],
                                         batch["completion_mask"])
    ratio = torch.exp(selective_log_softmax(student, batch["completion_ids"]) - batch["old_per_token_logps"])
    assert not torch.allclose(ratio, torch.ones_like(ratio))  # really off-policy
    expected = _reference_distillation(trainer, batch, student, _teacher_logits(trainer, batch),
                                       ratio.clamp(max=1.0).detach())
    assert clipped.item() == pytest.approx(expected.item(), rel=1e-4)
    assert clipped.item() < unclipped.item()  # ratios above the clip are cut to 1


def test_distill_weight_zero_equals_plain_grpo(tmp_path, tiny_text):
    model, tokenizer = tiny_text
    twin = copy.deepcopy(model)
    visual = _trainer(tmp_path, (model, tokenizer), distill_weight=0.0)
    grpo = GRPOTrainer(model=twin, reward_funcs=[box_reward, length_reward], args=_config(tmp_path, GRPOConfig),
                       train_dataset=_dataset(), processing_class=tokenizer)
    batch = _batch(visual)
    assert "distill_weights" not in batch
    grpo.model.train()
    grpo.current_gradient_accumulation_steps = 1
    loss_visual = visual._compute_loss(visual.model, batch)
    loss_grpo = grpo._compute_loss(grpo.model, batch)
    assert loss_visual.item() == pytest.approx(loss_grpo.item(), abs=1e-7)
    loss_visual.backward()
    loss_grpo.backward()
    for (name, a), (_, b) in zip(visual.model.named_parameters(), grpo.model.named_parameters()):
        if a.grad is not None or b.grad is not None:
            assert torch.allclose(a.grad, b.grad, atol=1e-7), name


def test_one_student_forward_serves_grpo_and_distillation(tmp_path, tiny_text):
    model, tokenizer = tiny_text
    twin = copy.deepcopy(model)
    shared = _trainer(tmp_path, (model, tokenizer))
    separate = _trainer(tmp_path, (twin, tokenizer))
    batch = _batch(shared)
    forwards = []
    model.register_forward_hook(lambda module, args, output: forwards.append(module))
    loss_shared = shared._compute_loss(shared.model, batch)
    # Separate: TRL's own fused forward for the GRPO term, a second student forward for the distillation term.
    separate.current_gradient_accumulation_steps = 1
    grpo = GRPOTrainer._compute_loss(separate, separate.model, batch)
    distill = separate._compute_distillation_loss(separate.model, batch)
    loss_separate = separate.args.grpo_weight * grpo + separate.args.distill_weight * distill
    assert len(forwards) == 2  # the student once, the live teacher once
    assert loss_shared.item() == pytest.approx(loss_separate.item(), rel=1e-4)
    loss_shared.backward()
    loss_separate.backward()
    for (name, a), (_, b) in zip(shared.model.named_parameters(), separate.model.named_parameters()):
        if a.grad is not None or b.grad is not None:
            assert torch.allclose(a.grad, b.grad, rtol=1e-3, atol=1e-6), name


def test_flawless_renders_can_be_skipped(tmp_path, tiny_text):
    trainer = _trainer(tmp_path, tiny_text, flawless_renders="skip")
    batch = _batch(trainer)
    assert batch["distill_active"].tolist() == [1.0, 0.0, 1.0, 1.0]
    assert trainer._compute_distillation_loss(trainer.model, _take(batch, 1)).item() == 0.0


INFRA = '```python\nbox("title", 0, 0, 100, 20)\ninfra("worker died")\n```'


def test_infrastructure_failures_stay_out_of_rewards_and_feedback(tmp_path, tiny_text):
    model, tokenizer = tiny_text
    trainer = VisualSDPOTrainer(
        model=model, reward_funcs=[box_reward, length_reward], args=_config(tmp_path), train_dataset=_dataset(),
        processing_class=tokenizer, renderer=BoxRenderer(),
        rollout_func=scripted_rollout([OVERLAP, CLEAN, INFRA, CRASH]),
    )
    batch = _batch(trainer)
    # every reward of the infra-failed rollout is unscorable, even the plain TRL one that never reads renders
    rewards = trainer._logs["rewards"]
    assert [r != r for r in list(rewards["length_reward"])] == [False, False, True, False]
    assert batch["advantages"][2].item() == 0.0
    assert batch["distill_active"].tolist() == [1.0, 1.0, 0.0, 1.0]
    assert batch["teacher_prompts"][2] == trainer.train_dataset[2]["prompt"]  # no feedback: ours, not the program's
    assert trainer._compute_distillation_loss(trainer.model, _take(batch, 2)).item() == 0.0


def test_a_run_of_infrastructure_failures_stops_training_with_a_clear_message(tmp_path, tiny_text):
    model, tokenizer = tiny_text
    trainer = VisualSDPOTrainer(
        model=model, reward_funcs=[box_reward], args=_config(tmp_path, max_consecutive_infra_errors=6),
        train_dataset=_dataset(), processing_class=tokenizer, renderer=BoxRenderer(),
        rollout_func=scripted_rollout([INFRA]),
    )
    with pytest.raises(RuntimeError, match=r"6 renders in a row failed because of the rendering infrastructure.*"
                                           r"resume_from_checkpoint=True"):
        trainer.train()


def test_training_steps_log_every_metric(tmp_path, tiny_text):
    trainer = _trainer(tmp_path, tiny_text, rollout=False, max_completion_length=16)
    trainer.train()
    logged = {k for entry in trainer.state.log_history for k in entry}
    for key in ("loss", "grpo/loss", "distill/loss", "distill/divergence", "credit/credited_token_frac",
                "credit/mean_token_weight", "render/exec_rate", "render/defects_per_render", "render/seconds",
                "completions/repeated_line_frac"):
        assert key in logged, key
    assert trainer.state.global_step == 2


def test_peft_lora_trains_only_the_adapter_and_teaches_with_it(tmp_path, tiny_text):
    from peft import LoraConfig

    model, tokenizer = tiny_text
    trainer = VisualSDPOTrainer(
        model=model, reward_funcs=[box_reward], args=_config(tmp_path, max_steps=1), train_dataset=_dataset(),
        processing_class=tokenizer, renderer=BoxRenderer(), rollout_func=scripted_rollout(SCRIPT),
        peft_config=LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]),
    )
    before = {n: p.detach().clone() for n, p in trainer.model.named_parameters()}
    trainer.train()
    changed = {n for n, p in trainer.model.named_parameters() if not torch.equal(before[n], p.detach())}
    assert changed and all("lora_" in n for n in changed)
    batch = _take(_batch(trainer), 0)
    ids, mask, _ = trainer._encode_teacher_prompts(batch["teacher_prompts"])
    args = (ids, mask, batch["completion_ids"], batch["completion_mask"])
    with torch.no_grad():
        with_adapter = trainer._completion_logits(trainer.model, *args)
        with trainer.model.disable_adapter():
            base = trainer._completion_logits(trainer.model, *args)
    assert not torch.allclose(with_adapter, base)  # the teacher pass runs through the trained adapter


def test_kl_to_the_initial_model_joins_the_loss_under_lora(tmp_path, tiny_text):
    # TRL's `beta` anchors the policy to the model it started from (the adapter switched off): the grid's
    # `sdpo_credit_kl` arm holds the student's drift with it, so the term must survive our loss composition.
    from peft import LoraConfig

    model, tokenizer = tiny_text
    trainer = VisualSDPOTrainer(
        model=model, reward_funcs=[box_reward, length_reward], args=_config(tmp_path, max_steps=1, beta=0.5),
        train_dataset=_dataset(), processing_class=tokenizer, renderer=BoxRenderer(),
        rollout_func=scripted_rollout(SCRIPT), peft_config=LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj"]),
    )
    trainer.train()  # the adapter moves away from the initial model, so the KL is not zero
    batch = _batch(trainer)
    with torch.no_grad(), trainer.model.disable_adapter():
        logits = trainer._completion_logits(trainer.model, batch["prompt_ids"], batch["prompt_mask"],
                                            batch["completion_ids"], batch["completion_mask"])
    initial = selective_log_softmax(logits, batch["completion_ids"])
    mask = batch["completion_mask"].bool()
    assert torch.allclose(batch["ref_per_token_logps"][mask], initial[mask], atol=1e-5)
    total = trainer._compute_loss(trainer.model, batch)
    grpo = GRPOTrainer._compute_loss(trainer, trainer.model, batch)
    distill = trainer._compute_distillation_loss(trainer.model, batch)
    assert total.item() == pytest.approx(grpo.item() + distill.item(), rel=1e-5)
    assert trainer._metrics["train"]["kl"][-1] > 0


def test_image_channel_reaches_the_vision_language_teacher(tmp_path, tiny_vlm):
    from PIL import Image

    model, processor = tiny_vlm
    trainer = VisualSDPOTrainer(
        model=model, reward_funcs=[box_reward], args=_config(tmp_path, feedback_channels=["image", "rubric"]),
        train_dataset=_dataset(), processing_class=processor, renderer=BoxRenderer(),
        rollout_func=scripted_rollout(SCRIPT),
    )
    batch = _take(_batch(trainer), 0)
    parts = batch["teacher_prompts"][0][-1]["content"]
    images = [p["image"] for p in parts if p["type"] == "image"]
    assert len(images) == 1 and images[0].size == (64, 64)  # the render of the student's own program
    ids, mask, kwargs = trainer._encode_teacher_prompts(batch["teacher_prompts"])
    assert "pixel_values" in kwargs
    assert (ids == processor.tokenizer.convert_tokens_to_ids("<image>")).sum() > 0
    args = (batch["completion_ids"], batch["completion_mask"])
    with torch.no_grad():
        seen = trainer._completion_logits(trainer.model, ids, mask, *args, **kwargs)
        black = [dict(p, image=Image.new("RGB", (64, 64), "black")) if p["type"] == "image" else p for p in parts]
        other_prompt = [[*batch["teacher_prompts"][0][:-1], {"role": "user", "content": black}]]
        ids2, mask2, kwargs2 = trainer._encode_teacher_prompts(other_prompt)
        changed = trainer._completion_logits(trainer.model, ids2, mask2, *args, **kwargs2)
    assert not torch.allclose(seen, changed)  # the teacher really looks at the picture
    assert trainer._compute_distillation_loss(trainer.model, batch).item() > 0


def test_trains_on_a_streamed_dataset(tmp_path, tiny_text):
    model, tokenizer = tiny_text
    trainer = VisualSDPOTrainer(
        model=model, reward_funcs=[box_reward], args=_config(tmp_path), processing_class=tokenizer,
        train_dataset=_dataset().to_iterable_dataset(), renderer=BoxRenderer(),
        rollout_func=scripted_rollout(SCRIPT),
    )
    trainer.train()
    assert trainer.state.global_step == 2
    assert any("distill/loss" in entry for entry in trainer.state.log_history)


# What the logits hand-off (VisualSDPOTrainer._get_per_token_logps_and_entropies) was written against: TRL's private
# signature. If a TRL upgrade changes it, update the override and this list together.
TRL_LOGPS_SIGNATURE = [
    "self", "model", "input_ids", "attention_mask", "logits_to_keep", "batch_size", "compute_entropy",
    "compute_aux_loss", "pixel_values", "image_grid_thw", "num_images", "pixel_attention_mask", "spatial_shapes",
    "num_tiles", "image_sizes", "token_type_ids", "mm_token_type_ids", "image_position_ids",
]


def test_the_logits_hand_off_matches_trls_private_signature():
    import inspect

    from trl_visual_sdpo.trainer import _FORWARD_KEYS

    parameters = list(inspect.signature(GRPOTrainer._get_per_token_logps_and_entropies).parameters)
    assert parameters == TRL_LOGPS_SIGNATURE, (
        "TRL changed GRPOTrainer._get_per_token_logps_and_entropies; review VisualSDPOTrainer's override (the "
        f"logits hand-off) against the new signature: {parameters}")
    # every multimodal input TRL forwards reaches the student's forward in the shared pass
    forwarded = set(parameters) - {"self", "model", "input_ids", "attention_mask", "logits_to_keep", "batch_size",
                                   "compute_entropy", "compute_aux_loss", "num_images", "num_tiles"}
    assert forwarded <= set(_FORWARD_KEYS), forwarded - set(_FORWARD_KEYS)
    # TRL's loss calls the hook with keyword arguments only after the four positional ones
    source = inspect.getsource(GRPOTrainer._compute_loss)
    assert "self._get_per_token_logps_and_entropies(" in source


def test_the_decision_to_stop_is_not_distilled_unless_asked(tmp_path, tiny_text):
    trainer = _trainer(tmp_path, tiny_text)
    batch = _batch(trainer)
    tokenizer = trainer.processing_class
    for i in (0, 1):  # fenced programs: the tokens after the last line (closing fence, EOS) are left out
        ids, mask = batch["completion_ids"][i], batch["completion_mask"][i].bool()
        kept, dropped = ids[mask & (batch["distill_mask"][i] == 1)], ids[mask & (batch["distill_mask"][i] == 0)]
        assert "```" in tokenizer.decode(dropped) and tokenizer.eos_token_id in dropped.tolist()
        assert tokenizer.decode(kept).rstrip().endswith("140)")  # the program's last line is still distilled
    assert batch["distill_num_items"].item() == (batch["completion_mask"] * batch["distill_active"].unsqueeze(1)
                                                 * batch["distill_mask"]).sum().item()
    everything = _batch(_trainer(tmp_path, tiny_text, distill_program_end=True, stop_neutral=False))
    assert everything["distill_mask"].eq(1).all()


def test_stop_neutral_leaves_stopping_out_of_the_divergence(tmp_path, tiny_text):
    trainer = _trainer(tmp_path, tiny_text)  # the default
    tokenizer = trainer.processing_class
    stop = set(trainer._stop_ids.tolist())
    assert {tokenizer.eos_token_id, *tokenizer.convert_tokens_to_ids(["```", "Ġ```"])} <= stop
    assert not stop & set(tokenizer("ax.bar(x)\n", add_special_tokens=False)["input_ids"])
    batch = _take(_batch(trainer), 0)
    model = trainer.model
    student = trainer._completion_logits(model, batch["prompt_ids"], batch["prompt_mask"], batch["completion_ids"],
                                         batch["completion_mask"])
    student.retain_grad()
    loss = trainer._compute_distillation_loss(model, batch, student_logits=student)
    kept = torch.tensor([i for i in range(student.size(-1)) if i not in stop])
    teacher = _teacher_logits(trainer, batch)
    trainer._stop_ids = None  # the references below choose their vocabulary themselves
    reference = _reference_distillation(trainer, batch, student[..., kept], teacher[..., kept])
    # a divergence of ~1e-4 summed over 49k float32 terms in two orders: equal to about 1e-4 of itself
    assert loss.item() == pytest.approx(reference.item(), rel=1e-3)
    full_vocabulary = _reference_distillation(trainer, batch, student.detach(), teacher)
    assert loss.item() != pytest.approx(full_vocabulary.item(), rel=1e-3)
    assert _trainer(tmp_path, tiny_text, stop_neutral=False)._stop_ids is None
    loss.backward()
    assert student.grad[..., sorted(stop)].eq(0).all()
    with pytest.raises(ValueError, match="set one of them to False"):
        _config(tmp_path, stop_neutral=True, distill_program_end=True)
