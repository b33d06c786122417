import pytest
from datasets import Dataset

from trl_visual_sdpo.evaluation import (
    TaskEvaluation,
    evaluate_policy,
    generate_completions,
    paired_change,
    task_flawless,
    task_rewards,
)
from trl_visual_sdpo.render.base import TEXT_OVERLAP, Defect, RenderResult


class FailingRenderer:
    """Every program fails: enough to count completions without a sandbox."""

    domain = "chart"
    code_languages = ("python",)

    def render_batch(self, codes):
        return [RenderResult.failure("SyntaxError: invalid syntax", code=code) for code in codes]


def _tasks():
    prompts = [[{"role": "user", "content": f"Draw chart {i}."}] for i in range(2)]
    return Dataset.from_dict({"prompt": prompts, "task_id": ["a", "b"]})


def test_sampled_evaluation_scores_several_completions_per_task(tiny_text):
    model, tokenizer = tiny_text
    summary, evaluations = evaluate_policy(model, tokenizer, FailingRenderer(), _tasks(), max_new_tokens=6,
                                           temperature=1.0, samples_per_task=3)
    assert [e.task_id for e in evaluations] == ["a"] * 3 + ["b"] * 3
    assert summary["n"] == 6 and summary["exec_rate"] == 0.0 and summary["defect_rate"] == 0.0
    # a failed program earns nothing: no execution, no defect-free score
    assert summary["held_out_reward"] == 0.0 and task_rewards(evaluations, 3) == [0.0, 0.0]
    with pytest.raises(ValueError, match="samples_per_task"):
        evaluate_policy(model, tokenizer, FailingRenderer(), _tasks(), temperature=None, samples_per_task=2)


def test_sampling_differs_from_greedy_and_greedy_repeats(tiny_text):
    model, tokenizer = tiny_text
    prompts = [[{"role": "user", "content": "Draw a bar chart."}]] * 4
    greedy = generate_completions(model, tokenizer, prompts, max_new_tokens=8)
    sampled = generate_completions(model, tokenizer, prompts, max_new_tokens=8, temperature=1.0)
    assert len(set(greedy)) == 1  # the same prompt decodes to the same text
    assert len(set(sampled)) > 1  # a random model's samples at temperature 1 differ


def test_task_rewards_average_each_tasks_consecutive_samples():
    class Scored:
        def __init__(self, reward):
            self.reward = reward

    assert task_rewards([Scored(r) for r in (1.0, 0.0, 0.5, 0.5)], samples_per_task=2) == [0.5, 0.5]


def test_task_flawless_is_each_tasks_share_of_runs_without_a_defect():
    flawless = RenderResult(ok=True)
    flawed = RenderResult(ok=True, defects=[Defect(TEXT_OVERLAP, (0, 0, 1, 1), 0.1)])
    crashed = RenderResult.failure("NameError: name 'x' is not defined")
    evaluations = [TaskEvaluation("a", "", result) for result in (flawless, flawed, crashed, flawless)]
    assert task_flawless(evaluations, samples_per_task=2) == [0.5, 0.5]
    assert task_flawless(evaluations) == [1.0, 0.0, 0.0, 1.0]


def test_paired_change_resamples_tasks_and_handles_no_spread():
    before = [0.2, 0.4, 0.6, 0.8, 0.5, 0.3]
    better = [b + d for b, d in zip(before, (0.1, 0.2, 0.15, 0.05, 0.1, 0.2))]
    change = paired_change(before, better)
    low, high = change["ci95"]
    assert change["tasks"] == 6 and change["difference"] == pytest.approx(0.8 / 6)
    assert 0.05 <= low < change["difference"] < high <= 0.2  # within the smallest and largest task difference
    assert paired_change(before, before) == {"difference": 0.0, "ci95": [0.0, 0.0], "tasks": 6}
    assert paired_change(before, better) == change  # seeded
    with pytest.raises(ValueError, match="same tasks"):
        paired_change(before, better[:3])
