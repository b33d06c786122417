"""TRL reward functions over render results.

Each is a plain callable with TRL's signature. Inside `VisualSDPOTrainer` it reads the `render_results=` the
trainer passes (every completion is rendered once per step). In a plain `GRPOTrainer` it renders the completions
itself through the renderer it was built with (`render_rewards(ChartRenderer())`); one with neither fails with a
message saying so.

Prefer several functions with `GRPOConfig.reward_weights` and `multi_objective_aggregation="normalize_then_sum"`
(each reward normalised within its group before the weighted sum) to a hand-mixed single reward;
`combined_chart_reward` is there for users who want one number.

A render that failed because of our infrastructure (`RenderResult.infra_error`: a sandbox worker, the browser or
LibreOffice died twice) scores `None`, TRL's "no reward for this sample": the program is neither punished nor
rewarded for what it did not cause (`VisualSDPOTrainer` also keeps it out of its group's advantages).
"""

from __future__ import annotations

import copy
import hashlib
from typing import Callable, Sequence

from trl_visual_sdpo.extract import render_completions
from trl_visual_sdpo.metrics import domain_metric
from trl_visual_sdpo.metrics.fidelity import label_recall, prompt_text
from trl_visual_sdpo.render.base import Renderer
from trl_visual_sdpo.results import RenderResult


class RenderReward:
    """Base class: a TRL reward function computed from `RenderResult`s."""

    def __init__(self, name: str, renderer: Renderer | None = None):
        self.__name__ = name
        self._renderer = renderer

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            raise ValueError(
                f"{self.__name__} was called without `render_results` (so not inside VisualSDPOTrainer) and has no "
                "renderer to render the completions itself. Use VisualSDPOTrainer(renderer=...), or build the "
                "rewards with one: `render_rewards(ChartRenderer())`."
            )
        return self._renderer

    def results(self, completions: Sequence, render_results: Sequence[RenderResult] | None) -> list[RenderResult]:
        if render_results is not None:
            return list(render_results)
        return render_completions(self.renderer, completions)

    def score(self, result: RenderResult, index: int, kwargs: dict) -> float:
        raise NotImplementedError

    def __call__(self, prompts=None, completions=None, render_results=None, **kwargs) -> list[float | None]:
        results = self.results(completions, render_results)
        kwargs["prompts"] = prompts
        return [None if r.infra_error else self.score(r, i, kwargs) for i, r in enumerate(results)]


class Executability(RenderReward):
    def score(self, result, index, kwargs):
        return float(result.ok)


class DefectFree(RenderReward):
    def score(self, result, index, kwargs):
        return result.rubric.get("overall", 0.0) if result.ok else 0.0


class ReferenceRenders:
    """Renders of reference programs (a dataset's `reference_code` column), one per distinct program. A reference our
    infrastructure failed to render is not kept, so the next step renders it again."""

    def __init__(self, renderer: Renderer):
        self.renderer = renderer
        self._renders: dict[str, RenderResult] = {}

    def get(self, code: str) -> RenderResult:
        key = hashlib.sha256(code.encode()).hexdigest()
        if key not in self._renders:
            result = self.renderer.render(code)
            if result.infra_error:
                return result
            self._renders[key] = result
        return self._renders[key]


class ReferenceSimilarity(RenderReward):
    """The domain's benchmark similarity (ChartMimic low-level for charts) to the `reference_code` column's render,
    cached per reference. The domain is the renderer's."""

    def __init__(self, name: str = "reference_similarity_reward", renderer: Renderer | None = None):
        super().__init__(name, renderer)
        self._references: ReferenceRenders | None = None  # made with the renderer, which may be bound later

    def task_reference(self, index: int, kwargs: dict) -> RenderResult | None:
        """The render of sample `index`'s `reference_code` (None without the column)."""
        references = kwargs.get("reference_code")
        if references is None:
            return None
        if self._references is None:
            self._references = ReferenceRenders(self.renderer)
        return self._references.get(references[index])

    def score(self, result, index, kwargs):
        reference = self.task_reference(index, kwargs)
        if reference is None:
            raise ValueError("reference_similarity_reward needs a `reference_code` column in the dataset (the "
                             "program that draws the target chart).")
        if reference.infra_error:  # not the program's doing
            return None
        if not result.ok or not reference.ok:
            return 0.0
        metric, headline = domain_metric(self.renderer.domain)
        return metric(result, reference)[headline]


class LabelRecall(ReferenceSimilarity):
    """The share of the labels the prompt quotes that the render draws (`metrics.fidelity.label_recall`; with a
    `reference_code` column, only those the reference draws count); 1 when the prompt names none, 0 for a failed
    program. The rubric cannot see a label that is not drawn, so a defect can be "fixed" by deleting the labels it was
    in (`ax.set_xticks([])`); add this reward to close that shortcut."""

    def __init__(self, name: str = "label_recall_reward", renderer: Renderer | None = None):
        super().__init__(name, renderer)

    def score(self, result, index, kwargs):
        reference = self.task_reference(index, kwargs)
        if reference is not None and reference.infra_error:
            return None
        if not result.ok:
            return 0.0
        recall = label_recall(result, prompt_text(kwargs["prompts"][index]), reference)
        return 1.0 if recall is None else recall


executability_reward = Executability("executability_reward")
"""1 if the program ran and drew a figure, else 0."""
defect_free_reward = DefectFree("defect_free_reward")
"""The rubric's overall score in [0, 1] (1: no defect of any kind); 0 for failed programs."""
reference_similarity_reward = ReferenceSimilarity()
"""ChartMimic low-level similarity to the reference chart in [0, 1]; 0 for failed programs. For another domain,
build `ReferenceSimilarity(renderer=...)` with that domain's renderer."""
label_recall_reward = LabelRecall()
"""Share of the prompt's quoted labels the render draws, in [0, 1]; 0 for failed programs. Not in
`render_rewards()`: add it where prompts quote the labels (the embedded chart tasks do)."""


def with_renderer(reward: Callable, renderer: Renderer, references: ReferenceRenders | None = None) -> Callable:
    """`reward` itself, or for a `RenderReward` built without a renderer (the module-level ones) a copy that renders
    with `renderer`; the shared module-level object is never changed. `references`, a `ReferenceRenders` of the same
    renderer (the trainer's), is shared by every reward bound with it, so each reference renders once."""
    if isinstance(reward, RenderReward) and reward._renderer is None:
        bound = copy.copy(reward)
        bound._renderer = renderer
        if isinstance(bound, ReferenceSimilarity):
            bound._references = references  # references render per renderer (None: its own, made when first used)
        return bound
    return reward


def render_rewards(renderer: Renderer | None = None) -> list[RenderReward]:
    """Executability, defect-free score and reference similarity, rendering with `renderer` when used outside
    `VisualSDPOTrainer` (default: charts). The names match the module-level rewards, so logs read the same."""
    return [Executability("executability_reward", renderer), DefectFree("defect_free_reward", renderer),
            ReferenceSimilarity(renderer=renderer)]


def combined_chart_reward(
    weights: dict[str, float] | None = None, renderer: Renderer | None = None
) -> Callable[..., list[float]]:
    """One reward: a weighted mean of executability, defect-free score and reference similarity."""
    weights = weights or {"executability": 0.3, "defect_free": 0.4, "reference_similarity": 0.3}
    parts = {"executability": Executability("executability", renderer),
             "defect_free": DefectFree("defect_free", renderer),
             "reference_similarity": ReferenceSimilarity("reference_similarity", renderer)}
    unknown = set(weights) - set(parts)
    if unknown:
        raise ValueError(f"Unknown reward parts {sorted(unknown)}; choose from {sorted(parts)}.")
    total = sum(weights.values())

    def combined_chart_reward(prompts=None, completions=None, render_results=None, **kwargs):
        results = parts["executability"].results(completions, render_results)
        scores: list[float | None] = [0.0] * len(results)
        for name, weight in weights.items():
            for i, value in enumerate(parts[name](prompts, completions, results, **kwargs)):
                scores[i] = None if value is None or scores[i] is None else scores[i] + weight * value / total
        return scores

    return combined_chart_reward
