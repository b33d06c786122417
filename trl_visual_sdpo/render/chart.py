"""Charts, in the trainer process: render matplotlib programs in the sandbox (the job is `chart_job.py`, the
introspection `chart_trace.py`), check what comes back, and find the defects.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import ClassVar, Sequence

import msgspec

from trl_visual_sdpo.defects import find_defects
from trl_visual_sdpo.isolation import FrameError, decode, encode, validate
from trl_visual_sdpo.results import Element, RenderResult, check_png
from trl_visual_sdpo.rubric import rubric_scores
from trl_visual_sdpo.sandbox import Sandbox, SandboxConfig, SandboxOutcome


def _font_cache_dir() -> str:
    """A matplotlib config/cache directory built once outside the sandbox and bound read-only into it."""
    root = Path(os.environ.get("TRL_VISUAL_SDPO_CACHE", Path.home() / ".cache" / "trl_visual_sdpo")) / "mplconfig"
    if not (root / "built").exists():
        root.mkdir(parents=True, exist_ok=True)
        import subprocess

        env = {**os.environ, "MPLCONFIGDIR": str(root)}
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env, check=False)
        (root / "built").write_text("ok")
    return str(root)


class ChartJobValue(msgspec.Struct, forbid_unknown_fields=True):
    """What `render_chart_job` returns, checked in the trainer: the job runs next to the program, so the program
    could have written anything in its place."""

    ok: bool
    error: str | None = None
    png: bytes | None = None
    size: tuple[int, int] | None = None
    elements: list[Element] = []
    figures: int = 0
    calls: list[str] = []
    chartmimic: dict = {}


def _to_result(code: str, outcome: SandboxOutcome) -> RenderResult:
    if outcome.infra:
        return RenderResult.failure(outcome.error or "The sandbox failed.", code=code, seconds=outcome.seconds,
                                    infra=True)
    value: ChartJobValue | None = None
    if outcome.value is not None:
        try:
            value = validate(outcome.value, ChartJobValue)
        except FrameError as error:
            return RenderResult.failure(f"The program's render result was rejected ({error}); only the renderer "
                                        "reports results.", code=code, seconds=outcome.seconds)
    if value is None or not value.ok:
        message = outcome.error or (value.error if value else None) or "The program failed."
        return RenderResult.failure(message, code=code, seconds=outcome.seconds)
    problem = check_png(value.png, value.size)
    if problem:
        return RenderResult.failure(f"The program's render result was rejected: {problem}.", code=code,
                                    seconds=outcome.seconds)
    defects = find_defects(value.elements, value.size, require_data=True)  # empty axes: a blank chart
    return RenderResult(ok=True, image_png=value.png, size=value.size, elements=value.elements, defects=defects,
                        rubric=rubric_scores(True, defects), seconds=outcome.seconds, code=code,
                        meta={"figures": value.figures, "calls": value.calls, "chartmimic": value.chartmimic})


class ChartRenderer:
    """The chart domain: matplotlib programs -> `RenderResult`s, rendered in the sandbox.

    Args:
        sandbox_config: limits and parallelism (`num_workers`); the matplotlib preloads are added.
        dpi: resolution of the render.
        in_process: run programs in this process, unisolated. Only for the throughput benchmark's baseline:
            never use it on model output.
    """

    domain = "chart"
    code_languages = ("python", "py")
    # What to change for each defect kind, in matplotlib's terms: the rubric names the problem and the lines, but a
    # small teacher does not know the idiom that fixes it (VisualSDPOConfig.repair_hints).
    repair_hints: ClassVar[dict[str, str]] = {
        "text_overlap": 'Crowded tick labels: rotate them (`ax.tick_params(axis="x", labelrotation=45)`), give the '
                        "figure more room (`figsize=`) and call `fig.tight_layout()`.",
        "data_overlap": "Move the legend or text off the data, e.g. outside the axes with "
                        '`ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))`, then call `fig.tight_layout()`.',
        "clipped_text": "Call `fig.tight_layout()` so that every label fits inside the figure.",
        "out_of_canvas": "Keep it inside the figure: call `fig.tight_layout()` and place text within the axes.",
        "low_contrast": "Pick a text colour that stands out from its background (dark on light, light on dark).",
        "small_text": "Use a font size of at least 8 (`fontsize=8`).",
        "missing_labels": "Draw every label the request names: keep the category tick labels (rotate crowded ones "
                          "rather than removing them) and call `ax.legend()` for the series.",
    }
    target = "trl_visual_sdpo.render.chart_job:render_chart_job"

    def __init__(self, sandbox_config: SandboxConfig | None = None, dpi: int = 100, in_process: bool = False):
        self.dpi = dpi
        self.in_process = in_process
        config = sandbox_config or SandboxConfig()
        preload = tuple(dict.fromkeys((*config.preload, "numpy", "matplotlib", "matplotlib.pyplot",
                                       "trl_visual_sdpo.render.chart_job")))
        cache = _font_cache_dir()
        self.sandbox_config = SandboxConfig(**{
            **config.__dict__, "preload": preload, "ro_binds": {**config.ro_binds, cache: "/tmp/.matplotlib"},
        })
        self._sandbox: Sandbox | None = None

    @property
    def sandbox(self) -> Sandbox:
        if self._sandbox is None:
            self._sandbox = Sandbox(self.sandbox_config)
        return self._sandbox

    def _payload(self, code: str) -> dict:
        return {"code": code, "dpi": self.dpi}

    def render(self, code: str) -> RenderResult:
        return self.render_batch([code])[0]

    def render_batch(self, codes: Sequence[str]) -> list[RenderResult]:
        if self.in_process:
            return [self._render_in_process(code) for code in codes]
        outcomes = self.sandbox.map(self.target, [self._payload(code) for code in codes])
        return [_to_result(code, outcome) for code, outcome in zip(codes, outcomes)]

    def _render_in_process(self, code: str) -> RenderResult:
        import time

        from trl_visual_sdpo.render.chart_job import render_chart_job

        start = time.perf_counter()
        cwd = os.getcwd()
        with tempfile.TemporaryDirectory() as scratch:
            os.chdir(scratch)
            try:
                value = render_chart_job(self._payload(code))
            finally:
                os.chdir(cwd)
        value = decode(encode(value))  # the same plain data the sandbox would send back
        return _to_result(code, SandboxOutcome(True, value, None, time.perf_counter() - start))

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()
