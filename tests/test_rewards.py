from test_chartmimic import REFERENCE

from trl_visual_sdpo.render.base import CLIPPED_TEXT, Defect, Element, RenderResult
from trl_visual_sdpo.render.chart import ChartRenderer
from trl_visual_sdpo.rewards import (
    ReferenceSimilarity,
    combined_chart_reward,
    defect_free_reward,
    executability_reward,
    label_recall_reward,
    reference_similarity_reward,
)
from trl_visual_sdpo.rubric import rubric_scores


GOOD = RenderResult(ok=True, rubric=rubric_scores(True, []))
DEFECT = [Defect(CLIPPED_TEXT, (0, 0, 1, 1), 1.0, ["t"], "cut")]
FLAWED = RenderResult(ok=True, defects=DEFECT, rubric=rubric_scores(True, DEFECT))
CRASHED = RenderResult.failure("ZeroDivisionError")
OURS = RenderResult.failure("The sandbox failed twice while running the program", infra=True)


def test_rewards_read_render_results():
    results = [GOOD, FLAWED, CRASHED]
    assert executability_reward(completions=["", "", ""], render_results=results) == [1.0, 1.0, 0.0]
    good, flawed, crashed = defect_free_reward(completions=["", "", ""], render_results=results)
    assert good == 1.0 and 0 < flawed < 1 and crashed == 0.0


def test_an_infrastructure_failure_is_neither_rewarded_nor_punished():
    results = [GOOD, OURS]
    assert executability_reward(completions=["", ""], render_results=results) == [1.0, None]
    assert defect_free_reward(completions=["", ""], render_results=results)[1] is None
    combined = combined_chart_reward(weights={"executability": 1.0, "defect_free": 1.0})
    assert combined(completions=["", ""], render_results=results) == [1.0, None]


def test_rewards_work_alone_in_a_plain_grpo_trainer_call():
    """No render_results: the reward renders the completions itself, in the real sandbox."""
    renderer = ChartRenderer()
    try:
        similarity = ReferenceSimilarity(renderer=renderer)
        completions = [[{"role": "assistant", "content": f"Here:\n```python\n{REFERENCE}```"}],
                       [{"role": "assistant", "content": "```python\nimport matplotlib.pyplot as plt\n1/0\n```"}]]
        kwargs = {"prompts": [[], []], "completions": completions, "reference_code": [REFERENCE, REFERENCE],
                  "trainer_state": None, "log_extra": None, "log_metric": None}
        assert similarity(**kwargs) == [1.0, 0.0]
        assert combined_chart_reward(renderer=renderer)(**kwargs)[1] == 0.0
        assert combined_chart_reward(renderer=renderer)(**kwargs)[0] == 1.0
    finally:
        renderer.close()
    assert reference_similarity_reward.__name__ == "reference_similarity_reward"


def test_a_reward_with_neither_render_results_nor_a_renderer_says_what_to_do():
    import pytest

    with pytest.raises(ValueError, match=r"without `render_results`.*render_rewards\(ChartRenderer\(\)\)"):
        executability_reward(completions=["```python\nprint(1)\n```"])


def test_the_trainer_lends_its_renderer_to_module_level_rewards_without_changing_them():
    from toy_renderer import BoxRenderer

    from trl_visual_sdpo.rewards import with_renderer

    renderer = BoxRenderer()
    bound = with_renderer(reference_similarity_reward, renderer)
    assert bound is not reference_similarity_reward and bound.renderer is renderer
    assert reference_similarity_reward._renderer is None and bound.__name__ == "reference_similarity_reward"
    assert with_renderer(ReferenceSimilarity(renderer=renderer), BoxRenderer()).renderer is renderer


def test_label_recall_reward_docks_labels_deleted_to_cure_a_defect():
    def drawn(*texts):
        return RenderResult(ok=True, elements=[Element(id=t, kind="text", bbox=(0.0, 0.0, 1.0, 1.0), text=t)
                                               for t in texts])

    prompt = [{"role": "user", "content": "Draw a bar chart of ['Coal', 'Wind', 'Solar', 'Nuclear']."}]
    unasked = [{"role": "user", "content": "Draw any bar chart."}]
    results = [drawn("Coal", "Wind", "Solar", "Nuclear"), drawn("Coal", "Wind"), CRASHED, drawn("Coal")]
    assert label_recall_reward(prompts=[prompt] * 3 + [unasked], completions=[""] * 4,
                               render_results=results) == [1.0, 0.5, 0.0, 1.0]
    assert label_recall_reward(prompts=[prompt], completions=[""], render_results=[OURS]) == [None]


def test_references_render_once_unless_our_infrastructure_failed():
    from toy_renderer import BoxRenderer

    from trl_visual_sdpo.rewards import ReferenceRenders, with_renderer

    renderer = BoxRenderer()
    references = ReferenceRenders(renderer)
    good, ours = 'box("title", 0, 0, 50, 10)', 'infra("worker died")'
    assert references.get(good) is references.get(good) and renderer.calls == 1
    first, again = references.get(ours), references.get(ours)
    assert first.infra_error and again.infra_error
    assert renderer.calls == 3  # not kept: the next step renders it again
    # rewards bound with the trainer's cache read it instead of rendering the reference again
    bound = with_renderer(reference_similarity_reward, renderer, references)
    assert bound.task_reference(0, {"reference_code": [good]}) is references.get(good) and renderer.calls == 3
