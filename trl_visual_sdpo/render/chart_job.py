"""The chart job, run by the sandbox in a child process: run the program, draw its figure, and return the PNG with
every drawn element (box, text, colours, the program lines that made it) as plain data.

One figure is rendered: the first one the program saved, else its first figure; `plt.show()` does nothing and
`savefig` writes inside the job's temporary directory. A program that saves with `bbox_inches="tight"` is
rendered with that tight box (what lies beside the axes is in its picture). Only what is drawn counts: texts are
taken from the draw itself (ticks outside the view, hidden axes, empty strings are not drawn; 3D and polar tick
labels get their real place), artists that are invisible, fully transparent or clipped away are left out, and
each text's contrast is measured from the pixels under its glyphs (a second render without the glyphs).
"""

from __future__ import annotations

import io
import math
import os
import threading

import numpy as np

from trl_visual_sdpo.render import chart_trace
from trl_visual_sdpo.results import Element
from trl_visual_sdpo.sandbox import PROGRAM_FILENAME, format_program_exception


MAX_POINTS_PER_LINE = 200


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
            axes_3d = [ax.zaxis] if hasattr(ax, "zaxis") else []
            if artist in [a.label for a in (ax.xaxis, ax.yaxis, *axes_3d)]:
                return "text", "label"
            if artist in [a.offsetText for a in (ax.xaxis, ax.yaxis)]:
                return "text", "tick"  # the axis' scale ("1e6"): tick furniture
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
    """Every drawn-able artist under `artist` with its parent (tick labels need their Tick and Axis). An invisible
    artist hides its whole subtree (a twin axes' hidden x axis, a hidden legend), so the walk stops there."""
    seen = set() if seen is None else seen
    if id(artist) in seen or not artist.get_visible():
        return
    seen.add(id(artist))
    yield artist, parent
    for child in artist.get_children():
        yield from _walk(child, artist, seen)


class _DrawCapture(threading.local):
    generation = 0  # the draw whose text extents count; 0: not capturing


_CAPTURE = _DrawCapture()
_SAVED: list = []  # figures the program saved, in order


def _install_draw_capture() -> None:
    """Record each text's extent while it is drawn (idempotent).

    Only texts matplotlib actually draws exist for a reader: ticks outside the view, texts of hidden axes or
    axes with `axis("off")` and empty strings are never drawn. And 3D and polar axes place their tick labels
    during the draw itself, so their extents are only right at that moment (asked afterwards, a 3D tick label
    reports a position off the canvas)."""
    from matplotlib.text import Text

    if getattr(Text, "_tvs_capturing", False):
        return
    original = Text.draw

    def draw(self, renderer):
        result = original(self, renderer)
        if _CAPTURE.generation and self.get_visible() and self.get_text():
            try:  # Text's own extent: an annotation's extent would include its arrow
                self._tvs_drawn = (_CAPTURE.generation, Text.get_window_extent(self, renderer).frozen())
            except (RuntimeError, TypeError, ValueError):
                pass
        return result

    Text.draw = draw
    Text._tvs_capturing = True


def _alpha_zero(color) -> bool:
    from matplotlib.colors import to_rgba_array

    try:
        rgba = to_rgba_array(color)
    except (ValueError, TypeError):
        return False
    return len(rgba) == 0 or bool((rgba[:, 3] <= 0).all())


def _invisible(artist, kind: str) -> bool:
    """Drawn but nothing shows: alpha 0, no face and no edge, a line with neither line style nor markers."""
    if artist.get_alpha() == 0:
        return True
    if kind == "patch":
        return _alpha_zero(artist.get_facecolor()) and (_alpha_zero(artist.get_edgecolor()) or
                                                          not artist.get_linewidth())
    if kind == "collection":
        widths = artist.get_linewidths()
        no_edge = _alpha_zero(artist.get_edgecolors()) or not any(w > 0 for w in widths)
        return (_alpha_zero(artist.get_facecolors()) and no_edge) or (
            hasattr(artist, "get_offsets") and artist.__class__.__name__ == "PathCollection"
            and len(artist.get_offsets()) == 0)
    if kind == "line":
        return (artist.get_linestyle() in ("None", "none", "", " ") and artist.get_marker() in (None, "None", "none",
                                                                                               "", " ")) or \
            _alpha_zero(artist.get_color())
    return False


def _clip_extent(artist, extent):
    """The part of `extent` its clip box lets through (data outside the axes is cut there, not drawn)."""
    from matplotlib.transforms import Bbox

    clip = artist.get_clip_box() if artist.get_clip_on() else None
    if clip is None:
        return extent
    return Bbox.intersection(extent, clip)


def _dense_points(xy, clip, height: float, along: bool) -> list[tuple[float, float]]:
    """Up to `MAX_POINTS_PER_LINE` image points of a drawn line (evenly spaced along it when `along`, else its
    vertices), keeping those inside its clip box: a text covers a line where it hides part of its length."""
    import numpy as np

    xy = np.asarray(xy, dtype=float)
    xy = xy[np.isfinite(xy).all(axis=1)] if len(xy) else xy.reshape(0, 2)
    if along and len(xy) > 1:
        lengths = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])
        if lengths[-1] > 0:
            at = np.linspace(0, lengths[-1], MAX_POINTS_PER_LINE)
            xy = np.column_stack([np.interp(at, lengths, xy[:, 0]), np.interp(at, lengths, xy[:, 1])])
    elif len(xy) > MAX_POINTS_PER_LINE:
        xy = xy[:: len(xy) // MAX_POINTS_PER_LINE + 1]
    if clip is not None and len(xy):
        keep = ((xy[:, 0] >= clip.x0 - 1) & (xy[:, 0] <= clip.x1 + 1)
                & (xy[:, 1] >= clip.y0 - 1) & (xy[:, 1] <= clip.y1 + 1))
        xy = xy[keep]
    return [(float(x), float(height - y)) for x, y in xy]


def _polygons(artist, kind: str, height: float) -> list[list[tuple[float, float]]] | None:
    """Outlines (image pixels) of a filled area that is not its own bounding box: pie wedges, fill_between and
    violin bodies. None for rectangles, whose box is exact."""
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Rectangle

    if kind == "patch" and not isinstance(artist, Rectangle):
        paths = [artist.get_transform().transform_path(artist.get_path())]
    elif isinstance(artist, PolyCollection) and not artist.get_offsets().any():
        transform = artist.get_transform()
        paths = [transform.transform_path(p) for p in artist.get_paths()[:20]]
    else:
        return None
    polygons = []
    for path in paths:
        for polygon in path.to_polygons(closed_only=False):
            step = max(1, len(polygon) // 100)
            points = [(float(x), float(height - y)) for x, y in polygon[::step] if math.isfinite(x + y)]
            if len(points) >= 3:
                polygons.append(points)
    return polygons or None


def _elements(fig, renderer, generation: int, artists: list | None = None) -> list[Element]:
    """Elements of what the draw numbered `generation` showed: texts it drew (with their draw-time extents),
    and visible data artists, their boxes cut by their clip boxes. `artists` receives each element's artist."""
    from matplotlib.axis import Axis, Tick
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.spines import Spine
    from matplotlib.text import Text

    height = fig.bbox.height
    axes_list = fig.get_axes()
    data_artists = {id(a) for ax in axes_list for a in (*ax.lines, *ax.patches, *ax.collections, *ax.images)}
    for legend in [*fig.legends, *(ax.get_legend() for ax in axes_list)]:
        for text in ([*legend.get_texts(), legend.get_title()] if legend is not None else []):
            text._tvs_in_legend = True
            text._tvs_legend = legend
    elements = []
    element_of: dict[int, str] = {}  # id(artist) -> element id, for legends
    axis_of = {}
    for artist, parent in _walk(fig):
        if isinstance(artist, Axis):
            axis_of[id(artist)] = artist
        if isinstance(artist, Text):
            artist._tvs_parent = parent
        if artist is fig or artist is getattr(parent, "patch", None):
            continue
        if isinstance(artist, Spine) or (isinstance(parent, Tick) and not isinstance(artist, Text)):
            continue  # axis furniture: tick marks and spines are never what a defect is about
        kind, role = _kind_and_role(artist, axes_list)
        if kind not in ("text", "legend", "axes", "line", "patch", "collection", "image"):
            continue
        if kind == "text":
            drawn = getattr(artist, "_tvs_drawn", None)
            if drawn is None or drawn[0] != generation or not artist.get_text().strip():
                continue  # not drawn: outside the view, under a hidden axis or axes, empty
            if artist.get_alpha() == 0 or _alpha_zero(artist.get_color()):
                continue
            extent = _clip_extent(artist, drawn[1])
        else:
            if _invisible(artist, kind):
                continue
            try:
                extent = artist.get_window_extent(renderer)
            except (RuntimeError, TypeError, ValueError, AttributeError):
                continue
            if kind in ("line", "patch", "collection", "image") and extent is not None:
                extent = _clip_extent(artist, extent)
        if extent is None or not all(math.isfinite(v) for v in extent.extents) or extent.width <= 0 and \
                extent.height <= 0:
            continue
        if kind in ("axes", "legend", "text") and (extent.width <= 0 or extent.height <= 0):
            continue  # zero size: nothing to see
        lines = set(getattr(artist, "_tvs_lines", ()))
        axis = None
        ax = artist.axes
        if isinstance(parent, Tick):  # created while drawing: credit whoever set up its axis
            axes_of_tick = [getattr(ax, name, None) for name in ("xaxis", "yaxis", "zaxis")] if ax else []
            axis = next((a for a in [*axes_of_tick, *axis_of.values()] if a is not None and (
                any(t is parent for t in a.majorTicks) or any(t is parent for t in a.minorTicks))), None)
            lines |= set(getattr(axis, "_tvs_lines", ()))
        meta = {"axes": axes_list.index(ax) if ax in axes_list else None, "data": id(artist) in data_artists}
        if axis is not None and axis is getattr(axis.axes, "zaxis", None):
            meta["axis"] = "z"  # a 3D axes' z tick labels (ChartMimic's text metric keeps them)
        if role:
            meta["role"] = role
        colors = {}
        clip = artist.get_clip_box() if artist.get_clip_on() else None
        if kind == "text":
            colors["color"] = _hex(artist.get_color())
            if artist.get_rotation() % 180:
                meta["quad"] = _rotated_quad(artist, drawn[1], renderer, height)
            meta["font_pt"] = float(artist.get_fontsize())
            meta["bold"] = artist.get_fontweight() in ("bold", "heavy", "black", 700, 800, 900)
            alpha = artist.get_alpha()
            meta["alpha"] = 1.0 if alpha is None else float(alpha)
        elif kind == "line":
            colors["color"] = _hex(artist.get_color())
            xy = artist.get_transform().transform(artist.get_xydata()) if len(artist.get_xydata()) else []
            along = artist.get_linestyle() not in ("None", "none", "", " ")
            meta["points"] = _dense_points(xy, clip, height, along)
            meta["along"] = along  # points along the line, not markers
        elif kind in ("patch", "collection"):
            face = artist.get_facecolor()
            colors["face"] = _hex(face if kind == "patch" else (face[0] if len(face) else "none"))
            if kind == "collection" and not colors["face"] and len(artist.get_edgecolor()):
                colors["face"] = _hex(artist.get_edgecolor()[0])
            if isinstance(artist, PathCollection):  # scatter: the markers, not the box around them
                offsets = artist.get_offset_transform().transform(artist.get_offsets())
                meta["points"] = _dense_points(offsets, clip, height, along=False)
            elif isinstance(artist, LineCollection):  # error bars, hlines/vlines, graph edges: thin strokes
                segments = [seg for seg in artist.get_segments() if len(seg) > 1][:50]
                per = max(4, MAX_POINTS_PER_LINE // max(1, len(segments)))
                points = []
                for segment in segments:  # evenly along each segment, the same spacing for all
                    xy = artist.get_transform().transform(segment)
                    points += _dense_points(xy, clip, height, along=True)[:: max(1, MAX_POINTS_PER_LINE // per)]
                meta["points"] = points
                meta["along"] = True
            else:
                polygons = _polygons(artist, kind, height)
                if polygons:
                    meta["polygons"] = polygons
        elif kind == "axes":
            colors["face"] = _hex(artist.get_facecolor())
            spec = artist.get_subplotspec()
            if spec is not None:
                rows, cols = spec.get_geometry()[:2]
                meta["grid"] = [rows, cols, spec.rowspan.start, spec.colspan.start, spec.rowspan.stop - 1,
                                spec.colspan.stop - 1]
        x0, y0, x1, y1 = extent.extents
        text = artist.get_text() if kind == "text" else None
        elements.append(Element(id=f"{kind}{len(elements)}", kind=kind,
                                bbox=(float(x0), float(height - y1), float(x1), float(height - y0)),
                                text=text, colors={k: v for k, v in colors.items() if v},
                                font_size=meta["font_pt"] * fig.dpi / 72 if kind == "text" else None,
                                lines=sorted(lines), meta=meta))
        element_of[id(artist)] = elements[-1].id
        legend = getattr(artist, "_tvs_legend", None) if kind == "text" else None
        if legend is not None and id(legend) in element_of:  # a legend's text is part of the legend
            elements[-1].meta["ancestors"] = [element_of[id(legend)]]
        if artists is not None:
            artists.append(artist)
    return elements


def _tight_box(fig, renderer):
    """The box (inches) `savefig(bbox_inches="tight")` would save, when the program asked for it, else None.

    A program that saves with a tight box shows what lies outside the figure (a legend placed beside the axes),
    so that is the picture a reader gets, and the one judged here."""
    import matplotlib

    request = getattr(fig, "_tvs_savefig", None)
    if not request or request.get("bbox_inches") != "tight":
        return None
    pad = request.get("pad_inches")
    pad = matplotlib.rcParams["savefig.pad_inches"] if pad is None or pad == "layout" else pad
    box = fig.get_tightbbox(renderer).padded(pad)
    width, height = fig.get_size_inches()
    if box.width <= 0 or box.height <= 0 or box.width > 4 * width or box.height > 4 * height:
        return None  # a stray artist far away: the figure itself is the picture
    return box


def _png_array(fig, bbox_inches) -> tuple[bytes, "np.ndarray"]:
    import numpy as np
    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches=bbox_inches if bbox_inches is not None else None)
    png = buffer.getvalue()
    with Image.open(io.BytesIO(png)) as image:
        rgb = np.asarray(image.convert("RGBA"), dtype=np.float32)
    # Transparent figures are seen over white.
    alpha = rgb[..., 3:4] / 255.0
    return png, (rgb[..., :3] * alpha + 255.0 * (1 - alpha))


def _luminance(rgb) -> "np.ndarray":
    """WCAG relative luminance of 0..255 sRGB values (last axis: channels)."""
    import numpy as np

    c = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


GLYPH_DIFFERENCE = 6.0
"""A pixel belongs to a text's glyphs where the render with the text differs from the one without by more."""


def measure_text_contrast(image, background, box, color_rgba) -> tuple[float, str] | None:
    """Contrast a reader sees for one text: its colour against the rendered pixels under its glyphs.

    `image` and `background` are float RGB renders (0..255) with and without the texts' glyphs; `box` is the
    text's box in their pixels. The background is what the render without glyphs shows at the glyph pixels
    (the bar, the heat-map cell, the legend frame, a bbox patch), never the text's own colour. Returns the
    median WCAG ratio over the glyph pixels and the median background colour, or None off the image."""
    import numpy as np

    height, width = image.shape[:2]
    x0, y0 = max(0, int(math.floor(box[0]))), max(0, int(math.floor(box[1])))
    x1, y1 = min(width, int(math.ceil(box[2]))), min(height, int(math.ceil(box[3])))
    if x1 <= x0 or y1 <= y0:
        return None
    drawn, under = image[y0:y1, x0:x1], background[y0:y1, x0:x1]
    mask = np.abs(drawn - under).max(axis=2) > GLYPH_DIFFERENCE
    # No glyph pixel differs: the text is drawn in the colour of what is under it (or almost): all of it counts.
    pixels = under[mask] if mask.any() else under.reshape(-1, 3)
    red, green, blue, alpha = color_rgba
    text_rgb = np.array([red, green, blue]) * 255.0
    seen = alpha * text_rgb + (1 - alpha) * pixels  # a translucent text mixes with what is under it
    lum_text, lum_under = _luminance(seen), _luminance(pixels)
    ratio = (np.maximum(lum_text, lum_under) + 0.05) / (np.minimum(lum_text, lum_under) + 0.05)
    color = np.median(pixels, axis=0)
    return float(np.median(ratio)), "#%02x%02x%02x" % tuple(int(round(v)) for v in color)


def _measure_contrast(fig, elements, texts, bbox_inches, image) -> None:
    """Write each text element's measured contrast into its meta, from a second render without glyphs."""
    from matplotlib.colors import to_rgba

    from trl_visual_sdpo.defects import CHART_MIN_CONTRAST

    colors = {}
    for text in texts:
        colors[id(text)] = to_rgba(text.get_color(), text.get_alpha())
        text.set_alpha(0.0)  # the glyphs vanish; a bbox patch behind them stays
    _, background = _png_array(fig, bbox_inches)
    if background.shape != image.shape:
        return
    for element, text in zip(elements, texts):
        measured = measure_text_contrast(image, background, element.bbox, colors[id(text)])
        if measured is None:
            continue
        ratio, under = measured
        element.meta["background"] = under
        element.meta["contrast_audited"] = True
        element.meta["contrast"] = {"ratio": round(ratio, 3), "required": CHART_MIN_CONTRAST}


def drawn_texts(fig, generation: int) -> list[str]:
    """The lines of text the draw numbered `generation` put on the figure, x and y tick labels (and the axis
    offset text) left out, as ChartMimic's text evaluator logs them (it clears x and y ticks; 3D z ticks stay)."""
    from matplotlib.axis import Tick
    from matplotlib.text import Text

    axes_list = fig.get_axes()
    lines = []
    for artist, parent in _walk(fig):
        drawn = getattr(artist, "_tvs_drawn", None) if isinstance(artist, Text) else None
        if drawn is None or drawn[0] != generation:
            continue
        if isinstance(parent, Tick):
            zaxes = [getattr(ax, "zaxis", None) for ax in axes_list]
            if not any(z is not None and any(t is parent for t in z.majorTicks) for z in zaxes):
                continue
        elif _kind_and_role(artist, axes_list)[1] == "tick":
            continue
        lines += [line for line in artist.get_text().split("\n") if line]
    return lines


def render_chart_job(payload: dict) -> dict:
    """Sandbox target: run `payload["code"]`, draw its first figure, return the PNG and its elements."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    chart_trace.install_tracer()
    _install_draw_capture()
    chart_trace.reset()
    _SAVED.clear()
    plt.close("all")
    code = payload["code"]
    from matplotlib.figure import Figure

    original_show, plt.show = plt.show, lambda *a, **k: None
    original_savefig = Figure.savefig

    def contained_savefig(self, fname, *args, **kwargs):
        # Any path the program names lands in the job's own directory: saving is never a reason to fail.
        if isinstance(fname, (str, os.PathLike)):
            fname = os.path.basename(os.fspath(fname)) or "figure.png"
        self._tvs_savefig = {"bbox_inches": kwargs.get("bbox_inches", matplotlib.rcParams["savefig.bbox"]),
                             "pad_inches": kwargs.get("pad_inches")}
        _SAVED.append(self)
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
    # The figure the program saved is its picture (an empty `plt.figure()` made before `plt.subplots()` is not).
    from matplotlib._pylab_helpers import Gcf

    open_figures = [manager.canvas.figure for manager in Gcf.get_all_fig_managers()]
    saved = [f for f in _SAVED if any(f is o for o in open_figures)]  # a closed one's number can be reused
    fig = saved[0] if saved else plt.figure(numbers[0])
    _SAVED.clear()
    trace = chart_trace.chartmimic_trace(fig)  # colours as the program left them, before anything here draws
    fig.set_dpi(payload.get("dpi", 100))
    _CAPTURE.generation += 1
    generation = _CAPTURE.generation
    try:
        fig.canvas.draw()
    finally:
        _CAPTURE.generation = 0
    renderer = fig.canvas.get_renderer()
    artists: list = []
    elements = _elements(fig, renderer, generation, artists)
    trace["texts"] = drawn_texts(fig, generation)
    tight = _tight_box(fig, renderer)
    png, image = _png_array(fig, tight)
    offset = (0.0, 0.0)
    if tight is not None:  # the saved picture starts at the tight box's top-left corner
        offset = (-tight.x0 * fig.dpi, (tight.y1 - fig.get_size_inches()[1]) * fig.dpi)
        for element in elements:
            element.bbox = _shifted(element.bbox, offset)
            for key in ("points", "quad"):
                if key in element.meta:
                    element.meta[key] = [(x + offset[0], y + offset[1]) for x, y in element.meta[key]]
            if "polygons" in element.meta:
                element.meta["polygons"] = [[(x + offset[0], y + offset[1]) for x, y in polygon]
                                            for polygon in element.meta["polygons"]]
    text_pairs = [(e, a) for e, a in zip(elements, artists) if e.kind == "text"]
    _measure_contrast(fig, [e for e, _ in text_pairs], [a for _, a in text_pairs], tight, image)
    height, width = image.shape[:2]
    plt.close("all")
    return {"ok": True, "png": png, "size": (width, height),
            "elements": [e.__dict__ for e in elements], "figures": len(numbers), "calls": chart_trace.plotting_calls(),
            "chartmimic": trace}


def _shifted(box, offset):
    return (box[0] + offset[0], box[1] + offset[1], box[2] + offset[0], box[3] + offset[1])
