"""Visual defects from elements: pure geometry and colour, shared by every domain (no plotting library here).

Input: `Element`s with boxes in image pixels (top-left origin) and the canvas size. Conventions read from
`Element.kind` and `Element.meta`:
- kind `"text"` (meta `role`: "tick", "title", "label", "legend_text", "annotation", ...), `"legend"`, `"axes"`,
  and data kinds `"line"`, `"patch"`, `"collection"`, `"image"` with `meta["data"] = True`;
- `meta["background"]`: the colour a text is drawn on; `meta["points"]`: sampled pixel points of a line;
- `meta["font_pt"]`: font size in points; `meta["container"]`: id of the element a text must stay inside (a
  container with `meta["clips"]` cuts what sticks out); `meta["ancestors"]`: ids of the elements a text is nested
  in (texts of nested elements do not overlap each other); `meta["parent"]`: siblings share it (alignment);
- `meta["contrast_audited"]`: contrast was measured by an audit (axe-core on web pages), whose findings are in
  `meta["contrast"]` (`ratio`, `required`); audited texts without a finding pass;
- `meta["frame"]`: id of the element whose box is this element's visible canvas (a slide in a deck image): it
  must stay inside that box (instead of the image), and only elements of the same frame can overlap;
- `meta["opaque"]`: content that must not overlap other opaque content (slide pictures, tables, charts);
- `meta["min_pt"]`: the smallest readable font size for this text, when it differs from `SMALL_TEXT_PT`;
- texts: `meta["owner"]`: id of the element whose own text this is (a text never overlaps the text of its owner's
  ancestors or descendants); `meta["block"]`: the block the text is laid out in (inline runs of one block, an <em>
  in a <p>, never collide); `meta["rects"]`: its line boxes, when it has several (a wrapped paragraph's bounding
  box covers space its lines do not); `meta["extent"]`: its whole extent when `bbox` is only the part left visible
  by clipping; `meta["ellipsis"]`: it is cut on purpose (`text-overflow: ellipsis`);
- boxes: `meta["paints"]` False: the box draws nothing itself (no background, border or image), so its edges are
  invisible: it is not reported off the canvas, misaligned or overflowed (except `meta["text_frame"]`: a slide
  text box, whose size bounds its text in any editor, so text past it overflows); `meta["align"]` False: not a
  block a layout lines up; `meta["align_edges"]`: which of its "start", "centre", "end" edges can be seen and
  lined up (an invisible text box: where its text starts); `meta["scrolls"]`: a scroll container (what sticks
  out is reached by scrolling).
- data: `meta["points"]`: image points along a line or at scatter markers (covered where a text hides them);
  `meta["polygons"]`: outlines of a filled area that is not its own box (pie wedges, fill_between bodies).

Contrast thresholds, per domain (WCAG 2.x ratios `(L1 + 0.05) / (L2 + 0.05)`):
- web pages and slides, body text: 4.5:1; large text (>= 18 pt, or >= 14 pt bold): 3:1 (WCAG 1.4.3 AA);
- charts: 3:1 for every label (`CHART_MIN_CONTRAST`). Chart labels, tick labels and value labels are read like
  large text or graphical objects (WCAG 1.4.11 non-text contrast, 3:1), and series-coloured labels in published
  charts sit between 3:1 and 4.5:1 on purpose. The chart renderer measures the ratio itself from the rendered
  pixels under each text's glyphs (`meta["contrast"]`, see `render.chart.measure_text_contrast`), so a label on
  a bar or a heat-map cell is judged against the bar or the cell, never against its own colour.

A text on one filled data element (a bar, a heat-map cell, a pie wedge) is a label placed there on purpose, not
text covering data: whether it is readable against what is under it is `low_contrast`'s verdict, measured on the
pixels under its glyphs, so one weak label is one defect, not two. A text spanning several bars covers them. A
render with nothing drawn is `blank`: for charts (`find_defects(..., require_data=True)`) when no data artist is
visible, for other domains when no element shows text, an image or a painted box.
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations, pairwise
from typing import TYPE_CHECKING, Sequence

from trl_visual_sdpo.results import (
    BLANK,
    CLIPPED_TEXT,
    DATA_OVERLAP,
    LOW_CONTRAST,
    MISALIGNED,
    OUT_OF_CANVAS,
    OVERFLOW,
    SMALL_TEXT,
    TEXT_OVERLAP,
    BBox,
    Defect,
    Element,
)


if TYPE_CHECKING:
    import numpy as np

MIN_OVERLAP_PX = 4.0
CHART_MIN_CONTRAST = 3.0
"""The contrast every chart text needs (see the module docstring: charts use the 3:1 large-text/non-text bar)."""
TEXT_ON_AREA_SHARE = 0.25
"""A text spanning several filled data elements covers them when more than this share of its box lies on them."""
DUPLICATE_IOU = 0.8
CHART_TEXT_INSET = 0.15
"""Share of a chart text's height, at top and bottom, that is font padding rather than glyphs."""
ALIGN_TOLERANCE_PX = 8.0
SMALL_TEXT_PT = 6.0
OVERFLOW_TOLERANCE_PX = 2.0


def area(box: BBox) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def intersection(a: BBox, b: BBox) -> BBox:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def _label(element: Element) -> str:
    if element.text:
        return repr(element.text)
    return f"the {element.kind} {element.meta['name']!r}" if element.meta.get("name") else f"the {element.kind}"


def relative_luminance(hex_color: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour `#rrggbb`."""
    channels = [int(hex_color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.x contrast ratio `(L1 + 0.05) / (L2 + 0.05)`, from 1 (same colour) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def required_contrast(font_pt: float, bold: bool = False) -> float:
    """The WCAG 2.x AA ratio a web or slide text needs: 3:1 for large text (>= 18 pt, or >= 14 pt bold), else 4.5:1."""
    return 3.0 if font_pt >= 18 or (font_pt >= 14 and bold) else 4.5


BACKGROUND_RING_PX = 3
"""Width of the band just outside a text line's box where its background is sampled when the render cannot be
redrawn without its glyphs (slides: LibreOffice draws each deck once)."""
GLYPH_DIFFERENCE = 8
"""A pixel belongs to a glyph when a channel differs by more than this between a render and the same render with
the text hidden (#EEEEEE text on white differs by 17)."""


def _luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG 2.x relative luminance of (n, 3) sRGB values in 0..255."""
    import numpy as np

    channels = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def dominant_color(pixels: np.ndarray) -> str | None:
    """The most frequent colour `#rrggbb` of an (n, 3) uint8 array, or None for no pixels."""
    import numpy as np

    pixels = np.asarray(pixels, dtype=np.uint8).reshape(-1, 3)
    if pixels.size == 0:
        return None
    packed = (pixels[:, 0].astype(np.int64) << 16) | (pixels[:, 1].astype(np.int64) << 8) | pixels[:, 2]
    values, counts = np.unique(packed, return_counts=True)
    value = int(values[np.argmax(counts)])
    return "#%02x%02x%02x" % ((value >> 16) & 255, (value >> 8) & 255, value & 255)


def _pixel_box(box: BBox, height: int, width: int) -> tuple[int, int, int, int]:
    import math

    return (max(0, int(math.floor(box[0]))), max(0, int(math.floor(box[1]))),
            min(width, int(math.ceil(box[2]))), min(height, int(math.ceil(box[3]))))


def pixels_around(image: np.ndarray, box: BBox, ring: int = BACKGROUND_RING_PX) -> np.ndarray:
    """The (n, 3) pixels of an (h, w, 3) render in a band `ring` px wide just outside `box`, where a text line's
    own glyphs are not. (Sampling inside the box and skipping colours near the text's own missed light text on a
    light background: #EEEEEE text on white was "drawn on" its own anti-aliased edge pixels.) Where the band falls
    off the image, the box itself is sampled (glyphs cover a minority of a line box)."""
    import numpy as np

    height, width = image.shape[:2]
    x0, y0, x1, y1 = _pixel_box(box, height, width)
    top, left = max(0, y0 - ring), max(0, x0 - ring)
    outer = image[top : min(height, y1 + ring), left : min(width, x1 + ring)]
    mask = np.ones(outer.shape[:2], dtype=bool)
    mask[y0 - top : y1 - top, x0 - left : x1 - left] = False
    band = outer[mask]
    if band.size == 0:
        band = image[y0:y1, x0:x1].reshape(-1, 3)
    return band.reshape(-1, 3)


def pixels_under_glyphs(image: np.ndarray, without_text: np.ndarray, boxes: Sequence[BBox]) -> np.ndarray:
    """What a text is read against: the (n, 3) pixels of `without_text` (the same render with the text's glyphs
    hidden) where the glyphs changed `image` inside the text's line `boxes`, so a text on a photo, a gradient or
    another element's box is judged against what is really under its letters. Empty when no pixel changed."""
    import numpy as np

    height, width = image.shape[:2]
    glyphs = [np.empty((0, 3), dtype=np.uint8)]
    for box in boxes:
        x0, y0, x1, y1 = _pixel_box(box, height, width)
        if x1 <= x0 or y1 <= y0:
            continue
        drawn = image[y0:y1, x0:x1, :3].astype(np.int16)
        under = without_text[y0:y1, x0:x1, :3]
        changed = np.abs(drawn - under.astype(np.int16)).max(axis=2) > GLYPH_DIFFERENCE
        glyphs.append(under[changed])
    return np.concatenate(glyphs).reshape(-1, 3)


def glyph_contrast(image: np.ndarray, without_text: np.ndarray, boxes: Sequence[BBox], color: str,
                   alpha: float = 1.0) -> tuple[float, str] | None:
    """A text's contrast on a render, from the render `without_text` (its glyphs hidden): its colour against the
    pixels under its glyphs (`pixels_under_glyphs`, `measured_contrast`). None when its glyphs changed no pixel:
    the text was not drawn when the render was taken (a fade-in animation, a web font still loading, text under
    something), or lies off the render, and a ratio from its declared colour would describe nothing seen."""
    return measured_contrast(pixels_under_glyphs(image, without_text, boxes), color, alpha)


def measured_contrast(background: np.ndarray, color: str, alpha: float = 1.0) -> tuple[float, str] | None:
    """WCAG contrast of a text of `color` (`#rrggbb`, with `alpha` < 1 mixed into what is under it) against
    `background`, the (n, 3) rendered pixels it is read against: the median over those pixels (on a photo or a
    gradient, half of the letters are at least this readable), and their most frequent colour. None for no
    pixels."""
    import numpy as np

    background = np.asarray(background, dtype=np.float64).reshape(-1, 3)
    if len(background) == 0:
        return None
    text = np.array([int(color.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float64)
    seen = alpha * text + (1.0 - alpha) * background
    lum_text, lum_under = _luminance(seen), _luminance(background)
    ratio = (np.maximum(lum_text, lum_under) + 0.05) / (np.minimum(lum_text, lum_under) + 0.05)
    return float(np.median(ratio)), dominant_color(background.astype(np.uint8))


def _texts(elements: Sequence[Element]) -> list[Element]:
    return [e for e in elements if e.kind == "text" and (e.text or "").strip() and area(e.bbox) > 0]


def _polygon_area(points: Sequence[tuple[float, float]]) -> float:
    if len(points) < 3:
        return 0.0
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, [*points[1:], points[0]]))) / 2


def _inside(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float], sign: int) -> bool:
    """Whether point `p` is on the inner side of the clip edge a->b (`sign`: the clip polygon's orientation)."""
    return sign * ((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])) >= 0


def _crossing(p: tuple[float, float], q: tuple[float, float], a: tuple[float, float],
              b: tuple[float, float]) -> tuple[float, float]:
    """Where segment p->q meets the line of edge a->b: p + s (q - p), s = ((a - p) x e) / ((q - p) x e)."""
    rx, ry, ex, ey = q[0] - p[0], q[1] - p[1], b[0] - a[0], b[1] - a[1]
    denom = rx * ey - ry * ex
    s = ((a[0] - p[0]) * ey - (a[1] - p[1]) * ex) / denom if denom else 0.0
    return (p[0] + s * rx, p[1] + s * ry)


def _clip(subject: list[tuple[float, float]], clip: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sutherland-Hodgman: the part of polygon `subject` inside convex polygon `clip` (same orientation)."""
    sign = 1 if sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(clip, [*clip[1:], clip[0]])) > 0 else -1
    for a, b in zip(clip, [*clip[1:], clip[0]]):
        points, subject = subject, []
        for p, q in zip(points, [*points[1:], points[0]] if points else []):
            if _inside(q, a, b, sign):
                if not _inside(p, a, b, sign):
                    subject.append(_crossing(p, q, a, b))
                subject.append(q)
            elif _inside(p, a, b, sign):
                subject.append(_crossing(p, q, a, b))
    return subject


def _footprint(element: Element) -> list[tuple[float, float]]:
    """The element's outline: its rotated rectangle when it has one (`meta["quad"]`), else its box. A chart text's
    outline leaves out the font's empty ascent/descent band (`CHART_TEXT_INSET` of its height on each side): two
    labels whose line boxes touch there have no glyphs touching."""
    inset = CHART_TEXT_INSET if element.kind == "text" and "axes" in element.meta else 0.0
    if element.meta.get("quad"):
        quad = [tuple(p) for p in element.meta["quad"]]
        if not inset:
            return quad
        # Shrink along the short side (the text's height), towards the long centre line.
        (ax, ay), (bx, by), (cx, cy), (dx, dy) = quad
        t = inset
        return [(ax + t * (dx - ax), ay + t * (dy - ay)), (bx + t * (cx - bx), by + t * (cy - by)),
                (cx + t * (bx - cx), cy + t * (by - cy)), (dx + t * (ax - dx), dy + t * (ay - dy))]
    x0, y0, x1, y1 = element.bbox
    h = inset * (y1 - y0)
    return [(x0, y0 + h), (x1, y0 + h), (x1, y1 - h), (x0, y1 - h)]


def _owner(element: Element) -> str | None:
    return element.meta.get("owner") or element.meta.get("container")


def _nested(a: Element, b: Element) -> bool:
    """One text belongs to an element the other is nested in, or both are runs of one block."""
    if a.meta.get("block") is not None and a.meta.get("block") == b.meta.get("block"):
        return True
    return (_owner(a) is not None and _owner(a) in b.meta.get("ancestors", ())) or (
        _owner(b) is not None and _owner(b) in a.meta.get("ancestors", ()))


MIN_OVERLAP_SHARE = 0.3
"""Two line boxes count as overlapping when they share at least this share of the shorter one's height: glyph
boxes of consecutive lines set with a tight line-height touch by a few pixels without any glyph colliding."""


def _rects_overlap(a: Sequence[BBox], b: Sequence[BBox]) -> float:
    """Area where line boxes of two texts overlap, counting only overlaps deeper than `MIN_OVERLAP_SHARE` of the
    shorter line's height."""
    total = 0.0
    for ra in a:
        for rb in b:
            box = intersection(ra, rb)
            depth = box[3] - box[1]
            if box[2] - box[0] > 0 and depth >= MIN_OVERLAP_SHARE * min(ra[3] - ra[1], rb[3] - rb[1]):
                total += area(box)
    return total


def _same_frame(a: Element, b: Element) -> bool:
    return a.meta.get("frame") == b.meta.get("frame")


def _duplicates(a: Element, b: Element, overlap: BBox) -> bool:
    """Identical texts at (nearly) the same place: twin axes' tick labels, a label drawn twice."""
    if (a.text or "").strip() != (b.text or "").strip():
        return False
    return area(overlap) / max(area(a.bbox) + area(b.bbox) - area(overlap), 1e-9) >= DUPLICATE_IOU


def text_overlaps(elements: Sequence[Element]) -> list[Defect]:
    defects = []
    for a, b in combinations(_texts(elements), 2):
        if _nested(a, b) or not _same_frame(a, b):
            continue
        box = intersection(a.bbox, b.bbox)
        if area(box) <= 0:
            continue
        if _duplicates(a, b, box):  # the same text drawn twice at one place shows as one text
            continue
        if a.meta.get("quad") or b.meta.get("quad"):
            overlap = _polygon_area(_clip(_footprint(a), _footprint(b)))
        elif a.meta.get("rects") or b.meta.get("rects"):  # line boxes (web): lines, not bounding boxes, collide
            overlap = _rects_overlap(a.meta.get("rects") or [a.bbox], b.meta.get("rects") or [b.bbox])
        elif "axes" in a.meta or "axes" in b.meta:  # chart texts: glyph bands, not font padding
            overlap = _polygon_area(_clip(_footprint(a), _footprint(b)))
        else:
            overlap = area(box)
        if overlap >= MIN_OVERLAP_PX:
            severity = min(1.0, overlap / min(_polygon_area(_footprint(a)), _polygon_area(_footprint(b))))
            defects.append(Defect(TEXT_OVERLAP, box, severity, [a.id, b.id],
                                  f"Text {_label(a)} overlaps text {_label(b)}."))
    return defects


def _covers_data(box: BBox, data: Element) -> float:
    """Share of a data element hidden under `box`: by its sampled points for lines, by area otherwise."""
    points = data.meta.get("points")
    if points:
        inside = sum(1 for x, y in points if box[0] <= x <= box[2] and box[1] <= y <= box[3])
        return inside / len(points)
    return _area_under(box, data) / max(area(data.bbox), 1e-9)


def _area_under(box: BBox, data: Element) -> float:
    """Pixels of a filled data element inside `box`: its outlines when it has them (a wedge fills little of its
    bounding box), else its box."""
    polygons = data.meta.get("polygons")
    if not polygons:
        return area(intersection(box, data.bbox))
    window = [(box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3])]
    return sum(_polygon_area(_clip([tuple(p) for p in polygon], window)) for polygon in polygons)


def _readable(text: Element, minimum: float | None = None) -> bool:
    """The text's measured contrast against what is under it reaches `minimum` (default: its own threshold).
    Unmeasured texts count as readable: nothing says otherwise."""
    contrast = text.meta.get("contrast")
    if not contrast:
        return True
    return contrast["ratio"] >= (contrast["required"] if minimum is None else minimum)


def _glyph_core(box: BBox) -> BBox:
    """The part of a text's box its glyphs fill: the box also holds the font's ascent and descent space, where a
    line passing by hides no letter."""
    inset = 0.25 * (box[3] - box[1])
    return (box[0] + 1, box[1] + inset, box[2] - 1, box[3] - inset)


def _segment_inside(start: Sequence[float], end: Sequence[float], region: BBox) -> float:
    """Length (pixels) of the straight segment `start`-`end` inside `region` (Liang-Barsky clipping)."""
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - region[0]), (dx, region[2] - x0), (-dy, y0 - region[1]), (dy, region[3] - y0)):
        if p == 0:
            if q < 0:  # parallel to this edge and outside it
                return 0.0
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return 0.0
    return (high - low) * math.hypot(dx, dy)


def _length_inside(points: Sequence[Sequence[float]], region: BBox,
                   along: bool = True) -> tuple[int, float]:
    """Points of a sampled line inside `region`, and the length of line inside it (pixels).

    For points evenly sampled `along` a line the length is measured on the segments between neighbouring samples, so
    a line sampled every several pixels still crosses a text a few pixels tall between two samples (a radar chart's
    series line through the value label at its vertex). Steps longer than the sampling step are gaps, not line (the
    line left its clip box, a NaN broke it, or the next stroke of a collection starts there), and are not joined.
    Other points (a line's vertices, markers) count as the length they stand for: inside points times the spacing."""
    inside = sum(1 for x, y in points if region[0] <= x <= region[2] and region[1] <= y <= region[3])
    if not along or len(points) < 2:
        steps = sorted(abs(x1 - x0) + abs(y1 - y0) for (x0, y0), (x1, y1) in pairwise(points))
        return inside, inside * (steps[len(steps) // 2] if steps else 0.0)
    pairs = list(pairwise(points))
    steps = [math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in pairs]
    sampling = sorted(steps)[len(steps) // 2]
    length = sum(_segment_inside(a, b, region) for (a, b), step in zip(pairs, steps) if step <= 1.5 * sampling + 1e-9)
    return inside, length


MIN_LINE_UNDER_TEXT_PX = 4.0
"""A line runs through a text when at least this much of its length lies inside the text's glyph core."""
SPANNED_AREAS = 3
"""A text crossed by the edges of at least this many filled data elements spans them (a note across bars), rather
than labelling one (a label inside overlapping translucent fills is inside each of them, crossed by none)."""


def data_overlaps(elements: Sequence[Element]) -> list[Defect]:
    """Text drawn over data, and legends covering data.

    Lines (`meta["points"]` sampled along them) are covered where they run through a text's glyphs
    (`MIN_LINE_UNDER_TEXT_PX`, tick labels included: only lines are judged against those) or under a legend box;
    markers where a legend or a text hides one, except a text placed on a single marker, which labels it (a graph's
    node name; the edges meeting there end under the marker).
    On filled data (bars, cells, wedges) a text is a label placed on purpose unless it spans several of them:
    whether a label is readable there is `low_contrast`'s verdict (measured on the pixels under its glyphs), so one
    weak label is one defect. A legend covers any data under its box."""
    data = [e for e in elements if e.meta.get("data")]
    # Tick labels too, for the lines run through them: a radar chart's radial tick labels sit inside the plot,
    # where a series line can strike out a "60". (Elsewhere ticks lie outside the clipped plot, so they meet none.)
    covers = [e for e in elements if e.kind == "legend" or
              (e.kind == "text" and e.meta.get("role") in ("annotation", "text", "title", "label", "tick")
               and e.text)]
    markers = [e for e in data if e.kind == "collection" and e.meta.get("points") and not e.meta.get("along")]
    defects, seen = [], []
    for cover in covers:
        if any(_duplicates(cover, other, intersection(cover.bbox, other.bbox)) for other in seen):
            continue  # the same label drawn twice shows once
        seen.append(cover)
        text = cover.kind == "text"
        tick = cover.meta.get("role") == "tick"
        region = _glyph_core(cover.bbox) if text else cover.bbox
        on_marker = text and any(_length_inside(m.meta["points"], region)[0] == 1 for m in markers)
        found = []
        areas = []
        for item in data:  # across axes too: a twin axes' label can sit on the other axes' bars
            if not _same_frame(cover, item) or item.id in (cover.meta.get("container"), *cover.meta.get(
                    "ancestors", ())):
                continue
            points = item.meta.get("points")
            if tick and not (points and item.meta.get("along")):
                continue  # a tick label is judged against lines only (markers and fills near an axis are layout)
            if not points and area(intersection(cover.bbox, item.bbox)) <= 0:
                continue
            if text and not points:
                share = _area_under(cover.bbox, item) / max(area(cover.bbox), 1e-9)
                if 0.02 < share < 0.9:  # the area's edge crosses the text (inside all of it: a label on it)
                    areas.append((item, share))
                continue
            if points:
                if on_marker:
                    continue
                inside, length = _length_inside(points, region, along=bool(item.meta.get("along", True)))
                marker_like = item.kind == "collection" and not item.meta.get("along")
                share = inside / len(points)
                if text and not marker_like:
                    if length < MIN_LINE_UNDER_TEXT_PX:
                        continue
                elif inside == 0 or (not text and share <= 0.02 and not marker_like):
                    continue
            else:
                share = _covers_data(cover.bbox, item)
                if share <= 0.02 or _area_under(cover.bbox, item) < MIN_OVERLAP_PX:
                    continue
            found.append((item, share))
        if len(areas) >= SPANNED_AREAS and sum(share for _, share in areas) > TEXT_ON_AREA_SHARE:
            found.append(max(areas, key=lambda pair: pair[1]))
        for item, share in found:
            what = "The legend" if cover.kind == "legend" else f"Text {_label(cover)}"
            box = intersection(cover.bbox, item.bbox)
            if area(box) <= 0:  # a flat line: the region is the cover's own box
                box = cover.bbox
            defects.append(Defect(DATA_OVERLAP, box, min(1.0, max(share, 0.05)), [cover.id, item.id],
                                  f"{what} covers data ({item.kind} drawn under it)."))
    return defects


def _outside_share(box: BBox, size: tuple[int, int]) -> float:
    inside = area(intersection(box, (0, 0, size[0], size[1])))
    return 1.0 - inside / max(area(box), 1e-9)


def clipped_or_outside(elements: Sequence[Element], size: tuple[int, int]) -> list[Defect]:
    """Text cut by the canvas edge, and other content (legends, axes) partly or wholly off the canvas."""
    defects, reported = [], set()
    for element in elements:
        if area(element.bbox) <= 0 or element.kind not in ("text", "legend", "axes", "box"):
            continue
        if element.meta.get("frame"):  # kept inside its own frame instead: `off_frame`
            continue
        if element.kind == "text" and not (element.text or "").strip():
            continue
        if element.meta.get("paints") is False:  # an invisible box off the canvas hides nothing a person sees
            continue
        share = _outside_share(element.bbox, size)
        if element.kind == "text" and reported.intersection(element.meta.get("ancestors", ())):
            continue  # a text of a legend already reported off the canvas is part of that one defect
        if share > 0.01 and element.kind != "text":
            if reported.intersection(element.meta.get("ancestors", ())):  # the box it sits in is already reported
                continue
            reported.add(element.id)
        if share > 0.01:
            kind = CLIPPED_TEXT if element.kind == "text" else OUT_OF_CANVAS
            verb = "is cut off by the image edge" if kind == CLIPPED_TEXT else "lies outside the image"
            defects.append(Defect(kind, element.bbox, min(1.0, share), [element.id],
                                  f"{_label(element).capitalize()} {verb} ({share:.0%} outside)."))
    return defects


def _sentence(label: str) -> str:
    return label[:1].upper() + label[1:]


def off_frame(elements: Sequence[Element]) -> list[Defect]:
    """Elements partly or wholly outside their frame (`meta["frame"]`, e.g. content off its slide): text is cut off
    there, other content lies off the frame."""
    by_id = {e.id: e for e in elements}
    defects = []
    for element in elements:
        frame = by_id.get(element.meta.get("frame"))
        if frame is None or area(element.bbox) <= 0 or (element.kind == "text" and not (element.text or "").strip()):
            continue
        if element.kind != "text" and element.meta.get("paints") is False:  # its edges are invisible: only its
            continue  # text, if cut, is seen off the frame
        share = 1.0 - area(intersection(element.bbox, frame.bbox)) / max(area(element.bbox), 1e-9)
        if share > 0.01:
            kind = CLIPPED_TEXT if element.kind == "text" else OUT_OF_CANVAS
            verb = "is cut off by the edge of" if kind == CLIPPED_TEXT else "lies outside"
            defects.append(Defect(kind, element.bbox, min(1.0, share), [element.id, frame.id],
                                  f"{_sentence(_label(element))} {verb} its {frame.kind} ({share:.0%} outside)."))
    return defects


def opaque_overlaps(elements: Sequence[Element]) -> list[Defect]:
    """Opaque content (`meta["opaque"]`: pictures, tables, charts) covering other opaque content in the same frame."""
    items = [e for e in elements if e.meta.get("opaque") and area(e.bbox) > 0]
    defects = []
    for a, b in combinations(items, 2):
        if not _same_frame(a, b):
            continue
        box = intersection(a.bbox, b.bbox)
        overlap = area(box)
        if overlap >= MIN_OVERLAP_PX:
            severity = min(1.0, overlap / min(area(a.bbox), area(b.bbox)))
            defects.append(Defect(DATA_OVERLAP, box, severity, [a.id, b.id],
                                  f"{_sentence(_label(a))} and {_label(b)} overlap ({severity:.0%} of the smaller)."))
    return defects


def low_contrast(elements: Sequence[Element]) -> list[Defect]:
    """Text below WCAG AA contrast: 4.5:1, or 3:1 for large text (>= 18 pt, or >= 14 pt bold)."""
    defects = []
    for text in _texts(elements):
        if text.meta.get("contrast_audited"):
            if not text.meta.get("contrast"):
                continue
            ratio, needed = text.meta["contrast"]["ratio"], text.meta["contrast"]["required"]
        else:
            foreground, background = text.colors.get("color"), text.meta.get("background")
            if not foreground or not background:
                continue
            needed = required_contrast(text.meta.get("font_pt", 12.0), bool(text.meta.get("bold")))
            ratio = contrast_ratio(foreground, background)
        if ratio < needed:
            defects.append(Defect(LOW_CONTRAST, text.bbox, min(1.0, (needed - ratio) / (needed - 1)), [text.id],
                                  f"Text {_label(text)} has contrast {ratio:.2f}:1 against its background "
                                  f"(needs {needed:.1f}:1)."))
    return defects


EDGES = ("start", "centre", "end")


def _edge_gap(a: BBox, b: BBox, axis: int, edges: set[str] | frozenset[str] = frozenset(EDGES)
              ) -> tuple[float, str]:
    """The smallest offset between the start, centre or end edges (those in `edges`) of two boxes along `axis`
    (0: x, 1: y), and which edge it is: a layout lines boxes up by any one of them (flex `align-items` start,
    center or end)."""
    offsets = {"start": abs(a[axis] - b[axis]),
               "centre": abs((a[axis] + a[axis + 2]) - (b[axis] + b[axis + 2])) / 2,
               "end": abs(a[axis + 2] - b[axis + 2])}
    names = dict(zip(EDGES, ("top", "centre", "bottom") if axis == 1 else ("left", "centre", "right")))
    return min((offsets[edge], names[edge]) for edge in EDGES if edge in edges)


ALIGN_MIN_PX = 1.0
"""Offsets up to this are sub-pixel layout rounding (an odd height centred), not something a person sees."""


def misaligned(elements: Sequence[Element], kind: str = "axes", tolerance: float = ALIGN_TOLERANCE_PX) -> list[Defect]:
    """Siblings (same `meta["parent"]`: subplot axes, cards in a row) whose edges are nearly but not exactly aligned.

    Side-by-side siblings are compared along y, stacked ones along x, each by the best of their start, centre and
    end edges (a row centred on its middle is aligned even when its tops differ). Elements with `meta["align"]`
    False (inline runs, boxes that draw nothing) are not compared; an element with `meta["align_edges"]` is
    compared only by those of "start", "centre" and "end" a person can see (an invisible slide text box shows
    where its text starts, not its ragged or empty end). Overlapping pairs are left to the overlap checks.
    """
    items = [e for e in elements if e.kind == kind and area(e.bbox) > 0 and e.meta.get("align", True)]
    defects = []
    for a, b in combinations(items, 2):
        if a.meta.get("parent") != b.meta.get("parent"):
            continue
        edges = set(a.meta.get("align_edges") or EDGES) & set(b.meta.get("align_edges") or EDGES)
        if not edges:
            continue
        ab, bb = a.bbox, b.bbox
        side_by_side = ab[2] <= bb[0] or bb[2] <= ab[0]
        stacked = ab[3] <= bb[1] or bb[3] <= ab[1]
        if side_by_side == stacked:  # overlapping, or diagonal neighbours: no edge is meant to line up
            continue
        gap, name = _edge_gap(ab, bb, 1 if side_by_side else 0, edges)
        if ALIGN_MIN_PX < gap <= tolerance:
            box = (min(ab[0], bb[0]), min(ab[1], bb[1]), max(ab[2], bb[2]), max(ab[3], bb[3]))
            defects.append(Defect(MISALIGNED, box, gap / tolerance, [a.id, b.id],
                                  f"The {name} edges of two {kind} elements are {gap:.0f} px apart; align them."))
    return _one_per_odd_element(defects)


def _one_per_odd_element(pairs: list[Defect]) -> list[Defect]:
    """One defect per element out of line: a card 5 px lower than both neighbours is one misalignment a person
    sees, not two pairs. An element in more pairs than its partner is the odd one; its pairs merge into one."""
    counts = Counter(i for d in pairs for i in d.element_ids)
    merged: dict[str, Defect] = {}
    kept = []
    for defect in pairs:
        a, b = defect.element_ids
        odd = a if counts[a] > counts[b] else b if counts[b] > counts[a] else None
        if odd is None:
            kept.append(defect)
            continue
        if odd in merged:
            first = merged[odd]
            first.bbox = (min(first.bbox[0], defect.bbox[0]), min(first.bbox[1], defect.bbox[1]),
                          max(first.bbox[2], defect.bbox[2]), max(first.bbox[3], defect.bbox[3]))
            first.element_ids = [odd, *dict.fromkeys(i for i in (*first.element_ids[1:], a, b) if i != odd)]
            first.severity = max(first.severity, defect.severity)
        else:
            merged[odd] = Defect(defect.kind, defect.bbox, defect.severity, [odd, b if odd == a else a],
                                 defect.message)
            kept.append(merged[odd])
    return kept


def overflow(elements: Sequence[Element], tolerance_px: float = OVERFLOW_TOLERANCE_PX) -> list[Defect]:
    """Text sticking out of the element it belongs in (`meta["container"]`) by more than `tolerance_px`: overflow,
    or clipped text when the container cuts what sticks out (`meta["clips"]`)."""
    by_id = {e.id: e for e in elements}
    defects = []
    for text in _texts(elements):
        container = by_id.get(text.meta.get("container"))
        if container is None or container.meta.get("scrolls"):  # a scroll container shows the rest on scrolling
            continue
        if container.meta.get("clips") and text.meta.get("ellipsis"):  # cut on purpose, with an ellipsis shown
            continue
        if not container.meta.get("clips") and container.meta.get("paints") is False and not container.meta.get(
                "text_frame"):
            continue  # text past the edge of a box that draws no edge: nothing shows (collisions are text_overlap)
        t, c = text.meta.get("extent") or text.bbox, container.bbox
        frame = by_id.get(text.meta.get("frame"))
        if frame is not None:  # what lies past its frame's edge is cut off there (off_frame): one defect, not two
            t = intersection(t, frame.bbox)
            if area(t) <= 0:
                continue
        beyond = max(c[0] - t[0], c[1] - t[1], t[2] - c[2], t[3] - c[3])
        if beyond <= tolerance_px:
            continue
        outside = 1.0 - area(intersection(t, c)) / max(area(t), 1e-9)
        if container.meta.get("clips"):
            defects.append(Defect(CLIPPED_TEXT, t, min(1.0, max(outside, 0.05)), [text.id, container.id],
                                  f"Text {_label(text)} is cut off by its {container.meta.get('tag', container.kind)} "
                                  f"({beyond:.0f} px hidden)."))
        else:
            defects.append(Defect(OVERFLOW, t, min(1.0, max(outside, 0.05)), [text.id, container.id],
                                  f"Text {_label(text)} overflows its {container.meta.get('tag', container.kind)} "
                                  f"by {beyond:.0f} px."))
    return defects


def small_text(elements: Sequence[Element], minimum_pt: float = SMALL_TEXT_PT) -> list[Defect]:
    defects = []
    for t in _texts(elements):
        least = t.meta.get("min_pt", minimum_pt)
        if t.meta.get("font_pt") is not None and t.meta["font_pt"] < least:
            defects.append(Defect(SMALL_TEXT, t.bbox, min(1.0, (least - t.meta["font_pt"]) / least), [t.id],
                                  f"Text {_label(t)} is {t.meta['font_pt']:.1f} pt, "
                                  f"below the readable {least:.0f} pt."))
    return defects


CONTENT_KINDS = ("text", "image", "picture", "table", "chart", "line", "patch", "collection")
"""Element kinds that show something by themselves (boxes and shapes count when they paint)."""


def blank(elements: Sequence[Element], size: tuple[int, int], require_data: bool = False) -> list[Defect]:
    """A render with nothing visible drawn. Charts (`require_data`): no visible data artist (empty axes, however
    many ticks and titles they carry, show no chart). Other domains: no element shows text, an image, a table or
    a box that paints (a background, a border)."""
    canvas = float(size[0]) * float(size[1])

    def shows(e: Element) -> bool:
        if area(e.bbox) <= 0:
            return False
        if require_data:
            return bool(e.meta.get("data"))
        if (e.text or "").strip() or e.kind in CONTENT_KINDS or e.meta.get("data") or e.meta.get("opaque"):
            return e.kind != "text" or bool((e.text or "").strip())
        # A painted box or filled shape shows something, unless it is the page's own background.
        painted = e.meta.get("paints") is True or bool(e.colors.get("fill"))
        return e.kind in ("box", "shape") and painted and area(e.bbox) < 0.9 * canvas

    if any(shows(e) for e in elements):
        return []
    what = "no data is drawn (the axes are empty)" if require_data else "nothing visible is drawn"
    return [Defect(BLANK, (0.0, 0.0, float(size[0]), float(size[1])), 1.0, [],
                   f"The render is blank: {what}. Draw the requested content.")]


def find_defects(elements: Sequence[Element], size: tuple[int, int], require_data: bool = False) -> list[Defect]:
    """Every check, in a stable order. `require_data`: the render must show data to not be blank (charts)."""
    return [
        *blank(elements, size, require_data),
        *text_overlaps(elements),
        *data_overlaps(elements),
        *clipped_or_outside(elements, size),
        *low_contrast(elements),
        *misaligned(elements, "axes"),
        *misaligned(elements, "box"),
        *misaligned(elements, "shape"),
        *overflow(elements),
        *small_text(elements),
        *off_frame(elements),
        *opaque_overlaps(elements),
    ]
