"""The slide job, run by the sandbox in a child process: run a python-pptx program while python-pptx is traced,
pick its deck, check the deck's limits, and return its bytes with every shape (box in EMU, text, fill, fonts, the
program lines that made it) as plain data.

What a program must do: build a deck with python-pptx and save it, `prs.save("deck.pptx")` (any file name or
path; it is written inside the job's own directory). The deck rendered is the file of the last `save`, as it is
when the program ends. A program that never saves still renders the last `Presentation` it made; a program that
writes a `.pptx` some other way renders that file (without line attribution).

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

from trl_visual_sdpo.sandbox import PROGRAM_FILENAME, format_program_exception, program_lines


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
