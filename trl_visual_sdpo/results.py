"""The results contract, on the ground floor: what rendering one program produced, the same for every domain.

`RenderResult`, `Element`, `Defect` and the defect kinds (`DefectKind`) are plain, JSON-serialisable data. This
module imports nothing of ours: renderers produce these, and defects, rubric, credit, feedback, rewards and the
trainer only ever read them.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from enum import Enum


BBox = tuple[float, float, float, float]
"""A box ``(x0, y0, x1, y1)`` in image pixels, origin at the top-left corner, y downwards."""

class DefectKind(str, Enum):
    """The defect kinds shared by all domains (defects.py finds them, rubric and feedback name them). Members are
    strings, so `Defect.kind` compares, serialises and prints as its plain name (`"text_overlap"`)."""

    TEXT_OVERLAP = "text_overlap"
    DATA_OVERLAP = "data_overlap"
    CLIPPED_TEXT = "clipped_text"
    OUT_OF_CANVAS = "out_of_canvas"
    LOW_CONTRAST = "low_contrast"
    MISALIGNED = "misaligned"
    OVERFLOW = "overflow"
    SMALL_TEXT = "small_text"
    BLANK = "blank"
    """Nothing visible drawn (a chart with no data, an empty page or slide): an empty program is never defect-free."""

    def __str__(self) -> str:
        return self.value


TEXT_OVERLAP, DATA_OVERLAP, CLIPPED_TEXT, OUT_OF_CANVAS, LOW_CONTRAST, MISALIGNED, OVERFLOW, SMALL_TEXT, BLANK = (
    DefectKind)
DEFECT_KINDS = tuple(kind.value for kind in DefectKind)

# Which layer attributed an element to its source lines (runtime introspection unless a fallback did).
ATTRIBUTION_RUNTIME = "runtime"


@dataclass
class Element:
    """One drawn thing (artist, DOM node, shape) and the program lines that made it."""

    id: str
    kind: str
    bbox: BBox
    text: str | None = None
    colors: dict[str, str] = field(default_factory=dict)
    """Named colours as ``#rrggbb``: e.g. ``{"color": ..., "background": ...}``."""
    font_size: float | None = None
    """Font size in image pixels, for text elements."""
    lines: list[int] = field(default_factory=list)
    """1-based line numbers of the program that created or last changed the element."""
    attribution: str = ATTRIBUTION_RUNTIME
    meta: dict = field(default_factory=dict)
    """Domain-specific extras (e.g. the axes an artist belongs to, whether it is data)."""


@dataclass
class Defect:
    """A visual problem found on a render."""

    kind: str
    bbox: BBox
    severity: float
    element_ids: list[str] = field(default_factory=list)
    message: str = ""


@dataclass
class RenderResult:
    """What rendering one program produced, the same for every domain."""

    ok: bool
    error: str | None = None
    image_png: bytes | None = None
    size: tuple[int, int] | None = None
    """``(width, height)`` of the image in pixels."""
    elements: list[Element] = field(default_factory=list)
    defects: list[Defect] = field(default_factory=list)
    rubric: dict[str, float] = field(default_factory=dict)
    """Axis name -> score in [0, 1]; 1 is perfect."""
    seconds: float = 0.0
    code: str = ""
    """The program that was rendered (after extraction from the completion)."""
    meta: dict = field(default_factory=dict)
    """Domain extras that metrics read, e.g. ``meta["chartmimic"]``: the traced plotting calls."""
    infra_error: bool = False
    """The render failed because of our infrastructure (a sandbox worker, the browser or LibreOffice died twice),
    not because of the program: rewards and the teacher's feedback leave it out."""

    def to_dict(self, include_image: bool = False) -> dict:
        """JSON-ready dict. The PNG is base64-encoded only when ``include_image``."""
        data = asdict(self)
        data["image_png"] = base64.b64encode(self.image_png).decode() if (include_image and self.image_png) else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "RenderResult":
        data = dict(data)
        png = data.get("image_png")
        data["image_png"] = base64.b64decode(png) if isinstance(png, str) else png
        data["elements"] = [Element(**{**e, "bbox": tuple(e["bbox"])}) for e in data.get("elements", [])]
        data["defects"] = [Defect(**{**d, "bbox": tuple(d["bbox"])}) for d in data.get("defects", [])]
        if data.get("size") is not None:
            data["size"] = tuple(data["size"])
        return cls(**data)

    def image(self):
        """The render as an RGB PIL image, or None for a failed render. The PNG's header is checked first
        (`check_png`), so a forged image cannot make the caller decompress a bomb."""
        if not self.ok or not self.image_png or check_png(self.image_png, None) is not None:
            return None
        import io

        from PIL import Image

        return Image.open(io.BytesIO(self.image_png)).convert("RGB")

    @classmethod
    def failure(cls, error: str, code: str = "", seconds: float = 0.0, infra: bool = False) -> "RenderResult":
        """A failed render: the program's failure, or with `infra=True` ours (see `infra_error`)."""
        return cls(ok=False, error=error, code=code, seconds=seconds, rubric={"executable": 0.0}, infra_error=infra)


MAX_IMAGE_PIXELS = 60_000_000
"""The largest render the trainer decodes (pixels): a bigger image is refused before it is decompressed."""


def check_png(data: object, size: object) -> str | None:
    """Why `data` is not a PNG of `size` ``(width, height)`` that is safe to decode, or None when it is. Only the
    header is read, so a forged image cannot make the trainer decompress a bomb."""
    import io

    from PIL import Image

    if not isinstance(data, bytes) or not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "the render is not a PNG image"
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            width, height = image.size
    except Exception as error:
        return f"the render's PNG header cannot be read ({type(error).__name__})"
    if width * height > MAX_IMAGE_PIXELS:
        return f"the render is {width} x {height} px, over the {MAX_IMAGE_PIXELS:,}-pixel limit"
    if size is not None and tuple(size) != (width, height):
        return f"the render is {width} x {height} px, but its result claims {tuple(size)}"
    return None
