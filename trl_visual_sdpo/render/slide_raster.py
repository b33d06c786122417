"""The slide rasteriser, run by the sandbox in a child process: PyMuPDF draws each page of the PDF LibreOffice made to
pixels (slides stacked top to bottom, `SLIDE_GAP_PX` apart) and reads the PDF's text lines (position, size, colour)
and, from the pixels, the colour each line is drawn on.
"""

from __future__ import annotations

import io
from collections import Counter

from trl_visual_sdpo.defects import dominant_color, pixels_around


SLIDE_GAP_PX = 16
"""Grey band between stacked slides in the result image."""
GAP_COLOR = (150, 150, 150)


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
