"""Domains: everything the package knows about one kind of drawing program, in one registry.

A `Domain` names its renderer, its benchmark metric (and the metric's headline key, the similarity that
`reference_similarity_reward` trains on), its task sets (an embedded set and a Hub loader), the fence languages of its
programs and two texts for the model card. Everything is referenced as `"module:attribute"` and imported on first
use, so a chart user never imports a browser and a web user never imports matplotlib.

Adding a domain is one renderer module, one metric module and one `Domain`. Third-party packages register theirs
through the entry-point group `trl_visual_sdpo.domains` (name: the domain, value: the `Domain` object), e.g.

    [project.entry-points."trl_visual_sdpo.domains"]
    svg = "my_package.svg:SVG_DOMAIN"
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Callable


if TYPE_CHECKING:
    from trl_visual_sdpo.render.base import Renderer, RenderResult

ENTRY_POINT_GROUP = "trl_visual_sdpo.domains"


def _load(path: str) -> Any:
    module_name, name = path.split(":")
    return getattr(importlib.import_module(module_name), name)


@dataclass(frozen=True)
class Domain:
    """One kind of drawing program. Only `name` and `renderer` are required: a domain without a metric or task sets
    renders (CLI `render`, `VisualSDPOTrainer`) but has no benchmark score or embedded tasks."""

    name: str
    renderer: str
    """`module:Class` of the renderer (its constructor's keyword arguments come from `build_renderer`)."""
    code_languages: tuple[str, ...] = ()
    """Fence languages of its programs (```python ... ```); the first is used when showing a program."""
    metric: str | None = None
    """`module:function`, `scores(predicted, reference) -> dict` over two `RenderResult`s."""
    headline: str | None = None
    """The key of the metric's overall similarity in [0, 1]."""
    embedded_tasks: str | None = None
    """`module:function`, `load(split, n=None, **kwargs) -> Dataset` of tasks shipped with the package."""
    hub_tasks: str | None = None
    """`module:function`, `load(dataset_id, split=..., **kwargs) -> Dataset` of the domain's benchmark."""
    description: str = ""
    """What the policy writes, for the model card ("matplotlib programs that draw charts")."""
    example_request: str = ""
    """A request to show in the model card's usage snippet."""

    def build_renderer(self, **kwargs) -> "Renderer":
        return _load(self.renderer)(**kwargs)

    def metric_function(self) -> tuple[Callable[["RenderResult", "RenderResult"], dict], str]:
        """The benchmark metric and its headline key."""
        if self.metric is None or self.headline is None:
            raise ValueError(f"The {self.name!r} domain has no benchmark metric; give its Domain a `metric` and a "
                             "`headline`.")
        return _load(self.metric), self.headline

    def load_tasks(self, dataset: str | None = None, split: str = "test", n: int | None = None, **loader_kwargs):
        """The domain's tasks: the embedded set when `dataset` is empty, else that Hub id or local file through the
        domain's Hub loader (`loader_kwargs`: `column_map=`, `streaming=True`, ...; `with_images=` for the embedded
        web pages). A streamed Hub split comes back as an `IterableDataset`."""
        from datasets import IterableDataset

        if dataset:
            if self.hub_tasks is None:
                raise ValueError(f"The {self.name!r} domain has no Hub loader; pass a TRL prompt dataset instead.")
            tasks = _load(self.hub_tasks)(dataset, split=split, **loader_kwargs)
            if not n:
                return tasks
            return tasks.take(n) if isinstance(tasks, IterableDataset) else tasks.select(range(min(n, len(tasks))))
        if self.embedded_tasks is None:
            raise ValueError(f"The {self.name!r} domain ships no tasks; pass --dataset_name.")
        return _load(self.embedded_tasks)(split, n=n, **loader_kwargs)


DOMAINS = {
    "chart": Domain(
        name="chart",
        renderer="trl_visual_sdpo.render.chart:ChartRenderer",
        code_languages=("python", "py"),
        metric="trl_visual_sdpo.metrics.chartmimic:chartmimic_scores",
        headline="low_level",
        embedded_tasks="trl_visual_sdpo.data.chart:load_chart_tasks",
        hub_tasks="trl_visual_sdpo.data.chart:load_chartmimic",
        description="matplotlib programs that draw charts",
        example_request="Write a matplotlib program that draws a bar chart of monthly sales with readable labels.",
    ),
    "web": Domain(
        name="web",
        renderer="trl_visual_sdpo.render.web:WebRenderer",
        code_languages=("html",),
        metric="trl_visual_sdpo.metrics.design2code:design2code_scores",
        headline="overall",
        embedded_tasks="trl_visual_sdpo.data.web:load_web_tasks",
        hub_tasks="trl_visual_sdpo.data.web:load_design2code",
        description="HTML/CSS pages",
        example_request="Write one HTML page with inline CSS: a pricing section with three plans side by side.",
    ),
    "slide": Domain(
        name="slide",
        renderer="trl_visual_sdpo.render.slide:SlideRenderer",
        code_languages=("python", "py"),
        metric="trl_visual_sdpo.metrics.slides:slide_scores",
        headline="similarity",
        embedded_tasks="trl_visual_sdpo.data.slide:load_slide_tasks",
        hub_tasks="trl_visual_sdpo.data.slide:load_slide_dataset",
        description="python-pptx programs that build slide decks",
        example_request="Write a python-pptx program that builds a title slide and a two-column comparison slide.",
    ),
}
"""The domains shipped with the package."""


def available_domains() -> dict[str, Domain]:
    """Ours, then every installed package's `trl_visual_sdpo.domains` entry points (each a `Domain`)."""
    found = dict(DOMAINS)
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        domain = entry_point.load()
        if not isinstance(domain, Domain):
            raise TypeError(f"The entry point {entry_point.name!r} = {entry_point.value!r} in the group "
                            f"{ENTRY_POINT_GROUP!r} is a {type(domain).__name__}; "
                            "it must be a trl_visual_sdpo Domain.")
        found[entry_point.name] = domain
    return found


def get_domain(name: str) -> Domain:
    """The domain called `name` (ours or a registered third-party one)."""
    domains = DOMAINS if name in DOMAINS else available_domains()
    if name not in domains:
        raise ValueError(f"Unknown domain {name!r}. Available domains: {', '.join(sorted(domains))}. A third-party "
                         f"domain registers a Domain under the entry-point group {ENTRY_POINT_GROUP!r}.")
    return domains[name]


def load_renderer(domain: str, **kwargs) -> "Renderer":
    """Build the renderer of `domain` (e.g. `"chart"`) with its keyword arguments."""
    return get_domain(domain).build_renderer(**kwargs)
