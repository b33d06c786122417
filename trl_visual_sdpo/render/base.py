"""The contract every domain renderer fulfils (`Renderer`), and the results it returns.

The results themselves (`RenderResult`, `Element`, `Defect`, the defect kinds) live on the ground floor, in
`trl_visual_sdpo.results`; they are re-exported here for renderer authors, who need both.
"""

from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

from trl_visual_sdpo.results import (  # noqa: F401 (re-exported for renderer authors)
    ATTRIBUTION_RUNTIME,
    BLANK,
    CLIPPED_TEXT,
    DATA_OVERLAP,
    DEFECT_KINDS,
    LOW_CONTRAST,
    MAX_IMAGE_PIXELS,
    MISALIGNED,
    OUT_OF_CANVAS,
    OVERFLOW,
    SMALL_TEXT,
    TEXT_OVERLAP,
    BBox,
    Defect,
    DefectKind,
    Element,
    RenderResult,
    check_png,
)


@runtime_checkable
class Renderer(Protocol):
    """A domain: turns programs into `RenderResult`s. Never raises for a bad program."""

    domain: str
    code_languages: tuple[str, ...]
    """Fence languages of the domain's programs (```python ... ```); empty: any fenced block, else the whole text."""

    # Optional (not part of the protocol's check): `repair_hints`, a dict from defect kind to what to change in the
    # domain's own terms, which the rubric shows with `VisualSDPOConfig(repair_hints=True)`.

    def render(self, code: str) -> RenderResult: ...

    def render_batch(self, codes: Sequence[str]) -> list[RenderResult]: ...

    def close(self) -> None:
        """Stop what the renderer keeps warm (sandbox workers, a browser, an office process)."""
