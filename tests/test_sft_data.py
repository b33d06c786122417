import pytest

from trl_visual_sdpo.data import chart_tasks, load_chart_tasks
from trl_visual_sdpo.data.chart import load_chart_sft_dataset, without_layout_fixes
from trl_visual_sdpo.extract import extract_code
from trl_visual_sdpo.render.chart import ChartRenderer


def test_held_out_split_has_enough_tasks_for_the_grid():
    assert len(load_chart_tasks("test")) >= 32
    assert [t["task_id"] for t in chart_tasks()[:3]] == ["chart-000-bar", "chart-001-bar", "chart-002-bar"]


def test_without_layout_fixes_drops_the_trap_statements_and_still_runs():
    bar, pie = chart_tasks()[0]["reference_code"], next(t for t in chart_tasks() if t["chart_type"] == "pie")
    flawed = without_layout_fixes(bar)
    for statement in ("labelrotation", "tight_layout", "figsize"):
        assert statement in bar and statement not in flawed
    flawed_pie = without_layout_fixes(pie["reference_code"])
    assert "bbox_to_anchor" in pie["reference_code"] and "bbox_to_anchor" not in flawed_pie
    renderer = ChartRenderer()
    try:
        results = renderer.render_batch([flawed, flawed_pie])
    finally:
        renderer.close()
    assert all(r.ok for r in results), [r.error for r in results]
    assert results[1].defects  # the pie's legend over its wedges: the trap the fix avoided


def test_sft_dataset_is_prompt_completion_with_the_requested_flawed_share():
    full = load_chart_sft_dataset(0.7)
    assert len(full) == len(load_chart_tasks("train"))
    assert 0.6 <= sum(full["flawed"]) / len(full) <= 0.8
    row = full[0]
    assert row["prompt"][-1]["role"] == "user" and row["completion"][0]["role"] == "assistant"
    code, _ = extract_code(row["completion"][0]["content"], ("python",))
    reference = next(t["reference_code"] for t in chart_tasks() if t["task_id"] == row["task_id"])
    assert code.strip() == (without_layout_fixes(reference) if row["flawed"] else reference).strip()
    assert sum(load_chart_sft_dataset(0.0)["flawed"]) == 0
    assert load_chart_sft_dataset(0.7, 16)["task_id"] == load_chart_sft_dataset(0.7, 16)["task_id"]
    assert len(set(load_chart_sft_dataset(0.7, 16)["chart_type"])) >= 6  # a shuffle, not the first type's block
    with pytest.raises(ValueError, match="flawed_share"):
        load_chart_sft_dataset(1.5)


def test_revision_examples_are_the_teachers_context_then_the_reference():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "recipes"))
    from sft_chart import revision_examples

    dataset = load_chart_sft_dataset(1.0, 12)  # every program without its fixes
    renderer = ChartRenderer()
    try:
        rows = revision_examples(dataset, renderer, 1.0)
        assert revision_examples(load_chart_sft_dataset(0.0, 12), renderer, 1.0) == []  # clean programs: none
    finally:
        renderer.close()
    assert 0 < len(rows) < len(dataset)  # only the flawed programs whose render has a defect
    references = {t["instruction"]: t["reference_code"] for t in chart_tasks()}
    for row in rows:
        feedback = row["prompt"][-1]["content"]
        assert "An automatic review of the render of your previous program found" in feedback
        instruction = next(i for i in references if i in feedback)
        code, _ = extract_code(row["completion"][0]["content"], ("python",))
        assert code.strip() == references[instruction].strip()
