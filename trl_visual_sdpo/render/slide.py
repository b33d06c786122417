"""Slides: run a python-pptx program in the sandbox, rasterise its deck with a warm LibreOffice, and trace every
shape back to the program lines that made it.

What a program must do: build a deck with python-pptx and save it, `prs.save("deck.pptx")` (any file name or
path; it is written inside the job's own directory). The deck rendered is the file of the last `save`, as it is
when the program ends. A program that never saves still renders the last `Presentation` it made; a program that
writes a `.pptx` some other way renders that file (without line attribution).

Pipeline, per deck:
1. sandbox job `build_deck_job`: runs the program while python-pptx is traced (below), reads the saved file back
   with python-pptx (a file it cannot read is a clear error), enforces the deck limits (slides, shapes, image
   pixels, file size) and returns the bytes plus every shape: box in EMU, text, fill, fonts, program lines;
2. `OfficeConverter` (render/office.py): one resident headless LibreOffice in bubblewrap, no network, turns the
   .pptx into a PDF (a conversion that hangs is killed and the office restarted);
3. sandbox job `rasterise_job`: PyMuPDF draws each PDF page to pixels and reads the PDF's text lines (position,
   size, colour) and, from the pixels, the colour each line is drawn on;
4. here: shapes become `Element`s in image pixels (slides stacked top to bottom, `SLIDE_GAP_PX` apart), and each
   shape's text element gets the extent of the PDF lines that match its text, so overflow is measured.

Introspection is runtime: every public method and property setter of python-pptx's shape, text, fill, colour,
table and chart classes records the program lines on the call stack (`sandbox.program_lines`) on the shape that
owns the object it was called on and on the shape it returned. So `slide.shapes.add_textbox(...)` credits its
line to the new text box, `run.font.size = Pt(40)` credits its line to the shape holding the run, a chart
changed through `chart.has_legend = True` credits its graphic frame, `add_slide` credits the layout's
placeholders it creates, and a shape made inside a helper credits the helper's lines and the call site.
"""

from __future__ import annotations

import functools
import io
import os
import queue
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Sequence

import msgspec

from trl_visual_sdpo.defects import dominant_color, find_defects, pixels_around
from trl_visual_sdpo.isolation import FrameError, validate
from trl_visual_sdpo.results import Element, RenderResult, check_png
from trl_visual_sdpo.render.office import OfficeConverter, OfficeError
from trl_visual_sdpo.rubric import rubric_scores
from trl_visual_sdpo.sandbox import PROGRAM_FILENAME, Sandbox, SandboxConfig, format_program_exception, program_lines

EMU_PER_INCH = 914400
SLIDE_GAP_PX = 16
"""Grey band between stacked slides in the result image."""
GAP_COLOR = (150, 150, 150)
SLIDE_MIN_FONT_PT = 12.0
"""Smallest readable font size on a slide (projected text needs more than the 6 pt a chart's tick label may use)."""

_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_SHAPE_TAGS = {f"{_P}sp", f"{_P}pic", f"{_P}graphicFrame", f"{_P}grpSp", f"{_P}cxnSp"}
_TRACED_MODULES = (
    "pptx.shapes.autoshape", "pptx.shapes.base", "pptx.shapes.connector", "pptx.shapes.freeform",
    "pptx.shapes.graphfrm", "pptx.shapes.group", "pptx.shapes.picture", "pptx.shapes.placeholder",
    "pptx.shapes.shapetree", "pptx.text.text", "pptx.dml.color", "pptx.dml.fill", "pptx.dml.line",
    "pptx.dml.effect", "pptx.table", "pptx.slide", "pptx.action", "pptx.chart.chart", "pptx.chart.axis",
    "pptx.chart.legend", "pptx.chart.plot", "pptx.chart.series", "pptx.chart.datalabel", "pptx.chart.marker",
    "pptx.chart.point", "pptx.chart.category",
)
"""python-pptx's proxy classes (not its XML element classes, which only python-pptx itself calls)."""


@dataclass
class SlideRenderConfig:
    """How decks are rendered and what a deck may contain."""

    dpi: int = 96
    """Pixels per inch of the raster (a 10 x 7.5 in slide is 960 x 720 px)."""
    max_slides: int = 20
    max_shapes: int = 400
    """Shapes in the whole deck (group members included)."""
    max_image_megapixels: float = 40.0
    """Pixels of one embedded picture; a bigger one fails the render before LibreOffice decodes it."""
    max_deck_mb: float = 25.0
    convert_timeout_s: float = 30.0
    """Wall-clock seconds LibreOffice may take to convert one deck before it is killed and restarted."""
    converters: int = 1
    """Resident LibreOffice processes (decks convert in parallel up to this many)."""
    office_memory_mb: int = 4096
    isolation: str = "auto"
    """LibreOffice in bubblewrap: `"bwrap"` (required), `"none"`, or `"auto"` (bubblewrap when it works)."""
    min_font_pt: float = SLIDE_MIN_FONT_PT
    office_python: str | None = None
    """A Python with LibreOffice's UNO bindings (default: found automatically, e.g. Debian's python3-uno)."""


# --------------------------------------------------------------------------------------- in the sandboxed child


class _Trace:
    """What the traced python-pptx calls recorded during one job (a forked child runs one job, single-threaded)."""

    def __init__(self):
        self.reset(20)

    def reset(self, max_slides: int) -> None:
        self.depth = 0
        self.max_slides = max_slides
        self.shapes: dict[tuple[int, int], set[int]] = {}  # (id of the slide's XML root, shape id) -> lines
        self.slides: dict[int, set[int]] = {}  # id of the slide's XML root -> lines (new slide, background)
        self.charts: dict[int, tuple[int, int]] = {}  # id of a chart part's XML root -> its frame's key
        self.keep: dict[int, object] = {}  # XML roots whose ids are keys above: kept alive so ids stay unique
        self.presentations: list = []
        self.saved: list[tuple[object, str | None]] = []


_TRACE = _Trace()


def _xml_element(obj):
    """The lxml element a python-pptx proxy wraps (`_element`, or the first element among its attributes)."""
    from lxml import etree

    element = getattr(obj, "_element", None)
    if isinstance(element, etree._Element):
        return element
    try:
        values = vars(obj).values()
    except TypeError:
        return None
    return next((v for v in values if isinstance(v, etree._Element)), None)


def _shape_id(shape_element) -> int | None:
    first = shape_element[0] if len(shape_element) else None
    c_nv_pr = first.find(f"{_P}cNvPr") if first is not None else None
    try:
        return int(c_nv_pr.get("id")) if c_nv_pr is not None else None
    except (TypeError, ValueError):
        return None


def _credit(obj, lines: set[int], new_slide: bool = False) -> None:
    element = _xml_element(obj)
    if element is None:
        return
    root = element.getroottree().getroot()
    if root.tag == f"{_C}chartSpace":  # a chart part: credit the graphic frame that shows it
        key = _TRACE.charts.get(id(root))
        if key is not None:
            _TRACE.shapes.setdefault(key, set()).update(lines)
        return
    node, background = element, element is root  # the slide itself (a new slide, `follow_master_background`)
    while node is not None and node.tag not in _SHAPE_TAGS:
        background = background or node.tag == f"{_P}bg"
        node = node.getparent()
    if node is None:  # not inside a shape: only the slide and its background are credited, not its shape tree
        if background and root.tag == f"{_P}sld":
            _TRACE.slides.setdefault(id(root), set()).update(lines)
            _TRACE.keep[id(root)] = root
    else:
        key = (id(root), _shape_id(node))
        _TRACE.shapes.setdefault(key, set()).update(lines)
        _TRACE.keep[id(root)] = root
        if getattr(obj, "has_chart", False):
            chart_root = obj.chart_part._element
            _TRACE.charts[id(chart_root)] = key
            _TRACE.keep[id(chart_root)] = chart_root
    if new_slide:  # the layout's placeholders were created by this call
        for shape_element in root.iter(*_SHAPE_TAGS):
            _TRACE.shapes.setdefault((id(root), _shape_id(shape_element)), set()).update(lines)


def _traced(function):
    new_slide = function.__name__ == "add_slide"

    @functools.wraps(function)
    def traced(self, *args, **kwargs):
        if _TRACE.depth:  # python-pptx calling itself: the outermost call credits
            return function(self, *args, **kwargs)
        lines = program_lines()
        if not lines:
            return function(self, *args, **kwargs)
        _TRACE.depth += 1
        try:
            result = function(self, *args, **kwargs)
        finally:
            _TRACE.depth -= 1
        _credit(self, lines)
        _credit(result, lines, new_slide)
        return result

    return traced


def _limited_add_slide(add_slide):
    @functools.wraps(add_slide)
    def limited(self, *args, **kwargs):
        if len(self) >= _TRACE.max_slides:
            raise RuntimeError(f"Too many slides: a deck may have at most {_TRACE.max_slides} slides. Make a "
                               "shorter deck.")
        return add_slide(self, *args, **kwargs)

    return limited


def _install_tracer() -> None:
    """Trace python-pptx (idempotent): program lines per shape, the decks made and saved, the slide limit."""
    import importlib

    import pptx.presentation
    import pptx.slide

    if getattr(pptx, "_tvs_traced", False):
        return
    pptx.slide.Slides.add_slide = _limited_add_slide(pptx.slide.Slides.add_slide)
    for module_name in _TRACED_MODULES:
        module = importlib.import_module(module_name)
        for cls in [c for c in vars(module).values() if isinstance(c, type) and c.__module__ == module_name]:
            for name, attribute in list(vars(cls).items()):
                if isinstance(attribute, property) and attribute.fset is not None:
                    setattr(cls, name, property(attribute.fget, _traced(attribute.fset), attribute.fdel,
                                                attribute.__doc__))
                elif callable(attribute) and not name.startswith("_") and not isinstance(attribute, type):
                    if isinstance(attribute, (staticmethod, classmethod)):
                        continue
                    setattr(cls, name, _traced(attribute))
    presentation = pptx.presentation.Presentation
    original_init, original_save = presentation.__init__, presentation.save

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        _TRACE.presentations.append(self)

    def save(self, file):
        # Any path the program names lands in the job's own directory: saving is never a reason to fail.
        if isinstance(file, (str, os.PathLike)):
            name = os.path.basename(os.fspath(file)) or "deck.pptx"
            _TRACE.saved.append((self, name))
            return original_save(self, name)
        _TRACE.saved.append((self, None))
        return original_save(self, file)

    presentation.__init__, presentation.save = init, save
    presentation._tvs_original_save = original_save
    pptx._tvs_traced = True


def _serialise(prs) -> bytes:
    buffer = io.BytesIO()
    type(prs)._tvs_original_save(prs, buffer)
    return buffer.getvalue()


def _pick_deck() -> tuple[bytes | None, str, object | None]:
    """The deck to render: (bytes, what it is called in messages, the in-memory Presentation that made it)."""
    if _TRACE.saved:
        prs, name = _TRACE.saved[-1]
        if name and os.path.exists(name):
            with open(name, "rb") as file:
                return file.read(), name, prs
        return _serialise(prs), "the saved deck", prs
    if _TRACE.presentations:
        return _serialise(_TRACE.presentations[-1]), "the deck (never saved)", _TRACE.presentations[-1]
    files = sorted((f for f in os.listdir(".") if f.lower().endswith(".pptx")), key=os.path.getmtime)
    if files:
        with open(files[-1], "rb") as file:
            return file.read(), files[-1], None
    return None, "", None


def _hex(color) -> str | None:
    """`#rrggbb` of a python-pptx ColorFormat with an explicit RGB value, else None (theme colours: measured)."""
    try:
        from pptx.enum.dml import MSO_COLOR_TYPE

        if color.type == MSO_COLOR_TYPE.RGB:
            return f"#{str(color.rgb).lower()}"
    except (AttributeError, TypeError, ValueError):
        pass
    return None


def _fill(shape) -> str | None:
    from pptx.enum.dml import MSO_FILL

    try:
        fill = shape.fill
        return _hex(fill.fore_color) if fill.type == MSO_FILL.SOLID else None
    except (AttributeError, TypeError, ValueError, NotImplementedError):
        return None


_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_FILLS = {f"{_A}solidFill", f"{_A}gradFill", f"{_A}blipFill", f"{_A}pattFill", f"{_A}grpFill"}


def _paints(shape, kind: str) -> bool:
    """Whether the shape itself draws something (a fill or an outline), so its edges can be seen: pictures,
    tables, charts and connectors always; other shapes by their own fill and line, else by their style's
    references (an autoshape is filled by its theme style; a text box has no style and draws nothing)."""
    if kind in ("picture", "table", "chart", "connector"):
        return True
    if kind == "group":
        return False
    sp_pr, style = shape._element.find(f"{_P}spPr"), shape._element.find(f"{_P}style")
    fill = line = None
    if sp_pr is not None:
        for child in sp_pr:
            if child.tag in _FILLS:
                fill = True
            elif child.tag == f"{_A}noFill":
                fill = False
        ln = sp_pr.find(f"{_A}ln")
        if ln is not None:
            if ln.find(f"{_A}noFill") is not None:
                line = False
            elif any(ln.find(tag) is not None for tag in _FILLS):
                line = True
    if style is not None:
        if fill is None:
            fill_ref = style.find(f"{_A}fillRef")
            fill = fill_ref is not None and fill_ref.get("idx", "0") != "0"
        if line is None:
            line_ref = style.find(f"{_A}lnRef")
            line = line_ref is not None and line_ref.get("idx", "0") != "0"
    return bool(fill) or bool(line)


def _kind(shape) -> str:
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    if getattr(shape, "has_chart", False):
        return "chart"
    if getattr(shape, "has_table", False):
        return "table"
    try:
        shape_type = shape.shape_type
    except (NotImplementedError, AttributeError):
        shape_type = None
    names = {MSO_SHAPE_TYPE.PICTURE: "picture", MSO_SHAPE_TYPE.GROUP: "group", MSO_SHAPE_TYPE.LINE: "connector",
             MSO_SHAPE_TYPE.TEXT_BOX: "textbox", MSO_SHAPE_TYPE.AUTO_SHAPE: "autoshape",
             MSO_SHAPE_TYPE.PLACEHOLDER: "placeholder", MSO_SHAPE_TYPE.FREEFORM: "freeform"}
    if shape_type == MSO_SHAPE_TYPE.PLACEHOLDER and hasattr(shape, "image"):
        return "picture"
    return names.get(shape_type, "other")


def _placeholder_type(shape) -> str | None:
    if not getattr(shape, "is_placeholder", False):
        return None
    try:
        return shape.placeholder_format.type.name.lower()
    except (AttributeError, ValueError):
        return "unknown"


def _group_transform(group, outer: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Child coordinates of `group` -> slide EMU, as (scale x, scale y, offset x, offset y) composed with `outer`."""
    xfrm = group._element.grpSpPr.xfrm
    if xfrm is None or xfrm.off is None or xfrm.ext is None:
        return outer
    ch_off, ch_ext = xfrm.chOff, xfrm.chExt
    cx, cy = (ch_off.x, ch_off.y) if ch_off is not None else (xfrm.off.x, xfrm.off.y)
    cw, chh = (ch_ext.cx, ch_ext.cy) if ch_ext is not None else (xfrm.ext.cx, xfrm.ext.cy)
    sx = xfrm.ext.cx / cw if cw else 1.0
    sy = xfrm.ext.cy / chh if chh else 1.0
    ox, oy = xfrm.off.x - cx * sx, xfrm.off.y - cy * sy
    osx, osy, oox, ooy = outer
    return osx * sx, osy * sy, osx * ox + oox, osy * oy + ooy


def _box(shape, transform) -> list[float]:
    sx, sy, ox, oy = transform
    left, top = shape.left or 0, shape.top or 0
    width, height = shape.width or 0, shape.height or 0
    return [left * sx + ox, top * sy + oy, (left + width) * sx + ox, (top + height) * sy + oy]


def _text_record(text_frame) -> dict:
    sizes = {run.font.size.pt for p in text_frame.paragraphs for run in p.runs if run.font.size is not None}
    body = text_frame._txBody.bodyPr
    alignments = {p.alignment.name.lower() for p in text_frame.paragraphs if p.alignment is not None and p.text}
    return {"text": text_frame.text, "declared_pt": sorted(sizes), "wrap": body.get("wrap") != "none",
            "text_align": alignments.pop() if len(alignments) == 1 else None}


def _table_cells(table, box: list[float], transform) -> list[dict]:
    sx, sy = transform[0], transform[1]
    widths = [column.width * sx for column in table.columns]
    heights = [row.height * sy for row in table.rows]
    cells, y = [], box[1]
    for r, row in enumerate(table.rows):
        x = box[0]
        for c, cell in enumerate(row.cells):
            if c < len(widths) and (cell.text or "").strip() and not cell.is_spanned:
                cells.append({"row": r, "col": c, "text": cell.text, "box": [x, y, x + widths[c], y + heights[r]]})
            x += widths[c] if c < len(widths) else 0
        y += heights[r]
    return cells


def _shape_records(shapes, slide_index: int, transform, parent: str | None, lines_of: dict) -> list[dict]:
    records = []
    for shape in shapes:
        kind = _kind(shape)
        record = {"slide": slide_index, "shape_id": shape.shape_id, "name": shape.name, "type": kind,
                  "placeholder": _placeholder_type(shape), "box": _box(shape, transform), "parent": parent,
                  "fill": _fill(shape) if kind not in ("picture", "group", "chart", "table") else None,
                  "paints": _paints(shape, kind),
                  "lines": sorted(lines_of.get(shape.shape_id, ())), "text": None}
        if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            record.update(_text_record(shape.text_frame))
        if kind == "table":
            record["cells"] = _table_cells(shape.table, record["box"], transform)
        elif kind == "chart":
            record["chart_type"] = shape.chart.chart_type.name.lower() if shape.chart.chart_type else "unknown"
        elif kind == "picture":
            record["image_px"] = list(shape.image.size)
        records.append(record)
        if kind == "group":
            key = f"s{slide_index}-{shape.shape_id}"
            records += _shape_records(shape.shapes, slide_index, _group_transform(shape, transform), key, lines_of)
    return records


def _lines_by_slide(prs) -> list[tuple[dict, set]]:
    """Per slide of the in-memory deck: shape id -> program lines, and the slide's own lines."""
    if prs is None:
        return []
    out = []
    for slide in prs.slides:
        root = slide._element
        shapes = {shape_id: lines for (root_id, shape_id), lines in _TRACE.shapes.items() if root_id == id(root)}
        out.append((shapes, _TRACE.slides.get(id(root), set())))
    return out


def _deck_problem(prs, deck: bytes, source: str, limits: dict) -> str | None:
    """Why this deck must not go to LibreOffice (too big, too many slides, shapes or pixels), or None."""
    from pptx.parts.image import ImagePart

    if len(deck) > limits["max_deck_mb"] * 1024 * 1024:
        return (f"The deck is {len(deck) / 1e6:.0f} MB, over the {limits['max_deck_mb']:.0f} MB limit (huge "
                "embedded images?). Use smaller pictures.")
    count = len(prs.slides)
    if count == 0:
        return "The deck has no slides: add one with prs.slides.add_slide(prs.slide_layouts[6])."
    if count > limits["max_slides"]:
        return f"The deck has {count} slides; at most {limits['max_slides']} are rendered. Make a shorter deck."
    for part in prs.part.package.iter_parts():
        if isinstance(part, ImagePart):
            try:
                width, height = part.image.size
            except Exception:
                return f"{source} embeds an image that cannot be read. Embed a valid PNG or JPEG."
            if width * height > limits["max_image_megapixels"] * 1e6:
                return (f"The deck embeds an image of {width} x {height} px ({width * height / 1e6:.0f} MP), over "
                        f"the {limits['max_image_megapixels']:.0f} MP limit. Use a smaller picture.")
    return None


def build_deck_job(payload: dict) -> dict:
    """Sandbox target: run `payload["code"]`, pick its deck, check it, and return its bytes and its shapes."""
    import pptx

    _install_tracer()
    limits = payload["limits"]
    _TRACE.reset(limits["max_slides"])
    code = payload["code"]
    try:
        exec(compile(code, PROGRAM_FILENAME, "exec"), {"__name__": "__main__"})
    except BaseException as exc:  # the program's failure is the result, told in its own terms
        return {"ok": False, "error": format_program_exception(exc, code)}
    deck, source, made_by = _pick_deck()
    if deck is None:
        return {"ok": False, "error": "The program made no deck: build it with python-pptx (prs = Presentation()) "
                                      "and save it with prs.save('deck.pptx')."}
    try:
        prs = pptx.Presentation(io.BytesIO(deck))
        problem = _deck_problem(prs, deck, source, limits)
    except Exception as exc:
        return {"ok": False, "error": f"{source} is not a valid .pptx file ({type(exc).__name__}: {exc}). Build "
                                      "the deck with python-pptx and save it with prs.save('deck.pptx')."}
    if problem:
        return {"ok": False, "error": problem}
    traced = _lines_by_slide(made_by)
    records, slide_lines = [], []
    for index, slide in enumerate(prs.slides):
        shapes_lines, own_lines = traced[index] if index < len(traced) else ({}, set())
        records += _shape_records(slide.shapes, index, (1.0, 1.0, 0.0, 0.0), None, shapes_lines)
        slide_lines.append(sorted(own_lines))
    if len(records) > limits["max_shapes"]:
        return {"ok": False, "error": f"The deck has {len(records)} shapes, over the {limits['max_shapes']} limit. "
                                      "Put less on each slide."}
    return {"ok": True, "deck": deck, "slide_size": (prs.slide_width, prs.slide_height), "shapes": records,
            "slide_lines": slide_lines, "source": source}


def _page_lines(page, zoom: float, pixels) -> list[dict]:
    """Every text line of a PDF page: text, box (page pixels), span sizes and colours, and its background."""
    import pymupdf

    lines = []
    data = page.get_text("dict", clip=pymupdf.INFINITE_RECT())
    height, width = pixels.shape[:2]
    for block in data["blocks"]:
        for line in block.get("lines", []):
            spans = [s for s in line["spans"] if s["text"].strip()]
            if not spans:
                continue
            chars = Counter()
            for span in spans:
                chars[(span["color"], bool(span["flags"] & 16))] += len(span["text"].strip())
            (color, bold), _ = chars.most_common(1)[0]
            rgb = ((color >> 16) & 255, (color >> 8) & 255, color & 255)
            x0, y0, x1, y1 = (v * zoom for v in line["bbox"])
            lines.append({"text": "".join(s["text"] for s in line["spans"]), "box": [x0, y0, x1, y1],
                          "size": min(s["size"] for s in spans), "color": "#%02x%02x%02x" % rgb, "bold": bold,
                          "background": dominant_color(pixels_around(pixels, (x0, y0, x1, y1)))})
    return lines


def rasterise_job(payload: dict) -> dict:
    """Sandbox target: draw every page of `payload["pdf"]`, stacked, and read each page's text lines."""
    import numpy as np
    import pymupdf
    from PIL import Image

    document = pymupdf.open(stream=payload["pdf"], filetype="pdf")
    if document.page_count != payload["slides"]:
        return {"ok": False, "error": f"LibreOffice exported {document.page_count} pages for a deck of "
                                      f"{payload['slides']} slides."}
    zoom = payload["dpi"] / 72
    pages, images = [], []
    for page in document:
        pixmap = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
        pixels = np.frombuffer(pixmap.samples, dtype=np.uint8).reshape(pixmap.height, pixmap.width, 3)
        pages.append({"size": (pixmap.width, pixmap.height), "lines": _page_lines(page, zoom, pixels),
                      "background": dominant_color(pixels[:: 4, :: 4].reshape(-1, 3))})
        images.append(pixels)
    width = max(p.shape[1] for p in images)
    gap = np.full((payload["gap"], width, 3), GAP_COLOR, dtype=np.uint8)
    rows = []
    for index, pixels in enumerate(images):
        if index:
            rows.append(gap)
        if pixels.shape[1] < width:
            pixels = np.pad(pixels, ((0, 0), (0, width - pixels.shape[1]), (0, 0)), constant_values=255)
        rows.append(pixels)
    canvas = np.concatenate(rows)
    buffer = io.BytesIO()
    Image.fromarray(canvas).save(buffer, format="PNG", compress_level=3)
    return {"ok": True, "png": buffer.getvalue(), "size": (canvas.shape[1], canvas.shape[0]), "pages": pages}


# --------------------------------------------------------------------------------------- in the trainer process

_WORDS = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def _distance(a: Sequence[float], b: Sequence[float]) -> float:
    dx = max(b[0] - a[2], a[0] - b[2], 0.0)
    dy = max(b[1] - a[3], a[1] - b[3], 0.0)
    return (dx * dx + dy * dy) ** 0.5


def _contains_point(box: Sequence[float], x: float, y: float) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


@dataclass
class _Holder:
    """Something on a slide that holds text: a shape's text frame or a table cell."""

    element_id: str
    container_id: str
    box: list[float]
    text: str
    words: Counter
    role: str
    lines: list[dict] = field(default_factory=list)


def _match_lines(holders: list[_Holder], lines: list[dict], blockers: list[list[float]]) -> None:
    """Give each PDF line to the holder whose text contains its words, nearest first. Lines inside a chart or
    picture that does not hold them are the chart's own labels, not a shape's text. A holder's words are drawn
    once, so each is claimed once, longest lines first: a chart's legend entry "2024" under a footnote ending in
    "2024" is the chart's, not a second line of the footnote (it gave the footnote the legend's colour)."""
    left = {id(holder): Counter(holder.words) for holder in holders}
    order = sorted(range(len(lines)), key=lambda i: -len(_words(lines[i]["text"])))
    for index in order:
        line = lines[index]
        words = _words(line["text"])
        if not words:
            continue  # a bullet glyph alone
        cx, cy = (line["box"][0] + line["box"][2]) / 2, (line["box"][1] + line["box"][3]) / 2
        best, best_key = None, None
        for holder in holders:
            share = sum((Counter(words) & left[id(holder)]).values()) / len(words)
            if share < 0.6:
                continue
            inside = _contains_point(holder.box, cx, cy)
            if not inside and any(_contains_point(b, cx, cy) for b in blockers):
                continue
            key = (-share, _distance(line["box"], holder.box))
            if best_key is None or key < best_key:
                best, best_key = holder, key
        if best is not None:
            best.lines.append(line)
            left[id(best)] -= Counter(words)
    for holder in holders:  # back in reading order
        holder.lines.sort(key=lambda line: next(i for i, other in enumerate(lines) if other is line))


def _text_element(holder: _Holder, record: dict, slide_id: str, page: dict, scale_pt: float,
                  page_box: list[float], min_pt: float) -> Element:
    """The text a holder's shape drew: its box from the PDF lines matched to it, size and colour from the PDF,
    background from the pixels under it."""
    if holder.lines:
        x0 = min(line["box"][0] for line in holder.lines)
        y0 = min(line["box"][1] for line in holder.lines)
        x1 = max(line["box"][2] for line in holder.lines)
        y1 = max(line["box"][3] for line in holder.lines)
        found = sum((Counter(w for line in holder.lines for w in _words(line["text"])) & holder.words).values())
        missing = 1 - found / max(sum(holder.words.values()), 1)
        page = [0.0, 0.0, page_box[2] - page_box[0], page_box[3] - page_box[1]]
        x0, y0, x1, y1 = _extend_cut_text([x0, y0, x1, y1], missing, page, holder.box)
        box = [x0 + page_box[0], y0 + page_box[1], x1 + page_box[0], y1 + page_box[1]]
        font_pt = min(line["size"] for line in holder.lines)
        color = Counter(line["color"] for line in holder.lines).most_common(1)[0][0]
        background = Counter(line["background"] for line in holder.lines if line["background"]).most_common(1)
        bold = Counter(line["bold"] for line in holder.lines).most_common(1)[0][0]
        measured = True
    else:  # nothing of it was drawn (wholly off the slide, or hidden): fall back to where the shape puts it
        box, missing, measured = list(holder.box), 1.0, False
        font_pt = min(record.get("declared_pt") or [18.0])
        color, background, bold = None, [(page.get("background"), 1)] if page.get("background") else [], False
    meta = {"slide": record["slide"], "frame": slide_id, "role": holder.role, "font_pt": font_pt, "bold": bold,
            "min_pt": min_pt, "measured": measured, "missing_text": round(missing, 3),
            "background": background[0][0] if background else None}
    if holder.role == "cell":
        meta["ancestors"] = [holder.container_id]
    else:
        meta["container"] = holder.container_id
        meta["ancestors"] = [holder.container_id]
    return Element(id=holder.element_id, kind="text", bbox=tuple(box), text=holder.text,
                   colors={"color": color} if color else {}, font_size=font_pt * scale_pt,
                   lines=record["lines"], meta=meta)


def _extend_cut_text(box: list[float], missing: float, page_box: list[float], shape_box: list[float]) -> list[float]:
    """LibreOffice does not draw glyphs that fall wholly off the page, so text cut by a slide edge measures short:
    when words are missing, extend the drawn text past the edge its shape crosses (or that the text touches) by
    the missing share (page coordinates)."""
    if missing < 0.1:
        return box
    x0, y0, x1, y1 = box
    grow = missing / max(1 - missing, 0.1)
    width, height = (x1 - x0) * grow, (y1 - y0) * grow
    left, top, right, bottom = page_box
    if shape_box[3] > bottom or y1 >= bottom - 3:
        y1 = max(y1, bottom) + height
    elif shape_box[2] > right or x1 >= right - 3:
        x1 = max(x1, right) + width
    elif shape_box[0] < left or x0 <= left + 3:
        x0 = min(x0, left) - width
    elif shape_box[1] < top or y0 <= top + 3:
        y0 = min(y0, top) - height
    return [x0, y0, x1, y1]


def _role(record: dict) -> str:
    return "title" if record["placeholder"] in ("title", "center_title") else "text"


def _slide_elements(index: int, records: list[dict], page: dict, page_box: list[float], scale: tuple[float, float],
                    slide_lines: list[int], dpi: int, min_pt: float) -> list[Element]:
    """The slide, its shapes (boxes from EMU), and their texts (boxes from the PDF), in image pixels."""
    slide_id = f"slide{index}"
    sx, sy = scale

    def to_px(box):
        return [box[0] * sx + page_box[0], box[1] * sy + page_box[1], box[2] * sx + page_box[0],
                box[3] * sy + page_box[1]]

    elements = [Element(id=slide_id, kind="slide", bbox=tuple(page_box),
                        colors={"background": page["background"]} if page.get("background") else {},
                        lines=slide_lines, meta={"slide": index})]
    holders, records_of, blockers = [], {}, []
    for record in records:
        shape_id = f"s{index}-{record['shape_id']}"
        box = to_px(record["box"])
        content = record["type"] in ("picture", "table", "chart")
        meta = {"slide": index, "frame": slide_id, "parent": record["parent"] or slide_id,
                "shape_type": record["type"], "name": record["name"], "placeholder": record["placeholder"],
                "data": content, "opaque": content, "paints": record.get("paints", True),
                # a text box's size bounds its text in any editor, drawn or not: text past it overflows
                "text_frame": bool((record.get("text") or "").strip()), "text_align": record.get("text_align")}
        for key in ("chart_type", "image_px"):
            if key in record:
                meta[key] = record[key]
        elements.append(Element(id=shape_id, kind="shape", bbox=tuple(box), text=record.get("text") or None,
                                colors={"fill": record["fill"]} if record["fill"] else {}, lines=record["lines"],
                                meta=meta))
        if record["type"] in ("chart", "picture"):
            blockers.append(_page_relative(box, page_box))
        for cell in record.get("cells", ()):
            cell_box = to_px(cell["box"])
            holder = _Holder(f"t{index}-{record['shape_id']}-r{cell['row']}c{cell['col']}", shape_id,
                             _page_relative(cell_box, page_box), cell["text"], Counter(_words(cell["text"])), "cell")
            holders.append(holder)
            records_of[holder.element_id] = record
        if (record.get("text") or "").strip() and record["type"] != "table":
            holder = _Holder(f"t{index}-{record['shape_id']}", shape_id, _page_relative(box, page_box),
                             record["text"], Counter(_words(record["text"])), _role(record))
            holders.append(holder)
            records_of[holder.element_id] = record
    _match_lines(holders, page["lines"], blockers)
    texts = [_text_element(h, records_of[h.element_id], slide_id, page, dpi / 72, page_box, min_pt)
             for h in holders if h.words]
    _visible_edges(elements, texts)
    elements += texts
    _grow_tables(elements)
    return elements


_SEEN_EDGES = {"center": ("start", "centre"), "distribute": ("start",), "justify": ("start",),
               "right": ("start", "end")}


def _visible_edges(shapes: list[Element], texts: list[Element]) -> None:
    """A shape that draws nothing shows only its text, so only the edges its text lines up on can be seen: the
    top (where the first line starts) and the left, centre or right by its paragraphs' alignment, never its empty
    or ragged end (`align_edges`). An invisible shape without drawn text has no edges to align. (Aligning by the
    drawn text's extent instead flagged left-aligned body text against the card above it: insets and ragged
    right edges are a few pixels off by nature.)"""
    drawn = {t.meta["container"] for t in texts if t.meta.get("measured") and t.meta.get("container")}
    for shape in shapes:
        if shape.kind != "shape" or shape.meta.get("paints", True):
            continue
        if shape.id in drawn:
            shape.meta["align_edges"] = _SEEN_EDGES.get(shape.meta.get("text_align") or "", ("start",))
        else:
            shape.meta["align"] = False


def _page_relative(box: list[float], page_box: list[float]) -> list[float]:
    return [box[0] - page_box[0], box[1] - page_box[1], box[2] - page_box[0], box[3] - page_box[1]]


def _grow_tables(elements: list[Element]) -> None:
    """A table's rows grow to fit their text: its drawn extent reaches its lowest cell text (plus the cell inset)."""
    by_id = {e.id: e for e in elements}
    inset = 4.0
    for element in elements:
        if element.kind != "text" or element.meta.get("role") != "cell":
            continue
        table = by_id[element.meta["ancestors"][0]]
        x0, y0, x1, y1 = table.bbox
        table.bbox = (min(x0, element.bbox[0]), min(y0, element.bbox[1]), max(x1, element.bbox[2]),
                      max(y1, element.bbox[3] + inset))


def _assemble(code: str, built: dict, raster: dict, seconds: float, config: SlideRenderConfig) -> RenderResult:
    width_emu, height_emu = built["slide_size"]
    records_by_slide: dict[int, list[dict]] = {}
    for record in built["shapes"]:
        records_by_slide.setdefault(record["slide"], []).append(record)
    elements: list[Element] = []
    top = 0
    for index, page in enumerate(raster["pages"]):
        page_w, page_h = page["size"]
        page_box = [0.0, float(top), float(page_w), float(top + page_h)]
        scale = (page_w / width_emu, page_h / height_emu)
        lines = built["slide_lines"][index] if index < len(built["slide_lines"]) else []
        elements += _slide_elements(index, records_by_slide.get(index, []), page, page_box, scale, lines,
                                    config.dpi, config.min_font_pt)
        top += page_h + SLIDE_GAP_PX
    size = tuple(raster["size"])
    defects = find_defects(elements, size)
    meta = {"slides": len(raster["pages"]), "slide_size_px": tuple(raster["pages"][0]["size"]),
            "slide_size_in": (width_emu / EMU_PER_INCH, height_emu / EMU_PER_INCH), "gap_px": SLIDE_GAP_PX,
            "deck_bytes": len(built["deck"]), "source": built["source"],
            "unmatched_lines": sum(len(p["lines"]) for p in raster["pages"]) - sum(
                1 for e in elements if e.kind == "text" and e.meta.get("measured"))}
    return RenderResult(ok=True, image_png=raster["png"], size=size, elements=elements, defects=defects,
                        rubric=rubric_scores(True, defects), seconds=seconds, code=code, meta=meta)


class BuiltDeck(msgspec.Struct, forbid_unknown_fields=True):
    """What `build_deck_job` returns, checked in the trainer (the program ran in the same process as the job)."""

    ok: bool
    error: str | None = None
    deck: bytes = b""
    slide_size: tuple[int, int] = (0, 0)
    shapes: list[dict[str, Any]] = []
    slide_lines: list[list[int]] = []
    source: str = ""


class SlideRenderer:
    """The slide domain: python-pptx programs -> `RenderResult`s (decks built in the sandbox, drawn by LibreOffice).

    Args:
        sandbox_config: limits and parallelism (`num_workers`) of the sandbox that runs programs and rasterises
            PDFs; python-pptx and PyMuPDF are preloaded.
        config: resolution, deck limits and the LibreOffice converter's settings.
    """

    domain = "slide"
    code_languages = ("python", "py")
    build_target = "trl_visual_sdpo.render.slide:build_deck_job"
    raster_target = "trl_visual_sdpo.render.slide:rasterise_job"

    def __init__(self, sandbox_config: SandboxConfig | None = None, config: SlideRenderConfig | None = None):
        self.config = config or SlideRenderConfig()
        base = sandbox_config or SandboxConfig()
        preload = tuple(dict.fromkeys((*base.preload, "numpy", "PIL.Image", "lxml.etree", "pptx", "pymupdf",
                                       "trl_visual_sdpo.render.slide")))
        self.sandbox_config = SandboxConfig(**{**base.__dict__, "preload": preload})
        self._sandbox: Sandbox | None = None
        self._converters: queue.Queue[OfficeConverter] | None = None
        self._all_converters: list[OfficeConverter] = []

    @property
    def sandbox(self) -> Sandbox:
        if self._sandbox is None:
            self._sandbox = Sandbox(self.sandbox_config)
        return self._sandbox

    def _converter_pool(self) -> queue.Queue:
        if self._converters is None:
            pool: queue.Queue[OfficeConverter] = queue.Queue()
            for _ in range(max(1, self.config.converters)):
                converter = OfficeConverter(timeout_s=self.config.convert_timeout_s,
                                            memory_mb=self.config.office_memory_mb,
                                            isolation=self.config.isolation, python=self.config.office_python)
                self._all_converters.append(converter)
                pool.put(converter)
            self._converters = pool
        return self._converters

    def _limits(self) -> dict:
        c = self.config
        return {"max_slides": c.max_slides, "max_shapes": c.max_shapes,
                "max_image_megapixels": c.max_image_megapixels, "max_deck_mb": c.max_deck_mb}

    def convert(self, deck: bytes) -> bytes:
        """PDF bytes of a .pptx through a warm converter (raises `OfficeError`)."""
        pool = self._converter_pool()
        converter = pool.get()
        try:
            return converter.convert(deck)
        finally:
            pool.put(converter)

    def _render_one(self, code: str) -> RenderResult:
        start = time.perf_counter()

        def failed(message: str, infra: bool = False) -> RenderResult:
            return RenderResult.failure(message, code=code, seconds=time.perf_counter() - start, infra=infra)

        built = self.sandbox.run(self.build_target, {"code": code, "limits": self._limits()})
        if built.infra:
            return failed(built.error, infra=True)
        try:  # the job runs next to the program, so the program could have written anything in its place
            value = validate(built.value, BuiltDeck) if built.value is not None else None
        except FrameError as error:
            return failed(f"The program's render result was rejected ({error}); only the renderer reports results.")
        if not built.ok or not value.ok:
            return failed(built.error or value.error or "The program failed.")
        try:
            pdf = self.convert(value.deck)
        except OfficeError as error:
            return failed(str(error), infra=error.infra)
        raster = self.sandbox.run(self.raster_target, {"pdf": pdf, "dpi": self.config.dpi,
                                                       "slides": len(value.slide_lines), "gap": SLIDE_GAP_PX})
        if raster.infra:
            return failed(raster.error, infra=True)
        problem = None if not raster.ok or not raster.value.get("ok") else check_png(raster.value.get("png"),
                                                                                  raster.value.get("size"))
        if not raster.ok or not raster.value.get("ok") or problem:
            return failed("LibreOffice converted the deck, but its PDF could not be drawn: "
                          f"{raster.error or raster.value.get('error') or problem}")
        try:
            return _assemble(code, msgspec.structs.asdict(value), raster.value, time.perf_counter() - start,
                             self.config)
        except (KeyError, TypeError, ValueError, IndexError) as error:
            return failed(f"The program's render result was rejected (malformed shapes: {type(error).__name__}: "
                          f"{error}); only the renderer reports results.")

    def render(self, code: str) -> RenderResult:
        return self.render_batch([code])[0]

    def render_batch(self, codes: Sequence[str]) -> list[RenderResult]:
        def safe(code: str) -> RenderResult:
            try:
                return self._render_one(code)
            except FileNotFoundError:  # LibreOffice or its UNO bindings missing: the user must act, say so
                raise
            except Exception as error:  # never raise into the trainer for what a program did
                return RenderResult.failure(f"The deck could not be rendered: {type(error).__name__}: {error}",
                                            code=code)

        if len(codes) <= 1:
            return [safe(code) for code in codes]
        with ThreadPoolExecutor(max_workers=self.sandbox_config.num_workers) as pool:
            return list(pool.map(safe, codes))

    def close(self) -> None:
        for converter in self._all_converters:
            converter.close()
        self._all_converters.clear()
        self._converters = None
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None
