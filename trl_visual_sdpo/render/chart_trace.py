"""Chart introspection, in the sandboxed child: which program lines made each matplotlib artist, and the calls and
colours ChartMimic's evaluators read.

Introspection is runtime, not textual: while the program runs, `Artist.__init__` and the `Artist.stale` setter
(which every setter, `set_*`, and every change a plotting call makes to an artist goes through) record the
line numbers of all the program's frames on the call stack. So an artist created inside a helper function
credits the helper's line and the call site, an artist created in a loop credits the loop body's line, and an
artist changed later (`set_color`, `plt.xticks(rotation=45)`) also credits the line that changed it. Tick labels
that matplotlib creates while drawing inherit the lines that last changed their axis.
"""

from __future__ import annotations

import threading

from trl_visual_sdpo.sandbox import program_lines


class _Propagation(threading.local):
    active = False  # inside a stale setter: parents marked stale by propagation are not credited
    calls = 0  # depth of traced plotting calls (chart types)
    colors = 0  # depth of traced colour-making calls


_PROPAGATING = _Propagation()
_CALLS: list[str] = []
_COLORED: dict[str, tuple[str, object]] = {}  # "call--first colour" -> (call, the artist whose final colour counts)
PLOTTING_CALLS = ("bar", "barh", "plot", "axhline", "axvline", "axvspan", "axhspan", "hlines", "vlines", "errorbar",
                  "boxplot", "violinplot", "violin", "hist", "fill_between", "fill_betweenx", "scatter", "quiver",
                  "pie", "fill", "imshow", "pcolor", "contour", "contourf", "broken_barh", "tripcolor")
"""Axes methods whose top-level calls ChartMimic's chart-type evaluator counts (its
`chart_type_evaluator_prefix.py`); with `PLOTTING_CALLS_3D` (named `3d.<method>`), `plot` on polar axes (named
`polar.plot`) and every `Ellipse`/`Circle` made outside them (named `ellipse`)."""
PLOTTING_CALLS_3D = ("scatter", "plot", "plot_surface", "bar3d", "bar", "add_collection3d")
COLOR_CALLS = ("bar", "scatter", "axhline", "axvline", "_fill_between_x_or_y", "pie", "axvspan", "axhspan", "hlines",
               "vlines", "boxplot", "violinplot", "hist", "quiver", "imshow", "pcolor", "contour", "contourf", "fill",
               "broken_barh", "tripcolor")
"""Axes methods whose drawn colours ChartMimic's colour evaluator reads (`color_evaluator_prefix.py`), with every
line the plotting machinery makes (`_make_line`), `plot` on polar axes and the 3D calls; colours are grouped by the
call that drew them and read at the end of the program."""

def install_tracer() -> None:
    """Record, on every artist, the program lines that created or changed it (idempotent)."""
    from matplotlib.artist import Artist

    if getattr(Artist, "_tvs_traced", False):
        return
    original_init = Artist.__init__
    stale = Artist.stale

    def init(self, *args, **kwargs):
        self._tvs_lines = program_lines()
        original_init(self, *args, **kwargs)

    def set_stale(self, value):
        # A change marks its parents stale too (axes, figure); only the changed artist itself is credited.
        if _PROPAGATING.active:
            return stale.fset(self, value)
        lines = program_lines()
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
    from matplotlib.axes._base import _process_plot_var_args
    from matplotlib.patches import Circle, Ellipse
    from matplotlib.projections.polar import PolarAxes
    from mpl_toolkits.mplot3d import Axes3D

    # Chart types first, colours around them: the two keep separate nesting counts, as ChartMimic's two
    # evaluators do (each patches matplotlib in its own run).
    for name in PLOTTING_CALLS:
        if hasattr(Axes, name):
            setattr(Axes, name, _record_call(getattr(Axes, name), name))
    for name in PLOTTING_CALLS_3D:
        setattr(Axes3D, name, _record_call(getattr(Axes3D, name), f"3d.{name}"))
    for cls in (Ellipse, Circle):
        cls.__init__ = _record_colors(_record_call(cls.__init__, "ellipse"), "ellipse")
    for name in COLOR_CALLS:
        if hasattr(Axes, name):
            setattr(Axes, name, _record_colors(getattr(Axes, name), name))
    PolarAxes.plot = _record_colors(Axes.plot, "polar.plot")
    for name in PLOTTING_CALLS_3D:
        setattr(Axes3D, name, _record_colors(getattr(Axes3D, name), f"3d.{name}"))
    maker = "_make_line" if hasattr(_process_plot_var_args, "_make_line") else "_makeline"
    setattr(_process_plot_var_args, maker, _record_colors(getattr(_process_plot_var_args, maker), "line"))


def _record_call(method, name):
    def traced(self, *args, **kwargs):
        # Only top-level calls count: `hist` calling `bar` internally is one `hist`.
        if _PROPAGATING.calls == 0 and program_lines():
            from matplotlib.projections.polar import PolarAxes

            _CALLS.append("polar.plot" if name == "plot" and isinstance(self, PolarAxes) else name)
        _PROPAGATING.calls += 1
        try:
            return method(self, *args, **kwargs)
        finally:
            _PROPAGATING.calls -= 1

    return traced


def _colored_artists(name: str, result, args, kwargs) -> list[tuple[object, str | None]]:
    """(artist, fixed colour) pairs a colour-making call drew, as ChartMimic's colour evaluator reads them: a
    colormap's name where one is used, else the artist whose final colour counts."""
    cmap = kwargs.get("cmap")
    cmap_name = (cmap if isinstance(cmap, str) else getattr(cmap, "name", None)) if cmap is not None else None
    base = name.split(".")[-1]
    if base in ("imshow", "pcolor", "contour", "contourf", "tripcolor"):
        return [(None, result.get_cmap().name)]
    if base in ("scatter", "plot_surface") and cmap_name:
        return [(None, cmap_name)]
    if base == "line":
        return [(result[0], None)]
    if base in ("bar", "hist") and name != "3d.bar":
        patches = result[2] if base == "hist" else result
        flat = [p for group in patches for p in (group if hasattr(group, "__iter__") else [group])] \
            if base == "hist" else list(patches)
        return [(p, None) for p in flat]
    if base == "pie":
        return [(w, None) for w in result[0]]
    if base == "boxplot":
        return [(b, None) for b in result["boxes"] if b.__class__.__name__ == "PathPatch"]
    if base == "violinplot":
        return [(b, None) for b in result["bodies"]]
    if base == "plot" or name == "3d.bar":
        return [(line, None) for line in result]
    if base == "fill":
        return [(patch, None) for patch in result]
    if base == "ellipse":
        return [(args[0], None)]
    return [(result, None)]


def _final_colors(artist, name: str) -> list[str]:
    """The colours an artist shows at the end of the program, in ChartMimic's choice per call."""
    from matplotlib.colors import to_hex

    base = name.split(".")[-1]
    try:
        if base in ("line", "plot", "axhline", "axvline") and name != "3d.bar":
            return [to_hex(artist.get_color())]
        if base in ("hlines", "vlines"):
            return [to_hex(c) for c in artist.get_edgecolors()]
        if base in ("quiver", "broken_barh", "add_collection3d") or name == "3d.scatter":
            return [to_hex(c) for c in artist.get_facecolors()]
        if base in ("_fill_between_x_or_y", "violinplot", "scatter", "bar3d", "plot_surface"):
            faces = artist.get_facecolor()
            return [to_hex(faces[0])] if len(faces) else []
        if base == "bar" and name != "3d.bar":
            return [to_hex(getattr(artist, "_original_facecolor", artist.get_facecolor()))]
        return [to_hex(artist.get_facecolor())]
    except (ValueError, TypeError, AttributeError, IndexError):
        return []


def _record_colors(method, name):
    def traced(*args, **kwargs):
        if _PROPAGATING.colors:
            return method(*args, **kwargs)
        _PROPAGATING.colors += 1
        try:
            result = method(*args, **kwargs)
        finally:
            _PROPAGATING.colors -= 1
        if name == "ellipse" and type(args[0]).__name__ not in ("Ellipse", "Circle"):
            return result
        if not program_lines():
            return result
        try:
            for artist, fixed in _colored_artists(name, result, args, kwargs):
                # Like ChartMimic, one artist per call and first colour (a later bar of the same colour replaces it).
                first = fixed or next(iter(_final_colors(artist, name)), None)
                if first is not None:
                    _COLORED[f"{name}--{first}"] = (name, fixed if fixed else artist)
        except (TypeError, ValueError, AttributeError, IndexError, KeyError):
            pass
        return result

    return traced


def chartmimic_trace(fig) -> dict:
    """What ChartMimic's low-level evaluators compare, read at the end of the program: the drawn texts (tick
    labels left out, one entry per line of a multi-line text), each axes' grid cell, the top-level plotting
    calls, and the drawn colours as `call--#rrggbb` (or `call--colormap`) strings, each once."""
    layout = []
    for ax in fig.get_axes():
        spec = ax.get_subplotspec()
        if spec is not None:
            rows, cols = spec.get_gridspec().get_geometry()
            layout.append([rows, cols, spec.rowspan.start, spec.rowspan.stop - 1, spec.colspan.start,
                           spec.colspan.stop - 1])
    colors = set()
    for name, what in _COLORED.values():
        colors.update(f"{name}--{c}" for c in ([what] if isinstance(what, str) else _final_colors(what, name)))
    return {"layout": layout, "types": list(_CALLS), "colors": sorted(colors)}


def reset() -> None:
    """Forget the previous job's calls and colours (the worker process serves many jobs)."""
    _CALLS.clear()
    _COLORED.clear()


def plotting_calls() -> list[str]:
    """The top-level plotting calls the program made, in order (ChartMimic's chart types)."""
    return list(_CALLS)
