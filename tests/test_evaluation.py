import pytest
from datasets import Dataset

from trl_visual_sdpo.evaluation import evaluate_policy, generate_completions
from trl_visual_sdpo.render.base import RenderResult


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
    with pytest.raises(ValueError, match="samples_per_task"):
        evaluate_policy(model, tokenizer, FailingRenderer(), _tasks(), temperature=None, samples_per_task=2)


def test_sampling_differs_from_greedy_and_greedy_repeats(tiny_text):
    model, tokenizer = tiny_text
    prompts = [[{"role": "user", "content": "Draw a bar chart."}]] * 4
    greedy = generate_completions(model, tokenizer, prompts, max_new_tokens=8)
    sampled = generate_completions(model, tokenizer, prompts, max_new_tokens=8, temperature=1.0)
    assert len(set(greedy)) == 1  # the same prompt decodes to the same text
    assert len(set(sampled)) > 1  # a random model's samples at temperature 1 differ
