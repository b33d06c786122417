"""Slides, in the trainer process: build the deck in the sandbox (`slide_job.py`), convert it with a warm LibreOffice
(`office.py`), rasterise the PDF in the sandbox (`slide_raster.py`), then match every shape to the PDF's measured text
lines, so overflow and overlap are judged on the real layout.

Pipeline, per deck:
1. sandbox job `build_deck_job`: the program's deck bytes and shapes, checked here against `BuiltDeck`;
2. `OfficeConverter`: one resident headless LibreOffice in bubblewrap, no network, turns the .pptx into a PDF (a
   conversion that hangs is killed and the office restarted; one that dies twice is an infrastructure failure);
3. sandbox job `rasterise_job`: pixels and text lines of every page;
4. here: shapes become `Element`s in image pixels, and each shape's text element gets the extent of the PDF lines
   that match its text.
"""

from __future__ import annotations

import queue
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, ClassVar, Sequence

import msgspec

from trl_visual_sdpo.defects import CHART_MIN_CONTRAST, SMALL_TEXT_PT, contrast_ratio, find_defects
from trl_visual_sdpo.isolation import FrameError, validate
from trl_visual_sdpo.render.office import OfficeConverter, OfficeError
from trl_visual_sdpo.render.slide_raster import SLIDE_GAP_PX
from trl_visual_sdpo.results import Element, RenderResult, check_png
from trl_visual_sdpo.rubric import rubric_scores
from trl_visual_sdpo.sandbox import Sandbox, SandboxConfig


EMU_PER_INCH = 914400
SLIDE_MIN_FONT_PT = 12.0
# The repair of both ways text outgrows its box (clipped, overflowing): SlideRenderer.repair_hints.
TEXT_TOO_BIG_HINT = ("Make the text box larger, shorten the text or lower `font.size`; set "
                     "`text_frame.word_wrap = True`.")
"""Smallest readable font size on a slide (projected text needs more than the 6 pt a chart's tick label may use)."""


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


def _chart_texts(charts: list[tuple[str, dict, list[float]]], lines: list[dict], claimed: set[int], slide_id: str,
                 page_box: list[float], scale_pt: float) -> list[Element]:
    """The texts a native chart draws itself (its title, legend entries, axis and data labels): the PDF lines inside
    a chart's frame (`charts`: element id, record, page-relative box) that no shape's text claimed. They are
    elements so that a slide text placed on them (a footnote under the legend) is a `text_overlap`; they belong to
    their chart (`owner`, `ancestors`): its data under them is what they label, and the chart lays out its own
    texts, so they never overlap each other. They are judged like a chart's texts in the chart domain: 3:1
    contrast against the pixels around them (`CHART_MIN_CONTRAST`) and the chart's `SMALL_TEXT_PT`, not a slide
    body text's 4.5:1 and 12 pt (a chart's default 10 pt labels are read as its parts, not as slide text)."""
    texts = []
    for index, line in enumerate(lines):
        if id(line) in claimed or not _words(line["text"]):
            continue
        cx, cy = (line["box"][0] + line["box"][2]) / 2, (line["box"][1] + line["box"][3]) / 2
        chart = next(((chart_id, record) for chart_id, record, box in charts if _contains_point(box, cx, cy)), None)
        if chart is None:
            continue
        chart_id, record = chart
        x0, y0, x1, y1 = line["box"]
        meta = {"slide": record["slide"], "frame": slide_id, "role": "chart_text", "font_pt": line["size"],
                "bold": line["bold"], "min_pt": SMALL_TEXT_PT, "measured": True, "owner": chart_id,
                "ancestors": [chart_id], "background": line["background"]}
        if line["background"]:
            meta["contrast_audited"] = True
            meta["contrast"] = {"ratio": round(contrast_ratio(line["color"], line["background"]), 3),
                                "required": CHART_MIN_CONTRAST}
        texts.append(Element(id=f"{chart_id}-text{index}", kind="text",
                             bbox=(x0 + page_box[0], y0 + page_box[1], x1 + page_box[0], y1 + page_box[1]),
                             text=line["text"].strip(), colors={"color": line["color"]},
                             font_size=line["size"] * scale_pt, lines=record["lines"], meta=meta))
    return texts


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
    holders, records_of, blockers, charts = [], {}, [], []
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
        if record["type"] == "chart":
            charts.append((shape_id, record, _page_relative(box, page_box)))
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
    claimed = {id(line) for holder in holders for line in holder.lines}
    _visible_edges(elements, texts)
    elements += texts + _chart_texts(charts, page["lines"], claimed, slide_id, page_box, dpi / 72)
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
    # What to change for each defect kind, in python-pptx terms (VisualSDPOConfig.repair_hints).
    repair_hints: ClassVar[dict[str, str]] = {
        "text_overlap": "Give each shape its own area: change `left`, `top`, `width` and `height` so that the text "
                        "boxes do not overlap.",
        "data_overlap": "Move the text box off the picture, table or chart that it covers.",
        "clipped_text": TEXT_TOO_BIG_HINT,
        "overflow": TEXT_TOO_BIG_HINT,
        "out_of_canvas": "Keep shapes on the slide: `left + width` at most `prs.slide_width`, `top + height` at most "
                         "`prs.slide_height`.",
        "low_contrast": "Choose a `font.color.rgb` that contrasts with the fill or background behind the text.",
        "small_text": "Use `font.size = Pt(12)` or larger.",
    }
    build_target = "trl_visual_sdpo.render.slide_job:build_deck_job"
    raster_target = "trl_visual_sdpo.render.slide_raster:rasterise_job"

    def __init__(self, sandbox_config: SandboxConfig | None = None, config: SlideRenderConfig | None = None):
        self.config = config or SlideRenderConfig()
        base = sandbox_config or SandboxConfig()
        preload = tuple(dict.fromkeys((*base.preload, "numpy", "PIL.Image", "lxml.etree", "pptx", "pymupdf",
                                       "trl_visual_sdpo.render.slide_job", "trl_visual_sdpo.render.slide_raster")))
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
