"""Options of the teacher's context and weights: sibling demonstrations, repair hints, the choice of teacher
weights."""

import pytest
import torch
from test_trainer import CLEAN, SCRIPT, _batch, _config, _dataset, _take, _trainer, scripted_rollout
from toy_renderer import BoxRenderer, box_reward

from trl_visual_sdpo import VisualSDPOTrainer


def _user_text(batch, i):
    return batch["teacher_prompts"][i][-1]["content"]


def test_demonstration_is_the_groups_best_and_never_the_rollout_itself(tmp_path, tiny_text):
    trainer = _trainer(tmp_path, tiny_text, demonstrations="always")
    batch = _batch(trainer)
    clean_code = CLEAN.split("```python\n")[1].split("```")[0].strip()
    for i in (0, 2, 3):  # overlap, crash, prose: the clean sibling (the group's best) is shown
        assert "For comparison" in _user_text(batch, i) and clean_code in _user_text(batch, i)
    assert "For comparison" not in _user_text(batch, 1)  # the best rollout is never shown itself
    assert trainer._metrics["train"]["teacher/demonstration_frac"][-1] == 0.75


def test_demonstrations_on_failure_only_and_off(tmp_path, tiny_text):
    batch = _batch(_trainer(tmp_path, tiny_text, demonstrations="on_failure"))
    assert ["For comparison" in _user_text(batch, i) for i in range(4)] == [True, False, True, True]
    batch = _batch(_trainer(tmp_path, tiny_text))
    assert not any("For comparison" in _user_text(batch, i) for i in range(4))


def test_frozen_teacher_starts_equal_to_live_and_stays_frozen(tmp_path, tiny_text):
    live = _trainer(tmp_path, tiny_text)
    frozen = _trainer(tmp_path, tiny_text, teacher_model_kind="base")
    batch = _take(_batch(live), 0)
    _batch(frozen)
    assert frozen.teacher_model is not None and live.teacher_model is None
    same = frozen._compute_distillation_loss(frozen.model, batch).item()
    assert same == live._compute_distillation_loss(live.model, batch).item()  # all options off == core
    initial = {n: p.detach().clone() for n, p in frozen.teacher_model.named_parameters()}
    frozen.train()
    assert all(torch.equal(initial[n], p) for n, p in frozen.teacher_model.named_parameters())
    assert not any(p.requires_grad for p in frozen.teacher_model.parameters())


def test_ema_teacher_moves_by_the_configured_rate(tmp_path, tiny_text):
    trainer = _trainer(tmp_path, tiny_text, teacher_model_kind="ema", teacher_update_rate=0.25, max_steps=1)
    teacher_before = {n: p.detach().clone() for n, p in trainer.teacher_model.named_parameters()}
    trainer.train()
    optimised = {id(p) for group in trainer.optimizer.param_groups for p in group["params"]}
    assert not any(id(p) in optimised for p in trainer.teacher_model.parameters())
    moved = 0
    for (name, teacher), (_, student) in zip(trainer.teacher_model.named_parameters(),
                                             trainer.model.named_parameters()):
        expected = 0.75 * teacher_before[name] + 0.25 * student.detach()
        assert torch.allclose(teacher, expected, atol=1e-6), name
        moved += not torch.equal(teacher, teacher_before[name])
    assert moved


def test_ema_teacher_with_lora_averages_only_the_adapter(tmp_path, tiny_text):
    from peft import LoraConfig

    model, tokenizer = tiny_text
    trainer = VisualSDPOTrainer(
        model=model, reward_funcs=[box_reward], train_dataset=_dataset(), processing_class=tokenizer,
        args=_config(tmp_path, max_steps=1, teacher_model_kind="ema", teacher_update_rate=0.5),
        renderer=BoxRenderer(), rollout_func=scripted_rollout(SCRIPT),
        peft_config=LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]),
    )
    trainer.train()
    params = dict(trainer.model.named_parameters())
    student_b = [n for n in params if "lora_B.default" in n]
    assert student_b
    for name in student_b:
        teacher = params[name.replace(".default.", ".teacher.")]
        assert torch.allclose(teacher, 0.5 * params[name].detach(), atol=1e-6)  # EMA from a zero adapter
    assert trainer.teacher_model is None  # the base weights stay shared


def test_static_attribution_fallback_restores_credit_and_is_logged(tmp_path, tiny_text):
    trainer = _trainer(tmp_path, tiny_text, attribution_fallback="static", credit_alpha=2.0)
    trainer.renderer = BoxRenderer(introspect=False)
    batch = _batch(trainer)
    assert batch["distill_weights"][0].max().item() == 1 + 2.0 * 500 / 2000  # same credit as with introspection
    assert trainer._metrics["train"]["credit/layer_static_frac"][-1] == 1.0
    assert trainer._metrics["train"]["credit/layer_runtime_frac"][-1] == 0.0


def test_model_attribution_fallback_asks_the_policy(tmp_path, tiny_text, monkeypatch):
    trainer = _trainer(tmp_path, tiny_text, attribution_fallback="model")
    trainer.renderer = BoxRenderer(introspect=False)
    questions = []
    real_ask = trainer._ask_policy

    def ask(question):
        questions.append(question)
        return real_ask(question)  # the tiny random policy answers nonsense: nothing gets attributed

    monkeypatch.setattr(trainer, "_ask_policy", ask)
    monkeypatch.setattr("trl_visual_sdpo.attribution.static_lines", lambda code, element: [])
    batch = _batch(trainer)
    assert questions and "LINES:" in questions[0]
    assert batch["distill_weights"].max().item() == 1.0


def test_repair_hints_follow_each_defect_only_when_asked(tmp_path, tiny_text, monkeypatch):
    monkeypatch.setattr(BoxRenderer, "repair_hints", {"text_overlap": "Move the boxes apart."}, raising=False)
    hinted = _batch(_trainer(tmp_path, tiny_text, repair_hints=True))
    overlap = _user_text(hinted, 0)
    assert overlap.count("Move the boxes apart.") == 1  # once per kind of defect, after the defects
    assert overlap.index("How to fix them:\n- [text_overlap] Move the boxes apart.") > overlap.index("[text_overlap]")
    assert "How to fix" not in _user_text(hinted, 1) and "How to fix" not in _user_text(hinted, 2)  # clean, crash
    assert "How to fix" not in _user_text(_batch(_trainer(tmp_path, tiny_text)), 0)  # off by default


def test_repair_hints_need_a_renderer_that_has_them(tmp_path, tiny_text):
    with pytest.raises(ValueError, match=r"BoxRenderer renderer has no `repair_hints`.*repair_hints=False"):
        _trainer(tmp_path, tiny_text, repair_hints=True)


def test_every_shipped_repair_hint_names_a_defect_kind():
    from trl_visual_sdpo.feedback import MISSING_LABELS
    from trl_visual_sdpo.render.chart import ChartRenderer
    from trl_visual_sdpo.render.slide import SlideRenderer
    from trl_visual_sdpo.render.web import WebRenderer
    from trl_visual_sdpo.results import DEFECT_KINDS

    for renderer in (ChartRenderer, WebRenderer, SlideRenderer):
        kinds = {*DEFECT_KINDS, MISSING_LABELS}
        assert renderer.repair_hints and set(renderer.repair_hints) <= kinds, renderer.__name__


def test_label_feedback_names_the_requested_labels_a_render_left_out(tmp_path, tiny_text):
    from datasets import Dataset

    model, tokenizer = tiny_text
    prompt = [{"role": "user", "content": "Draw the boxes 'title', 'legend' and 'axes'."}]

    def trainer(columns=None, **overrides):
        return VisualSDPOTrainer(model=model, reward_funcs=[box_reward], args=_config(tmp_path, **overrides),
                                 train_dataset=Dataset.from_dict({"prompt": [prompt] * 8, **(columns or {})}),
                                 processing_class=tokenizer, renderer=BoxRenderer(),
                                 rollout_func=scripted_rollout(SCRIPT))

    batch = _batch(trainer(label_feedback=True))
    clean = _user_text(batch, 1)  # no defect, but no 'axes' box: not called clean
    assert "no visual problems" not in clean and "found 1 problem:" in clean
    assert "- [missing_labels] the request names 'axes', which the render does not show" in clean
    overlap = _user_text(batch, 0)
    assert "found 2 problems:" in overlap and "[text_overlap]" in overlap and "[missing_labels]" in overlap
    assert "[missing_labels]" not in _user_text(batch, 2)  # a crash is told its error, not its labels
    assert "no visual problems" in _user_text(_batch(trainer()), 1)  # off by default
    # with a reference program that draws no 'axes' either, the quoted 'axes' is not asked for (no false alarm), as
    # label_recall_reward counts it; a reference that draws it keeps the line
    reference = {"reference_code": ['box("title", 0, 0, 50, 10)\nbox("legend", 60, 0, 90, 10)'] * 8}
    assert "no visual problems" in _user_text(_batch(trainer(reference, label_feedback=True)), 1)
    reference = {"reference_code": ['box("title", 0, 0, 50, 10)\nbox("axes", 0, 20, 90, 90)'] * 8}
    assert "[missing_labels]" in _user_text(_batch(trainer(reference, label_feedback=True)), 1)
    with pytest.raises(ValueError, match=r"label_feedback=True.*no 'rubric'"):
        _config(tmp_path, label_feedback=True, feedback_channels=["image"])


def test_missing_labels_get_their_repair_hint_after_the_defects():
    from trl_visual_sdpo.feedback import rubric_text
    from trl_visual_sdpo.render.base import RenderResult

    hints = {"missing_labels": "Keep every label.", "text_overlap": "Rotate them."}
    text = rubric_text(RenderResult(ok=True, rubric={"overall": 1.0}), hints, missing_labels=["Figs", "Dates"])
    assert "found 1 problem:\n- [missing_labels] the request names 'Figs', 'Dates'" in text
    assert text.index("How to fix them:\n- [missing_labels] Keep every label.") > text.index("[missing_labels] the")
    assert "Rotate them." not in text  # only the kinds found


@pytest.mark.parametrize("lora", [True, False], ids=["lora", "whole_model"])
def test_ema_teacher_resumes_from_a_checkpoint(tmp_path, lora):
    """The EMA teacher is part of the training state: a run resumed from a checkpoint has the teacher an uninterrupted
    run has, not one restarted from the zero adapter or the initial weights."""
    from peft import LoraConfig
    from tiny_models import tiny_text_model

    def teacher_after(output_dir, max_steps, resume=False):
        model, tokenizer = tiny_text_model(seed=0)
        trainer = VisualSDPOTrainer(
            model=model, reward_funcs=[box_reward], train_dataset=_dataset(), processing_class=tokenizer,
            args=_config(output_dir, max_steps=max_steps, teacher_model_kind="ema", teacher_update_rate=0.5,
                         save_strategy="steps", save_steps=1, lr_scheduler_type="constant"),  # stop at 1 == of 2
            renderer=BoxRenderer(), rollout_func=scripted_rollout(SCRIPT),
            peft_config=LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]) if lora else None,
        )
        trainer.train(resume_from_checkpoint=True if resume else None)
        if lora:
            return {n: p.detach().clone() for n, p in trainer.model.named_parameters() if ".teacher." in n}
        return {n: p.detach().clone() for n, p in trainer.teacher_model.named_parameters()}

    straight = teacher_after(tmp_path / "straight", 2)
    teacher_after(tmp_path / "stopped", 1)
    resumed = teacher_after(tmp_path / "stopped", 2, resume=True)
    assert straight and straight.keys() == resumed.keys()
    assert any(p.abs().sum() > 0 for p in straight.values())
    for name, weight in straight.items():
        assert torch.allclose(resumed[name], weight, atol=1e-6), name


def test_elided_quotes_keep_the_statement_and_drop_its_literals():
    from trl_visual_sdpo.feedback import describe_defect, elide_literals
    from trl_visual_sdpo.results import Defect, Element, RenderResult

    assert elide_literals('ax.bar(labels, values, color="#4c4444")') == 'ax.bar(labels, values, color="...")'
    assert elide_literals("ax.set_title('It\\'s \"late\"', fontsize=9)") == "ax.set_title('...', fontsize=9)"
    assert elide_literals("h1 { color: #333; }") == "h1 { color: #...; }"  # unquoted CSS colours too
    result = RenderResult(ok=True, code='import x\nax.bar(labels, values, color="#4c4444")\n',
                          elements=[Element(id="bar0", kind="bar", bbox=(0, 0, 1, 1), lines=[2])])
    defect = Defect(kind="text_overlap", bbox=(0, 0, 1, 1), severity=1.0, element_ids=["bar0"],
                    message="labels overlap")
    assert describe_defect(defect, result).endswith('(made by line 2: `ax.bar(labels, values, color="#4c4444")`)')
    elided = describe_defect(defect, result, "elided")
    assert elided.endswith('(made by line 2: `ax.bar(labels, values, color="...")`)')
    assert describe_defect(defect, result, "none") == "- [text_overlap] labels overlap"
    with pytest.raises(ValueError, match="verbatim"):
        describe_defect(defect, result, True)  # the config maps booleans; the function names its modes
