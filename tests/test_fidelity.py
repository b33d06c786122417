"""Label fidelity: a render that cured its defects by deleting the labels the request named is not complete."""

import pytest

from trl_visual_sdpo.evaluation import TaskEvaluation, task_complete_flawless
from trl_visual_sdpo.metrics.fidelity import label_recall, prompt_text, requested_labels
from trl_visual_sdpo.render.base import TEXT_OVERLAP, Defect, Element, RenderResult
from trl_visual_sdpo.render.chart import ChartRenderer


PROMPT = ("Write a matplotlib program that draws a stacked bar chart of programming languages for ['Python', 'Go', "
          "'Rust'], one bar per series {'2021': [1, 2, 3], \"Forecast 2025\": [3, 2, 1]}.")


def _drawn(*texts: str, ok: bool = True) -> RenderResult:
    elements = [Element(id=f"t{i}", kind="text", bbox=(0.0, 0.0, 1.0, 1.0), text=t) for i, t in enumerate(texts)]
    return RenderResult(ok=ok, elements=elements) if ok else RenderResult.failure("ValueError")


def test_requested_labels_are_the_quoted_strings_normalised_once_each():
    assert requested_labels(PROMPT) == ["python", "go", "rust", "2021", "forecast 2025"]
    assert requested_labels("Draw  'Natural\tgas' and 'natural gas'.") == ["natural gas"]
    assert requested_labels("Draw a chart of sales.") == []


def test_label_recall_counts_labels_drawn_anywhere_as_whole_words():
    full = _drawn("Python (40 %)", "GO", "Rust", "2021", "Forecast\n2025")  # a pie label, case, a wrapped legend
    assert label_recall(full, PROMPT) == 1.0
    # 'Go' is not in 'Google', and a deleted tick row loses its three labels
    assert label_recall(_drawn("Google", "Python", "Rust", "2021", "Forecast 2025"), PROMPT) == 0.8
    assert label_recall(_drawn("2021", "Forecast 2025"), PROMPT) == 0.4
    assert label_recall(_drawn(ok=False), PROMPT) == 0.0
    assert label_recall(full, "Draw a chart of sales.") is None


def test_only_labels_the_reference_draws_are_required():
    reference = _drawn("Python", "Go", "Rust")  # the reference draws no legend
    assert label_recall(_drawn("Python", "Go", "Rust"), PROMPT, reference) == 1.0
    assert label_recall(_drawn("Python"), PROMPT, reference) == pytest.approx(1 / 3)
    assert label_recall(_drawn("Python"), PROMPT, _drawn("Nothing asked")) is None


def test_prompt_text_reads_the_user_turns_of_a_conversation():
    conversation = [{"role": "system", "content": "You write 'code'."},
                    {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Plot ['A', 'B']."}]}]
    assert prompt_text(conversation) == "Plot ['A', 'B']."
    assert requested_labels(prompt_text(conversation)) == ["a", "b"]
    assert prompt_text("Plot ['A'].") == "Plot ['A']."


def test_complete_flawless_needs_no_defect_and_every_label():
    flawed = RenderResult(ok=True, defects=[Defect(TEXT_OVERLAP, (0, 0, 1, 1), 0.1)])
    evaluations = [TaskEvaluation("a", "", _drawn("x"), label_recall=1.0),
                   TaskEvaluation("a", "", _drawn("x"), label_recall=0.5),  # flawless by dropping labels
                   TaskEvaluation("b", "", flawed, label_recall=1.0),
                   TaskEvaluation("b", "", _drawn("x"))]  # nothing was requested
    assert [e.complete_flawless for e in evaluations] == [True, False, False, True]
    assert task_complete_flawless(evaluations, samples_per_task=2) == [0.5, 0.5]


CROWDED = """import matplotlib.pyplot as plt
labels = ['Coal', 'Natural gas', 'Nuclear', 'Hydroelectric', 'Wind', 'Solar photovoltaic']
fig, ax = plt.subplots(figsize=(4, 3))
ax.bar(labels, [59, 20, 25, 78, 77, 76])
{fix}
"""


def test_real_renders_deleting_the_tick_labels_is_caught_rotating_them_is_not():
    prompt = ("Draw a bar chart of energy sources for ['Coal', 'Natural gas', 'Nuclear', 'Hydroelectric', 'Wind', "
              "'Solar photovoltaic'].")
    renderer = ChartRenderer()
    try:
        crowded, rotated, deleted = renderer.render_batch([
            CROWDED.format(fix=""),
            CROWDED.format(fix="ax.tick_params(axis='x', labelrotation=45)\nfig.tight_layout()"),
            CROWDED.format(fix="ax.set_xticks([])\nfig.tight_layout()")])
    finally:
        renderer.close()
    assert crowded.defects and not deleted.defects  # the rubric is happy with the deletion
    assert label_recall(crowded, prompt) == label_recall(rotated, prompt) == 1.0
    assert label_recall(deleted, prompt, reference=rotated) == 0.0
