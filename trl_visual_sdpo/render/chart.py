"""Charts: run a matplotlib program in the sandbox, and trace every artist back to the program lines that made it.

Introspection is runtime, not textual: while the program runs, `Artist.__init__` and the `Artist.stale` setter
(which every setter, `set_*`, and every change a plotting call makes to an artist goes through) record the
line numbers of all the program's frames on the call stack. So an artist created inside a helper function
credits the helper's line and the call site, an artist created in a loop credits the loop body's line, and an
artist changed later (`set_color`, `plt.xticks(rotation=45)`) also credits the line that changed it. Tick labels
that matplotlib creates while drawing inherit the lines that last changed their axis.

Only the first figure is rendered (the one `plt.savefig`/`plt.show` would show first); `plt.show()` does
nothing and `savefig` writes inside the job's temporary directory.
"""

from __future__ import annotations

import io
import math
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Sequence

from trl_visual_sdpo.defects import find_defects
from trl_visual_sdpo.render.base import Element, RenderResult
from trl_visual_sdpo.rubric import rubric_scores
from trl_visual_sdpo.sandbox import PROGRAM_FILENAME, Sandbox, SandboxConfig, format_program_exception

MAX_POINTS_PER_LINE = 200


class _Propagation(threading.local):
    active = False  # inside a stale setter: parents marked stale by propagation are not credited
    calls = 0  # depth of traced plotting calls


_PROPAGATING = _Propagation()
_CALLS: list[str] = []
PLOTTING_CALLS = ("plot", "bar", "barh", "scatter", "pie", "hist", "hist2d", "fill_between", "fill_betweenx",
                  "errorbar", "boxplot", "violinplot", "imshow", "pcolormesh", "contour", "contourf", "stackplot",
                  "step", "stem", "hexbin", "quiver", "axhline", "axvline", "bar_label", "table")
"""Axes methods whose calls ChartMimic-style chart-type scoring compares."""

# --------------------------------------------------------------------------------------- in the sandboxed child


def _program_lines() -> set[int]:
    lines, frame = set(), sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename == PROGRAM_FILENAME:
            lines.add(frame.f_lineno)
        frame = frame.f_back
    return lines


def _install_tracer() -> None:
    """Record, on every artist, the program lines that created or changed it (idempotent)."""
    from matplotlib.artist import Artist

    if getattr(Artist, "_tvs_traced", False):
        return
    original_init = Artist.__init__
    stale = Artist.stale

    def init(self, *args, **kwargs):
        self._tvs_lines = _program_lines()
        original_init(self, *args, **kwargs)

    def set_stale(self, value):
        # A change marks its parents stale too (axes, figure); only the changed artist itself is credited.
        if _PROPAGATING.active:
            return stale.fset(self, value)
        lines = _program_lines()
        if lines:
            self.__dict__.setdefault("_tvs_lines", set()).update(lines)
        _PROPAGATING.active = True
        try:
            stale.fset(self, value)
        finally:
            _PROPAGATING.active = False

    Artist.__init__ = init
    Artist.stale = property(stale.fget, set_stale)
    Artist._tvs_traced = True

    from matplotlib.axes import Axes

    for name in PLOTTING_CALLS:
        if hasattr(Axes, name):
            setattr(Axes, name, _record_call(getattr(Axes, name), name))


def _record_call(method, name):
    def traced(self, *args, **kwargs):
        # Only top-level calls count: `hist` calling `bar` internally is one `hist`.
        if _PROPAGATING.calls == 0 and _program_lines():
            _CALLS.append(name)
        _PROPAGATING.calls += 1
        try:
            return method(self, *args, **kwargs)
        finally:
            _PROPAGATING.calls -= 1

    return traced


def _hex(color) -> str | None:
    from matplotlib.colors import to_hex

    try:
        return to_hex(color, keep_alpha=False)
    except (ValueError, TypeError):
        return None


def _kind_and_role(artist, axes_list) -> tuple[str, str | None]:
    from matplotlib.axes import Axes
    from matplotlib.axis import Tick
    from matplotlib.collections import Collection
    from matplotlib.image import AxesImage
    from matplotlib.legend import Legend
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text

    if isinstance(artist, Text):
        if isinstance(getattr(artist, "_tvs_parent", None), Tick):
            return "text", "tick"
        if getattr(artist, "_tvs_in_legend", False):
            return "text", "legend_text"
        for ax in axes_list:
            if artist in (ax.title, ax._left_title, ax._right_title):
                return "text", "title"
            if artist in (ax.xaxis.label, ax.yaxis.label):
                return "text", "label"
        return "text", "annotation" if artist.axes is not None else "text"
    if isinstance(artist, Legend):
        return "legend", None
    if isinstance(artist, Axes):
        return "axes", None
    if isinstance(artist, Line2D):
        return "line", None
    if isinstance(artist, Patch):
        return "patch", None
    if isinstance(artist, Collection):
        return "collection", None
    if isinstance(artist, AxesImage):
        return "image", None
    return artist.__class__.__name__.lower(), None


def _rotated_quad(text, extent, renderer, height) -> list[tuple[float, float]]:
    """Corners (image pixels) of a rotated text's own rectangle; its axis-aligned box overstates its footprint."""
    rotation = text.get_rotation()
    text.set_rotation(0)
    upright = text.get_window_extent(renderer)
    text.set_rotation(rotation)
    cx, cy = (extent.x0 + extent.x1) / 2, height - (extent.y0 + extent.y1) / 2
    w, h, angle = upright.width / 2, upright.height / 2, math.radians(rotation)
    cos, sin = math.cos(angle), math.sin(angle)
    return [(cx + dx * cos - dy * sin, cy - (dx * sin + dy * cos)) for dx, dy in ((-w, -h), (w, -h), (w, h), (-w, h))]


def _walk(artist, parent=None, seen=None):
    """Every artist under `artist` with its parent (tick labels need their Tick and Axis)."""
    seen = set() if seen is None else seen
    if id(artist) in seen:
        return
    seen.add(id(artist))
    yield artist, parent
    for child in artist.get_children():
        yield from _walk(child, artist, seen)


def _elements(fig, renderer) -> list[Element]:
    from matplotlib.axis import Axis, Tick
    from matplotlib.spines import Spine
    from matplotlib.text import Text

    height = fig.bbox.height
    axes_list = fig.get_axes()
    data_artists = {id(a) for ax in axes_list for a in (*ax.lines, *ax.patches, *ax.collections, *ax.images)}
    for legend in [*fig.legends, *(ax.get_legend() for ax in axes_list)]:
        for text in ([*legend.get_texts(), legend.get_title()] if legend is not None else []):
            text._tvs_in_legend = True
    elements = []
    axis_of = {}
    drawn_ticks = set()  # ticks outside the view limits exist but are not drawn
    for ax in axes_list:
        for axis in (ax.xaxis, ax.yaxis):
            drawn_ticks |= {id(tick) for tick in axis._update_ticks()}
    for artist, parent in _walk(fig):
        if isinstance(artist, Axis):
            axis_of[id(artist)] = artist
        if isinstance(parent, Tick) and id(parent) not in drawn_ticks:
            continue
        if isinstance(artist, Text):
            artist._tvs_parent = parent
        if artist is fig or artist is getattr(parent, "patch", None) or not artist.get_visible():
            continue
        if isinstance(artist, Spine) or (isinstance(parent, Tick) and not isinstance(artist, Text)):
            continue  # axis furniture: tick marks and spines are never what a defect is about
        kind, role = _kind_and_role(artist, axes_list)
        if kind not in ("text", "legend", "axes", "line", "patch", "collection", "image"):
            continue
        if kind == "text" and not artist.get_text().strip():
            continue
        try:
            extent = artist.get_window_extent(renderer)
        except (RuntimeError, TypeError, ValueError, AttributeError):
            continue
        if not all(math.isfinite(v) for v in extent.extents) or (extent.width <= 0 and extent.height <= 0):
            continue
        lines = set(getattr(artist, "_tvs_lines", ()))
        if isinstance(parent, Tick):  # created while drawing: credit whoever set up its axis
            axis = next((a for a in axis_of.values() if parent in a.get_major_ticks() + a.get_minor_ticks()), None)
            lines |= set(getattr(axis, "_tvs_lines", ()))
        ax = artist.axes
        meta = {"axes": axes_list.index(ax) if ax in axes_list else None, "data": id(artist) in data_artists}
        if role:
            meta["role"] = role
        colors = {}
        if kind == "text":
            colors["color"] = _hex(artist.get_color())
            patch = artist.get_bbox_patch()
            background = patch.get_facecolor() if patch is not None else (
                ax.get_facecolor() if ax is not None and role != "tick" and role != "label" and role != "title"
                else fig.get_facecolor())
            meta["background"] = _hex(background)
            if artist.get_rotation() % 180:
                meta["quad"] = _rotated_quad(artist, extent, renderer, height)
            meta["font_pt"] = float(artist.get_fontsize())
            meta["bold"] = artist.get_fontweight() in ("bold", "heavy", "black", 700, 800, 900)
        elif kind == "line":
            colors["color"] = _hex(artist.get_color())
            xy = artist.get_transform().transform(artist.get_xydata())
            step = max(1, len(xy) // MAX_POINTS_PER_LINE)
            meta["points"] = [(float(x), float(height - y)) for x, y in xy[::step] if math.isfinite(x + y)]
        elif kind in ("patch", "collection"):
            face = artist.get_facecolor()
            colors["face"] = _hex(face if kind == "patch" else (face[0] if len(face) else "none"))
        elif kind == "axes":
            colors["face"] = _hex(artist.get_facecolor())
            spec = artist.get_subplotspec()
            if spec is not None:
                rows, cols = spec.get_geometry()[:2]
                meta["grid"] = [rows, cols, spec.rowspan.start, spec.colspan.start]
        x0, y0, x1, y1 = extent.extents
        text = artist.get_text() if kind == "text" else None
        elements.append(Element(id=f"{kind}{len(elements)}", kind=kind, bbox=(x0, height - y1, x1, height - y0),
                                text=text, colors={k: v for k, v in colors.items() if v},
                                font_size=meta["font_pt"] * fig.dpi / 72 if kind == "text" else None,
                                lines=sorted(lines), meta=meta))
    return elements


def render_chart_job(payload: dict) -> dict:
    """Sandbox target: run `payload["code"]`, draw its first figure, return the PNG and its elements."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _install_tracer()
    _CALLS.clear()
    plt.close("all")
    code = payload["code"]
    from matplotlib.figure import Figure

    original_show, plt.show = plt.show, lambda *a, **k: None
    original_savefig = Figure.savefig

    def contained_savefig(self, fname, *args, **kwargs):
        # Any path the program names lands in the job's own directory: saving is never a reason to fail.
        if isinstance(fname, (str, os.PathLike)):
            fname = os.path.basename(os.fspath(fname)) or "figure.png"
        return original_savefig(self, fname, *args, **kwargs)

    Figure.savefig = contained_savefig
    try:
        exec(compile(code, PROGRAM_FILENAME, "exec"), {"__name__": "__main__"})
    except BaseException as exc:  # the program's failure is the result, told in its own terms
        return {"ok": False, "error": format_program_exception(exc, code)}
    finally:
        plt.show, Figure.savefig = original_show, original_savefig
    numbers = plt.get_fignums()
    if not numbers:
        return {"ok": False, "error": "The program produced no figure: call plt.figure() or plt.subplots() and "
                                      "draw something."}
    fig = plt.figure(numbers[0])
    fig.set_dpi(payload.get("dpi", 100))
    fig.canvas.draw()
    elements = _elements(fig, fig.canvas.get_renderer())
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi)
    width, height = fig.canvas.get_width_height()
    plt.close("all")
    return {"ok": True, "png": buffer.getvalue(), "size": (width, height),
            "elements": [e.__dict__ for e in elements], "figures": len(numbers), "calls": list(_CALLS)}


# --------------------------------------------------------------------------------------- in the trainer process


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


def _to_result(code: str, value: dict | None, error: str | None, seconds: float) -> RenderResult:
    if value is None or not value.get("ok"):
        message = error or (value or {}).get("error") or "The program failed."
        return RenderResult.failure(message, code=code, seconds=seconds)
    elements = [Element(**{**e, "bbox": tuple(e["bbox"])}) for e in value["elements"]]
    size = tuple(value["size"])
    defects = find_defects(elements, size)
    return RenderResult(ok=True, image_png=value["png"], size=size, elements=elements, defects=defects,
                        rubric=rubric_scores(True, defects), seconds=seconds, code=code,
                        meta={"figures": value["figures"], "calls": value["calls"]})


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
    target = "trl_visual_sdpo.render.chart:render_chart_job"

    def __init__(self, sandbox_config: SandboxConfig | None = None, dpi: int = 100, in_process: bool = False):
        self.dpi = dpi
        self.in_process = in_process
        config = sandbox_config or SandboxConfig()
        preload = tuple(dict.fromkeys((*config.preload, "numpy", "matplotlib", "matplotlib.pyplot",
                                       "trl_visual_sdpo.render.chart")))
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
        return [_to_result(code, o.value, o.error, o.seconds) for code, o in zip(codes, outcomes)]

    def _render_in_process(self, code: str) -> RenderResult:
        import time

        start = time.perf_counter()
        cwd = os.getcwd()
        with tempfile.TemporaryDirectory() as scratch:
            os.chdir(scratch)
            try:
                value = render_chart_job(self._payload(code))
            finally:
                os.chdir(cwd)
        return _to_result(code, value, None, time.perf_counter() - start)

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()
