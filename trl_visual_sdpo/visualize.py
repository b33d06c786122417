"""Pictures of one rollout for training logs: its render with the defect boxes drawn on, and its credit heat map.

Pure functions over `RenderResult`s, token spans and weights (no torch, no trainer): `trl_visual_sdpo.callbacks`
sends what they draw to the `report_to` trackers and to a self-contained HTML page.

- `draw_defects`: the render with every defect's box outlined in its kind's colour and labelled with the kind.
- `credit_heatmap_html` / `credit_heatmap_image`: the completion with each token's background shaded by its
  distillation weight `1 + alpha * credit`; white is weight 1 (no credit), full red is the strongest weight.
- `RenderRow`, `render_row`, `rows_html`: one table row per completion and the page that shows them.
"""

from __future__ import annotations

import base64
import functools
import html
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from PIL import Image, ImageDraw, ImageFont

from trl_visual_sdpo.results import (
    CLIPPED_TEXT,
    DATA_OVERLAP,
    LOW_CONTRAST,
    MISALIGNED,
    OUT_OF_CANVAS,
    OVERFLOW,
    SMALL_TEXT,
    TEXT_OVERLAP,
    RenderResult,
)


# One colour per defect kind, so the same problem looks the same in every render; other kinds get magenta.
DEFECT_COLORS: dict[str, tuple[int, int, int]] = {
    TEXT_OVERLAP: (220, 38, 38),
    DATA_OVERLAP: (234, 88, 12),
    CLIPPED_TEXT: (37, 99, 235),
    OUT_OF_CANVAS: (124, 58, 237),
    LOW_CONTRAST: (202, 138, 4),
    MISALIGNED: (13, 148, 136),
    OVERFLOW: (219, 39, 119),
    SMALL_TEXT: (22, 163, 74),
}
OTHER_DEFECT_COLOR = (192, 38, 211)
HEAT_COLOR = (220, 38, 38)
"""Colour of the strongest credit in the heat maps (weight == scale)."""

_MIN_VISIBLE_SHADE = 0.15  # a credited token stays visibly shaded even when its credit (an IoU) is small


def defect_color(kind: str) -> tuple[int, int, int]:
    return DEFECT_COLORS.get(kind, OTHER_DEFECT_COLOR)


@functools.lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A monospace font when one is installed (code reads better aligned), else Pillow's bundled font."""
    candidates = ["DejaVuSansMono.ttf", "LiberationMono-Regular.ttf", "Menlo.ttc", "Consolas.ttf"]
    try:  # matplotlib bundles DejaVu Sans Mono: found even on machines without system fonts
        import matplotlib

        candidates.append(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSansMono.ttf"))
    except ImportError:
        pass
    for name in candidates:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def png_data_uri(png: bytes) -> str:
    """A `data:` URI, so pages and HTML cells carry their images with them."""
    return "data:image/png;base64," + base64.b64encode(png).decode()


# ---------------------------------------------------------------------------------------------- renders


def draw_defects(result: RenderResult, min_width: int = 320, line_width: int = 2) -> Image.Image | None:
    """The render with each defect's box outlined and labelled with its kind; None when nothing rendered.

    Defect boxes are in the coordinates of `result.size`; they are scaled to the PNG's real size (a renderer may
    save a smaller image than the canvas it measured). Images narrower than `min_width` are first enlarged by an
    integer factor (nearest neighbour, so the render stays crisp) so that the labels are readable.
    """
    image = result.image()
    if image is None:
        return None
    factor = max(1, -(-min_width // image.width))  # ceil division
    if factor > 1:
        image = image.resize((image.width * factor, image.height * factor), Image.Resampling.NEAREST)
    width, height = result.size or (image.width // factor, image.height // factor)
    sx, sy = image.width / max(width, 1), image.height / max(height, 1)
    draw = ImageDraw.Draw(image)
    font = _font(12)
    for defect in sorted(result.defects, key=lambda d: d.severity):  # the most severe is drawn last, on top
        color = defect_color(defect.kind)
        x0, y0, x1, y1 = defect.bbox
        box = [round(x0 * sx), round(y0 * sy), round(x1 * sx) - 1, round(y1 * sy) - 1]
        box[2], box[3] = max(box[2], box[0]), max(box[3], box[1])  # a degenerate box still shows as a line
        draw.rectangle(box, outline=color, width=line_width)
        left, top, right, bottom = draw.textbbox((0, 0), defect.kind, font=font)
        label_w, label_h = right - left + 4, bottom - top + 4
        # Above the box when there is room, else below it, else just inside its top edge: the label should not
        # hide the region it names. Never off the image.
        if box[1] - label_h >= 0:
            label_y = box[1] - label_h
        elif box[3] + 1 + label_h <= image.height:
            label_y = box[3] + 1
        else:
            label_y = box[1] + line_width
        label_x = min(max(box[0], 0), max(image.width - label_w, 0))
        draw.rectangle([label_x, label_y, label_x + label_w - 1, label_y + label_h - 1], fill=color)
        draw.text((label_x + 2 - left, label_y + 2 - top), defect.kind, fill="white", font=font)
    return image


def format_rubric(rubric: dict[str, float]) -> str:
    """`axis 0.50, axis 1.00`, sorted by axis; `-` when there is none."""
    return ", ".join(f"{axis} {score:.2f}" for axis, score in sorted(rubric.items())) or "-"


# ---------------------------------------------------------------------------------------------- credit heat maps


def _shade(weight: float, scale: float) -> float:
    """Opacity of a token's background: 0 for weight <= 1, from 0.15 up to 1 as the weight reaches `scale`."""
    if weight <= 1.0 or scale <= 1.0:
        return 0.0
    return _MIN_VISIBLE_SHADE + (1 - _MIN_VISIBLE_SHADE) * min(1.0, (weight - 1.0) / (scale - 1.0))


def _segments(text: str, spans: Sequence[tuple[int, int]], weights: Sequence[float]) -> list[tuple[str, float | None]]:
    """`text` cut into `(piece, weight)`: one piece per token (weight None for text no token covers).

    Token spans may overlap or repeat (several byte tokens of one character share its span): each character goes
    to the first token that reaches it.
    """
    pieces: list[tuple[str, float | None]] = []
    cursor = 0
    for (start, end), weight in zip(spans, weights):
        start, end = max(start, cursor), min(end, len(text))
        if end <= start:
            continue
        if start > cursor:
            pieces.append((text[cursor:start], None))
        pieces.append((text[start:end], float(weight)))
        cursor = end
    if cursor < len(text):
        pieces.append((text[cursor:], None))
    return pieces


def credit_heatmap_html(
    text: str, spans: Sequence[tuple[int, int]], weights: Sequence[float], scale: float
) -> str:
    """The completion as a `<pre>` snippet, each credited token's background shaded by its weight.

    Args:
        text: the completion text.
        spans: `(start, end)` characters of each token in `text` (`trl_visual_sdpo.credit.token_char_spans`).
        weights: distillation weight of each token (`1 + alpha * credit`).
        scale: the weight drawn at full colour, normally `1 + alpha` (credit is an IoU, at most 1).

    Every piece of text is HTML-escaped; hovering a token shows its weight. Inline styles only, so the snippet
    displays the same inside a tracker's HTML cell as in a page.
    """
    parts = []
    for piece, weight in _segments(text, spans, weights):
        escaped = html.escape(piece)
        shade = _shade(weight, scale) if weight is not None else 0.0
        if shade > 0:
            r, g, b = HEAT_COLOR
            parts.append(f'<span style="background:rgba({r},{g},{b},{shade:.2f})" title="weight {weight:.3f}">'
                         f"{escaped}</span>")
        else:
            parts.append(escaped)
    return ('<pre style="font-family:monospace;font-size:12px;line-height:1.35;white-space:pre-wrap;'
            'margin:0;padding:6px;background:#fff;color:#111;border:1px solid #ddd">' + "".join(parts) + "</pre>")


def credit_heatmap_image(
    text: str,
    spans: Sequence[tuple[int, int]],
    weights: Sequence[float],
    scale: float,
    font_size: int = 13,
    max_lines: int = 80,
    max_columns: int = 120,
) -> Image.Image:
    """The same heat map as `credit_heatmap_html`, drawn as a picture (for trackers that show images only).

    Lines beyond `max_lines` and characters beyond `max_columns` are cut (marked with `...`); tabs count as 4 spaces.
    """
    font = _font(font_size)
    char_w = max(1.0, font.getlength("M"))
    line_h = round(font_size * 1.4)
    pad = 6
    lines: list[list[tuple[str, float]]] = [[]]
    for piece, weight in _segments(text, spans, weights):
        shade = _shade(weight, scale) if weight is not None else 0.0
        for char in piece.replace("\t", "    "):
            if char == "\n":
                lines.append([])
            else:
                lines[-1].append((char, shade))
    cut = len(lines) > max_lines
    lines = lines[:max_lines] + ([[(".", 0.0)] * 3] if cut else [])
    lines = [line if len(line) <= max_columns else line[:max_columns] + [(".", 0.0)] * 3 for line in lines]
    width = pad * 2 + round(char_w * max((len(line) for line in lines), default=1))
    height = pad * 2 + line_h * len(lines)
    image = Image.new("RGB", (max(width, 2 * pad + 1), height), "white")
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        y = pad + row * line_h
        for column, (char, shade) in enumerate(line):
            x = pad + column * char_w
            if shade > 0:  # white blended towards HEAT_COLOR by the shade
                fill = tuple(round(255 + (c - 255) * shade) for c in HEAT_COLOR)
                draw.rectangle([round(x), y, round(x + char_w) - 1, y + line_h - 1], fill=fill)
            if not char.isspace():
                draw.text((x, y + (line_h - font_size) // 2), char, fill="black", font=font)
    return image


# ---------------------------------------------------------------------------------------------- table rows and pages


@dataclass
class RenderRow:
    """Everything one logged completion shows, ready for any backend."""

    title: str
    """e.g. `completion 3`: names the row in trackers that have no row index."""
    prompt: str
    completion: str
    ok: bool
    reward: float | None
    rubric: str
    defects: str
    """`kind: message` per defect, one per line."""
    error: str
    render: Image.Image | None
    """The render with its defect boxes, None for a failed program."""
    credit_html: str
    credit_image: Image.Image


def render_row(
    title: str,
    prompt: str,
    completion: str,
    result: RenderResult,
    spans: Sequence[tuple[int, int]] | None,
    weights: Sequence[float] | None,
    scale: float,
    reward: float | None = None,
    max_error_chars: int = 2000,
) -> RenderRow:
    """One row of the render table. Without `spans`/`weights` (no credit was computed, e.g. `distill_weight=0`)
    the code is shown unshaded. Long errors keep their tail, where a traceback names the exception."""
    if spans is None or weights is None:
        spans, weights = [(0, len(completion))], [1.0]
    error = (result.error or "").strip()
    if len(error) > max_error_chars:
        error = "..." + error[-max_error_chars:]
    return RenderRow(
        title=title,
        prompt=prompt,
        completion=completion,
        ok=result.ok,
        reward=reward,
        rubric=format_rubric(result.rubric),
        defects="\n".join(f"{d.kind}: {d.message}" if d.message else d.kind for d in result.defects),
        error=error,
        render=draw_defects(result),
        credit_html=credit_heatmap_html(completion, spans, weights, scale),
        credit_image=credit_heatmap_image(completion, spans, weights, scale),
    )


_PAGE_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; background: #fff; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 0.5rem; vertical-align: top; text-align: left; }
td.render img { max-width: 420px; border: 1px solid #eee; }
td.credit { max-width: 640px; }
.error { color: #a40000; white-space: pre-wrap; font-family: monospace; font-size: 12px; }
.defects { white-space: pre-wrap; font-size: 13px; }
.prompt { white-space: pre-wrap; font-size: 12px; color: #555; max-width: 260px; }
"""


def row_html(row: RenderRow) -> str:
    """One `<tr>` of the page; every text is escaped."""
    if row.render is not None:
        render = f"<img alt='render of {html.escape(row.title)}' src='{png_data_uri(png_bytes(row.render))}'>"
    else:
        render = "<i>no render</i>"
    reward = "-" if row.reward is None else f"{row.reward:.3f}"
    status = "ran" if row.ok else "failed"
    error = f"<div class='error'>{html.escape(row.error)}</div>" if row.error else ""
    return (f"<tr class='{status}'><td><b>{html.escape(row.title)}</b><br>{status}<br>reward {reward}"
            f"<div class='prompt'>{html.escape(row.prompt)}</div></td>"
            f"<td class='render'>{render}</td>"
            f"<td><div>{html.escape(row.rubric)}</div>"
            f"<div class='defects'>{html.escape(row.defects)}</div>{error}</td>"
            f"<td class='credit'>{row.credit_html}</td></tr>")


def rows_html(rows: Sequence[RenderRow], title: str) -> str:
    """A self-contained page (images inlined, no scripts, nothing fetched) with one table row per completion."""
    body = "".join(row_html(row) for row in rows)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{_PAGE_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
            "<p>Defect boxes are drawn on each render; on the code, a token's red background is its distillation "
            "weight (white: weight 1, no credit; hover a token for its weight).</p>"
            "<table><thead><tr><th>completion</th><th>render</th><th>rubric, defects, error</th>"
            f"<th>credit on the code</th></tr></thead><tbody>{body}</tbody></table></body></html>")
